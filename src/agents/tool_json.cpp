// A tool run as JSON: what the CLI's `agent --json` prints and what a program logs or stores.
#include "llmgate/tools.hpp"

namespace llmgate::inline v1 {

json tool_result_to_json(const ToolResult& r) {
    json j{{"tool_call_id", r.tool_call_id},
           {"name", r.name},
           {"arguments", r.arguments},
           {"content", r.output.content},
           {"is_error", r.output.is_error},
           {"duration_ms", static_cast<double>(r.duration.count()) / 1000.0}};
    if (!r.output.value.is_null()) j["value"] = r.output.value;
    if (!r.error_kind.empty()) j["error_kind"] = r.error_kind;
    return j;
}

json tool_run_result_to_json(const ToolRunResult& r) {
    json steps = json::array();
    for (const ToolStep& s : r.steps) {
        json calls = json::array();
        for (const ToolCall& c : s.tool_calls) calls.push_back(tool_call_to_json(c));
        json results = json::array();
        for (const ToolResult& t : s.tool_results) results.push_back(tool_result_to_json(t));
        steps.push_back({{"index", s.index},
                         {"request_messages", s.request_messages},
                         {"tool_calls", std::move(calls)},
                         {"tool_results", std::move(results)},
                         {"usage", usage_to_json(s.usage)},
                         {"finish_reason", s.finish_reason}});
    }
    json messages = json::array();
    for (const Message& m : r.messages) messages.push_back(message_to_json(m));
    return json{{"response", response_to_json(r.response)},
                {"steps", std::move(steps)},
                {"messages", std::move(messages)},
                {"usage", usage_to_json(r.usage)},
                {"max_steps_reached", r.max_steps_reached}};
}

}  // namespace llmgate::inline v1
