// Runs an HTTP adapter's request building and reply parsing over the shared transport.
#include "providers/http_provider.hpp"

#include "providers/toolkit/deliver.hpp"
#include "providers/toolkit/json_request.hpp"
#include "transport/credential_scrub.hpp"

#include <deque>
#include <exception>
#include <functional>
#include <utility>

#include "llmgate/errors.hpp"

namespace llmgate::inline v1::detail {
namespace {

// The HTTP request `build` makes for `request` (a ChatRequest or EmbedRequest), carrying the call's
// CancelToken and reply size limit, where the transport applies them. Text the caller put inside a JSON value (tool parameters,
// options.extra, a schema) that is not valid UTF-8 cannot be encoded; that is the caller's error,
// reported as such. (Plain text fields are checked before dispatch; see core/dispatch.cpp.)
template <class Request, class Build>
HttpRequest encode(const std::string& provider, const Request& request, Build&& build) {
    try {
        HttpRequest http = build();
        http.cancel = request.options.cancel;
        http.max_response_bytes = request.options.max_response_bytes;  // 0: the transport's default
        return http;
    } catch (const json::type_error& e) {
        if (e.id != 316) throw;  // 316: invalid UTF-8
        throw InvalidRequestError(
            ErrorInfo{.provider = provider,
                      .model = request.model,
                      .message = std::string("the request cannot be encoded as JSON, some text in it is not valid "
                                             "UTF-8: ") +
                                 e.what()});
    }
}

// Runs a reply parser; a ResponseParseError it raises without a model (the OpenAI-format parsers take
// only the bytes) gets the request's, so every parse error names the model it came from.
template <class Parse>
auto with_model_on_parse_errors(const std::string& model, Parse&& parse) {
    try {
        return parse();
    } catch (const ResponseParseError& e) {
        if (!e.model().empty()) throw;
        ErrorInfo info = e.info();
        info.model = model;
        throw ResponseParseError(std::move(info));
    }
}

bool media_type_is(const std::string& content_type, std::string_view type) {
    return content_type.size() >= type.size() && content_type.compare(0, type.size(), type) == 0;
}

// Pulls body bytes through the provider's decoder, one chunk at a time, as the caller iterates.
class HttpChunkSource final : public ChunkSource {
public:
    HttpChunkSource(std::unique_ptr<BodyReader> body, std::unique_ptr<StreamDecoder> decoder, std::string provider,
                    std::string model, std::function<void(const HttpResponse&)> raise_error)
        : body_(std::move(body)),
          decoder_(std::move(decoder)),
          provider_(std::move(provider)),
          model_(std::move(model)),
          raise_error_(std::move(raise_error)) {}

    std::optional<StreamChunk> next() override {
        if (!checked_) {
            checked_ = true;
            reject_non_stream_reply();
        }
        while (ready_.empty()) {
            if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
            if (ended_) return std::nullopt;
            // Chunks decoded before a bad event (or a transport failure on a later read) are handed
            // out first; the error follows them, so nothing received is lost.
            try {
                if (fed_ < bytes_.size()) {
                    // One read may hold thousands of events (a fast server, a slow loop body): decode
                    // it a slice at a time, so the first chunk is handed out without waiting for the
                    // rest and the queue of decoded chunks stays small. Slices end after a newline
                    // when there is one, so an SSE line is rarely split.
                    std::size_t end = bytes_.find('\n', fed_ + kDecodeSlice);
                    end = end == std::string::npos ? bytes_.size() : end + 1;
                    const std::string_view slice(bytes_.data() + fed_, end - fed_);
                    fed_ = end;
                    decoder_->feed(slice, ready_);
                } else {
                    bytes_.clear();
                    fed_ = 0;
                    if (!body_->read(bytes_)) {
                        ended_ = true;
                        decoder_->finish(ready_);
                    }
                }
            } catch (...) {
                ended_ = true;
                if (ready_.empty()) throw;
                failure_ = std::current_exception();
            }
        }
        StreamChunk chunk = std::move(ready_.front());
        ready_.pop_front();
        if (chunk.provider.empty()) chunk.provider = provider_;
        return chunk;
    }

private:
    // A 200 reply that is not a stream at all: a proxy's HTML page, or an error object. Checked on the
    // first pull (in the caller's thread, never on the event loop, which must not block on a body).
    void reject_non_stream_reply() {
        const std::string content_type = body_->header("content-type");
        if (!media_type_is(content_type, "application/json") && !media_type_is(content_type, "text/html")) return;
        HttpResponse resp{body_->status(), body_->headers(), body_->read_all()};
        const json parsed = json::parse(resp.body, nullptr, false);
        if (parsed.is_object() && parsed.contains("error")) raise_error_(resp);  // ProviderAPIError, status 200
        throw ResponseParseError(
            ErrorInfo{.provider = provider_,
                      .model = model_,
                      .status = static_cast<int>(resp.status),
                      .message = "expected an event stream but got " + content_type + ": " + resp.body.substr(0, 200)});
    }

