// Ollama over real HTTP against the fake server: what is sent, what is parsed, every failure typed.
#include <gtest/gtest.h>

#include <chrono>

#include "ollama_replies.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::ollama;

namespace {

class OllamaHttp : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        // Given without a scheme, as users often set it: normalised like the official client does.
        env.set("OLLAMA_HOST", ("127.0.0.1:" + std::to_string(server.port())).c_str());
    }
};

std::vector<Tool> weather_tool() {
    return {Tool{
        .name = "get_weather",
        .description = "Get the weather in a city",
        .parameters = json::parse(R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})")}};
}

}  // namespace

TEST_F(OllamaHttp, SendsNativeChatRequestAndParsesTheReply) {
    server.enqueue(fake::chat_text("Hi there", "llama3.2", "stop", 26, 298));
    auto r = completion("ollama/llama3.2", {Message::system("be brief"), Message::user("Hello!")},
                        {.max_tokens = 20, .temperature = 0.2, .top_p = 0.9, .stop = {"END"}, .seed = 3});
    EXPECT_EQ(r.text(), "Hi there");
    EXPECT_EQ(r.provider, "ollama");
    EXPECT_EQ(r.model, "llama3.2");
    EXPECT_EQ(r.finish_reason, "stop");
    EXPECT_EQ(r.usage.prompt_tokens, 26);
    EXPECT_EQ(r.usage.completion_tokens, 298);
    EXPECT_EQ(r.usage.total_tokens, 324);
    EXPECT_EQ(r.raw["done"], true);

    auto req = server.last_request();
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.path, "/api/chat");
    EXPECT_EQ(req.header("authorization"), "");  // a local Ollama needs no key
    EXPECT_EQ(req.header("content-type"), "application/json");
    json body = req.json();
    EXPECT_EQ(body["model"], "llama3.2");
    EXPECT_EQ(body["stream"], false);  // Ollama streams unless told not to
    EXPECT_EQ(body["messages"],
              json::parse(R"([{"role":"system","content":"be brief"},{"role":"user","content":"Hello!"}])"));
    EXPECT_EQ(body["options"],
              json::parse(R"({"num_predict":20,"temperature":0.2,"top_p":0.9,"stop":["END"],"seed":3})"));
}

