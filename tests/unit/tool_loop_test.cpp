// The tool-call loop on the offline mock provider: typed and untyped tools, argument validation, error
// results, max_steps, stop_when, approval, parallel calls, on_step, streaming, async, cancel and a gate.
// The wire format of each provider's tool turns is checked in tests/http/tool_loop_http_test.cpp.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "llmgate/llmgate.hpp"

using namespace llmgate;
using json = nlohmann::json;

namespace tool_loop_test {

struct WeatherArgs {
    std::string city;
    std::optional<std::string> unit;
};
LLMGATE_STRUCT(WeatherArgs, city, unit)
LLMGATE_DESCRIBE(WeatherArgs, {"city", "City name"}, {"unit", "c or f"})

struct Weather {
    std::string city;
    int temp_c = 0;
};
LLMGATE_STRUCT(Weather, city, temp_c)

}  // namespace tool_loop_test

namespace {
using tool_loop_test::Weather;
using tool_loop_test::WeatherArgs;

json call(const std::string& name, json args) { return json{{"name", name}, {"arguments", std::move(args)}}; }

// Options whose mock model runs `script`: entry i answers the i-th model call of the run.
ToolRunOptions scripted(json script) {
    ToolRunOptions o;
    o.options.extra = {{"mock_script", std::move(script)}};
    return o;
}

FunctionTool weather_tool(std::vector<WeatherArgs>* seen = nullptr) {
    return tool<WeatherArgs>("get_weather", "Get the weather for a city", [seen](const WeatherArgs& a) {
        if (seen) seen->push_back(a);
        return Weather{a.city, 21};
    });
}

TEST(ToolLoop, TypedToolIsCalledWithTheModelsArgumentsAndTheAnswerFollows) {
    std::vector<WeatherArgs> seen;
    auto run = run_tools("mock/agent", {Message::user("Weather in Paris?")}, {weather_tool(&seen)},
                         scripted({{{"tool_calls", {call("get_weather", {{"city", "Paris"}})}}}, "It is 21 C in Paris."}));
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].city, "Paris");
    EXPECT_FALSE(seen[0].unit.has_value());
    EXPECT_EQ(run.response.text(), "It is 21 C in Paris.");
    EXPECT_EQ(run.text(), "It is 21 C in Paris.");
    ASSERT_EQ(run.steps.size(), 2u);
    EXPECT_EQ(run.steps[0].request_messages, 1u);
    EXPECT_EQ(run.steps[1].request_messages, 3u);
    EXPECT_EQ(run.steps[0].finish_reason, "tool_calls");
    EXPECT_EQ(run.steps[1].finish_reason, "stop");
    ASSERT_EQ(run.steps[0].tool_results.size(), 1u);
    const ToolResult& r = run.steps[0].tool_results[0];
    EXPECT_FALSE(r.is_error());
    EXPECT_EQ(json::parse(r.content()), (json{{"city", "Paris"}, {"temp_c", 21}}));
    EXPECT_EQ(r.output.value, (json{{"city", "Paris"}, {"temp_c", 21}}));
    EXPECT_EQ(r.tool_call_id, run.steps[0].tool_calls[0].id);

    // The conversation, ready to continue: user, assistant (tool call), tool result, assistant answer.
    ASSERT_EQ(run.messages.size(), 4u);
    EXPECT_EQ(run.messages[1].role, "assistant");
    ASSERT_EQ(run.messages[1].tool_calls.size(), 1u);
    EXPECT_EQ(run.messages[2].role, "tool");
    EXPECT_EQ(run.messages[2].tool_call_id, run.messages[1].tool_calls[0].id);
    EXPECT_EQ(run.messages[2].name, "get_weather");
    EXPECT_EQ(run.messages[3].text(), "It is 21 C in Paris.");

    // Usage is the sum of the steps'.
    EXPECT_GT(run.steps[0].usage.total_tokens, 0);
    EXPECT_EQ(run.usage.total_tokens, run.steps[0].usage.total_tokens + run.steps[1].usage.total_tokens);
    EXPECT_EQ(run.usage.prompt_tokens, run.steps[0].usage.prompt_tokens + run.steps[1].usage.prompt_tokens);
}

TEST(ToolLoop, TypedToolSchemaIsTheStructuredOutputSchemaWithDescriptions) {
    const FunctionTool t = weather_tool();
    EXPECT_EQ(t.definition.name, "get_weather");
    EXPECT_EQ(t.definition.description, "Get the weather for a city");
    EXPECT_EQ(t.definition.parameters, json_schema<WeatherArgs>());
    EXPECT_EQ(t.definition.parameters["properties"]["city"]["description"], "City name");
    EXPECT_EQ(t.definition.parameters["required"], json::array({"city"}));
}