    std::unique_ptr<BodyReader> body_;
    std::unique_ptr<StreamDecoder> decoder_;
    std::string provider_;
    std::string model_;
    std::function<void(const HttpResponse&)> raise_error_;
    bool checked_ = false;
    std::deque<StreamChunk> ready_;
    static constexpr std::size_t kDecodeSlice = 4096;
    std::string bytes_;
    std::size_t fed_ = 0;  // how much of bytes_ the decoder has seen
    bool ended_ = false;
    std::exception_ptr failure_;  // raised once the chunks decoded before it have been handed out
};

}  // namespace

std::chrono::milliseconds HttpProvider::effective_timeout(std::chrono::milliseconds requested) {
    return call_timeout(requested);
}

HttpRequest HttpProvider::build_embed(const EmbedRequest& request) const {
    throw EmbeddingsNotSupported(
        ErrorInfo{.provider = name_, .model = request.model, .message = name_ + " does not offer an embeddings API"});
}

EmbeddingResponse HttpProvider::parse_embed(const EmbedRequest& request, HttpResponse&) const {
    (void)build_embed(request);
    return {};
}

CompletionResponse HttpProvider::finish_chat(const ChatRequest& request, HttpResponse& response) const {
    if (!is_success_status(response.status)) raise_http_error(request.model, response);
    CompletionResponse out = with_model_on_parse_errors(request.model, [&] { return parse_chat(request, response); });
    if (out.provider.empty()) out.provider = name_;
    return out;
}

EmbeddingResponse HttpProvider::finish_embed(const EmbedRequest& request, HttpResponse& response) const {
    if (!is_success_status(response.status)) raise_http_error(request.model, response);
    EmbeddingResponse out = with_model_on_parse_errors(request.model, [&] { return parse_embed(request, response); });
    if (out.provider.empty()) out.provider = name_;
    return out;
}

HttpRequest HttpProvider::batch_request(const ChatRequest& request) const {
    return encode(name_, request, [&] { return build_chat(request, false); });
}

CompletionResponse HttpProvider::batch_reply(const ChatRequest& request, HttpResponse& response) const {
    return finish_chat(request, response);
}

void HttpProvider::batch_error(const std::string& model, const HttpResponse& response) const {
    raise_http_error(model, response);
    // An override that returned would break its contract; the call still fails, typed.
    throw ProviderAPIError(ErrorInfo{.provider = name_, .model = model, .status = static_cast<int>(response.status),
                                     .message = "error reply", .body = response.body.substr(0, 512)});
}

// Buffered replies come back from the transport with an error body already scrubbed of the request's
// credentials (transport/credential_scrub.hpp), so these paths need not keep a copy of the keys.
std::optional<HttpRequest> HttpProvider::build_count_tokens(const ChatRequest& request) const {
    (void)request;
    return std::nullopt;
}

std::int64_t HttpProvider::parse_count_tokens(const std::string& model, const HttpResponse& response) const {
    (void)response;
    throw ResponseParseError(ErrorInfo{.provider = name_, .model = model, .message = "no token counting API"});
}

std::int64_t HttpProvider::count_field(const std::string& model, const HttpResponse& response,
                                      const char* field) const {
    const json j = json::parse(response.body, nullptr, false);
    if (!j.is_object() || !j.contains(field) || !j[field].is_number_integer())
        throw ResponseParseError(ErrorInfo{.provider = name_,
                                           .model = model,
                                           .status = static_cast<int>(response.status),
                                           .message = std::string("token count reply has no integer ") + field,
                                           .body = response.body.substr(0, 512)});
    return j[field].get<std::int64_t>();
}

std::optional<std::int64_t> HttpProvider::count_prompt_tokens(const ChatRequest& request) {
    std::optional<HttpRequest> http;
    {
        // encode() labels invalid UTF-8 as the caller's error, as for a completion.
        std::optional<HttpRequest> built = build_count_tokens(request);
        if (!built) return std::nullopt;
        http.emplace(encode(name_, request, [&] { return std::move(*built); }));
    }
    HttpResponse response = perform(std::move(*http));
    if (!is_success_status(response.status)) raise_http_error(request.model, response);
    return parse_count_tokens(request.model, response);
}

CompletionResponse HttpProvider::complete(const ChatRequest& request) {
    HttpResponse response = perform(encode(name_, request, [&] { return build_chat(request, false); }));
    return finish_chat(request, response);
}

EmbeddingResponse HttpProvider::embed(const EmbedRequest& request) {
    HttpResponse response = perform(encode(name_, request, [&] { return build_embed(request); }));
    return finish_embed(request, response);
}

void HttpProvider::complete_async(ChatRequest&& request, Callback<CompletionResponse> done) {
    std::optional<HttpRequest> http;
    try {
        http.emplace(encode(name_, request, [&] { return build_chat(request, false); }));
    } catch (...) {
        done(std::current_exception(), {});
        return;
    }
    // The request rides in the callback itself (std::function keeps it in the one allocation it makes
    // for the lambda anyway); it is never copied, only moved.
    perform_async(std::move(*http),
                  [this, req = std::move(request), done = std::move(done)](std::exception_ptr err, HttpResponse resp) {
                      if (err) return done(err, {});
                      deliver(done, [&] { return finish_chat(req, resp); });
                  });
}

void HttpProvider::embed_async(EmbedRequest request, Callback<EmbeddingResponse> done) {
    HttpRequest http;
    try {
        http = encode(name_, request, [&] { return build_embed(request); });
    } catch (...) {
        done(std::current_exception(), {});
        return;
    }
    auto req = std::make_shared<EmbedRequest>(std::move(request));
    perform_async(std::move(http),
                  [this, req = std::move(req), done = std::move(done)](std::exception_ptr err, HttpResponse resp) {
                      if (err) return done(err, {});
                      deliver(done, [&] { return finish_embed(*req, resp); });
                  });
}

Stream HttpProvider::make_stream(const ChatRequest& request, std::unique_ptr<BodyReader> body,
                                 const std::vector<std::string>& secrets) const {
    if (!is_success_status(body->status())) {
        HttpResponse resp{body->status(), body->headers(), body->read_all()};
        scrub_credentials(secrets, resp.body);
        raise_http_error(request.model, resp);
    }
    return Stream(std::make_unique<HttpChunkSource>(
        std::move(body), make_stream_decoder(request), name_, request.model,
        [this, model = request.model](const HttpResponse& resp) { raise_http_error(model, resp); }));
}

Stream HttpProvider::stream(const ChatRequest& request) {
    HttpRequest http = encode(name_, request, [&] { return build_chat(request, true); });
    http.streaming = true;
    const auto secrets = credential_values(http.headers);
    return make_stream(request, open(std::move(http)), secrets);
}

void HttpProvider::stream_async(ChatRequest request, Callback<Stream> ready) {
    HttpRequest http;
    try {
        http = encode(name_, request, [&] { return build_chat(request, true); });
    } catch (...) {
        ready(std::current_exception(), Stream(nullptr));
        return;
    }
    auto req = std::make_shared<ChatRequest>(std::move(request));
    auto secrets = credential_values(http.headers);
    open_async(std::move(http), [this, req, secrets = std::move(secrets), ready = std::move(ready)](
                                    std::exception_ptr err, std::unique_ptr<BodyReader> body) {
        if (err) return ready(err, Stream(nullptr));
        deliver(ready, [&] { return make_stream(*req, std::move(body), secrets); });
    });
}

}  // namespace llmgate::inline v1::detail
