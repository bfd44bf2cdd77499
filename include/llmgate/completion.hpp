// The completion facade: completion / stream / acompletion / astream, routed by model string.
#pragma once

#include <future>

#include "llmgate/arguments.hpp"
#include "llmgate/callback.hpp"
#include "llmgate/errors.hpp"
#include "llmgate/options.hpp"
#include "llmgate/stream.hpp"
#include "llmgate/types.hpp"

namespace llmgate::inline v1 {

// Sends the conversation to the provider the model string names ("gpt-4o-mini",
// "groq/llama-3.1-8b-instant", "mock/echo", ...) and returns the unified response. `messages` is a list
// of Message, a json array in the OpenAI dict shape, or a braced list of dict literals:
//   completion("gpt-4o-mini", {{{"role", "user"}, {"content", "Hi"}}});
//
// Fallback chains: completion({"gpt-4o-mini", "groq/llama-3.1-8b-instant"}, messages) tries each model
// in order, moving on when one fails with an Options::fallback_on error (default: RateLimitError,
// ProviderAPIError, AuthError). resp.fallback_attempts lists the models that failed; when all fail,
// AllProvidersFailedError carries each model's error. Per-call middleware (e.g. retry) applies to each
// candidate. Streams fall back before their first chunk transparently and mid-stream as
// Options::stream_fallback_mode says. See docs/middleware.md.
CompletionResponse completion(Models models, Messages messages, Options options = {});

// Streams the reply; see Stream.
Stream stream(Models models, Messages messages, Options options = {});

// Asynchronous forms. They run on llmgate's one shared event loop (a single background thread driving
// a libcurl multi handle), never a thread per call. The future holds the typed llmgate::Error on failure.
std::future<CompletionResponse> acompletion(Models models, Messages messages, Options options = {});
// Resolves once the provider has accepted the request (status and headers received); the chunks then
// arrive on the event loop and are handed to the caller as it iterates.
std::future<Stream> astream(Models models, Messages messages, Options options = {});

// Callback forms: no future and no waiting thread. `on_done` is called exactly once, on llmgate's event
// loop thread and never inside the initiating call (not even for an argument error), with the response or
// with the typed llmgate::Error. It must not block: a thread waiting inside it holds up every other call.
// In particular, never wait there for an llmgate future, and hand a Stream to another thread to iterate
// it (reading a stream on the loop thread raises InvalidRequestError instead of waiting for itself). An
// exception escaping the handler is caught and discarded, so the shared loop keeps serving every other call.
void acompletion(Models models, Messages messages, Options options, Callback<CompletionResponse> on_done);
// `on_ready` gets the stream once the provider has accepted the request, as astream()'s future would.
void astream(Models models, Messages messages, Options options, Callback<Stream> on_ready);

}  // namespace llmgate::inline v1