TEST(ToolLoop, ToolDefinitionsAreSentWithEveryStep) {
    // The mock's default answer after tools ran echoes the results: the second step saw the tool turn.
    auto run = run_tools("mock/agent", {Message::user("go")}, {weather_tool()},
                         scripted({{{"tool_calls", {call("get_weather", {{"city", "Oslo"}})}}}}));
    EXPECT_NE(run.text().find("\"city\":\"Oslo\""), std::string::npos) << run.text();
    ASSERT_EQ(run.steps.size(), 2u);
}

TEST(ToolLoop, HandlerReturningTextIsSentAsIs) {
    auto echo = tool<WeatherArgs>("echo", "Echo", [](const WeatherArgs& a) { return "city=" + a.city; });
    auto run = run_tools("mock/agent", {Message::user("go")}, {echo},
                         scripted({{{"tool_calls", {call("echo", {{"city", "Rome"}})}}}}));
    EXPECT_EQ(run.steps[0].tool_results[0].content(), "city=Rome");
    EXPECT_EQ(run.messages[2].text(), "city=Rome");
}

TEST(ToolLoop, UntypedToolTakesASchemaAndJson) {
    std::atomic<int> calls{0};
    auto add = tool("add", "Add two integers",
                    json{{"type", "object"},
                         {"properties", {{"a", {{"type", "integer"}}}, {"b", {{"type", "integer"}}}}},
                         {"required", {"a", "b"}}},
                    [&](const json& args) {
                        ++calls;
                        return json{{"sum", args["a"].get<int>() + args["b"].get<int>()}};
                    });
    auto run = run_tools("mock/agent", {Message::user("2+3?")}, {add},
                         scripted({{{"tool_calls", {call("add", {{"a", 2}, {"b", 3}})}}}, "5"}));
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(run.steps[0].tool_results[0].output.value, (json{{"sum", 5}}));
    EXPECT_EQ(run.text(), "5");
}

TEST(ToolLoop, InvalidArgumentsGoBackToTheModelAndTheHandlerIsNotCalled) {
    std::vector<WeatherArgs> seen;
    auto run = run_tools("mock/agent", {Message::user("go")}, {weather_tool(&seen)},
                         scripted({{{"tool_calls", {call("get_weather", {{"town", "Paris"}})}}},
                                   {{"tool_calls", {call("get_weather", {{"city", "Paris"}})}}},
                                   "done"}));
    // The first call was refused with a reason; the model corrected itself on the next step.
    ASSERT_EQ(run.steps.size(), 3u);
    const ToolResult& bad = run.steps[0].tool_results[0];
    EXPECT_TRUE(bad.is_error());
    EXPECT_EQ(bad.error_kind, "invalid_arguments");
    EXPECT_NE(bad.content().find("city"), std::string::npos) << bad.content();
    EXPECT_EQ(run.messages[2].text(), bad.content());
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].city, "Paris");
    EXPECT_EQ(run.text(), "done");
}

TEST(ToolLoop, ArgumentsThatAreNotJsonBecomeAnErrorResult) {
    auto run = run_tools("mock/agent", {Message::user("go")}, {weather_tool()},
                         scripted({{{"tool_calls", {call("get_weather", "{\"city\": \"Par")}}}, "ok"}));
    const ToolResult& r = run.steps[0].tool_results[0];
    EXPECT_EQ(r.error_kind, "invalid_arguments");
    EXPECT_NE(r.content().find("not valid JSON"), std::string::npos) << r.content();
}

TEST(ToolLoop, UnknownToolBecomesAnErrorResultNamingTheTools) {
    auto run = run_tools("mock/agent", {Message::user("go")}, {weather_tool()},
                         scripted({{{"tool_calls", {call("get_time", json::object())}}}, "ok"}));
    const ToolResult& r = run.steps[0].tool_results[0];
    EXPECT_EQ(r.error_kind, "unknown_tool");
    EXPECT_NE(r.content().find("get_weather"), std::string::npos) << r.content();
    EXPECT_EQ(run.text(), "ok");
}

