// Base for providers reached over HTTP: the adapter supplies request building and reply parsing;
// this class runs them over the shared transport, sync or async, buffered or streamed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "providers/provider.hpp"
#include "providers/stream_decoder.hpp"
#include "transport/http.hpp"

namespace llmgate::inline v1::detail {

class HttpProvider : public Provider {
public:
    explicit HttpProvider(std::string name) : name_(std::move(name)) {}
    const std::string& name() const override { return name_; }

    CompletionResponse complete(const ChatRequest& request) override;
    void complete_async(ChatRequest&& request, Callback<CompletionResponse> done) override;
    Stream stream(const ChatRequest& request) override;
    void stream_async(ChatRequest request, Callback<Stream> ready) override;
    EmbeddingResponse embed(const EmbedRequest& request) override;
    void embed_async(EmbedRequest request, Callback<EmbeddingResponse> done) override;
    std::optional<std::int64_t> count_prompt_tokens(const ChatRequest& request) override;
    // Fetches build_list_models' pages until parse_list_models gives no next page token.
    std::vector<ModelInfo> list_models(const ListModelsOptions& options) override;

    // For the providers' batch APIs (src/providers/batch/): the request completion() would send for
    // `request` (never streamed; invalid UTF-8 is InvalidRequestError as for a completion), so a batch line
    // carries exactly that body, URL and auth; and one batch result read as completion() reads a reply: a
    // non-2xx status raises this adapter's typed error, a 2xx body is parsed by parse_chat.
    HttpRequest batch_request(const ChatRequest& request) const;
    CompletionResponse batch_reply(const ChatRequest& request, HttpResponse& response) const;
    // The adapter's typed error for a non-2xx reply of one of its batch API calls.
    [[noreturn]] void batch_error(const std::string& model, const HttpResponse& response) const;

protected:
    // What an adapter implements. build_* may throw (missing key, bad arguments); parse_* receive only
    // 2xx replies and throw ResponseParseError on malformed bodies. parse_chat may take response.body
    // (into the reply's `raw`) once it has parsed it: nothing reads the body after parse_chat.
    virtual HttpRequest build_chat(const ChatRequest& request, bool stream) const = 0;
    virtual CompletionResponse parse_chat(const ChatRequest& request, HttpResponse& response) const = 0;
    virtual std::unique_ptr<StreamDecoder> make_stream_decoder(const ChatRequest& request) const = 0;
    // Default: EmbeddingsNotSupported.
    virtual HttpRequest build_embed(const EmbedRequest& request) const;
    virtual EmbeddingResponse parse_embed(const EmbedRequest& request, HttpResponse& response) const;
    // Token counting (count_prompt_tokens): the request to the provider's counting endpoint, nullopt (the
    // default) when it has none; and the count read from its 2xx reply (ResponseParseError if absent).
    virtual std::optional<HttpRequest> build_count_tokens(const ChatRequest& request) const;
    virtual std::int64_t parse_count_tokens(const std::string& model, const HttpResponse& response) const;
    // The integer `field` of a counting reply's JSON object (ResponseParseError naming it when absent).
    std::int64_t count_field(const std::string& model, const HttpResponse& response, const char* field) const;
    // Model listing (list_models): the GET of one page (`page_token` "" = the first), nullopt (the default)
    // when the provider has no models endpoint; and that page's models appended to `out` from its 2xx reply,
    // returning the next page's token ("" = that was the last page).
    virtual std::optional<HttpRequest> build_list_models(const ListModelsOptions& options,
                                                         const std::string& page_token) const;
    virtual std::string parse_list_models(const HttpResponse& response, std::vector<ModelInfo>& out) const;
    // A GET of `url` labelled with this provider, with the options' timeout, limits and cancel token and
    // Accept: application/json; the adapter adds its auth, list_models the caller's extra headers last.
    HttpRequest models_get(std::string url, const ListModelsOptions& options) const;
    // Throws the typed error for a non-2xx reply (status, provider message, request id, retry-after).
    [[noreturn]] virtual void raise_http_error(const std::string& model, const HttpResponse& response) const = 0;

    // Timeout from options (0 → the 600 s default the official SDKs use).
    static std::chrono::milliseconds effective_timeout(std::chrono::milliseconds requested);

private:
    CompletionResponse finish_chat(const ChatRequest& request, HttpResponse& response) const;
    EmbeddingResponse finish_embed(const EmbedRequest& request, HttpResponse& response) const;
    Stream make_stream(const ChatRequest& request, std::unique_ptr<BodyReader> body,
                       const std::vector<std::string>& secrets) const;

    std::string name_;
};

}  // namespace llmgate::detail
