// Finds the JSON value in a model's reply: the whole text, a ```json fenced block, or the first
// balanced {...} / [...] with prose around it.
#pragma once

#include <optional>
#include <string_view>

#include "llmgate/types.hpp"

namespace llmgate::inline v1::detail {

// The JSON value the reply carries, or nullopt when there is none. Tried in order: the whole text
// (trimmed); each ``` fenced block (```json first); the first balanced object or array that parses,
// scanning past quoted strings and escapes. Never throws; the work is linear in the text up to a
// fixed number of candidate openings.
std::optional<json> extract_json(std::string_view text);

// The same, but only parsing the whole text (the native strategy's first try).
std::optional<json> parse_whole_json(std::string_view text);

}  // namespace llmgate::detail