TEST_F(OllamaHttp, PerCallKeyIsSentAsBearerAndPerCallBaseOverridesOllamaHost) {
    FakeServer other;
    other.enqueue(fake::chat_text("from other"));
    auto r = completion("ollama/llama3.2", hello(), {.api_key = "ollama-key", .api_base = other.base_url() + "/"});
    EXPECT_EQ(r.text(), "from other");
    EXPECT_EQ(other.last_request().header("authorization"), "Bearer ollama-key");
    EXPECT_EQ(other.last_request().path, "/api/chat");
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(OllamaHttp, OllamaApiKeyFromEnvironmentIsSentAsBearer) {
    env.set("OLLAMA_API_KEY", "env-key");
    server.enqueue(fake::chat_text("ok"));
    completion("ollama/llama3.2", hello());
    EXPECT_EQ(server.last_request().header("authorization"), "Bearer env-key");
}

TEST_F(OllamaHttp, OllamaHostWithSchemeAndPathPrefixIsHonoured) {
    env.set("OLLAMA_HOST", (server.base_url() + "/proxy/").c_str());
    server.enqueue(fake::chat_text("ok"));
    completion("ollama/llama3.2", hello());
    EXPECT_EQ(server.last_request().path, "/proxy/api/chat");
}

TEST_F(OllamaHttp, ExtraThinkAndOptionsPassThrough) {
    server.enqueue(fake::chat_text("4", "qwen3", "stop", 10, 20, "2 plus 2 is 4"));
    auto r = completion("ollama/qwen3", hello(),
                        {.max_tokens = 100, .extra = {{"think", true}, {"options", {{"num_ctx", 4096}}}}});
    EXPECT_EQ(r.reasoning(), "2 plus 2 is 4");
    json body = server.last_request().json();
    EXPECT_EQ(body["think"], true);
    EXPECT_EQ(body["options"], json::parse(R"({"num_predict":100,"num_ctx":4096})"));
}

TEST_F(OllamaHttp, MessageThinkingIsReasoningContent) {
    server.enqueue(fake::chat_text("4", "qwen3", "stop", 10, 20, "2 plus 2 is 4"));
    auto r = completion("ollama/qwen3", hello());
    EXPECT_EQ(r.reasoning(), "2 plus 2 is 4");
    EXPECT_EQ(r.text(), "4");

    server.enqueue(fake::stream_text({"4"}, "qwen3", true, {"2 plus ", "2"}));
    std::string reasoning, text;
    for (const auto& c : stream("ollama/qwen3", hello())) {
        reasoning += c.reasoning;
        text += c.delta;
    }
    EXPECT_EQ(reasoning, "2 plus 2");
    EXPECT_EQ(text, "4");
}

TEST_F(OllamaHttp, StreamsNdjsonAndTheFinalDoneLineCarriesTheTokenCounts) {
    server.enqueue(fake::stream_text({"Hel", "lo"}));
    auto s = stream("ollama/llama3.2", hello(), {.max_tokens = 5});
    std::string text;
    std::optional<Usage> usage;
    std::string finish;
    for (const auto& c : s) {
        text += c.delta;
        if (c.usage) usage = c.usage;
        if (!c.finish_reason.empty()) finish = c.finish_reason;
    }
    EXPECT_EQ(text, "Hello");
    EXPECT_EQ(finish, "stop");
    ASSERT_TRUE(usage.has_value());
    EXPECT_EQ(usage->prompt_tokens, 26);
    EXPECT_EQ(usage->completion_tokens, 282);
    EXPECT_EQ(s.response().usage.total_tokens, 308);
    EXPECT_EQ(s.response().text(), "Hello");

    auto req = server.last_request();
    EXPECT_EQ(req.path, "/api/chat");
    EXPECT_EQ(req.header("accept"), "application/x-ndjson");
    EXPECT_EQ(req.json()["stream"], true);
    EXPECT_EQ(req.json()["options"]["num_predict"], 5);
}

TEST_F(OllamaHttp, ToolCallArgumentsArriveAsAJsonObject) {
    server.enqueue(fake::chat_tool_calls({{"get_weather", {{"city", "Tokyo"}}}, {"get_time", json::object()}}));
    auto r = completion("ollama/llama3.2", {Message::user("weather in Tokyo?")}, {.tools = weather_tool()});
    ASSERT_EQ(r.tool_calls().size(), 2u);
    EXPECT_EQ(r.tool_calls()[0].function, "get_weather");
    EXPECT_EQ(r.tool_calls()[0].arguments, (json{{"city", "Tokyo"}}));
    EXPECT_EQ(r.tool_calls()[0].arguments_raw, R"({"city":"Tokyo"})");
    EXPECT_EQ(r.tool_calls()[1].arguments_raw, "{}");
    EXPECT_EQ(r.tool_calls()[0].id.rfind("call_0_", 0), 0u);  // synthesised: Ollama sent none
    EXPECT_EQ(r.finish_reason, "tool_calls");
    json body = server.last_request().json();
    EXPECT_EQ(body["tools"][0]["type"], "function");
    EXPECT_EQ(body["tools"][0]["function"]["name"], "get_weather");
    EXPECT_EQ(body["tools"][0]["function"]["parameters"]["required"], json::array({"city"}));
}

TEST_F(OllamaHttp, ToolCallIdsFromRecentServersAreKept) {
    server.enqueue(fake::chat_tool_calls({{"get_weather", {{"city", "Tokyo"}}}}, "llama3.2", /*with_ids=*/true));
    auto r = completion("ollama/llama3.2", hello(), {.tools = weather_tool()});
    EXPECT_EQ(r.tool_calls()[0].id, "call_fake0000");
}

TEST_F(OllamaHttp, ToolResultTurnSendsArgumentsBackAsAnObjectAndNamesTheTool) {
    server.enqueue(fake::chat_tool_calls({{"get_weather", {{"city", "Tokyo"}}}}));
    std::vector<Message> history{Message::user("weather in Tokyo?")};
    auto first = completion("ollama/llama3.2", history, {.tools = weather_tool()});
    history.push_back(first.choices[0].message);
    history.push_back(Message::tool(first.tool_calls()[0].id, "22C and sunny"));

    server.enqueue(fake::chat_text("It is 22C and sunny in Tokyo."));
    auto second = completion("ollama/llama3.2", history, {.tools = weather_tool()});
    EXPECT_EQ(second.text(), "It is 22C and sunny in Tokyo.");

    json msgs = server.last_request().json()["messages"];
    ASSERT_EQ(msgs.size(), 3u);
    EXPECT_EQ(msgs[1]["role"], "assistant");
    ASSERT_TRUE(msgs[1]["tool_calls"][0]["function"]["arguments"].is_object());
    EXPECT_EQ(msgs[1]["tool_calls"][0]["function"]["arguments"], (json{{"city", "Tokyo"}}));
    EXPECT_EQ(msgs[2]["role"], "tool");
    EXPECT_EQ(msgs[2]["content"], "22C and sunny");
    EXPECT_EQ(msgs[2]["tool_name"], "get_weather");
    EXPECT_EQ(msgs[2]["tool_call_id"], first.tool_calls()[0].id);
}

TEST_F(OllamaHttp, ToolsKeptInStreaming) {
    server.enqueue(
        fake::stream_tool_calls({{"get_weather", {{"city", "Tokyo"}}}, {"get_weather", {{"city", "Paris"}}}}));
    auto s = stream("ollama/llama3.2", {Message::user("weather in Tokyo and Paris?")}, {.tools = weather_tool()});
    std::vector<ToolCall> calls;
    std::vector<int> indexes;
    for (const auto& c : s) {
        for (const auto& d : c.tool_call_deltas) indexes.push_back(d.index);
        if (!c.tool_calls.empty()) calls = c.tool_calls;
    }
    EXPECT_EQ(indexes, (std::vector<int>{0, 1}));
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].arguments, (json{{"city", "Tokyo"}}));
    EXPECT_EQ(calls[1].arguments, (json{{"city", "Paris"}}));
    EXPECT_NE(calls[0].id, calls[1].id);
    EXPECT_EQ(s.response().tool_calls().size(), 2u);
    EXPECT_EQ(s.response().finish_reason, "tool_calls");
    EXPECT_EQ(s.response().usage.prompt_tokens, 169);

    json body = server.last_request().json();
    EXPECT_EQ(body["stream"], true);
    ASSERT_TRUE(body.contains("tools"));
    EXPECT_EQ(body["tools"][0]["function"]["name"], "get_weather");
}

