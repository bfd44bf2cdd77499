// Anthropic over real HTTP against the fake server: what is sent, what is parsed, every failure typed.
#include <gtest/gtest.h>

#include <chrono>

#include "anthropic_replies.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::anthropic;

namespace {

constexpr const char* kKey = "sk-ant-test-SECRET-0123456789";
constexpr const char* kModel = "claude-sonnet-4-5";

class AnthropicHttp : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        point_at("ANTHROPIC_API_KEY", kKey, "ANTHROPIC_BASE_URL");
    }

    // Iterates a stream to the end, collecting text, reasoning and the finish chunk's tool calls.
    struct Collected {
        std::string text, reasoning, finish_reason;
        std::vector<ToolCall> tool_calls;
        std::optional<Usage> usage;
    };
    static Collected drain(Stream& s) {
        Collected c;
        for (const auto& chunk : s) {
            c.text += chunk.delta;
            c.reasoning += chunk.reasoning;
            if (!chunk.finish_reason.empty()) c.finish_reason = chunk.finish_reason;
            if (!chunk.tool_calls.empty()) c.tool_calls = chunk.tool_calls;
            if (chunk.usage) c.usage = chunk.usage;
        }
        return c;
    }
};

const json kThinking = {
    {"type", "thinking"}, {"thinking", "The user wants Paris weather."}, {"signature", "EqQBCkgIARABGAIiQL+sig=="}};
const json kRedacted = {{"type", "redacted_thinking"}, {"data", "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT"}};

}  // namespace

TEST_F(AnthropicHttp, SendsMessagesRequestLikeTheOfficialSDKAndParsesTheReply) {
    server.enqueue(fake::message_text("Hi there", "claude-sonnet-4-5-20250929"));
    auto r = completion(kModel, {Message::system("be brief"), Message::user("Hello!")},
                        {.max_tokens = 20, .temperature = 0.2, .top_p = 0.9, .stop = {"END"}});
    EXPECT_EQ(r.text(), "Hi there");
    EXPECT_EQ(r.provider, "anthropic");
    EXPECT_EQ(r.model, "claude-sonnet-4-5-20250929");
    EXPECT_EQ(r.id, "msg_01FakeAnthropic0001");
    EXPECT_EQ(r.finish_reason, "stop");
    EXPECT_EQ(r.usage.prompt_tokens, 10);
    EXPECT_EQ(r.usage.completion_tokens, 5);
    EXPECT_EQ(r.usage.total_tokens, 15);
    EXPECT_EQ(r.raw["type"], "message");

    auto req = server.last_request();
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.path, "/v1/messages");
    EXPECT_EQ(req.query, "");
    EXPECT_EQ(req.header("x-api-key"), kKey);
    EXPECT_EQ(req.header("anthropic-version"), "2023-06-01");
    EXPECT_EQ(req.header("content-type"), "application/json");
    EXPECT_EQ(req.header("authorization"), "");
    EXPECT_EQ(req.json(), json::parse(R"({"model":"claude-sonnet-4-5","max_tokens":20,"system":"be brief",
        "messages":[{"role":"user","content":"Hello!"}],"temperature":0.2,"top_p":0.9,"stop_sequences":["END"]})"));
}

TEST_F(AnthropicHttp, MaxTokensIsDefaultedWhenTheCallerGivesNone) {
    server.enqueue(fake::message_text("ok"));
    completion(kModel, hello());
    EXPECT_EQ(server.last_request().json()["max_tokens"], 4096);
}

TEST_F(AnthropicHttp, AnthropicPrefixIsRoutedAndStripped) {
    server.enqueue(fake::message_text("ok"));
    auto r = completion("anthropic/claude-opus-4-1", hello());
    EXPECT_EQ(r.provider, "anthropic");
    EXPECT_EQ(server.last_request().json()["model"], "claude-opus-4-1");
    EXPECT_EQ(provider_for("claude-3-5-haiku-latest"), "anthropic");
}

