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

// Each tries `request` on models[0], models[1], ... through `next`, moving on when an error matches `on`;
// all failing gives AllProvidersFailedError. A stream that fails after it was handed back moves on (or
// not) as request.options.stream_fallback_mode says. Blocking or async, as `next` is.
void complete_with_fallback(CompletionRequest request, std::vector<std::string> models, FallbackOn on,
                            Middleware::CompleteNext next, Callback<CompletionResponse> done);
void stream_with_fallback(CompletionRequest request, std::vector<std::string> models, FallbackOn on,
                          Middleware::StreamNext next, Callback<Stream> done);
void embed_with_fallback(EmbeddingRequest request, std::vector<std::string> models, FallbackOn on,
                         Middleware::EmbedNext next, Callback<EmbeddingResponse> done);

// The fallback chain of a call given a list of models (completion({"a", "b"}, ...)) or made through a
// gate with a fallback_chain: the outermost step of the call's chain, trying exactly `models` in order
// with the request's Options::fallback_on.
std::shared_ptr<Middleware> model_chain(std::vector<std::string> models);

// The conversation sent to the next model in `resume` mode: the original messages, the text already
// delivered as an assistant turn, and a user turn asking to continue from exactly there.
std::vector<Message> resume_messages(const std::vector<Message>& original, const std::string& delivered);

}  // namespace llmgate::inline v1::detail