TEST_F(OllamaHttp, StreamEndingWithoutDoneLineIsAnErrorNotAShortAnswer) {
    server.enqueue(fake::stream_text({"Hel", "lo"}, "llama3.2", /*send_done=*/false));
    std::string text;
    EXPECT_THROW(
        {
            for (const auto& c : stream("ollama/llama3.2", hello())) text += c.delta;
        },
        ResponseParseError);
    EXPECT_EQ(text, "Hello");
}

TEST_F(OllamaHttp, DroppedConnectionMidStreamIsAConnectionError) {
    Reply r = fake::stream_text({"a", "b"}, "llama3.2", false);
    r.drop_connection_after_chunks = true;
    server.enqueue(r);
    EXPECT_THROW(
        {
            for (const auto& c : stream("ollama/llama3.2", hello())) (void)c;
        },
        ConnectionError);
}

TEST_F(OllamaHttp, ErrorLineMidStreamIsAProviderAPIError) {
    server.enqueue(fake::stream_error_midway({"Hel"}, "an error was encountered while running the model"));
    std::string text;
    try {
        for (const auto& c : stream("ollama/llama3.2", hello())) text += c.delta;
        FAIL();
    } catch (const ProviderAPIError& e) {
        EXPECT_EQ(e.provider_message(), "an error was encountered while running the model");
        EXPECT_EQ(e.provider(), "ollama");
    }
    EXPECT_EQ(text, "Hel");
}

TEST_F(OllamaHttp, ModelNotFoundIsAModelNotFoundErrorWithOllamasMessage) {
    server.enqueue(fake::model_not_found("nope"));
    try {
        completion("ollama/nope", hello());
        FAIL();
    } catch (const ModelNotFoundError& e) {
        EXPECT_EQ(e.status(), 404);
        EXPECT_EQ(e.provider(), "ollama");
        EXPECT_EQ(e.provider_message(), "model 'nope' not found");
    }
    server.enqueue(fake::model_not_found("nope"));
    EXPECT_THROW(stream("ollama/nope", hello()), ModelNotFoundError);
}

TEST_F(OllamaHttp, HttpStatusesMapToTypedErrors) {
    server.enqueue(fake::error(401, "unauthorized"));
    expect_error<AuthError>([] { completion("ollama/llama3.2", hello()); });
    server.enqueue(fake::error(403, "forbidden"));
    expect_error<AuthError>([] { completion("ollama/llama3.2", hello()); });
    server.enqueue(fake::error(400, "registry.ollama.ai/library/gemma:2b does not support tools"));
    expect_error<ProviderAPIError>([] { completion("ollama/gemma:2b", hello()); });
    server.enqueue(fake::error(500, "llama runner process has terminated"));
    try {
        completion("ollama/llama3.2", hello());
        FAIL();
    } catch (const ProviderAPIError& e) {
        EXPECT_EQ(e.status(), 500);
        EXPECT_EQ(e.provider_message(), "llama runner process has terminated");
    }
}

