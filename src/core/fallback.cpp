// Fallback chains for completion, embeddings and streams (sync and async).
#include "core/fallback.hpp"

#include <algorithm>
#include <future>

#include "core/stream_sources.hpp"  // carries_content

namespace llmgate::inline v1::detail {
namespace {

using ModelErrors = std::vector<AllProvidersFailedError::ModelError>;

bool default_on(const Error& e) {
    return dynamic_cast<const RateLimitError*>(&e) || dynamic_cast<const ProviderAPIError*>(&e) ||
           dynamic_cast<const AuthError*>(&e);
}

template <class Request>
Request for_model(Request request, const std::string& model) {
    request.model = model;
    return request;
}

template <class Response>
void note_attempts(Response& r, const ModelErrors& errors) {
    if constexpr (std::is_same_v<Response, CompletionResponse>) {
        r.fallback_attempts.clear();
        for (const auto& [model, _] : errors) r.fallback_attempts.push_back(model);
    }
}

std::exception_ptr no_models() {
    return std::make_exception_ptr(
        InvalidRequestError(ErrorInfo{.message = "a fallback chain needs at least one model"}));
}

// A stream that moves on to the next model when the current one fails. `open(request)` opens one
// candidate (synchronously: it runs on the caller's thread as it iterates).
class FallbackChunkSource final : public ChunkSource {
public:
    FallbackChunkSource(CompletionRequest request, std::vector<std::string> models, std::size_t current, Stream first,
                        FallbackOn on, ModelErrors errors, Middleware::StreamNext open)
        : request_(std::move(request)),
          models_(std::move(models)),
          current_(current),
          stream_(std::move(first)),
          on_(std::move(on)),
          errors_(std::move(errors)),
          open_(std::move(open)) {
        took_over_ = !errors_.empty();  // earlier models failed before their first chunk
    }

    std::optional<StreamChunk> next() override {
        for (;;) {
            try {
                auto chunk = stream_.next();
                if (chunk && took_over_) {
                    // The first chunk from the model that took over says so (and which models failed).
                    took_over_ = false;
                    for (const auto& [model, _] : errors_) chunk->fallback_attempts.push_back(model);
                    chunk->restarted = restart_pending_;
                    restart_pending_ = false;
                }
                if (chunk && carries_content(*chunk)) {
                    delivered_ = true;
                    delivered_text_ += chunk->delta;
                }
                return chunk;
            } catch (...) {
                auto e = std::current_exception();
                if (!should_fall_back(on_, e)) throw;
                errors_.emplace_back(models_[current_], e);
                if (delivered_ && request_.options.stream_fallback_mode == StreamFallbackMode::raise) throw;
                open_next();
            }
        }
    }

private:
    // Opens the following candidates until one accepts; all failing raises AllProvidersFailedError.
    void open_next() {
        CompletionRequest next = request_;
        if (delivered_ && request_.options.stream_fallback_mode == StreamFallbackMode::resume)
            next.messages = resume_messages(request_.messages, delivered_text_);
        while (++current_ < models_.size()) {
            try {
                stream_ = wait_for_stream(open_, for_model(next, models_[current_]));
                took_over_ = true;
                restart_pending_ = delivered_ && request_.options.stream_fallback_mode == StreamFallbackMode::restart;
                if (restart_pending_) delivered_text_.clear();
                return;
            } catch (...) {
                auto e = std::current_exception();
                if (!should_fall_back(on_, e)) throw;
                errors_.emplace_back(models_[current_], e);
            }
        }
        std::rethrow_exception(all_failed(models_, std::move(errors_)));
    }

    CompletionRequest request_;
    std::vector<std::string> models_;
    std::size_t current_;
    Stream stream_;
    FallbackOn on_;
    ModelErrors errors_;
    Middleware::StreamNext open_;
    bool delivered_ = false;
    std::string delivered_text_;
    bool took_over_ = false;        // the next chunk is the first from a model that took over
    bool restart_pending_ = false;  // ... and it starts the reply over (restart mode)
};

// Tries models[i], then the rest, each attempt started from the previous one's callback (inline for a
// blocking call, on the event loop for an async one).
template <class Request, class Result>
struct Attempts : std::enable_shared_from_this<Attempts<Request, Result>> {
    Request request;
    std::vector<std::string> models;
    FallbackOn on;
    Next<Request, Result> next;
    Callback<Result> done;
    ModelErrors errors{};

    Attempts(Request r, std::vector<std::string> m, FallbackOn o, Next<Request, Result> n, Callback<Result> d)
        : request(std::move(r)), models(std::move(m)), on(std::move(o)), next(std::move(n)), done(std::move(d)) {}

    void try_model(std::size_t i) {
        if (i == models.size()) {
            done(all_failed(models, std::move(errors)), empty_value<Result>());
            return;
        }
        auto self = this->shared_from_this();
        next(for_model(request, models[i]), [self, i](std::exception_ptr e, Result r) {
            if (!e) {
                self->succeeded(i, std::move(r));
                return;
            }
            if (!should_fall_back(self->on, e)) {
                self->done(e, empty_value<Result>());
                return;
            }
            self->errors.emplace_back(self->models[i], e);
            self->try_model(i + 1);
        });
    }

