// The tool-call loop on all nine providers, buffered and streamed, through the real transport against each
// provider's fake protocol: the handler gets the model's arguments, the follow-up request carries the
// assistant's tool call and the tool's result in the provider's own shape, and the final answer and the
// summed usage come back. Plus what must survive between steps: signed reasoning (Anthropic, Gemini,
// Bedrock) and the error flag of a failed tool.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>
#include <string>

#include "anthropic_replies.hpp"
#include "bedrock_replies.hpp"
#include "cohere_replies.hpp"
#include "gemini_replies.hpp"
#include "ollama_replies.hpp"
#include "openai_responses_replies.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;

namespace tool_loop_http {

struct CityArgs {
    std::string city;
};
LLMGATE_STRUCT(CityArgs, city)

}  // namespace tool_loop_http

namespace {
using tool_loop_http::CityArgs;

// What the follow-up request sent back: the call's arguments and id as the assistant turn carries them,
// and the tool result's text and the id it answers.
struct Followup {
    json call_arguments;
    std::string call_id;
    std::string result_text;
    std::string result_for;
};

struct LoopCase {
    std::string name;
    std::string model;
    std::function<void(EnvGuard&, const std::string&)> configure;
    std::function<Reply(bool stream)> tool_call;  // calls get_weather {"city": "Paris"}
    std::function<Reply(const std::string& text, bool stream)> answer;
    std::function<Followup(const json& body)> followup;
    std::string tools_field;  // where the request declares its tools
};

Followup openai_shape(const json& body) {
    const json& m = body["messages"];
    return {json::parse(m[1]["tool_calls"][0]["function"]["arguments"].get<std::string>()),
            m[1]["tool_calls"][0]["id"], m[2]["content"], m[2]["tool_call_id"]};
}

LoopCase openai_like(std::string name, std::string model, std::string key_var, std::string url_var) {
    return {std::move(name),
            std::move(model),
            [key_var, url_var](EnvGuard& e, const std::string& u) {
                e.set(key_var.c_str(), "k-loop");
                e.set(url_var.c_str(), u.c_str());
            },
            [](bool stream) {
                return stream ? openai::stream_tool_calls({{"get_weather", {R"({"city":)", R"( "Paris"})"}}})
                              : openai::chat_tool_calls({{"get_weather", R"({"city": "Paris"})"}});
            },
            [](const std::string& t, bool stream) { return stream ? openai::stream_text({t}) : openai::chat_text(t); },
            openai_shape,
            "tools"};
}

std::vector<LoopCase> cases() {
    const json paris = {{"city", "Paris"}};
    return {
        openai_like("openai", "gpt-4o-mini", "OPENAI_API_KEY", "OPENAI_BASE_URL"),
        openai_like("azure", "azure/my-deployment", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT"),
        openai_like("groq", "groq/llama-3.1-8b-instant", "GROQ_API_KEY", "GROQ_BASE_URL"),
        openai_like("mistral", "mistral/mistral-small-latest", "MISTRAL_API_KEY", "MISTRAL_BASE_URL"),
        {"anthropic", "claude-haiku-4-5",
         [](EnvGuard& e, const std::string& u) {
             e.set("ANTHROPIC_API_KEY", "sk-ant-loop");
             e.set("ANTHROPIC_BASE_URL", u.c_str());
         },
         [paris](bool stream) {
             return stream ? anthropic::stream_tool_use({{"get_weather", {R"({"city":)", R"( "Paris"})"}}})
                           : anthropic::message_tool_use({{"get_weather", paris}});
         },
         [](const std::string& t, bool stream) {
             return stream ? anthropic::stream_text({t}) : anthropic::message_text(t);
         },
         [](const json& body) {
             const json& m = body["messages"];
             json use;
             for (const auto& b : m[1]["content"])
                 if (b["type"] == "tool_use") use = b;
             const json& result = m[2]["content"][0];
             EXPECT_EQ(result["type"], "tool_result");
             EXPECT_EQ(m[2]["role"], "user");
             return Followup{use["input"], use["id"], result["content"], result["tool_use_id"]};
         },
         "tools"},
        {"gemini", "gemini/gemini-2.5-flash",
         [](EnvGuard& e, const std::string& u) {
             e.set("GEMINI_API_KEY", "AIza-loop");
             e.set("GEMINI_BASE_URL", u.c_str());
         },
         [paris](bool stream) {
             return stream ? gemini::event_stream({gemini::stream_event(
                                 json::array({{{"functionCall", {{"name", "get_weather"}, {"args", paris}}}}}), "STOP",
                                 gemini::default_usage())})
                           : gemini::function_calls({{"get_weather", paris}});
         },
         [](const std::string& t, bool stream) { return stream ? gemini::stream_text({t}) : gemini::text(t); },
         [](const json& body) {
             const json& c = body["contents"];
             EXPECT_EQ(c[1]["role"], "model");
             EXPECT_EQ(c[2]["role"], "user");
             const json& fr = c[2]["parts"][0]["functionResponse"];
             EXPECT_EQ(fr["name"], "get_weather");
             // Gemini takes the result as an object: a JSON object result is sent as itself.
             return Followup{c[1]["parts"][0]["functionCall"]["args"], "", fr["response"].dump(), ""};
         },
         "tools"},
        {"cohere", "cohere/command-a-03-2025",
         [](EnvGuard& e, const std::string& u) {
             e.set("COHERE_API_KEY", "co-loop");
             e.set("COHERE_BASE_URL", u.c_str());
         },
         [](bool stream) {
             return stream ? cohere::stream_tool_calls("I will look it up.", {{"get_weather", {R"({"city":)", R"( "Paris"})"}}})
                           : cohere::chat_tool_calls({{"get_weather", R"({"city": "Paris"})"}});
         },
         [](const std::string& t, bool stream) { return stream ? cohere::stream_text({t}) : cohere::chat_text(t); },
         openai_shape,
         "tools"},
        {"ollama", "ollama/llama3.2",
         [](EnvGuard& e, const std::string& u) { e.set("OLLAMA_HOST", u.c_str()); },
         [paris](bool stream) {
             const json calls = json::array({{{"function", {{"name", "get_weather"}, {"arguments", paris}}}}});
             return stream ? ollama::ndjson({ollama::line(ollama::delta_line("llama3.2", "", "", calls)),
                                             ollama::line(ollama::done_line("llama3.2"))})
                           : ollama::chat_tool_calls({{"get_weather", paris}});
         },
         [](const std::string& t, bool stream) { return stream ? ollama::stream_text({t}) : ollama::chat_text(t); },
         [](const json& body) {
             const json& m = body["messages"];
             EXPECT_EQ(m[2]["role"], "tool");
             // Ollama matches a result to its call by order (its API has no call ids to echo).
             return Followup{m[1]["tool_calls"][0]["function"]["arguments"], "", m[2]["content"], ""};
         },
         "tools"},
        // The Responses API: a reasoning item before the call (replayed with its encrypted_content), flat
        // function_call / function_call_output items instead of messages.
        {"openai-responses", "openai-responses/gpt-5-mini",
         [](EnvGuard& e, const std::string& u) {
             e.set("OPENAI_API_KEY", "k-loop");
             e.set("OPENAI_BASE_URL", u.c_str());
         },
         [](bool stream) {
             const json out = openai_responses::response(
                 json::array({openai_responses::reasoning_item("rs_1", "Look it up.", "enc-1"),
                              openai_responses::function_call_item("call_p", "get_weather", R"({"city": "Paris"})")}));
             return stream ? openai_responses::stream(out) : openai_responses::reply(out);
         },
         [](const std::string& t, bool stream) {
             const json out = openai_responses::response(json::array({openai_responses::message_item(t)}));
             return stream ? openai_responses::stream(out) : openai_responses::reply(out);
         },
         [](const json& body) {
             const json& in = body["input"];
             EXPECT_EQ(in[1]["type"], "reasoning");
             EXPECT_EQ(in[1]["encrypted_content"], "enc-1");
             const json& call = in[2];
             const json& result = in[3];
             EXPECT_EQ(call["type"], "function_call");
             EXPECT_EQ(result["type"], "function_call_output");
             return Followup{json::parse(call["arguments"].get<std::string>()), call["call_id"], result["output"],
                             result["call_id"]};
         },
         "tools"},
        {"bedrock", "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0",
         [](EnvGuard& e, const std::string& u) {
             e.set("AWS_ACCESS_KEY_ID", "AKIDLOOP");
             e.set("AWS_SECRET_ACCESS_KEY", "loop-secret");
             e.set("AWS_REGION", "us-east-1");
             e.set("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", u.c_str());
         },
         [paris](bool stream) {
             return stream ? bedrock::stream_tool_use({{"get_weather", {R"({"city":)", R"( "Paris"})"}}})
                           : bedrock::converse_tool_use({{"get_weather", paris}});
         },
         [](const std::string& t, bool stream) { return stream ? bedrock::stream_text({t}) : bedrock::converse_text(t); },
         [](const json& body) {
             const json& m = body["messages"];
             const json& use = m[1]["content"][0]["toolUse"];
             const json& result = m[2]["content"][0]["toolResult"];
             EXPECT_EQ(m[2]["role"], "user");
             return Followup{use["input"], use["toolUseId"], result["content"][0]["text"], result["toolUseId"]};
         },
         "toolConfig"},
    };
}

struct LoopParam {
    LoopCase c;
    bool stream;
};

std::vector<LoopParam> params() {
    std::vector<LoopParam> out;
    for (auto& c : cases()) {
        out.push_back({c, false});
        out.push_back({c, true});
    }
    return out;
}

class ToolLoopHttp : public ServerTestWithParam<LoopParam> {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        GetParam().c.configure(env, server.base_url());
    }

    // Runs the loop the way the parameter says (run_tools, or stream_tools read to the end).
    ToolRunResult run(std::vector<FunctionTool> tools) {
        const std::vector<Message> ask{Message::user("Weather in Paris?")};
        if (!GetParam().stream) return run_tools(GetParam().c.model, ask, std::move(tools));
        auto s = stream_tools(GetParam().c.model, ask, std::move(tools));
        while (s.next()) {
        }
        return s.result();
    }
};

TEST_P(ToolLoopHttp, HandlerGetsTheArgumentsAndTheFollowupCarriesCallAndResult) {
    const LoopCase& c = GetParam().c;
    const bool stream = GetParam().stream;
    server.enqueue(c.tool_call(stream));
    server.enqueue(c.answer("It is 21 C in Paris.", stream));
    std::vector<std::string> cities;
    auto weather = tool<CityArgs>("get_weather", "Get the weather for a city", [&](const CityArgs& a) {
        cities.push_back(a.city);
        return json{{"temp_c", 21}};
    });

    const ToolRunResult r = run({weather});

    EXPECT_EQ(cities, std::vector<std::string>{"Paris"});
    EXPECT_EQ(r.text(), "It is 21 C in Paris.");
    ASSERT_EQ(r.steps.size(), 2u);
    ASSERT_EQ(server.request_count(), 2u);
    const json second = server.requests()[1].json();
    const Followup f = c.followup(second);
    EXPECT_EQ(f.call_arguments, (json{{"city", "Paris"}}));
    EXPECT_EQ(json::parse(f.result_text), (json{{"temp_c", 21}}));
    const std::string call_id = r.steps[0].tool_calls[0].id;
    if (!f.call_id.empty()) {
        EXPECT_EQ(f.call_id, call_id);
    }
    if (!f.result_for.empty()) {
        EXPECT_EQ(f.result_for, call_id);
    }
    // The tools stay declared on every step (most providers reject tool turns otherwise).
    EXPECT_NE(second[c.tools_field].dump().find("get_weather"), std::string::npos);
    EXPECT_NE(server.requests()[0].json()[c.tools_field].dump().find("get_weather"), std::string::npos);

    // Usage is summed over both steps, and each step's usage is the provider's.
    EXPECT_GT(r.steps[0].usage.total_tokens, 0);
    EXPECT_GT(r.steps[1].usage.total_tokens, 0);
    EXPECT_EQ(r.usage.total_tokens, r.steps[0].usage.total_tokens + r.steps[1].usage.total_tokens);
    EXPECT_EQ(r.usage.prompt_tokens, r.steps[0].usage.prompt_tokens + r.steps[1].usage.prompt_tokens);
    EXPECT_EQ(r.usage.completion_tokens, r.steps[0].usage.completion_tokens + r.steps[1].usage.completion_tokens);
    EXPECT_EQ(r.response.provider, c.name);
}

INSTANTIATE_TEST_SUITE_P(AllProviders, ToolLoopHttp, ::testing::ValuesIn(params()),
                         [](const auto& info) {
                             std::string name = info.param.c.name + (info.param.stream ? "_stream" : "_buffered");
                             std::replace(name.begin(), name.end(), '-', '_');  // a test name is [A-Za-z0-9_]
                             return name;
                         });

// ---- what must survive between steps ---------------------------------------------------------------

class ToolLoopReplay : public ServerTest {
protected:
    void use_provider(const std::string& name) {
        for (const auto& c : cases())
            if (c.name == name) c.configure(env, server.base_url());
    }
};

FunctionTool failing_weather() {
    return tool<CityArgs>("get_weather", "W", [](const CityArgs&) -> std::string { throw std::runtime_error("offline"); });
}

FunctionTool plain_weather() {
    return tool<CityArgs>("get_weather", "W", [](const CityArgs& a) { return "sunny in " + a.city; });
}

TEST_F(ToolLoopReplay, AnthropicThinkingBlocksAreReplayedBeforeTheToolUse) {
    use_provider("anthropic");
    server.enqueue(anthropic::message(
        json::array({{{"type", "thinking"}, {"thinking", "Need the weather."}, {"signature", "sig-abc"}},
                     {{"type", "tool_use"}, {"id", "toolu_1"}, {"name", "get_weather"}, {"input", {{"city", "Paris"}}}}}),
        "tool_use"));
    server.enqueue(anthropic::message_text("Sunny."));
    run_tools("claude-sonnet-4-5", {Message::user("Weather?")}, {plain_weather()});
    const json assistant = server.requests()[1].json()["messages"][1];
    ASSERT_EQ(assistant["content"].size(), 2u);
    EXPECT_EQ(assistant["content"][0],
              (json{{"type", "thinking"}, {"thinking", "Need the weather."}, {"signature", "sig-abc"}}));
    EXPECT_EQ(assistant["content"][1]["type"], "tool_use");
    EXPECT_EQ(assistant["content"][1]["id"], "toolu_1");
}

TEST_F(ToolLoopReplay, GeminiThoughtSignatureIsReplayedOnTheFunctionCall) {
    use_provider("gemini");
    server.enqueue(gemini::content(json::array({{{"functionCall", {{"name", "get_weather"}, {"args", {{"city", "Paris"}}}}},
                                                 {"thoughtSignature", "c2lnLWdlbWluaQ=="}}})));
    server.enqueue(gemini::text("Sunny."));
    run_tools("gemini/gemini-2.5-flash", {Message::user("Weather?")}, {plain_weather()});
    const json model_turn = server.requests()[1].json()["contents"][1];
    EXPECT_EQ(model_turn["parts"][0]["thoughtSignature"], "c2lnLWdlbWluaQ==");
    EXPECT_EQ(model_turn["parts"][0]["functionCall"]["name"], "get_weather");
}

TEST_F(ToolLoopReplay, BedrockReasoningIsReplayedBeforeTheToolUse) {
    use_provider("bedrock");
    server.enqueue(bedrock::converse(
        json::array({{{"reasoningContent", {{"reasoningText", {{"text", "Need weather."}, {"signature", "sig-br"}}}}}},
                     {{"toolUse", {{"toolUseId", "tu_1"}, {"name", "get_weather"}, {"input", {{"city", "Paris"}}}}}}}),
        "tool_use"));
    server.enqueue(bedrock::converse_text("Sunny."));
    run_tools("bedrock/anthropic.claude-3-7-sonnet-20250219-v1:0", {Message::user("Weather?")}, {plain_weather()});
    const json assistant = server.requests()[1].json()["messages"][1];
    ASSERT_GE(assistant["content"].size(), 2u);
    EXPECT_EQ(assistant["content"][0]["reasoningContent"]["reasoningText"]["signature"], "sig-br");
    EXPECT_EQ(assistant["content"][1]["toolUse"]["toolUseId"], "tu_1");
}

TEST_F(ToolLoopReplay, FailedToolIsFlaggedWhereTheApiHasAFlag) {
    use_provider("anthropic");
    server.enqueue(anthropic::message_tool_use({{"get_weather", {{"city", "Paris"}}}}));
    server.enqueue(anthropic::message_text("Sorry."));
    run_tools("claude-sonnet-4-5", {Message::user("Weather?")}, {failing_weather()});
    const json result = server.requests()[1].json()["messages"][2]["content"][0];
    EXPECT_EQ(result["is_error"], true);
    EXPECT_NE(result["content"].get<std::string>().find("offline"), std::string::npos);

    server.clear();
    use_provider("bedrock");
    server.enqueue(bedrock::converse_tool_use({{"get_weather", {{"city", "Paris"}}}}));
    server.enqueue(bedrock::converse_text("Sorry."));
    run_tools("bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", {Message::user("Weather?")}, {failing_weather()});
    EXPECT_EQ(server.requests()[1].json()["messages"][2]["content"][0]["toolResult"]["status"], "error");

    server.clear();
    use_provider("gemini");
    server.enqueue(gemini::function_calls({{"get_weather", {{"city", "Paris"}}}}));
    server.enqueue(gemini::text("Sorry."));
    run_tools("gemini/gemini-2.5-flash", {Message::user("Weather?")}, {failing_weather()});
    const json response = server.requests()[1].json()["contents"][2]["parts"][0]["functionResponse"]["response"];
    EXPECT_NE(response["error"].get<std::string>().find("offline"), std::string::npos);

    // A tool that succeeds carries no flag.
    server.clear();
    use_provider("anthropic");
    server.enqueue(anthropic::message_tool_use({{"get_weather", {{"city", "Paris"}}}}));
    server.enqueue(anthropic::message_text("Sunny."));
    run_tools("claude-sonnet-4-5", {Message::user("Weather?")}, {plain_weather()});
    EXPECT_FALSE(server.requests()[1].json()["messages"][2]["content"][0].contains("is_error"));
}

TEST_F(ToolLoopReplay, ProviderErrorMidRunIsTypedAndKeepsNothingHalfDone) {
    use_provider("openai");
    server.enqueue(openai::chat_tool_calls({{"get_weather", R"({"city": "Paris"})"}}));
    server.enqueue(openai::error(500, "boom", "server_error"));
    EXPECT_THROW(run_tools("gpt-4o-mini", {Message::user("Weather?")}, {plain_weather()}), ProviderAPIError);
}

}  // namespace