TEST_F(AnthropicHttp, PerCallKeyAndBaseOverrideTheEnvironment) {
    FakeServer other;
    other.enqueue(fake::message_text("from other"));
    auto r = completion(kModel, hello(), {.api_key = "sk-ant-per-call", .api_base = other.base_url() + "/"});
    EXPECT_EQ(r.text(), "from other");
    EXPECT_EQ(other.last_request().header("x-api-key"), "sk-ant-per-call");
    EXPECT_EQ(other.last_request().path, "/v1/messages");
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(AnthropicHttp, MissingKeyIsAnAuthErrorBeforeAnythingIsSent) {
    env.set("ANTHROPIC_API_KEY", nullptr);
    try {
        completion(kModel, hello());
        FAIL();
    } catch (const AuthError& e) {
        EXPECT_NE(std::string(e.what()).find("ANTHROPIC_API_KEY"), std::string::npos);
        EXPECT_EQ(e.provider(), "anthropic");
    }
    EXPECT_THROW(stream(kModel, hello()), AuthError);
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(AnthropicHttp, ParsesToolUseAndSendsToolsAndToolChoice) {
    server.enqueue(
        fake::message_tool_use({{"get_weather", {{"city", "Paris"}}}, {"get_time", json::object()}}, "Let me check."));
    Tool weather{
        .name = "get_weather",
        .description = "Get current weather for a city",
        .parameters = json::parse(R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})")};
    auto r = completion(kModel, hello(), {.tools = {weather}, .tool_choice = "required", .parallel_tool_calls = false});
    ASSERT_EQ(r.tool_calls().size(), 2u);
    EXPECT_EQ(r.tool_calls()[0].id, "toolu_01");
    EXPECT_EQ(r.tool_calls()[0].function, "get_weather");
    EXPECT_EQ(r.tool_calls()[0].arguments["city"], "Paris");
    EXPECT_EQ(r.tool_calls()[1].arguments_raw, "{}");
    EXPECT_EQ(r.text(), "Let me check.");
    EXPECT_EQ(r.finish_reason, "tool_calls");
    json body = server.last_request().json();
    EXPECT_EQ(body["tools"], json::parse(R"([{"name":"get_weather","description":"Get current weather for a city",
        "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}])"));
    EXPECT_EQ(body["tool_choice"], json::parse(R"({"type":"any","disable_parallel_tool_use":true})"));
}

TEST_F(AnthropicHttp, SendsToolResultTurnWithToolUseBlocksAndToolUseId) {
    server.enqueue(fake::message_tool_use({{"get_weather", {{"city", "Paris"}}}, {"get_time", {{"tz", "CET"}}}}));
    auto first = completion(kModel, hello());
    std::vector<Message> history = hello();
    history.push_back(first.choices[0].message);
    history.push_back(Message::tool("toolu_01", R"({"temp_c": 21})"));
    history.push_back(Message::tool("toolu_02", "12:00"));
    server.enqueue(fake::message_text("It is 21 C in Paris at noon."));
    auto second = completion(kModel, history);
    EXPECT_EQ(second.text(), "It is 21 C in Paris at noon.");
    json msgs = server.last_request().json()["messages"];
    ASSERT_EQ(msgs.size(), 3u);
    EXPECT_EQ(msgs[1], json::parse(R"({"role":"assistant","content":[
        {"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris"}},
        {"type":"tool_use","id":"toolu_02","name":"get_time","input":{"tz":"CET"}}]})"));
    EXPECT_EQ(msgs[2], json::parse(R"({"role":"user","content":[
        {"type":"tool_result","tool_use_id":"toolu_01","content":"{\"temp_c\": 21}"},
        {"type":"tool_result","tool_use_id":"toolu_02","content":"12:00"}]})"));
}

