// Context windows: how many tokens a model takes and gives, whether a conversation fits, and trimming one
// that does not.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "llmgate/arguments.hpp"
#include "llmgate/options.hpp"
#include "llmgate/types.hpp"

namespace llmgate::inline v1 {

struct ContextWindow {
    std::int64_t context_tokens = 0;     // prompt and reply together
    std::int64_t max_input_tokens = 0;   // the prompt alone (= context_tokens where the API sets no lower cap)
    std::int64_t max_output_tokens = 0;  // the largest max_tokens the model accepts
};

// The window of a common model of the nine providers (names matched as llmgate::price_of matches them:
// provider prefixes, dated snapshots, Bedrock ids), or nullopt for a model the table does not have
// (Ollama's depend on how the model was loaded).
std::optional<ContextWindow> context_window(std::string_view model, std::string_view provider = {});

// Whether `messages` (with options.tools) plus `reserve_output_tokens` fit the model's window, counted
// locally (count_tokens' OpenAI convention: exact for the OpenAI family, an o200k estimate otherwise; no
// network). InvalidRequestError for a model with no known window.
bool fits(Models model, Messages messages, std::int64_t reserve_output_tokens = 0, const Options& options = {});

// `messages` with the oldest turns dropped until they fit with `reserve_output_tokens` to spare. System
// (and developer) messages are always kept; an assistant turn that calls tools is dropped together with
// its tool results, never apart (providers reject a tool result without its call, and a call without its
// results); the last message is never dropped. InvalidRequestError when even that does not fit, or the
// model has no known window.
std::vector<Message> trim_to_fit(Models model, Messages messages, std::int64_t reserve_output_tokens,
                                 const Options& options = {});

}  // namespace llmgate::inline v1
