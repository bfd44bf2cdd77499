// A tool call's arguments as every adapter keeps them: the text the provider sent and its parse.
#pragma once

#include <string>
#include <utility>

#include "llmgate/types.hpp"

namespace llmgate::inline v1::detail {

// `raw` as received ("" is a call with no arguments, kept as "{}"), and its parse: null when the model emitted
// text that is not JSON, so nothing is lost and nothing is guessed.
inline void set_tool_arguments(ToolCall& call, std::string raw) {
    call.arguments_raw = raw.empty() ? std::string("{}") : std::move(raw);
    call.arguments = nlohmann::json::parse(call.arguments_raw, nullptr, false);
    if (call.arguments.is_discarded()) call.arguments = nullptr;
}

}  // namespace llmgate::inline v1::detail
