// The completion facade: completion / acompletion / stream / astream, routed by model string.
#pragma once

#include <future>
#include <initializer_list>
#include <string>
#include <vector>

#include "llmgate/callback.hpp"
#include "llmgate/errors.hpp"
#include "llmgate/options.hpp"
#include "llmgate/stream.hpp"
#include "llmgate/types.hpp"

namespace llmgate::inline v1 {

// Sends the conversation to the provider the model string names ("gpt-4o-mini",
// "groq/llama-3.1-8b-instant", "mock/echo", ...) and returns the unified response.
CompletionResponse completion(const std::string& model, const std::vector<Message>& messages,
                              const Options& options = {});
// Messages in the OpenAI dict shape: [{"role": "user", "content": "Hi"}].
CompletionResponse completion(const std::string& model, const json& messages, const Options& options = {});

// Streams the reply; see Stream.
Stream stream(const std::string& model, const std::vector<Message>& messages, const Options& options = {});
Stream stream(const std::string& model, const json& messages, const Options& options = {});

// Asynchronous forms. They run on llmgate's one shared event loop (a single background thread driving
// a libcurl multi handle), never a thread per call. The future holds the typed llmgate::Error on failure.
std::future<CompletionResponse> acompletion(const std::string& model, const std::vector<Message>& messages,
                                            const Options& options = {});
std::future<CompletionResponse> acompletion(const std::string& model, const json& messages,
                                            const Options& options = {});
// Resolves once the provider has accepted the request (status and headers received); the chunks then
// arrive on the event loop and are handed to the caller as it iterates.
std::future<Stream> astream(const std::string& model, const std::vector<Message>& messages,
                            const Options& options = {});
std::future<Stream> astream(const std::string& model, const json& messages, const Options& options = {});

// Callback forms: no future and no waiting thread. `on_done` is called exactly once, on llmgate's event
// loop thread and never inside the initiating call (not even for an argument error), with the response or
// with the typed llmgate::Error. It must not block: a thread waiting inside it holds up every other call.
// In particular, never wait there for an llmgate future, and hand a Stream to another thread to iterate
// it (reading a stream on the loop thread raises InvalidRequestError instead of waiting for itself). An
// exception escaping the handler is caught and discarded, so the shared loop keeps serving every other call.
void acompletion(const std::string& model, const std::vector<Message>& messages, const Options& options,
                 Callback<CompletionResponse> on_done);
void acompletion(const std::string& model, const json& messages, const Options& options,
                 Callback<CompletionResponse> on_done);
// `on_ready` gets the stream once the provider has accepted the request, as astream()'s future would.
void astream(const std::string& model, const std::vector<Message>& messages, const Options& options,
             Callback<Stream> on_ready);
void astream(const std::string& model, const json& messages, const Options& options, Callback<Stream> on_ready);

// Fallback chains: completion({"gpt-4o-mini", "groq/llama-3.1-8b-instant", "gemini-2.5-flash-lite"}, messages)
// tries each model in order, moving on when one fails with an Options::fallback_on error (default:
// RateLimitError, ProviderAPIError, AuthError). resp.fallback_attempts lists the models that failed; when
// all fail, AllProvidersFailedError carries each model's error. Per-call middleware (e.g. retry) applies
// to each candidate. Streams fall back before their first chunk transparently and mid-stream as
// Options::stream_fallback_mode says. See docs/middleware.md.
CompletionResponse completion(const std::vector<std::string>& models, const std::vector<Message>& messages,
                              const Options& options = {});
CompletionResponse completion(const std::vector<std::string>& models, const json& messages,
                              const Options& options = {});
Stream stream(const std::vector<std::string>& models, const std::vector<Message>& messages,
              const Options& options = {});
Stream stream(const std::vector<std::string>& models, const json& messages, const Options& options = {});
std::future<CompletionResponse> acompletion(const std::vector<std::string>& models,
                                            const std::vector<Message>& messages, const Options& options = {});
std::future<CompletionResponse> acompletion(const std::vector<std::string>& models, const json& messages,
                                            const Options& options = {});
std::future<Stream> astream(const std::vector<std::string>& models, const std::vector<Message>& messages,
                            const Options& options = {});
std::future<Stream> astream(const std::vector<std::string>& models, const json& messages, const Options& options = {});
// Fallback chains with a completion handler (see the callback forms above).
void acompletion(const std::vector<std::string>& models, const std::vector<Message>& messages, const Options& options,
                 Callback<CompletionResponse> on_done);
void acompletion(const std::vector<std::string>& models, const json& messages, const Options& options,
                 Callback<CompletionResponse> on_done);
void astream(const std::vector<std::string>& models, const std::vector<Message>& messages, const Options& options,
             Callback<Stream> on_ready);
void astream(const std::vector<std::string>& models, const json& messages, const Options& options,
             Callback<Stream> on_ready);

// A braced list of two model names would otherwise also match std::string's (first, last) constructor.
inline CompletionResponse completion(std::initializer_list<std::string> models, const std::vector<Message>& messages,
                                     const Options& options = {}) {
    return completion(std::vector<std::string>(models), messages, options);
}
inline CompletionResponse completion(std::initializer_list<std::string> models, const json& messages,
                                     const Options& options = {}) {
    return completion(std::vector<std::string>(models), messages, options);
}
inline Stream stream(std::initializer_list<std::string> models, const std::vector<Message>& messages,
                     const Options& options = {}) {
    return stream(std::vector<std::string>(models), messages, options);
}
inline Stream stream(std::initializer_list<std::string> models, const json& messages, const Options& options = {}) {
    return stream(std::vector<std::string>(models), messages, options);
}
inline std::future<CompletionResponse> acompletion(std::initializer_list<std::string> models,
                                                   const std::vector<Message>& messages, const Options& options = {}) {
    return acompletion(std::vector<std::string>(models), messages, options);
}
inline std::future<CompletionResponse> acompletion(std::initializer_list<std::string> models, const json& messages,
                                                   const Options& options = {}) {
    return acompletion(std::vector<std::string>(models), messages, options);
}
inline std::future<Stream> astream(std::initializer_list<std::string> models, const std::vector<Message>& messages,
                                   const Options& options = {}) {
    return astream(std::vector<std::string>(models), messages, options);
}
inline std::future<Stream> astream(std::initializer_list<std::string> models, const json& messages,
                                   const Options& options = {}) {
    return astream(std::vector<std::string>(models), messages, options);
}

inline void acompletion(std::initializer_list<std::string> models, const std::vector<Message>& messages,
                        const Options& options, Callback<CompletionResponse> on_done) {
    acompletion(std::vector<std::string>(models), messages, options, std::move(on_done));
}
inline void acompletion(std::initializer_list<std::string> models, const json& messages, const Options& options,
                        Callback<CompletionResponse> on_done) {
    acompletion(std::vector<std::string>(models), messages, options, std::move(on_done));
}
inline void astream(std::initializer_list<std::string> models, const std::vector<Message>& messages,
                    const Options& options, Callback<Stream> on_ready) {
    astream(std::vector<std::string>(models), messages, options, std::move(on_ready));
}
inline void astream(std::initializer_list<std::string> models, const json& messages, const Options& options,
                    Callback<Stream> on_ready) {
    astream(std::vector<std::string>(models), messages, options, std::move(on_ready));
}

}  // namespace llmgate