TEST_F(AnthropicHttp, ThinkingBlocksAreSurfacedAndReplayedVerbatimInTheNextTurn) {
    json content = json::array(
        {kThinking,
         kRedacted,
         {{"type", "tool_use"}, {"id", "toolu_01"}, {"name", "get_weather"}, {"input", {{"city", "Paris"}}}}});
    server.enqueue(fake::message(content, "tool_use"));
    const json thinking = {{"type", "enabled"}, {"budget_tokens", 2048}};
    auto first = completion(kModel, hello(), {.extra = {{"thinking", thinking}}});
    EXPECT_EQ(first.reasoning(), "The user wants Paris weather.");
    EXPECT_EQ(server.last_request().json()["thinking"], thinking);  // passed through untouched

    std::vector<Message> history = hello();
    history.push_back(first.choices[0].message);
    history.push_back(Message::tool("toolu_01", "21C"));
    server.enqueue(fake::message_text("21 C."));
    completion(kModel, history, {.extra = {{"thinking", thinking}}});
    json assistant = server.last_request().json()["messages"][1];
    ASSERT_EQ(assistant["content"].size(), 3u);
    EXPECT_EQ(assistant["content"][0], kThinking);  // signature included
    EXPECT_EQ(assistant["content"][1], kRedacted);
    EXPECT_EQ(assistant["content"][2]["type"], "tool_use");
}

TEST_F(AnthropicHttp, CacheTokensAreCountedInPromptTokens) {
    server.enqueue(fake::message_text("ok", kModel, "end_turn",
                                      {{"input_tokens", 20},
                                       {"cache_creation_input_tokens", 100},
                                       {"cache_read_input_tokens", 900},
                                       {"output_tokens", 3}}));
    auto r = completion(kModel, hello());
    EXPECT_EQ(r.usage.prompt_tokens, 1020);
    EXPECT_EQ(r.usage.cached_tokens, 900);
    EXPECT_EQ(r.usage.cache_creation_tokens, 100);
    EXPECT_EQ(r.usage.total_tokens, 1023);
}

TEST_F(AnthropicHttp, EmptyReplyCutByMaxTokensIsAnIncompleteResponseError) {
    server.enqueue(
        fake::message(json::array({kThinking}), "max_tokens", {{"input_tokens", 5}, {"output_tokens", 100}}));
    try {
        completion(kModel, hello(), {.max_tokens = 100});
        FAIL() << "expected IncompleteResponseError";
    } catch (const IncompleteResponseError& e) {
        EXPECT_EQ(e.finish_reason(), "length");
        EXPECT_EQ(e.usage().completion_tokens, 100);
    }
    server.enqueue(fake::message_text("partial", kModel, "max_tokens"));
    EXPECT_EQ(completion(kModel, hello()).finish_reason, "length");
}

TEST_F(AnthropicHttp, StreamsTextWithUsageAndSendsStreamTrue) {
    server.enqueue(fake::stream_text({"Hel", "lo", " world"}));
    auto s = stream(kModel, hello());
    auto c = drain(s);
    EXPECT_EQ(c.text, "Hello world");
    EXPECT_EQ(c.finish_reason, "stop");
    ASSERT_TRUE(c.usage.has_value());
    EXPECT_EQ(c.usage->prompt_tokens, 10);
    EXPECT_EQ(c.usage->completion_tokens, 3);
    EXPECT_EQ(s.response().text(), "Hello world");
    EXPECT_EQ(s.response().id, "msg_01FakeAnthropic0001");
    EXPECT_EQ(s.response().usage.total_tokens, 13);
    auto req = server.last_request();
    EXPECT_EQ(req.path, "/v1/messages");
    EXPECT_EQ(req.header("x-api-key"), kKey);
    EXPECT_EQ(req.json()["stream"], true);
    EXPECT_FALSE(req.json().contains("stream_options"));
}

