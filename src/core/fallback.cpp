// Fallback chains for completion, embeddings and streams (sync and async).
#include "core/fallback.hpp"

#include <algorithm>
#include <future>

#include "core/stream_puller.hpp"

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

template <class Request, class Response>
Response sync_chain(const Request& request, const std::vector<std::string>& models, const FallbackOn& on,
                    const std::function<Response(const Request&)>& attempt) {
    if (models.empty()) std::rethrow_exception(no_models());
    ModelErrors errors;
    for (const auto& model : models) {
        try {
            Response r = attempt(for_model(request, model));
            note_attempts(r, errors);
            return r;
        } catch (...) {
            auto e = std::current_exception();
            if (!should_fall_back(on, e)) throw;
            errors.emplace_back(model, e);
        }
    }
    std::rethrow_exception(all_failed(models, std::move(errors)));
}

// Tries models[i], then the rest, each started from the previous one's callback.
template <class Request, class Response>
struct AsyncChain : std::enable_shared_from_this<AsyncChain<Request, Response>> {
    Request request;
    std::vector<std::string> models;
    FallbackOn on;
    Callback<Response> done;
    std::function<void(Request, Callback<Response>)> attempt;
    ModelErrors errors;

    void try_model(std::size_t i) {
        if (i == models.size()) {
            done(all_failed(models, std::move(errors)), empty_value<Response>());
            return;
        }
        auto self = this->shared_from_this();
        attempt(for_model(request, models[i]), [self, i](std::exception_ptr e, Response r) {
            if (!e) {
                note_attempts(r, self->errors);
                self->done(nullptr, std::move(r));
                return;
            }
            if (!should_fall_back(self->on, e)) {
                self->done(e, empty_value<Response>());
                return;
            }
            self->errors.emplace_back(self->models[i], e);
            self->try_model(i + 1);
        });
    }
};

template <class Request, class Response>
void async_chain(Request request, std::vector<std::string> models, FallbackOn on, Callback<Response> done,
                 std::function<void(Request, Callback<Response>)> attempt) {
    if (models.empty()) {
        done(no_models(), empty_value<Response>());
        return;
    }
    auto chain = std::make_shared<AsyncChain<Request, Response>>();
    chain->request = std::move(request);
    chain->models = std::move(models);
    chain->on = std::move(on);
    chain->done = once(std::move(done));
    chain->attempt = std::move(attempt);
    chain->try_model(0);
}

// A stream that moves on to the next model when the current one fails. `open(request)` opens one
// candidate (synchronously: it runs on the caller's thread as it iterates).
class FallbackChunkSource final : public ChunkSource {
public:
    FallbackChunkSource(CompletionRequest request, std::vector<std::string> models, std::size_t current, Stream first,
                        FallbackOn on, ModelErrors errors, std::function<Stream(const CompletionRequest&)> open)
        : request_(std::move(request)),
          models_(std::move(models)),
          current_(current),
          puller_(std::make_unique<StreamPuller>(std::move(first))),
          on_(std::move(on)),
          errors_(std::move(errors)),
          open_(std::move(open)) {
        took_over_ = !errors_.empty();  // earlier models failed before their first chunk
    }