    void succeeded(std::size_t i, Result r) {
        if constexpr (std::is_same_v<Result, Stream>) {
            // Accepted: later failures (while the caller iterates) fall back inside the stream.
            done(nullptr, Stream(std::make_unique<FallbackChunkSource>(request, models, i, std::move(r), on,
                                                                       std::move(errors), next)));
        } else {
            note_attempts(r, errors);
            done(nullptr, std::move(r));
        }
    }
};

template <class Request, class Result>
void with_fallback(Request request, std::vector<std::string> models, FallbackOn on, Next<Request, Result> next,
                   Callback<Result> done) {
    if (models.empty()) {
        done(no_models(), empty_value<Result>());
        return;
    }
    std::make_shared<Attempts<Request, Result>>(std::move(request), std::move(models), std::move(on), std::move(next),
                                                std::move(done))
        ->try_model(0);
}

// The chain a list of models makes: exactly those models, in order.
class ModelChain final : public Middleware {
public:
    explicit ModelChain(std::vector<std::string> models) : models_(std::move(models)) {}

    void complete(CompletionRequest request, CompleteNext next, Callback<CompletionResponse> done) override {
        auto on = effective_fallback_on({}, request.options.fallback_on);
        with_fallback(std::move(request), models_, std::move(on), std::move(next), std::move(done));
    }
    void stream(CompletionRequest request, StreamNext next, Callback<Stream> done) override {
        auto on = effective_fallback_on({}, request.options.fallback_on);
        with_fallback(std::move(request), models_, std::move(on), std::move(next), std::move(done));
    }
    void embed(EmbeddingRequest request, EmbedNext next, Callback<EmbeddingResponse> done) override {
        with_fallback(std::move(request), models_, effective_fallback_on({}, {}), std::move(next), std::move(done));
    }

private:
    std::vector<std::string> models_;
};

}  // namespace

std::vector<std::string> fallback_candidates(const std::string& first, const std::vector<std::string>& rest) {
    std::vector<std::string> out;
    if (!first.empty()) out.push_back(first);
    for (const auto& m : rest)
        if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
    return out;
}

bool should_fall_back(const FallbackOn& on, const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const CancelledError&) {
        return false;  // the caller asked to stop: no other model either, whatever fallback_on says
    } catch (const Error& e) {
        return on ? on(e) : default_on(e);
    } catch (...) {
        return false;
    }
}

FallbackOn effective_fallback_on(const FallbackOn& explicit_on, const FallbackOn& from_options) {
    if (explicit_on) return explicit_on;
    if (from_options) return from_options;
    return default_on;
}

std::exception_ptr all_failed(const std::vector<std::string>& models, ModelErrors errors) {
    std::string joined, detail;
    for (const auto& m : models) joined += (joined.empty() ? "" : ", ") + m;
    for (const auto& [model, e] : errors) {
        std::string what = "unknown error";
        try {
            std::rethrow_exception(e);
        } catch (const Error& err) {
            what = std::string(err.type_name()) + ": " + err.what();
        } catch (const std::exception& err) {
            what = err.what();
        } catch (...) {
        }
        detail += (detail.empty() ? "" : "; ") + model + " (" + what + ")";
    }
    return std::make_exception_ptr(AllProvidersFailedError(
        ErrorInfo{.model = joined, .message = "all " + std::to_string(models.size()) + " models failed: " + detail},
        std::move(errors)));
}

std::vector<Message> resume_messages(const std::vector<Message>& original, const std::string& delivered) {
    std::vector<Message> out = original;
    out.push_back(Message::assistant(delivered));
    out.push_back(Message::user(
        "Your previous reply was cut off after the text above. Continue it from exactly where it stopped, "
        "without repeating anything already written and without any preamble."));
    return out;
}

void complete_with_fallback(CompletionRequest request, std::vector<std::string> models, FallbackOn on,
                            Middleware::CompleteNext next, Callback<CompletionResponse> done) {
    with_fallback(std::move(request), std::move(models), std::move(on), std::move(next), std::move(done));
}

void stream_with_fallback(CompletionRequest request, std::vector<std::string> models, FallbackOn on,
                          Middleware::StreamNext next, Callback<Stream> done) {
    with_fallback(std::move(request), std::move(models), std::move(on), std::move(next), std::move(done));
}

void embed_with_fallback(EmbeddingRequest request, std::vector<std::string> models, FallbackOn on,
                         Middleware::EmbedNext next, Callback<EmbeddingResponse> done) {
    with_fallback(std::move(request), std::move(models), std::move(on), std::move(next), std::move(done));
}

std::shared_ptr<Middleware> model_chain(std::vector<std::string> models) {
    return std::make_shared<ModelChain>(std::move(models));
}

}  // namespace llmgate::inline v1::detail
