// FallbackMiddleware: the fallback chain (core/fallback.cpp) with the request's model first.
#include "llmgate/middleware/fallback.hpp"

#include "core/fallback.hpp"

namespace llmgate::inline v1 {

CompletionResponse FallbackMiddleware::complete(const CompletionRequest& request, const CompleteNext& next) {
    return detail::complete_with_fallback(request, detail::fallback_candidates(request.model, models_),
                                          detail::effective_fallback_on(fallback_on_, request.options.fallback_on),
                                          next);
}

void FallbackMiddleware::complete_async(CompletionRequest request, Callback<CompletionResponse> done,
                                        CompleteAsyncNext next) {
    auto models = detail::fallback_candidates(request.model, models_);
    auto on = detail::effective_fallback_on(fallback_on_, request.options.fallback_on);
    detail::complete_with_fallback_async(std::move(request), std::move(models), std::move(on), std::move(done),
                                         std::move(next));
}

Stream FallbackMiddleware::stream(const CompletionRequest& request, const StreamNext& next) {
    return detail::stream_with_fallback(request, detail::fallback_candidates(request.model, models_),
                                        detail::effective_fallback_on(fallback_on_, request.options.fallback_on), next);
}

void FallbackMiddleware::stream_async(CompletionRequest request, Callback<Stream> ready, StreamAsyncNext next) {
    auto models = detail::fallback_candidates(request.model, models_);
    auto on = detail::effective_fallback_on(fallback_on_, request.options.fallback_on);
    detail::stream_with_fallback_async(std::move(request), std::move(models), std::move(on), std::move(ready),
                                       std::move(next));
}

EmbeddingResponse FallbackMiddleware::embed(const EmbeddingRequest& request, const EmbedNext& next) {
    return detail::embed_with_fallback(request, detail::fallback_candidates(request.model, models_),
                                       detail::effective_fallback_on(fallback_on_, {}), next);
}

void FallbackMiddleware::embed_async(EmbeddingRequest request, Callback<EmbeddingResponse> done, EmbedAsyncNext next) {
    auto models = detail::fallback_candidates(request.model, models_);
    detail::embed_with_fallback_async(std::move(request), std::move(models),
                                      detail::effective_fallback_on(fallback_on_, {}), std::move(done),
                                      std::move(next));
}

}  // namespace llmgate
