// FallbackMiddleware: when the request's model fails with a fallback_on error, try the next model.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "llmgate/errors.hpp"
#include "llmgate/middleware.hpp"

namespace llmgate::inline v1 {

// A fallback_on predicate matching any of the given error classes (and their subclasses):
// .fallback_on = llmgate::fallback_on_errors<RateLimitError>()  — only rate limits move on.
template <class... Errors>
std::function<bool(const Error&)> fallback_on_errors() {
    return [](const Error& e) { return (... || (dynamic_cast<const Errors*>(&e) != nullptr)); };
}

// Tries the request's own model first, then `models` in order. Moves on when an error matches
// `fallback_on` (when empty: the request's Options::fallback_on, else RateLimitError, ProviderAPIError,
// AuthError); any other error is raised at once. All failing raises AllProvidersFailedError.
// Middleware listed after this one (inner) run for each candidate; middleware before it (outer) once
// around the whole chain. Streams follow Options::stream_fallback_mode. Embeddings fall back too.
class FallbackMiddleware : public Middleware {
public:
    explicit FallbackMiddleware(std::vector<std::string> models, std::function<bool(const Error&)> fallback_on = {})
        : models_(std::move(models)), fallback_on_(std::move(fallback_on)) {}

    void complete(CompletionRequest request, CompleteNext next, Callback<CompletionResponse> done) override;
    void stream(CompletionRequest request, StreamNext next, Callback<Stream> done) override;
    void embed(EmbeddingRequest request, EmbedNext next, Callback<EmbeddingResponse> done) override;

    const std::vector<std::string>& models() const noexcept { return models_; }

private:
    std::vector<std::string> models_;
    std::function<bool(const Error&)> fallback_on_;
};

}  // namespace llmgate::inline v1