TEST(ToolLoop, ThrowingHandlerBecomesAnErrorResultOrRaises) {
    auto broken = tool<WeatherArgs>("get_weather", "Weather",
                                    [](const WeatherArgs&) -> std::string { throw std::runtime_error("station offline"); });
    const json script = {{{"tool_calls", {call("get_weather", {{"city", "Paris"}})}}}, "sorry"};
    auto run = run_tools("mock/agent", {Message::user("go")}, {broken}, scripted(script));
    const ToolResult& r = run.steps[0].tool_results[0];
    EXPECT_EQ(r.error_kind, "tool_failed");
    EXPECT_TRUE(r.is_error());
    EXPECT_NE(r.content().find("station offline"), std::string::npos);
    EXPECT_EQ(run.messages[2].provider_data, (json{{"tool_error", true}}));
    EXPECT_EQ(run.text(), "sorry");

    ToolRunOptions raise = scripted(script);
    raise.on_tool_error = ToolErrorMode::raise;
    try {
        run_tools("mock/agent", {Message::user("go")}, {broken}, raise);
        FAIL() << "expected ToolExecutionError";
    } catch (const ToolExecutionError& e) {
        EXPECT_EQ(e.result().error_kind, "tool_failed");
        ASSERT_TRUE(e.cause());
        EXPECT_THROW(std::rethrow_exception(e.cause()), std::runtime_error);
    }
}

TEST(ToolLoop, UnknownToolRaisesInRaiseMode) {
    ToolRunOptions o = scripted({{{"tool_calls", {call("nope", json::object())}}}});
    o.on_tool_error = ToolErrorMode::raise;
    EXPECT_THROW(run_tools("mock/agent", {Message::user("go")}, {weather_tool()}, o), ToolExecutionError);
}

TEST(ToolLoop, MaxStepsRaisesWithThePartialRunOrReturnsIt) {
    ToolRunOptions o;
    o.max_steps = 3;
    o.options.extra = {{"mock_tool_calls", {call("get_weather", {{"city", "Paris"}})}}};
    // mock_tool_calls answers every call whose last message is not a tool result; mock_script loops forever:
    json forever = json::array();
    for (int i = 0; i < 10; ++i) forever.push_back({{"tool_calls", {call("get_weather", {{"city", "Paris"}})}}});
    o.options.extra = {{"mock_script", forever}};
    try {
        run_tools("mock/agent", {Message::user("go")}, {weather_tool()}, o);
        FAIL() << "expected MaxStepsExceededError";
    } catch (const MaxStepsExceededError& e) {
        EXPECT_EQ(e.result().steps.size(), 3u);
        EXPECT_EQ(e.result().messages.back().role, "tool");  // every call has its result: ready to continue
        EXPECT_EQ(e.result().messages.size(), 1u + 3u * 2u);
        EXPECT_EQ(std::string(e.type_name()), "MaxStepsExceededError");
        EXPECT_NE(std::string(e.what()).find("max_steps"), std::string::npos);
    }
    o.return_on_max_steps = true;
    auto run = run_tools("mock/agent", {Message::user("go")}, {weather_tool()}, o);
    EXPECT_TRUE(run.max_steps_reached);
    EXPECT_EQ(run.steps.size(), 3u);
}

TEST(ToolLoop, StopWhenEndsTheRunWithoutError) {
    ToolRunOptions o = scripted({{{"tool_calls", {call("get_weather", {{"city", "Paris"}})}}}, "never sent"});
    o.stop_when = has_tool_call("get_weather");
    auto run = run_tools("mock/agent", {Message::user("go")}, {weather_tool()}, o);
    EXPECT_EQ(run.steps.size(), 1u);
    EXPECT_FALSE(run.max_steps_reached);
    EXPECT_EQ(run.messages.back().role, "tool");

    ToolRunOptions o2 = scripted(json::array({{{"tool_calls", {call("get_weather", {{"city", "A"}})}}},
                                              {{"tool_calls", {call("get_weather", {{"city", "B"}})}}},
                                              {{"tool_calls", {call("get_weather", {{"city", "C"}})}}}}));
    o2.stop_when = step_count_is(2);
    EXPECT_EQ(run_tools("mock/agent", {Message::user("go")}, {weather_tool()}, o2).steps.size(), 2u);
}

TEST(ToolLoop, ApproveHookCanRejectACallAndTheModelIsTold) {
    std::vector<WeatherArgs> seen;
    ToolRunOptions o = scripted({{{"tool_calls", {call("get_weather", {{"city", "Paris"}}), call("get_weather", {{"city", "Oslo"}})}}},
                                 "ok"});
    std::vector<std::string> asked;
    o.approve = [&](const ToolCall& c) -> ToolApproval {
        asked.push_back(c.arguments["city"]);
        if (c.arguments["city"] == "Oslo") return ToolApproval::deny("no Oslo today");
        return true;
    };
    auto run = run_tools("mock/agent", {Message::user("go")}, {weather_tool(&seen)}, o);
    EXPECT_EQ(asked, (std::vector<std::string>{"Paris", "Oslo"}));
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].city, "Paris");
    const ToolResult& rejected = run.steps[0].tool_results[1];
    EXPECT_EQ(rejected.error_kind, "rejected");
    EXPECT_NE(rejected.content().find("no Oslo today"), std::string::npos);
    EXPECT_EQ(run.messages[3].text(), rejected.content());
}

