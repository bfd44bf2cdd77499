// Agents: tools the model may call, backed by C++ callables (or MCP servers, llmgate/mcp.hpp), and the
// loop that runs them until the model answers.
//
//   struct WeatherArgs { std::string city; };
//   LLMGATE_STRUCT(WeatherArgs, city)
//   LLMGATE_DESCRIBE(WeatherArgs, {"city", "City name, e.g. Paris"})
//
//   auto weather = llmgate::tool<WeatherArgs>("get_weather", "Get the weather for a city",
//                                            [](const WeatherArgs& a) { return "Sunny in " + a.city; });
//   auto run = llmgate::run_tools("gpt-4o-mini", {llmgate::Message::user("Weather in Paris?")}, {weather});
//   std::cout << run.response.text();   // the final answer; run.steps and run.messages tell how
//
// Each step sends the conversation with the tools' definitions; when the reply calls tools, their
// handlers run (arguments first validated against the tool's schema), the assistant turn and one tool
// result per call are appended, and the next step starts. The loop ends when a reply calls no tool,
// when ToolRunOptions::stop_when says so, or at max_steps (MaxStepsExceededError). See docs/agents.md.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <future>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "llmgate/arguments.hpp"
#include "llmgate/cancel.hpp"
#include "llmgate/errors.hpp"
#include "llmgate/options.hpp"
#include "llmgate/structured.hpp"
#include "llmgate/types.hpp"

namespace llmgate::inline v1 {

class LLMGate;  // llmgate/gate.hpp

// What a handler is told besides its arguments.
struct ToolCallContext {
    const ToolCall& call;               // the model's call: id, name, the raw argument text
    int step = 0;                       // 0-based index of the step that made the call
    std::optional<CancelToken> cancel;  // the run's token (Options::cancel): long handlers should poll it
};

// What a tool gives back. `content` is the text the model sees as the tool result; `value` the result
// as JSON (null when the handler returned text or failed); `is_error` marks a result that reports a
// failure (sent as such where the provider's API has the flag: Anthropic is_error, Bedrock status).
struct ToolOutput {
    std::string content{};
    json value{};
    bool is_error = false;

    static ToolOutput text(std::string t) { return ToolOutput{.content = std::move(t)}; }
    static ToolOutput error(std::string message) { return ToolOutput{.content = std::move(message), .is_error = true}; }
    // A JSON value: a string is sent as its text, anything else serialised.
    static ToolOutput from_json(json v);
};

// A tool the loop can run: the definition sent to the model plus the handler that answers a call.
struct FunctionTool {
    using Handler = std::function<ToolOutput(const json& arguments, const ToolCallContext& context)>;
    Tool definition{};
    Handler handler{};
    // Validate the model's arguments against definition.parameters before the handler runs (invalid ones
    // go back to the model as an error result it can correct). MCP tools leave it to their server.
    bool validate_arguments = true;

    const std::string& name() const noexcept { return definition.name; }
};

namespace detail {
template <class R>
ToolOutput tool_output_of(R&& r) {
    using T = std::remove_cvref_t<R>;
    if constexpr (std::is_same_v<T, ToolOutput>)
        return std::forward<R>(r);
    else if constexpr (std::is_convertible_v<R, std::string> && !std::is_same_v<T, json>)
        return ToolOutput::text(std::string(std::forward<R>(r)));
    else
        return ToolOutput::from_json(json(std::forward<R>(r)));
}

template <class Args, class F>
ToolOutput invoke_tool(F& f, const Args& args, const ToolCallContext& context) {
    if constexpr (std::is_invocable_v<F&, const Args&, const ToolCallContext&>) {
        if constexpr (std::is_void_v<std::invoke_result_t<F&, const Args&, const ToolCallContext&>>) {
            f(args, context);
            return ToolOutput::text("ok");
        } else {
            return tool_output_of(f(args, context));
        }
    } else {
        static_assert(std::is_invocable_v<F&, const Args&>,
                      "llmgate::tool: the handler takes (const Args&) or (const Args&, const ToolCallContext&)");
        if constexpr (std::is_void_v<std::invoke_result_t<F&, const Args&>>) {
            f(args);
            return ToolOutput::text("ok");
        } else {
            return tool_output_of(f(args));
        }
    }
}
}  // namespace detail

// A typed tool: Args is an LLMGATE_STRUCT whose JSON Schema (descriptions included, derived as structured
// output derives it) is the tool's parameters. The handler takes (const Args&) or (const Args&, const
// ToolCallContext&) and returns a std::string (sent as is), anything JSON-serialisable (a struct, json;
// sent serialised), a ToolOutput, or nothing ("ok"). An exception it throws becomes an error result.
template <class Args, class F>
FunctionTool tool(std::string name, std::string description, F handler) {
    FunctionTool t;
    t.definition.name = std::move(name);
    t.definition.description = std::move(description);
    t.definition.parameters = json_schema<Args>();
    t.handler = [f = std::move(handler)](const json& arguments, const ToolCallContext& context) mutable {
        Args args{};
        detail::read_value(arguments, args);
        return detail::invoke_tool<Args>(f, args, context);
    };
    return t;
}

// An untyped tool: `parameters` is the JSON Schema of its arguments object; the handler's json is sent
// as the result (a json string as its text).
FunctionTool tool(std::string name, std::string description, json parameters,
                  std::function<json(const json& arguments)> handler);

// The result of one tool call, as the model is told it.
struct ToolResult {
    std::string tool_call_id{};
    std::string name{};
    json arguments{};        // what the model sent (null when its argument text was not JSON)
    ToolOutput output{};     // content sent to the model, value, is_error
    std::string error_kind{};  // "" | "unknown_tool" | "invalid_arguments" | "tool_failed" | "rejected"
    std::chrono::microseconds duration{0};