namespace {

TEST_F(ToolLoopReplay, FallbackChainAppliesToEachStep) {
    // groq has no key here (AuthError, a fallback reason): every step falls back to the second model.
    use_provider("anthropic");
    server.enqueue(anthropic::message_tool_use({{"get_weather", {{"city", "Paris"}}}}));
    server.enqueue(anthropic::message_text("Sunny."));
    auto run = run_tools({"groq/llama-3.1-8b-instant", "claude-haiku-4-5"}, {Message::user("Weather?")}, {plain_weather()});
    EXPECT_EQ(run.text(), "Sunny.");
    ASSERT_EQ(run.steps.size(), 2u);
    for (const auto& step : run.steps) {
        EXPECT_EQ(step.response.provider, "anthropic");
        EXPECT_EQ(step.response.fallback_attempts, std::vector<std::string>{"groq/llama-3.1-8b-instant"});
    }
    EXPECT_EQ(server.request_count(), 2u);
}

TEST_F(ToolLoopReplay, CancelWhileAModelCallIsInFlightEndsTheRun) {
    use_provider("openai");
    Reply slow = openai::chat_text("late");
    slow.delay_before_reply = std::chrono::milliseconds(3000);
    server.enqueue(std::move(slow));
    CancelToken token;
    ToolRunOptions o;
    o.options.cancel = token;
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        token.cancel();
    });
    // Without the cancel the reply would arrive (late) and the run would succeed.
    EXPECT_THROW(run_tools("gpt-4o-mini", {Message::user("Weather?")}, {plain_weather()}, o), CancelledError);
    canceller.join();
}

}  // namespace
