// The completion facade: completion / acompletion / stream / astream, routed by model string.
#pragma once

#include <future>
#include <string>
#include <vector>

#include "llmgate/errors.hpp"
#include "llmgate/options.hpp"
#include "llmgate/stream.hpp"
#include "llmgate/types.hpp"

namespace llmgate {

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

}  // namespace llmgate
