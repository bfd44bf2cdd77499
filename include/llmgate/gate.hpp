// LLMGate: a configured client — middleware applied to every call, an optional fallback chain, batch.
#pragma once

#include <cstddef>
#include <future>
#include <string>
#include <vector>

#include "llmgate/batch.hpp"
#include "llmgate/completion.hpp"
#include "llmgate/embeddings.hpp"
#include "llmgate/middleware.hpp"
#include "llmgate/structured.hpp"

namespace llmgate::inline v1 {

// LLMGate gate({.middleware = {std::make_shared<RetryMiddleware>(3), std::make_shared<LoggingMiddleware>()},
//               .fallback_chain = {"gpt-4o-mini", "groq/llama-3.1-8b-instant"}});
// auto resp = gate.completion(messages);            // model optional: the chain is used
// auto resp2 = gate.completion("gpt-4o", messages);  // gpt-4o first, then the chain
//
// Order of application: the fallback chain is outermost, so the gate middleware (then per-call
// Options::middleware) run once for each candidate model — a RetryMiddleware retries each model
// before the next one is tried. A gate is immutable after construction and safe to share between threads.
struct GateConfig {
    MiddlewareList middleware{};                // outermost first
    std::vector<std::string> fallback_chain{};  // tried in order after the call's own model
    // The largest reply body a call through this gate accepts, where the call's options leave it 0
    // (Options / EmbedOptions::max_response_bytes); 0 = TransportSettings::max_response_bytes.
    std::size_t max_response_bytes = 0;
};

class LLMGate {
public:
    LLMGate() = default;
    explicit LLMGate(GateConfig config) : config_(std::move(config)) {}
    explicit LLMGate(MiddlewareList middleware, std::vector<std::string> fallback_chain = {})
        : config_{std::move(middleware), std::move(fallback_chain)} {}

    // The free functions' forms (llmgate/completion.hpp, embeddings.hpp, structured.hpp, batch.hpp), each
    // call run through the gate: its fallback chain after the call's own model(s), then its middleware.
    // An empty Models ({} or "") means the fallback chain's models only (InvalidRequestError when the
    // gate has none), as do the forms without a model.
    CompletionResponse completion(Models models, Messages messages, Options options = {}) const;
    Stream stream(Models models, Messages messages, Options options = {}) const;
    std::future<CompletionResponse> acompletion(Models models, Messages messages, Options options = {}) const;
    std::future<Stream> astream(Models models, Messages messages, Options options = {}) const;
    // Callback forms: the handler runs once on the event loop thread, never inside this call. They hold
    // their own copy of the gate's configuration.
    void acompletion(Models models, Messages messages, Options options, Callback<CompletionResponse> on_done) const;
    void astream(Models models, Messages messages, Options options, Callback<Stream> on_ready) const;

    // The fallback chain's models only.
    CompletionResponse completion(Messages messages, Options options = {}) const {
        return completion(Models(), std::move(messages), std::move(options));
    }
    Stream stream(Messages messages, Options options = {}) const {
        return stream(Models(), std::move(messages), std::move(options));
    }
    std::future<CompletionResponse> acompletion(Messages messages, Options options = {}) const {
        return acompletion(Models(), std::move(messages), std::move(options));
    }
    std::future<Stream> astream(Messages messages, Options options = {}) const {
        return astream(Models(), std::move(messages), std::move(options));
    }
    void acompletion(Messages messages, Options options, Callback<CompletionResponse> on_done) const {
        acompletion(Models(), std::move(messages), std::move(options), std::move(on_done));
    }
    void astream(Messages messages, Options options, Callback<Stream> on_ready) const {
        astream(Models(), std::move(messages), std::move(options), std::move(on_ready));
    }

    // Embeddings through the gate middleware (and the fallback chain, when set). Long input lists are
    // split to the provider's batch limit first; each part goes through the middleware.
    EmbeddingResponse embed(Models models, EmbedInputs inputs, EmbedOptions options = {}) const;
    std::future<EmbeddingResponse> aembed(Models models, EmbedInputs inputs, EmbedOptions options = {}) const;
    void aembed(Models models, EmbedInputs inputs, EmbedOptions options, Callback<EmbeddingResponse> on_done) const;

    // Structured output through the gate: the reply parsed into T (see llmgate/structured.hpp).
    template <class T>
    T parse(Models models, Messages messages, Options options = {}) const {
        if (!options.response_format) options.response_format = response_format<T>();
        return completion(std::move(models), std::move(messages), std::move(options)).template parsed<T>();
    }
    template <class T>
    std::future<T> aparse(Models models, Messages messages, Options options = {}) const {
        if (!options.response_format) options.response_format = response_format<T>();
        auto promise = std::make_shared<std::promise<T>>();
        std::future<T> future = promise->get_future();
        acompletion(std::move(models), std::move(messages), std::move(options), detail::fulfil_parsed(promise));
        return future;
    }

    // Every request through the gate (fallback chain, gate middleware, then BatchOptions::middleware).
    BatchResult batch(BatchRequests requests, const BatchOptions& options = {}) const;
    std::future<BatchResult> abatch(BatchRequests requests, const BatchOptions& options = {}) const;
    // Requests made on demand, as the free batch(count, make_request).
    BatchResult batch(std::size_t count, RequestMaker make_request, const BatchOptions& options = {}) const;
    std::future<BatchResult> abatch(std::size_t count, RequestMaker make_request,
                                    const BatchOptions& options = {}) const;

    const GateConfig& config() const noexcept { return config_; }

private:
    GateConfig config_{};
};

}  // namespace llmgate::inline v1