    const std::string& content() const noexcept { return output.content; }
    bool is_error() const noexcept { return output.is_error; }
};

// One model call of a run and the tool calls it made.
struct ToolStep {
    int index = 0;                      // 0-based
    std::size_t request_messages = 0;   // how many messages this step sent
    CompletionResponse response{};      // this step's reply
    std::vector<ToolCall> tool_calls{};
    std::vector<ToolResult> tool_results{};  // one per tool call, in call order
    Usage usage{};
    std::string finish_reason{};
};

struct ToolRunResult {
    CompletionResponse response{};  // the last reply (the final answer, unless stopped early)
    std::vector<ToolStep> steps{};
    std::vector<Message> messages{};  // the whole conversation, ready to continue
    Usage usage{};                    // summed over steps
    bool max_steps_reached = false;   // set when ToolRunOptions::return_on_max_steps returned it

    std::string text() const { return response.text(); }
};

// What the approve hook decides about one call. Converts from bool: `return call.function != "rm";`.
struct ToolApproval {
    bool approved = true;
    std::string reason{};  // told to the model when rejected

    ToolApproval() = default;
    ToolApproval(bool ok) : approved(ok) {}  // NOLINT(google-explicit-constructor)
    static ToolApproval allow() { return ToolApproval(true); }
    static ToolApproval deny(std::string why) {
        ToolApproval a(false);
        a.reason = std::move(why);
        return a;
    }
};

// What the loop does when a tool call cannot produce a result (unknown tool, invalid arguments, the
// handler threw, the call was rejected).
enum class ToolErrorMode {
    tell_model,  // send an error result the model can react to (the default)
    raise,       // stop the run with ToolExecutionError
};

struct ToolRunOptions {
    int max_steps = 8;  // model calls at most; reaching it with tools still called is MaxStepsExceededError
    bool return_on_max_steps = false;  // return the partial result (max_steps_reached) instead of throwing
    // Called after each step with every step so far; true ends the run there (no error).
    std::function<bool(const std::vector<ToolStep>& steps)> stop_when{};
    // Run the calls of one step concurrently (at most max_parallel at once); results keep call order.
    bool parallel_tool_calls = true;
    std::size_t max_parallel = 8;
    std::function<void(const ToolStep& step)> on_step{};  // after each step, tool results included
    std::function<ToolApproval(const ToolCall& call)> approve{};  // human in the loop; none = approve all
    ToolErrorMode on_tool_error = ToolErrorMode::tell_model;
    // Each model call's options: middleware, fallback (use a Models chain), cancel, timeout, max_tokens...
    // `tools` is filled from the run's tools (definitions given here are sent too, with no handler).
    Options options{};
};

// Stop conditions for ToolRunOptions::stop_when.
std::function<bool(const std::vector<ToolStep>&)> step_count_is(int n);
std::function<bool(const std::vector<ToolStep>&)> has_tool_call(std::string name);

// The run reached max_steps while the model was still calling tools. result() is the run so far
// (its messages end with the last step's tool results, ready to continue).
class MaxStepsExceededError : public Error {
public:
    MaxStepsExceededError(ErrorInfo info, std::shared_ptr<const ToolRunResult> partial)
        : Error(std::move(info)), partial_(std::move(partial)) {}
    const ToolRunResult& result() const noexcept { return *partial_; }
    const char* type_name() const noexcept override { return "MaxStepsExceededError"; }

private:
    std::shared_ptr<const ToolRunResult> partial_;
};

// A tool call failed and ToolRunOptions::on_tool_error is raise. Carries the failed result and the
// handler's own exception (null for unknown tool / invalid arguments / rejected).
class ToolExecutionError : public Error {
public:
    ToolExecutionError(ErrorInfo info, ToolResult result, std::exception_ptr cause)
        : Error(std::move(info)), result_(std::move(result)), cause_(std::move(cause)) {}
    const ToolResult& result() const noexcept { return result_; }
    const std::exception_ptr& cause() const noexcept { return cause_; }
    const char* type_name() const noexcept override { return "ToolExecutionError"; }

private:
    ToolResult result_{};
    std::exception_ptr cause_{};
};

// The loop, blocking. Throws what completion() throws, MaxStepsExceededError, ToolExecutionError (raise
// mode), CancelledError when options.options.cancel is cancelled between or during steps.
ToolRunResult run_tools(Models models, Messages messages, std::vector<FunctionTool> tools,
                        ToolRunOptions options = {});
// The same through a gate: its middleware and fallback chain apply to every model call.
ToolRunResult run_tools(const LLMGate& gate, Models models, Messages messages, std::vector<FunctionTool> tools,
                        ToolRunOptions options = {});
// The loop on a thread of its own (tool handlers may block); the future holds the result or the error.
std::future<ToolRunResult> arun_tools(Models models, Messages messages, std::vector<FunctionTool> tools,
                                      ToolRunOptions options = {});
std::future<ToolRunResult> arun_tools(const LLMGate& gate, Models models, Messages messages,
                                      std::vector<FunctionTool> tools, ToolRunOptions options = {});

// The run as JSON: {"response", "steps": [{"index", "request_messages", "tool_calls", "tool_results",
// "usage", "finish_reason"}], "messages", "usage", "max_steps_reached"} (what `llmgate agent --json` prints).
json tool_run_result_to_json(const ToolRunResult& r);
json tool_result_to_json(const ToolResult& r);

// ---- streaming ------------------------------------------------------------------------------------

struct ToolStreamEvent {
    enum class Type {
        text_delta,          // `text`: new answer text of the current step
        reasoning_delta,     // `text`: new reasoning text
        tool_call_started,   // `tool_call`: complete call, about to run
        tool_call_finished,  // `tool_call` and `tool_result`
        step_finished,       // `step`: the whole step, usage and tool results included
        final_response,      // `response`: the final reply; the stream then ends (result() holds the run)
    };
    Type type = Type::text_delta;
    int step_index = 0;
    std::string text{};
    ToolCall tool_call{};
    ToolResult tool_result{};
    std::optional<ToolStep> step{};
    CompletionResponse response{};
    // On a text_delta with no text: a fallback model took over mid-step (StreamFallbackMode::restart)
    // and the step's reply starts again; discard the text shown for this step so far.
    bool restarted = false;
};

// The loop, streamed: each step is a stream; its deltas, the tool calls and their results, and the end
// of each step come out as events while the caller iterates. Pulls only as the caller iterates (the tool
// handlers run inside next()). Destroying it mid-run cancels the step in flight.
class ToolStream {
public:
    class State;  // src/agents/tool_stream.cpp
    explicit ToolStream(std::unique_ptr<State> state);
    ToolStream(ToolStream&&) noexcept;
    ToolStream& operator=(ToolStream&&) noexcept;
    ~ToolStream();

