// run_tools and arun_tools: the blocking loop over ToolLoop, and its thread-of-its-own async form.
#include <future>

#include "agents/tool_loop.hpp"

namespace llmgate::inline v1 {
namespace {

ToolRunResult run_loop(detail::ModelCaller caller, Models models, Messages messages, std::vector<FunctionTool> tools,
                       ToolRunOptions options) {
    detail::ToolLoop loop(std::move(models), std::move(messages), std::move(tools), std::move(options));
    for (;;) {
        loop.throw_if_cancelled();
        CompletionResponse reply = caller.complete(loop.models(), loop.request_messages(), loop.call_options());
        if (!loop.accept_reply(std::move(reply)).empty()) loop.run_calls();
        if (loop.finish_step() == detail::ToolLoop::Next::done) return std::move(loop).take_result();
    }
}

// The loop on a thread of its own: tool handlers may block for as long as they like, which the shared
// event loop thread must never do. std::async's future waits for the thread when destroyed, so a run is
// never left running past its future (nor past exit).
std::future<ToolRunResult> run_async(detail::ModelCaller caller, Models models, Messages messages,
                                     std::vector<FunctionTool> tools, ToolRunOptions options) {
    return std::async(std::launch::async, run_loop, std::move(caller), std::move(models), std::move(messages),
                      std::move(tools), std::move(options));
}

}  // namespace

ToolOutput ToolOutput::from_json(json v) {
    ToolOutput out;
    out.content = v.is_string() ? v.get<std::string>() : v.dump();
    out.value = std::move(v);
    return out;
}

FunctionTool tool(std::string name, std::string description, json parameters,
                  std::function<json(const json& arguments)> handler) {
    if (!parameters.is_object())
        throw InvalidRequestError(ErrorInfo{.message = "tool \"" + name + "\": parameters must be a JSON Schema object"});
    if (!handler) throw InvalidRequestError(ErrorInfo{.message = "tool \"" + name + "\" has no handler"});
    FunctionTool t;
    t.definition.name = std::move(name);
    t.definition.description = std::move(description);
    t.definition.parameters = std::move(parameters);
    t.handler = [f = std::move(handler)](const json& arguments, const ToolCallContext&) {
        return ToolOutput::from_json(f(arguments));
    };
    return t;
}

std::function<bool(const std::vector<ToolStep>&)> step_count_is(int n) {
    return [n](const std::vector<ToolStep>& steps) { return static_cast<int>(steps.size()) >= n; };
}

std::function<bool(const std::vector<ToolStep>&)> has_tool_call(std::string name) {
    return [name = std::move(name)](const std::vector<ToolStep>& steps) {
        if (steps.empty()) return false;
        for (const ToolCall& c : steps.back().tool_calls)
            if (c.function == name) return true;
        return false;
    };
}

ToolRunResult run_tools(Models models, Messages messages, std::vector<FunctionTool> tools, ToolRunOptions options) {
    return run_loop(detail::ModelCaller::direct(), std::move(models), std::move(messages), std::move(tools),
                    std::move(options));
}

ToolRunResult run_tools(const LLMGate& gate, Models models, Messages messages, std::vector<FunctionTool> tools,
                        ToolRunOptions options) {
    return run_loop(detail::ModelCaller::through(gate), std::move(models), std::move(messages), std::move(tools),
                    std::move(options));
}

std::future<ToolRunResult> arun_tools(Models models, Messages messages, std::vector<FunctionTool> tools,
                                      ToolRunOptions options) {
    return run_async(detail::ModelCaller::direct(), std::move(models), std::move(messages), std::move(tools),
                     std::move(options));
}

std::future<ToolRunResult> arun_tools(const LLMGate& gate, Models models, Messages messages,
                                      std::vector<FunctionTool> tools, ToolRunOptions options) {
    return run_async(detail::ModelCaller::through(gate), std::move(models), std::move(messages), std::move(tools),
                     std::move(options));
}

}  // namespace llmgate::inline v1
