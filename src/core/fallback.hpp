// Fallback chains: try each model in order, moving on when its error is one of `fallback_on`.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/chain.hpp"
#include "llmgate/errors.hpp"
#include "llmgate/middleware.hpp"

namespace llmgate::inline v1::detail {

using FallbackOn = std::function<bool(const Error&)>;

// The models a chain tries: `first` (when not empty) then `rest`, without repeating a model.
std::vector<std::string> fallback_candidates(const std::string& first, const std::vector<std::string>& rest);
// Whether `error` (an exception_ptr) moves the chain on. Non-llmgate exceptions never do.
bool should_fall_back(const FallbackOn& on, const std::exception_ptr& error);
// AllProvidersFailedError listing each model's error.
std::exception_ptr all_failed(const std::vector<std::string>& models,
                              std::vector<AllProvidersFailedError::ModelError> errors);
// The predicate in force: the explicit one, else the request's Options::fallback_on, else the default.
FallbackOn effective_fallback_on(const FallbackOn& explicit_on, const FallbackOn& from_options);

CompletionResponse complete_with_fallback(const CompletionRequest& request, const std::vector<std::string>& models,
                                          const FallbackOn& on, const Middleware::CompleteNext& attempt);
void complete_with_fallback_async(CompletionRequest request, std::vector<std::string> models, FallbackOn on,
                                  Callback<CompletionResponse> done, Middleware::CompleteAsyncNext attempt);
EmbeddingResponse embed_with_fallback(const EmbeddingRequest& request, const std::vector<std::string>& models,
                                      const FallbackOn& on, const Middleware::EmbedNext& attempt);
void embed_with_fallback_async(EmbeddingRequest request, std::vector<std::string> models, FallbackOn on,
                               Callback<EmbeddingResponse> done, Middleware::EmbedAsyncNext attempt);
// Streams: a failure before the first chunk moves on transparently; after it, request.options
// .stream_fallback_mode decides (raise / restart / resume).
Stream stream_with_fallback(const CompletionRequest& request, const std::vector<std::string>& models,
                            const FallbackOn& on, Middleware::StreamNext attempt);
void stream_with_fallback_async(CompletionRequest request, std::vector<std::string> models, FallbackOn on,
                                Callback<Stream> ready, Middleware::StreamAsyncNext attempt);

// The conversation sent to the next model in `resume` mode: the original messages, the text already
// delivered as an assistant turn, and a user turn asking to continue from exactly there.
std::vector<Message> resume_messages(const std::vector<Message>& original, const std::string& delivered);

}  // namespace llmgate::detail
