// LLMGate: a configured client — middleware applied to every call, an optional fallback chain, batch.
#pragma once

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
};

class LLMGate {
public:
    LLMGate() = default;
    explicit LLMGate(GateConfig config) : config_(std::move(config)) {}
    explicit LLMGate(MiddlewareList middleware, std::vector<std::string> fallback_chain = {})
        : config_{std::move(middleware), std::move(fallback_chain)} {}

    CompletionResponse completion(const std::string& model, const std::vector<Message>& messages,
                                  const Options& options = {}) const;
    CompletionResponse completion(const std::string& model, const json& messages, const Options& options = {}) const;
    // The fallback chain's models only (InvalidRequestError when the gate has none).
    CompletionResponse completion(const std::vector<Message>& messages, const Options& options = {}) const;
    CompletionResponse completion(const json& messages, const Options& options = {}) const;

    std::future<CompletionResponse> acompletion(const std::string& model, const std::vector<Message>& messages,
                                                const Options& options = {}) const;
    std::future<CompletionResponse> acompletion(const std::vector<Message>& messages,
                                                const Options& options = {}) const;
    // Callback forms, as the free functions' (llmgate/completion.hpp): the handler runs once on the event
    // loop thread, never inside this call. They hold their own copy of the gate's configuration.
    void acompletion(const std::string& model, const std::vector<Message>& messages, const Options& options,
                     Callback<CompletionResponse> on_done) const;
    void acompletion(const std::vector<Message>& messages, const Options& options,
                     Callback<CompletionResponse> on_done) const;

    Stream stream(const std::string& model, const std::vector<Message>& messages, const Options& options = {}) const;
    Stream stream(const std::vector<Message>& messages, const Options& options = {}) const;
    std::future<Stream> astream(const std::string& model, const std::vector<Message>& messages,
                                const Options& options = {}) const;
    std::future<Stream> astream(const std::vector<Message>& messages, const Options& options = {}) const;
    void astream(const std::string& model, const std::vector<Message>& messages, const Options& options,
                 Callback<Stream> on_ready) const;
    void astream(const std::vector<Message>& messages, const Options& options, Callback<Stream> on_ready) const;

    // Embeddings through the gate middleware (and the fallback chain, when set). Long input lists are
    // split to the provider's batch limit first; each part goes through the middleware.
    EmbeddingResponse embed(const std::string& model, const std::vector<std::string>& inputs,
                            const EmbedOptions& options = {}) const;
    EmbeddingResponse embed(const std::string& model, const std::string& input, const EmbedOptions& options = {}) const;
    std::future<EmbeddingResponse> aembed(const std::string& model, const std::vector<std::string>& inputs,
                                          const EmbedOptions& options = {}) const;
    std::future<EmbeddingResponse> aembed(const std::string& model, const std::string& input,
                                          const EmbedOptions& options = {}) const;
    void aembed(const std::string& model, const std::vector<std::string>& inputs, const EmbedOptions& options,
                Callback<EmbeddingResponse> on_done) const;
    void aembed(const std::string& model, const std::string& input, const EmbedOptions& options,
                Callback<EmbeddingResponse> on_done) const;

    // Structured output through the gate: the reply parsed into T (see llmgate/structured.hpp).
    template <class T>
    T parse(const std::string& model, const std::vector<Message>& messages, Options options = {}) const {
        if (!options.response_format) options.response_format = response_format<T>();
        return completion(model, messages, options).template parsed<T>();
    }

    // Every request through the gate (fallback chain, gate middleware, then BatchOptions::middleware).
    // Requests by value, as the free batch(): pass std::move(requests) to avoid a copy of the list.
    BatchResult batch(std::vector<CompletionRequest> requests, const BatchOptions& options = {}) const;
    BatchResult batch(const json& requests, const BatchOptions& options = {}) const;
    std::future<BatchResult> abatch(std::vector<CompletionRequest> requests, const BatchOptions& options = {}) const;
    std::future<BatchResult> abatch(const json& requests, const BatchOptions& options = {}) const;
    // Requests made on demand, as the free batch(count, make_request).
    BatchResult batch(std::size_t count, RequestMaker make_request, const BatchOptions& options = {}) const;
    std::future<BatchResult> abatch(std::size_t count, RequestMaker make_request,
                                    const BatchOptions& options = {}) const;

    const GateConfig& config() const noexcept { return config_; }

private:
    GateConfig config_{};
};

}  // namespace llmgate
