// The system-prompt text that asks for JSON fitting a schema (json_mode and prompt strategies).
#pragma once

#include <string>
#include <vector>

#include "llmgate/options.hpp"
#include "llmgate/types.hpp"

namespace llmgate::inline v1::detail {

// Instructions naming the schema. They always contain the word "JSON": OpenAI-compatible json_object
// modes reject a request whose messages do not mention it.
std::string schema_instructions(const ResponseFormat& format);

// `messages` with the instructions merged into the leading system (or developer) message, or a new
// system message put first when there is none.
std::vector<Message> with_schema_instructions(std::vector<Message> messages, const ResponseFormat& format);

}  // namespace llmgate::detail