TEST_F(AnthropicHttp, StreamedToolUseFragmentsAreAssembledPerTool) {
    server.enqueue(fake::stream_tool_use(
        {{"get_weather", {"{\"ci", "ty\": \"Pa", "ris\"}"}}, {"get_time", {"{\"tz\":", "\"CET\"}"}}}));
    auto s = stream(kModel, hello());
    auto c = drain(s);
    ASSERT_EQ(c.tool_calls.size(), 2u);
    EXPECT_EQ(c.tool_calls[0].id, "toolu_01");
    EXPECT_EQ(c.tool_calls[0].arguments, (json{{"city", "Paris"}}));
    EXPECT_EQ(c.tool_calls[1].function, "get_time");
    EXPECT_EQ(c.tool_calls[1].arguments, (json{{"tz", "CET"}}));
    EXPECT_EQ(s.response().tool_calls().size(), 2u);
    EXPECT_EQ(s.response().finish_reason, "tool_calls");
}

TEST_F(AnthropicHttp, StreamedToolCallWithNoArgumentFragmentsYieldsEmptyObjectArguments) {
    server.enqueue(fake::stream_tool_use({{"get_time", {}}}));
    auto s = stream(kModel, hello());
    auto c = drain(s);
    ASSERT_EQ(c.tool_calls.size(), 1u);
    EXPECT_EQ(c.tool_calls[0].arguments_raw, "{}");
    EXPECT_EQ(c.tool_calls[0].arguments, json::object());
    EXPECT_EQ(s.response().tool_calls().at(0).arguments, json::object());
}

TEST_F(AnthropicHttp, PingEventsMidStreamAreIgnored) {
    const std::string ping = "event: ping\ndata: {\"type\": \"ping\"}\n\n";
    auto text = fake::stream_text({"a", "b"});
    std::vector<std::string> chunks;
    for (const auto& ch : text.chunks) {
        chunks.push_back(ping);
        chunks.push_back(ch);
    }
    server.enqueue(fake::raw_stream(chunks));
    auto s = stream(kModel, hello());
    EXPECT_EQ(drain(s).text, "ab");
}

TEST_F(AnthropicHttp, ErrorEventMidStreamIsATypedError) {
    auto overloaded = fake::stream_text({"par", "tial"});
    overloaded.chunks.resize(5);  // message_start, block start, ping, two deltas
    overloaded.chunks.push_back(
        "event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": "
        "\"Overloaded\"}}\n\n");
    server.enqueue(overloaded);
    std::string text;
    try {
        for (const auto& c : stream(kModel, hello())) text += c.delta;
        FAIL() << "expected RateLimitError";
    } catch (const RateLimitError& e) {
        EXPECT_EQ(e.provider_message(), "Overloaded");
        EXPECT_EQ(e.error_type(), "overloaded_error");
    }
    EXPECT_EQ(text, "partial");

    auto api = fake::stream_text({"x"});
    api.chunks.resize(2);
    api.chunks.push_back(
        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server "
        "error\"}}\n\n");
    server.enqueue(api);
    EXPECT_THROW(
        {
            for (const auto& c : stream(kModel, hello())) (void)c;
        },
        ProviderAPIError);
}

