// Running the tool calls of one step: approval, lookup, argument validation, the handler, and turning
// every failure into a result the model can read (or a ToolExecutionError in raise mode).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "llmgate/tools.hpp"

namespace llmgate::inline v1::detail {

// The run's tools by name, plus the definitions sent with each model call.
class ToolBox {
public:
    // Throws InvalidRequestError for a tool without a name or handler, or two tools of one name.
    explicit ToolBox(std::vector<FunctionTool> tools);

    const FunctionTool* find(const std::string& name) const;
    const std::vector<Tool>& definitions() const noexcept { return definitions_; }
    // "a, b, c": told to the model when it calls a tool that does not exist.
    std::string names() const;

private:
    std::vector<FunctionTool> tools_;
    std::map<std::string, std::size_t, std::less<>> by_name_;
    std::vector<Tool> definitions_;
};

// Runs `calls` (of step `step`) and returns one result per call, in call order. The approve hook runs
// first for every call, on this thread and in order; then the approved calls run, concurrently when
// options.parallel_tool_calls allows. In ToolErrorMode::raise the first failed call (in call order)
// is thrown as ToolExecutionError once all calls have finished.
std::vector<ToolResult> execute_tool_calls(const ToolBox& box, const std::vector<ToolCall>& calls, int step,
                                           const ToolRunOptions& options);

// Throws CancelledError when the run's token (options.options.cancel) was cancelled.
void throw_if_run_cancelled(const ToolRunOptions& options, const std::string& model = {});

// Gives every call an id (Ollama sends none): the assistant turn and its tool results must agree.
void name_unnamed_calls(std::vector<ToolCall>& calls, int step);

}  // namespace llmgate::inline v1::detail