TEST_F(OllamaHttp, RateLimitCarriesRetryAfter) {
    Reply r = fake::error(429, "too many requests");
    r.headers.emplace_back("retry-after", "7");
    r.headers.emplace_back("x-request-id", "req-proxy-1");
    server.enqueue(r);
    try {
        completion("ollama/llama3.2", hello());
        FAIL();
    } catch (const RateLimitError& e) {
        EXPECT_EQ(e.status(), 429);
        ASSERT_TRUE(e.retry_after().has_value());
        EXPECT_EQ(*e.retry_after(), std::chrono::seconds(7));
        EXPECT_EQ(e.request_id(), "req-proxy-1");
        EXPECT_EQ(e.provider_message(), "too many requests");
    }
}

TEST_F(OllamaHttp, ServerBusy503IsARateLimitError) {
    server.enqueue(fake::error(503, "server busy, please try again.  maximum pending requests exceeded"));
    expect_error<RateLimitError>([] { completion("ollama/llama3.2", hello()); });
}

TEST_F(OllamaHttp, MalformedJsonIsAResponseParseError) {
    server.enqueue(fake::malformed_json());
    EXPECT_THROW(completion("ollama/llama3.2", hello()), ResponseParseError);
    server.enqueue(fake::ndjson({"{\"message\":{\"content\":\"a\"},\"done\":false}\n", "{not json}\n"}));
    EXPECT_THROW(
        {
            for (const auto& c : stream("ollama/llama3.2", hello())) (void)c;
        },
        ResponseParseError);
}

TEST_F(OllamaHttp, AsyncCompletionAndStream) {
    server.enqueue(fake::chat_text("async hi"));
    auto r = acompletion("ollama/llama3.2", hello()).get();
    EXPECT_EQ(r.text(), "async hi");
    EXPECT_EQ(server.last_request().json()["stream"], false);

    server.enqueue(fake::stream_text({"a", "b"}));
    auto s = astream("ollama/llama3.2", hello()).get();
    std::string text;
    for (const auto& c : s) text += c.delta;
    EXPECT_EQ(text, "ab");
    EXPECT_EQ(server.last_request().json()["stream"], true);
}

TEST_F(OllamaHttp, EmbeddingsUseApiEmbed) {
    server.enqueue(fake::embeddings({{0.1, 0.2, 0.3}}, "nomic-embed-text", 4));
    auto r = embed("ollama/nomic-embed-text", "Hello world", {.dimensions = 3, .truncate = "false"});
    ASSERT_EQ(r.embeddings.size(), 1u);
    EXPECT_DOUBLE_EQ(r.embeddings[0][2], 0.3);
    EXPECT_EQ(r.usage.prompt_tokens, 4);
    EXPECT_EQ(r.provider, "ollama");
    EXPECT_EQ(r.model, "nomic-embed-text");
    auto req = server.last_request();
    EXPECT_EQ(req.path, "/api/embed");
    EXPECT_EQ(req.json(),
              json::parse(R"({"model":"nomic-embed-text","input":"Hello world","truncate":false,"dimensions":3})"));

    server.enqueue(fake::embeddings({{1.0}, {2.0}}));
    auto many = aembed("ollama/nomic-embed-text", std::vector<std::string>{"a", "b"}).get();
    ASSERT_EQ(many.embeddings.size(), 2u);
    EXPECT_EQ(server.last_request().json()["input"], json::parse(R"(["a","b"])"));
}

TEST_F(OllamaHttp, EmbeddingCountMismatchIsAResponseParseError) {
    server.enqueue(fake::embeddings({{1.0}}));
    EXPECT_THROW(embed("ollama/nomic-embed-text", std::vector<std::string>{"a", "b"}), ResponseParseError);
}

// No provider configured: every variable cleared.
namespace {
class OllamaConnection : public ProviderEnvTest {};
}  // namespace

TEST_F(OllamaConnection, OllamaNotRunningIsAConnectionErrorMentioningOllamaHost) {
    std::string host;
    {
        FakeServer s;
        host = "127.0.0.1:" + std::to_string(s.port());
    }  // closed: nothing listens there now
    env.set("OLLAMA_HOST", host.c_str());
    try {
        completion("ollama/llama3.2", hello());
        FAIL();
    } catch (const ConnectionError& e) {
        EXPECT_NE(std::string(e.provider_message()).find("OLLAMA_HOST"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.provider_message()).find("http://" + host), std::string::npos) << e.what();
        EXPECT_EQ(e.provider(), "ollama");
    }
    EXPECT_THROW(stream("ollama/llama3.2", hello()), ConnectionError);
    try {
        acompletion("ollama/llama3.2", hello()).get();
        FAIL();
    } catch (const ConnectionError& e) {
        EXPECT_NE(std::string(e.provider_message()).find("OLLAMA_HOST"), std::string::npos);
    }
    EXPECT_THROW(aembed("ollama/nomic-embed-text", "x").get(), ConnectionError);
}