TEST_F(AnthropicHttp, StreamedThinkingIsSurfacedAsReasoningAndReplayedWithItsSignature) {
    server.enqueue(fake::event_stream(
        {fake::message_start(),
         {{"type", "content_block_start"},
          {"index", 0},
          {"content_block", {{"type", "thinking"}, {"thinking", ""}, {"signature", ""}}}},
         {{"type", "content_block_delta"},
          {"index", 0},
          {"delta", {{"type", "thinking_delta"}, {"thinking", "Hmm, "}}}},
         {{"type", "content_block_delta"}, {"index", 0}, {"delta", {{"type", "thinking_delta"}, {"thinking", "42."}}}},
         {{"type", "content_block_delta"},
          {"index", 0},
          {"delta", {{"type", "signature_delta"}, {"signature", "EqQBsig=="}}}},
         {{"type", "content_block_stop"}, {"index", 0}},
         {{"type", "content_block_start"}, {"index", 1}, {"content_block", {{"type", "text"}, {"text", ""}}}},
         {{"type", "content_block_delta"}, {"index", 1}, {"delta", {{"type", "text_delta"}, {"text", "42"}}}},
         {{"type", "content_block_stop"}, {"index", 1}},
         fake::message_delta("end_turn", {{"output_tokens", 12}}),
         {{"type", "message_stop"}}}));
    auto s = stream(kModel, hello(), {.extra = {{"thinking", {{"type", "enabled"}, {"budget_tokens", 1024}}}}});
    auto c = drain(s);
    EXPECT_EQ(c.reasoning, "Hmm, 42.");
    EXPECT_EQ(c.text, "42");
    EXPECT_EQ(s.response().reasoning(), "Hmm, 42.");

    // The streamed thinking block, signature included, is replayed verbatim in the next turn.
    const Message reply = s.response().choices.at(0).message;
    std::vector<Message> history = hello();
    history.push_back(reply);
    history.push_back(Message::user("And doubled?"));
    server.enqueue(fake::message_text("84"));
    completion(kModel, history);
    EXPECT_EQ(server.last_request().json()["messages"][1], json::parse(R"({"role":"assistant","content":[
        {"type":"thinking","thinking":"Hmm, 42.","signature":"EqQBsig=="},{"type":"text","text":"42"}]})"));
}

TEST_F(AnthropicHttp, StreamEndingWithoutMessageStopIsAnErrorNotAShortAnswer) {
    server.enqueue(fake::stream_text({"Hel", "lo"}, kModel, /*send_stop=*/false));
    std::string text;
    EXPECT_THROW(
        {
            for (const auto& c : stream(kModel, hello())) text += c.delta;
        },
        ResponseParseError);
    EXPECT_EQ(text, "Hello");
}

TEST_F(AnthropicHttp, DroppedConnectionMidStreamIsAConnectionError) {
    Reply r = fake::stream_text({"a", "b"}, kModel, false);
    r.drop_connection_after_chunks = true;
    server.enqueue(r);
    EXPECT_THROW(
        {
            for (const auto& c : stream(kModel, hello())) (void)c;
        },
        ConnectionError);
}

