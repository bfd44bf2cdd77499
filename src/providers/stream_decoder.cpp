// Assembles streamed tool-call fragments into complete tool calls.
#include "providers/stream_decoder.hpp"
#include "providers/toolkit/tool_arguments.hpp"

namespace llmgate::inline v1::detail {

void ToolCallAssembler::add(const ToolCallDelta& d) {
    Partial& p = calls_[d.index];
    if (!d.id.empty()) p.id = d.id;
    if (p.function.empty()) p.function = d.function;  // some servers repeat the name on every fragment
    p.arguments += d.arguments;
}

std::vector<ToolCall> ToolCallAssembler::build() const {
    std::vector<ToolCall> out;
    out.reserve(calls_.size());
    for (const auto& [index, p] : calls_) {
        ToolCall tc;
        tc.id = p.id;
        tc.function = p.function;
        set_tool_arguments(tc, p.arguments);
        out.push_back(std::move(tc));
    }
    return out;
}

}  // namespace llmgate::inline v1::detail
