// FallbackMiddleware: the fallback chain (core/fallback.cpp) with the request's model first.
#include "llmgate/middleware/fallback.hpp"

#include "core/fallback.hpp"

namespace llmgate::inline v1 {

void FallbackMiddleware::complete(CompletionRequest request, CompleteNext next, Callback<CompletionResponse> done) {
    auto models = detail::fallback_candidates(request.model, models_);
    auto on = detail::effective_fallback_on(fallback_on_, request.options.fallback_on);
    detail::complete_with_fallback(std::move(request), std::move(models), std::move(on), std::move(next),
                                   std::move(done));
}

void FallbackMiddleware::stream(CompletionRequest request, StreamNext next, Callback<Stream> done) {
    auto models = detail::fallback_candidates(request.model, models_);
    auto on = detail::effective_fallback_on(fallback_on_, request.options.fallback_on);
    detail::stream_with_fallback(std::move(request), std::move(models), std::move(on), std::move(next),
                                 std::move(done));
}

void FallbackMiddleware::embed(EmbeddingRequest request, EmbedNext next, Callback<EmbeddingResponse> done) {
    auto models = detail::fallback_candidates(request.model, models_);
    detail::embed_with_fallback(std::move(request), std::move(models), detail::effective_fallback_on(fallback_on_, {}),
                                std::move(next), std::move(done));
}

}  // namespace llmgate::inline v1