TEST_F(AnthropicHttp, EmbedRaisesEmbeddingsNotSupportedWithoutSending) {
    EXPECT_THROW(embed("anthropic/claude-sonnet-4-5", "hello"), EmbeddingsNotSupported);
    EXPECT_THROW(aembed("anthropic/claude-sonnet-4-5", "hello").get(), EmbeddingsNotSupported);
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(AnthropicHttp, HttpErrorsMapToTypedErrorsWithProviderMessageAndRequestId) {
    server.enqueue(fake::error(401, "authentication_error", "invalid x-api-key"));
    try {
        completion(kModel, hello());
        FAIL();
    } catch (const AuthError& e) {
        EXPECT_EQ(e.status(), 401);
        EXPECT_EQ(e.provider(), "anthropic");
        EXPECT_EQ(e.provider_message(), "invalid x-api-key");
        EXPECT_EQ(e.error_type(), "authentication_error");
        EXPECT_EQ(e.request_id(), fake::kRequestId);
        EXPECT_EQ(std::string(e.what()).find(kKey), std::string::npos);
    }
    server.enqueue(
        fake::error(403, "permission_error", "Your API key does not have permission to use the specified resource."));
    EXPECT_THROW(completion(kModel, hello()), AuthError);
    server.enqueue(fake::error(404, "not_found_error", "model: claude-9"));
    try {
        completion("claude-9", hello());
        FAIL();
    } catch (const ModelNotFoundError& e) {
        EXPECT_EQ(e.provider_message(), "model: claude-9");
        EXPECT_EQ(e.status(), 404);
    }
    server.enqueue(fake::error(400, "invalid_request_error", "max_tokens: Field required"));
    try {
        completion(kModel, hello());
        FAIL();
    } catch (const ProviderAPIError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_EQ(e.error_type(), "invalid_request_error");
    }
    server.enqueue(fake::error(500, "api_error", "Internal server error"));
    try {
        completion(kModel, hello());
        FAIL();
    } catch (const RateLimitError&) {
        FAIL() << "500 is not an overload";
    } catch (const ProviderAPIError& e) {
        EXPECT_EQ(e.status(), 500);
        EXPECT_EQ(e.provider_message(), "Internal server error");
    }
}

TEST_F(AnthropicHttp, RateLimitCarriesRetryAfter) {
    Reply r = fake::error(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit");
    r.headers.emplace_back("retry-after", "7");
    server.enqueue(r);
    try {
        completion(kModel, hello());
        FAIL();
    } catch (const RateLimitError& e) {
        EXPECT_EQ(e.status(), 429);
        EXPECT_EQ(e.retry_after().value(), std::chrono::milliseconds(7000));
        EXPECT_EQ(e.error_type(), "rate_limit_error");
    }
}

TEST_F(AnthropicHttp, Overloaded529IsARateLimitError) {
    Reply r = fake::error(529, "overloaded_error", "Overloaded");
    r.headers.emplace_back("retry-after", "2");
    server.enqueue(r);
    try {
        completion(kModel, hello());
        FAIL();
    } catch (const RateLimitError& e) {
        EXPECT_EQ(e.status(), 529);
        EXPECT_EQ(e.provider_message(), "Overloaded");
        EXPECT_EQ(e.retry_after().value(), std::chrono::milliseconds(2000));
        EXPECT_EQ(e.request_id(), fake::kRequestId);
    }
    server.enqueue(fake::error(529, "overloaded_error", "Overloaded"));
    EXPECT_THROW(stream(kModel, hello()), RateLimitError);  // before the first chunk
}

TEST_F(AnthropicHttp, MalformedJsonIsAParseError) {
    server.enqueue(fake::malformed_json());
    EXPECT_THROW(completion(kModel, hello()), ResponseParseError);
    server.enqueue(fake::message_text("not a stream"));
    EXPECT_THROW(
        {
            for (const auto& c : stream(kModel, hello())) (void)c;
        },
        ResponseParseError);
}

TEST_F(AnthropicHttp, AsyncCompletionAndStreamWork) {
    server.enqueue(fake::message_text("async hi"));
    EXPECT_EQ(acompletion(kModel, hello()).get().text(), "async hi");
    server.enqueue(fake::stream_text({"one", " two"}));
    Stream s = astream(kModel, hello()).get();
    EXPECT_EQ(drain(s).text, "one two");
    EXPECT_EQ(server.last_request().header("anthropic-version"), "2023-06-01");
    server.enqueue(fake::error(529, "overloaded_error", "Overloaded"));
    EXPECT_THROW(acompletion(kModel, hello()).get(), RateLimitError);
}

TEST_F(AnthropicHttp, ExtraParamsAndHeadersPassThroughUntouched) {
    server.enqueue(fake::message_text("ok"));
    completion(
        kModel, hello(),
        {.max_tokens = 50,
         .extra = {{"top_k", 5}, {"max_tokens", 60}},
         .extra_headers = {{"anthropic-beta", "prompt-caching-2024-07-31"}, {"anthropic-version", "2023-01-01"}}});
    auto req = server.last_request();
    EXPECT_EQ(req.json()["top_k"], 5);
    EXPECT_EQ(req.json()["max_tokens"], 60);  // extra wins
    EXPECT_EQ(req.header("anthropic-beta"), "prompt-caching-2024-07-31");
    EXPECT_EQ(req.header("anthropic-version"), "2023-01-01");  // replaced, not duplicated
}