TEST(ToolLoop, ParallelCallsRunConcurrentlyAndKeepCallOrder) {
    std::atomic<int> running{0}, most{0};
    auto slow = tool<WeatherArgs>("get_weather", "Weather", [&](const WeatherArgs& a) {
        const int now = ++running;
        for (int m = most; now > m && !most.compare_exchange_weak(m, now);) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        --running;
        return a.city;
    });
    json calls = json::array();
    for (const char* c : {"A", "B", "C", "D"}) calls.push_back(call("get_weather", {{"city", c}}));
    auto run = run_tools("mock/agent", {Message::user("go")}, {slow}, scripted({{{"tool_calls", calls}}, "ok"}));
    EXPECT_GE(most.load(), 2);
    ASSERT_EQ(run.steps[0].tool_results.size(), 4u);
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(run.steps[0].tool_results[i].content(), std::string(1, static_cast<char>('A' + i)));
        EXPECT_EQ(run.messages[2 + i].tool_call_id, run.steps[0].tool_calls[i].id);
    }

    most = 0;
    ToolRunOptions serial = scripted({{{"tool_calls", calls}}, "ok"});
    serial.parallel_tool_calls = false;
    run_tools("mock/agent", {Message::user("go")}, {slow}, serial);
    EXPECT_EQ(most.load(), 1);
}

TEST(ToolLoop, OnStepSeesEveryStepWithItsResults) {
    std::vector<std::size_t> result_counts;
    ToolRunOptions o = scripted({{{"tool_calls", {call("get_weather", {{"city", "Paris"}})}}}, "ok"});
    o.on_step = [&](const ToolStep& s) { result_counts.push_back(s.tool_results.size()); };
    run_tools("mock/agent", {Message::user("go")}, {weather_tool()}, o);
    EXPECT_EQ(result_counts, (std::vector<std::size_t>{1, 0}));
}

TEST(ToolLoop, HandlerSeesTheCallAndStep) {
    std::string id;
    int step = -1;
    auto t = tool<WeatherArgs>("get_weather", "W", [&](const WeatherArgs&, const ToolCallContext& ctx) {
        id = ctx.call.id;
        step = ctx.step;
    });
    auto run = run_tools("mock/agent", {Message::user("go")}, {t},
                         scripted({{{"tool_calls", {call("get_weather", {{"city", "X"}})}}}, "ok"}));
    EXPECT_EQ(id, run.steps[0].tool_calls[0].id);
    EXPECT_EQ(step, 0);
    EXPECT_EQ(run.steps[0].tool_results[0].content(), "ok");  // a void handler reports "ok"
}

TEST(ToolLoop, CancelInsideAHandlerStopsTheRun) {
    CancelToken token;
    auto t = tool<WeatherArgs>("get_weather", "W", [&](const WeatherArgs&) {
        token.cancel();
        return "x";
    });
    ToolRunOptions o = scripted({{{"tool_calls", {call("get_weather", {{"city", "X"}})}}}, "never"});
    o.options.cancel = token;
    EXPECT_THROW(run_tools("mock/agent", {Message::user("go")}, {t}, o), CancelledError);
}

TEST(ToolLoop, ArgumentErrorsAreTyped) {
    EXPECT_THROW(run_tools("mock/agent", std::vector<Message>{}, {weather_tool()}), InvalidRequestError);
    ToolRunOptions zero;
    zero.max_steps = 0;
    EXPECT_THROW(run_tools("mock/agent", {Message::user("go")}, {weather_tool()}, zero), InvalidRequestError);
    EXPECT_THROW(run_tools("mock/agent", {Message::user("go")}, {weather_tool(), weather_tool()}), InvalidRequestError);
    FunctionTool no_handler;
    no_handler.definition.name = "x";
    EXPECT_THROW(run_tools("mock/agent", {Message::user("go")}, {no_handler}), InvalidRequestError);
}

