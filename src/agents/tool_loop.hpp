// The state of one tool run, shared by run_tools (blocking) and stream_tools (pulled event by event):
// the conversation so far, the steps, and the decision after each step. Neither form duplicates the
// rules: both ask this object what the next model call sends and what a reply means.
#pragma once

#include <functional>
#include <vector>

#include "agents/tool_execution.hpp"
#include "llmgate/gate.hpp"
#include "llmgate/tools.hpp"

namespace llmgate::inline v1::detail {

// How a model call is made: the free functions, or a gate's.
struct ModelCaller {
    std::function<CompletionResponse(Models, Messages, Options)> complete;
    std::function<Stream(Models, Messages, Options)> stream;

    static ModelCaller direct();
    static ModelCaller through(const LLMGate& gate);  // copies the gate (immutable, cheap to share)
};

class ToolLoop {
public:
    ToolLoop(Models models, Messages messages, std::vector<FunctionTool> tools, ToolRunOptions options);

    enum class Next { call_model, done };

    // Throws CancelledError when the run's token was cancelled.
    void throw_if_cancelled() const;
    // The next model call's arguments: every message so far, the options with the tools' definitions.
    const Models& models() const noexcept { return models_; }
    std::vector<Message> request_messages() const { return result_.messages; }
    Options call_options() const;

    // A model reply for the current step: appends its assistant turn and returns its tool calls (each
    // with an id). No calls means the run is over (finish_step then says done).
    const std::vector<ToolCall>& accept_reply(CompletionResponse reply);
    // Runs the current step's calls (after accept_reply) and appends one tool result per call.
    const std::vector<ToolResult>& run_calls();
    // Closes the current step (on_step, stop_when, max_steps). Throws MaxStepsExceededError when the model
    // still wants tools at max_steps and the options do not ask for the partial result.
    Next finish_step();

    const std::vector<ToolCall>& current_calls() const noexcept { return current_.tool_calls; }
    const ToolStep& last_step() const { return result_.steps.back(); }
    int step_index() const noexcept { return static_cast<int>(result_.steps.size()); }
    const ToolRunResult& result() const noexcept { return result_; }
    ToolRunResult take_result() && { return std::move(result_); }

private:
    Models models_;
    ToolBox box_;
    ToolRunOptions options_;
    ToolRunResult result_{};
    ToolStep current_{};
};

// Adds b's counts to a.
void add_usage(Usage& a, const Usage& b);

}  // namespace llmgate::inline v1::detail
