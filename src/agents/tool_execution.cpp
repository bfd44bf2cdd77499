#include "agents/tool_execution.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>

#include "structured/json_schema_validator.hpp"

namespace llmgate::inline v1::detail {
namespace {

// A model reads these: short, specific, and saying what to do next.
constexpr std::size_t kMaxArgumentEcho = 200;

std::string truncated(const std::string& s, std::size_t n) { return s.size() <= n ? s : s.substr(0, n) + "..."; }

struct Failure {
    std::string kind;
    std::string message;
    std::exception_ptr cause{};
};

ToolResult failed(const ToolCall& call, Failure f) {
    ToolResult r;
    r.tool_call_id = call.id;
    r.name = call.function;
    r.arguments = call.arguments;
    r.output = ToolOutput::error(std::move(f.message));
    r.error_kind = std::move(f.kind);
    return r;
}

// Why `call` cannot run as sent, or nothing.
std::optional<Failure> check_arguments(const FunctionTool& tool, const ToolCall& call) {
    if (call.arguments.is_null() && !call.arguments_raw.empty())
        return Failure{"invalid_arguments", "Error: the arguments for tool \"" + call.function +
                                                "\" are not valid JSON: " + truncated(call.arguments_raw, kMaxArgumentEcho) +
                                                ". Send a JSON object that fits the tool's parameters."};
    if (!call.arguments.is_object() && !call.arguments.is_null())
        return Failure{"invalid_arguments", "Error: the arguments for tool \"" + call.function +
                                                "\" must be a JSON object, got " + call.arguments.type_name() + "."};
    if (!tool.validate_arguments) return std::nullopt;
    const json& args = call.arguments.is_null() ? json::object() : call.arguments;
    std::vector<std::string> problems;
    try {
        problems = validate_json(args, tool.definition.parameters, 16);
    } catch (const std::exception& e) {
        // The tool's own schema is unusable: the caller's mistake, not the model's.
        throw InvalidRequestError(ErrorInfo{.message = "tool \"" + call.function +
                                                       "\" has a parameters schema that cannot be used: " + e.what()});
    }
    if (problems.empty()) return std::nullopt;
    std::string text = "Error: invalid arguments for tool \"" + call.function + "\": ";
    for (std::size_t i = 0; i < problems.size(); ++i) text += (i ? "; " : "") + problems[i];
    text += ". Call it again with arguments that fit its parameters.";
    return Failure{"invalid_arguments", std::move(text)};
}

ToolResult run_handler(const FunctionTool& tool, const ToolCall& call, int step, const ToolRunOptions& options,
                       std::exception_ptr& cause) {
    const auto start = std::chrono::steady_clock::now();
    ToolResult r;
    r.tool_call_id = call.id;
    r.name = call.function;
    r.arguments = call.arguments;
    const json& args = call.arguments.is_null() ? json::object() : call.arguments;
    try {
        ToolCallContext context{.call = call, .step = step, .cancel = options.options.cancel};
        r.output = tool.handler(args, context);
    } catch (const CancelledError&) {
        throw;  // the run was cancelled: not a result for the model
    } catch (const std::exception& e) {
        cause = std::current_exception();
        r.output = ToolOutput::error("Error: tool \"" + call.function + "\" failed: " + e.what());
        r.error_kind = "tool_failed";
    } catch (...) {
        cause = std::current_exception();
        r.output = ToolOutput::error("Error: tool \"" + call.function + "\" failed.");
        r.error_kind = "tool_failed";
    }
    r.duration =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    return r;
}

}  // namespace

void throw_if_run_cancelled(const ToolRunOptions& options, const std::string& model) {
    if (options.options.cancel && options.options.cancel->cancelled())
        throw CancelledError(ErrorInfo{.model = model, .message = "the tool run was cancelled"});
}

ToolBox::ToolBox(std::vector<FunctionTool> tools) : tools_(std::move(tools)) {
    for (std::size_t i = 0; i < tools_.size(); ++i) {
        const FunctionTool& t = tools_[i];
        if (t.definition.name.empty())
            throw InvalidRequestError(ErrorInfo{.message = "run_tools: a tool has no name"});
        if (!t.handler)
            throw InvalidRequestError(ErrorInfo{.message = "run_tools: tool \"" + t.definition.name + "\" has no handler"});
        if (!by_name_.emplace(t.definition.name, i).second)
            throw InvalidRequestError(
                ErrorInfo{.message = "run_tools: two tools are named \"" + t.definition.name + "\""});
        definitions_.push_back(t.definition);
    }
}

const FunctionTool* ToolBox::find(const std::string& name) const {
    const auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : &tools_[it->second];
}

std::string ToolBox::names() const {
    std::string out;
    for (const auto& t : tools_) out += (out.empty() ? "" : ", ") + t.definition.name;
    return out;
}

void name_unnamed_calls(std::vector<ToolCall>& calls, int step) {
    for (std::size_t i = 0; i < calls.size(); ++i)
        if (calls[i].id.empty()) calls[i].id = "call_llmgate_" + std::to_string(step) + "_" + std::to_string(i);
}

std::vector<ToolResult> execute_tool_calls(const ToolBox& box, const std::vector<ToolCall>& calls, int step,
                                           const ToolRunOptions& options) {
    throw_if_run_cancelled(options);
    std::vector<ToolResult> results(calls.size());
    std::vector<std::exception_ptr> causes(calls.size());
    std::vector<const FunctionTool*> to_run(calls.size(), nullptr);

    // Decisions first, in call order on the caller's thread: a person approving calls sees them in order.
    for (std::size_t i = 0; i < calls.size(); ++i) {
        const ToolCall& call = calls[i];
        const FunctionTool* tool = box.find(call.function);
        if (!tool) {
            results[i] = failed(call, {"unknown_tool", "Error: there is no tool named \"" + call.function +
                                                           "\". Available tools: " + box.names() + "."});
            continue;
        }
        if (options.approve) {
            const ToolApproval decision = options.approve(call);
            if (!decision.approved) {
                std::string text = "The user rejected this call of \"" + call.function + "\"";
                text += decision.reason.empty() ? "." : ": " + decision.reason;
                results[i] = failed(call, {"rejected", std::move(text)});
                continue;
            }
        }
        if (auto problem = check_arguments(*tool, call)) {
            results[i] = failed(call, std::move(*problem));
            continue;
        }
        to_run[i] = tool;
    }

    std::vector<std::size_t> runnable;
    for (std::size_t i = 0; i < calls.size(); ++i)
        if (to_run[i]) runnable.push_back(i);
    const auto run_at = [&](std::size_t i) { results[i] = run_handler(*to_run[i], calls[i], step, options, causes[i]); };

    const std::size_t workers =
        options.parallel_tool_calls ? std::min(runnable.size(), std::max<std::size_t>(1, options.max_parallel)) : 1;
    if (workers <= 1) {
        for (std::size_t i : runnable) {
            throw_if_run_cancelled(options);
            run_at(i);
        }
    } else {
        // A small pool for this step: each worker takes the next call; the first exception that is not a
        // tool failure (cancellation) is rethrown after every worker has stopped.
        std::atomic<std::size_t> next{0};
        std::exception_ptr stop;
        std::mutex stop_mutex;
        const auto work = [&] {
            for (std::size_t k; (k = next.fetch_add(1)) < runnable.size();) {
                try {
                    throw_if_run_cancelled(options);
                    run_at(runnable[k]);
                } catch (...) {
                    std::lock_guard lock(stop_mutex);
                    if (!stop) stop = std::current_exception();
                    next = runnable.size();
                }
            }
        };
        std::vector<std::thread> pool;
        pool.reserve(workers - 1);
        for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work);
        work();
        for (auto& t : pool) t.join();
        if (stop) std::rethrow_exception(stop);
    }

    if (options.on_tool_error == ToolErrorMode::raise) {
        for (std::size_t i = 0; i < calls.size(); ++i) {
            const ToolResult& r = results[i];
            if (r.error_kind.empty() || r.error_kind == "rejected") continue;
            throw ToolExecutionError(ErrorInfo{.message = r.output.content, .error_type = r.error_kind}, r, causes[i]);
        }
    }
    return results;
}

}  // namespace llmgate::inline v1::detail
