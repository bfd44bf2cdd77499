#include "agents/tool_loop.hpp"

#include <memory>

#include "util/json_numbers.hpp"

namespace llmgate::inline v1::detail {

ModelCaller ModelCaller::direct() {
    return ModelCaller{
        .complete = [](Models m, Messages msgs, Options o) { return completion(std::move(m), std::move(msgs), std::move(o)); },
        .stream = [](Models m, Messages msgs, Options o) { return llmgate::stream(std::move(m), std::move(msgs), std::move(o)); },
    };
}

ModelCaller ModelCaller::through(const LLMGate& gate) {
    auto g = std::make_shared<const LLMGate>(gate);
    return ModelCaller{
        .complete = [g](Models m, Messages msgs, Options o) { return g->completion(std::move(m), std::move(msgs), std::move(o)); },
        .stream = [g](Models m, Messages msgs, Options o) { return g->stream(std::move(m), std::move(msgs), std::move(o)); },
    };
}

void add_usage(Usage& a, const Usage& b) {
    a.prompt_tokens = add_counts(a.prompt_tokens, b.prompt_tokens);
    a.completion_tokens = add_counts(a.completion_tokens, b.completion_tokens);
    a.total_tokens = add_counts(a.total_tokens, b.total_tokens);
    a.cached_tokens = add_counts(a.cached_tokens, b.cached_tokens);
    a.cache_creation_tokens = add_counts(a.cache_creation_tokens, b.cache_creation_tokens);
    a.reasoning_tokens = add_counts(a.reasoning_tokens, b.reasoning_tokens);
}

ToolLoop::ToolLoop(Models models, Messages messages, std::vector<FunctionTool> tools, ToolRunOptions options)
    : models_(std::move(models)), box_(std::move(tools)), options_(std::move(options)) {
    result_.messages = std::move(messages).take();
    if (result_.messages.empty())
        throw InvalidRequestError(ErrorInfo{.model = models_.first(), .message = "run_tools: messages must not be empty"});
    if (options_.max_steps < 1)
        throw InvalidRequestError(ErrorInfo{.model = models_.first(), .message = "run_tools: max_steps must be at least 1"});
}

void ToolLoop::throw_if_cancelled() const { throw_if_run_cancelled(options_, models_.first()); }

Options ToolLoop::call_options() const {
    Options o = options_.options;
    std::vector<Tool> tools = box_.definitions();
    for (const Tool& extra : o.tools) {
        if (!box_.find(extra.name)) tools.push_back(extra);
    }
    o.tools = std::move(tools);
    return o;
}

const std::vector<ToolCall>& ToolLoop::accept_reply(CompletionResponse reply) {
    current_ = ToolStep{};
    current_.index = step_index();
    current_.request_messages = result_.messages.size();

    Message turn = reply.choices.empty() ? Message{.role = "assistant", .content = std::string()}
                                         : reply.choices.front().message;
    if (turn.role.empty()) turn.role = "assistant";
    name_unnamed_calls(turn.tool_calls, current_.index);
    if (!reply.choices.empty()) reply.choices.front().message.tool_calls = turn.tool_calls;
    current_.tool_calls = turn.tool_calls;
    current_.usage = reply.usage;
    current_.finish_reason = reply.finish_reason;
    add_usage(result_.usage, reply.usage);
    result_.messages.push_back(std::move(turn));
    current_.response = std::move(reply);
    return current_.tool_calls;
}

const std::vector<ToolResult>& ToolLoop::run_calls() {
    current_.tool_results = execute_tool_calls(box_, current_.tool_calls, current_.index, options_);
    for (const ToolResult& r : current_.tool_results) {
        Message m = Message::tool(r.tool_call_id, r.output.content);
        m.name = r.name;
        // Providers with an error flag on tool results (Anthropic is_error, Bedrock status) read this.
        if (r.output.is_error) m.provider_data = json{{"tool_error", true}};
        result_.messages.push_back(std::move(m));
    }
    return current_.tool_results;
}

ToolLoop::Next ToolLoop::finish_step() {
    const bool wants_tools = !current_.tool_calls.empty();
    result_.response = current_.response;
    result_.steps.push_back(std::move(current_));
    current_ = ToolStep{};
    if (options_.on_step) options_.on_step(result_.steps.back());
    if (!wants_tools) return Next::done;
    if (options_.stop_when && options_.stop_when(result_.steps)) return Next::done;
    if (step_index() < options_.max_steps) return Next::call_model;
    if (options_.return_on_max_steps) {
        result_.max_steps_reached = true;
        return Next::done;
    }
    const CompletionResponse& last = result_.response;
    throw MaxStepsExceededError(
        ErrorInfo{.provider = last.provider,
                  .model = last.model,
                  .message = "the model was still calling tools after max_steps (" + std::to_string(options_.max_steps) +
                             ") steps; raise ToolRunOptions::max_steps, or set return_on_max_steps"},
        std::make_shared<const ToolRunResult>(result_));
}

}  // namespace llmgate::inline v1::detail