    // The next event; nullopt after final_response. Throws what run_tools throws.
    std::optional<ToolStreamEvent> next();
    // The whole run once the final event has been read (InvalidRequestError before).
    const ToolRunResult& result() const;

    class iterator {
    public:
        using iterator_category = std::input_iterator_tag;
        using value_type = ToolStreamEvent;
        using difference_type = std::ptrdiff_t;
        iterator() = default;
        const ToolStreamEvent& operator*() const { return *current_; }
        const ToolStreamEvent* operator->() const { return &*current_; }
        iterator& operator++() {
            current_ = stream_->next();
            return *this;
        }
        void operator++(int) { ++*this; }
        friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return !it.current_; }

    private:
        friend class ToolStream;
        explicit iterator(ToolStream* s) : stream_(s), current_(s->next()) {}
        ToolStream* stream_ = nullptr;
        std::optional<ToolStreamEvent> current_{};
    };
    iterator begin() { return iterator(this); }
    std::default_sentinel_t end() const noexcept { return {}; }

private:
    std::unique_ptr<State> state_;
};

ToolStream stream_tools(Models models, Messages messages, std::vector<FunctionTool> tools,
                        ToolRunOptions options = {});
ToolStream stream_tools(const LLMGate& gate, Models models, Messages messages, std::vector<FunctionTool> tools,
                        ToolRunOptions options = {});

}  // namespace llmgate::inline v1