TEST(ToolLoop, AsyncRunDeliversTheResult) {
    auto future = arun_tools("mock/agent", {Message::user("go")}, {weather_tool()},
                             scripted({{{"tool_calls", {call("get_weather", {{"city", "Paris"}})}}}, "async ok"}));
    EXPECT_EQ(future.get().text(), "async ok");
    auto failing = arun_tools("mock/agent", std::vector<Message>{}, {weather_tool()});
    EXPECT_THROW(failing.get(), InvalidRequestError);
}

TEST(ToolLoop, GateMiddlewareSeesEveryStep) {
    struct Counter final : Middleware {
        std::atomic<int> calls{0};
        void complete(CompletionRequest r, CompleteNext next, Callback<CompletionResponse> done) override {
            ++calls;
            next(std::move(r), std::move(done));
        }
        void stream(CompletionRequest r, StreamNext next, Callback<Stream> done) override {
            ++calls;
            next(std::move(r), std::move(done));
        }
        void embed(EmbeddingRequest r, EmbedNext next, Callback<EmbeddingResponse> done) override {
            next(std::move(r), std::move(done));
        }
    };
    auto counter = std::make_shared<Counter>();
    LLMGate gate(GateConfig{.middleware = {counter}});
    auto run = run_tools(gate, "mock/agent", {Message::user("go")}, {weather_tool()},
                         scripted({{{"tool_calls", {call("get_weather", {{"city", "Paris"}})}}}, "ok"}));
    EXPECT_EQ(run.text(), "ok");
    EXPECT_EQ(counter->calls.load(), 2);
}

TEST(ToolLoop, StreamEmitsDeltasToolEventsStepsAndTheFinalResponse) {
    std::vector<WeatherArgs> seen;
    auto s = stream_tools("mock/agent", {Message::user("go")}, {weather_tool(&seen)},
                          scripted({{{"tool_calls", {call("get_weather", {{"city", "Paris"}})}}}, "It is sunny"}));
    std::vector<ToolStreamEvent::Type> types;
    std::string text;
    ToolResult finished;
    CompletionResponse final_response;
    for (const auto& e : s) {
        if (types.empty() || types.back() != e.type || e.type != ToolStreamEvent::Type::text_delta) types.push_back(e.type);
        if (e.type == ToolStreamEvent::Type::text_delta) text += e.text;
        if (e.type == ToolStreamEvent::Type::tool_call_finished) finished = e.tool_result;
        if (e.type == ToolStreamEvent::Type::step_finished) {
            ASSERT_TRUE(e.step.has_value());
        }
        if (e.type == ToolStreamEvent::Type::final_response) final_response = e.response;
    }
    using T = ToolStreamEvent::Type;
    EXPECT_EQ(types, (std::vector<T>{T::tool_call_started, T::tool_call_finished, T::step_finished, T::text_delta,
                                     T::step_finished, T::final_response}));
    EXPECT_EQ(text, "It is sunny");
    EXPECT_EQ(json::parse(finished.content()), (json{{"city", "Paris"}, {"temp_c", 21}}));
    EXPECT_EQ(final_response.text(), "It is sunny");
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(s.result().steps.size(), 2u);
    EXPECT_EQ(s.result().messages.size(), 4u);
    EXPECT_EQ(s.result().usage.total_tokens, s.result().steps[0].usage.total_tokens + s.result().steps[1].usage.total_tokens);
}

TEST(ToolLoop, StreamResultBeforeTheEndIsAnError) {
    auto s = stream_tools("mock/agent", {Message::user("go")}, {weather_tool()}, scripted({"hi"}));
    EXPECT_THROW(s.result(), InvalidRequestError);
    while (s.next()) {
    }
    EXPECT_EQ(s.result().text(), "hi");
}

TEST(ToolLoop, StreamMaxStepsRaisesFromNext) {
    json forever = json::array();
    for (int i = 0; i < 5; ++i) forever.push_back({{"tool_calls", {call("get_weather", {{"city", "P"}})}}});
    ToolRunOptions o = scripted(forever);
    o.max_steps = 2;
    auto s = stream_tools("mock/agent", {Message::user("go")}, {weather_tool()}, o);
    int steps = 0;
    try {
        for (const auto& e : s)
            if (e.type == ToolStreamEvent::Type::step_finished) ++steps;
        FAIL() << "expected MaxStepsExceededError";
    } catch (const MaxStepsExceededError& e) {
        EXPECT_EQ(e.result().steps.size(), 2u);
    }
    EXPECT_EQ(steps, 1);  // the second step's event is not delivered: the error ends the stream
    EXPECT_FALSE(s.next().has_value());
}

}  // namespace