    std::optional<StreamChunk> next() override {
        for (;;) {
            try {
                auto chunk = puller_->next();
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
                puller_ = std::make_unique<StreamPuller>(open_(for_model(next, models_[current_])));
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
    std::unique_ptr<StreamPuller> puller_;
    FallbackOn on_;
    ModelErrors errors_;
    std::function<Stream(const CompletionRequest&)> open_;
    bool delivered_ = false;
    std::string delivered_text_;
    bool took_over_ = false;        // the next chunk is the first from a model that took over
    bool restart_pending_ = false;  // ... and it starts the reply over (restart mode)
};

std::function<Stream(const CompletionRequest&)> blocking(Middleware::StreamAsyncNext attempt) {
    return [attempt = std::move(attempt)](const CompletionRequest& r) { return wait_for_stream(attempt, r); };
}

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

CompletionResponse complete_with_fallback(const CompletionRequest& request, const std::vector<std::string>& models,
                                          const FallbackOn& on, const Middleware::CompleteNext& attempt) {
    return sync_chain<CompletionRequest, CompletionResponse>(request, models, on, attempt);
}

void complete_with_fallback_async(CompletionRequest request, std::vector<std::string> models, FallbackOn on,
                                  Callback<CompletionResponse> done, Middleware::CompleteAsyncNext attempt) {
    async_chain<CompletionRequest, CompletionResponse>(std::move(request), std::move(models), std::move(on),
                                                       std::move(done), std::move(attempt));
}

EmbeddingResponse embed_with_fallback(const EmbeddingRequest& request, const std::vector<std::string>& models,
                                      const FallbackOn& on, const Middleware::EmbedNext& attempt) {
    return sync_chain<EmbeddingRequest, EmbeddingResponse>(request, models, on, attempt);
}

void embed_with_fallback_async(EmbeddingRequest request, std::vector<std::string> models, FallbackOn on,
                               Callback<EmbeddingResponse> done, Middleware::EmbedAsyncNext attempt) {
    async_chain<EmbeddingRequest, EmbeddingResponse>(std::move(request), std::move(models), std::move(on),
                                                     std::move(done), std::move(attempt));
}

Stream stream_with_fallback(const CompletionRequest& request, const std::vector<std::string>& models,
                            const FallbackOn& on, Middleware::StreamNext attempt) {
    if (models.empty()) std::rethrow_exception(no_models());
    ModelErrors errors;
    for (std::size_t i = 0; i < models.size(); ++i) {
        try {
            Stream first = attempt(for_model(request, models[i]));
            return Stream(std::make_unique<FallbackChunkSource>(request, models, i, std::move(first), on,
                                                                std::move(errors), std::move(attempt)));
        } catch (...) {
            auto e = std::current_exception();
            if (!should_fall_back(on, e)) throw;
            errors.emplace_back(models[i], e);
        }
    }
    std::rethrow_exception(all_failed(models, std::move(errors)));
}

void stream_with_fallback_async(CompletionRequest request, std::vector<std::string> models, FallbackOn on,
                                Callback<Stream> ready, Middleware::StreamAsyncNext attempt) {
    if (models.empty()) {
        ready(no_models(), Stream(nullptr));
        return;
    }
    // Opening: the async chain over candidates; once one accepts, wrap it so later failures fall back.
    struct Opened {
        CompletionRequest request;
        std::vector<std::string> models;
        FallbackOn on;
        Callback<Stream> ready;
        Middleware::StreamAsyncNext attempt;
        ModelErrors errors;
    };
    auto st = std::make_shared<Opened>(Opened{request, models, on, once(std::move(ready)), attempt, {}});
    auto try_model = std::make_shared<std::function<void(std::size_t)>>();
    std::weak_ptr<std::function<void(std::size_t)>> weak = try_model;
    *try_model = [st, weak](std::size_t i) {
        if (i == st->models.size()) {
            st->ready(all_failed(st->models, std::move(st->errors)), Stream(nullptr));
            return;
        }
        auto self = weak.lock();
        st->attempt(for_model(st->request, st->models[i]), [st, self, i](std::exception_ptr e, Stream s) {
            if (!e) {
                st->ready(nullptr,
                          Stream(std::make_unique<FallbackChunkSource>(st->request, st->models, i, std::move(s), st->on,
                                                                       std::move(st->errors), blocking(st->attempt))));
                return;
            }
            if (!should_fall_back(st->on, e)) {
                st->ready(e, Stream(nullptr));
                return;
            }
            st->errors.emplace_back(st->models[i], e);
            if (self) (*self)(i + 1);
        });
    };
    (*try_model)(0);
}

}  // namespace llmgate::detail
