// Tool-result turns: what adapters read off a role "tool" message beyond its text.
#pragma once

#include "llmgate/types.hpp"

namespace llmgate::inline v1::detail {

// True for a tool result that reports a failure. The tool loop (src/agents) marks those with
// provider_data {"tool_error": true}; adapters whose API has a flag for it send it (Anthropic is_error,
// Bedrock status "error", Gemini an {"error": ...} response).
inline bool is_tool_error(const Message& m) {
    if (!m.provider_data.is_object()) return false;
    const auto it = m.provider_data.find("tool_error");
    return it != m.provider_data.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace llmgate::inline v1::detail
