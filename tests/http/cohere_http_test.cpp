// Cohere v2 over real HTTP against the fake server: what is sent, what is parsed, every failure typed.
#include <gtest/gtest.h>

#include <chrono>

#include "cohere_replies.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::cohere;

namespace {

constexpr const char* kKey = "co-test-SECRET-0123456789";
constexpr const char* kModel = "cohere/command-a-03-2025";

class CohereHttp : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        point_at("COHERE_API_KEY", kKey, "COHERE_BASE_URL");
    }
};

Tool weather() {
    return Tool{
        .name = "get_weather",
        .description = "Get current weather for a city",
        .parameters = json::parse(R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})")};
}

}  // namespace

TEST_F(CohereHttp, SendsV2ChatWithBearerKeyAndParsesTheReply) {
    server.enqueue(fake::chat_text("Hi there"));
    auto r = completion(kModel, {Message::system("be brief"), Message::user("Hello!")},
                        {.max_tokens = 20, .temperature = 0.2, .top_p = 0.9, .stop = {"END"}, .seed = 3});
    EXPECT_EQ(r.text(), "Hi there");
    EXPECT_EQ(r.provider, "cohere");
    EXPECT_EQ(r.model, "command-a-03-2025");
    EXPECT_EQ(r.finish_reason, "stop");
    EXPECT_EQ(r.id, "c14c80c3-18eb-4519-9460-6c92edd8cfb4");
    EXPECT_EQ(r.usage.prompt_tokens, 71);
    EXPECT_EQ(r.usage.completion_tokens, 3);
    EXPECT_EQ(r.usage.total_tokens, 74);
    EXPECT_EQ(r.raw["finish_reason"], "COMPLETE");

    auto req = server.last_request();
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.path, "/v2/chat");
    EXPECT_EQ(req.header("authorization"), std::string("Bearer ") + kKey);
    EXPECT_EQ(req.header("content-type"), "application/json");
    EXPECT_EQ(req.json(), json::parse(R"({"model":"command-a-03-2025",
        "messages":[{"role":"system","content":"be brief"},{"role":"user","content":"Hello!"}],
        "max_tokens":20,"temperature":0.2,"p":0.9,"stop_sequences":["END"],"seed":3,"stream":false})"));
}

TEST_F(CohereHttp, ReplyTextUnderMessageContent) {
    // The v2 reply has no top-level "text": the answer is the text blocks of message.content[].
    Reply r = fake::chat_text("ignored");
    json body = json::parse(r.body);
    body["message"]["content"] =
        json::parse(R"([{"type":"text","text":"Part one. "},{"type":"text","text":"Part two."}])");
    r.body = body.dump();
    server.enqueue(r);
    EXPECT_EQ(completion(kModel, hello()).text(), "Part one. Part two.");
}

TEST_F(CohereHttp, KeyAndBaseFromSdkVariablesAndPerCallOverrides) {
    env.set("COHERE_API_KEY", nullptr);
    env.set("COHERE_BASE_URL", nullptr);
    env.set("CO_API_KEY", "co-sdk-var");
    env.set("CO_API_URL", server.base_url().c_str());
    server.enqueue(fake::chat_text("ok"));
    completion(kModel, hello());
    EXPECT_EQ(server.last_request().header("authorization"), "Bearer co-sdk-var");

    FakeServer other;
    other.enqueue(fake::chat_text("from other"));
    auto r = completion(kModel, hello(), {.api_key = "co-per-call", .api_base = other.base_url() + "/"});
    EXPECT_EQ(r.text(), "from other");
    EXPECT_EQ(other.last_request().header("authorization"), "Bearer co-per-call");
    EXPECT_EQ(other.last_request().path, "/v2/chat");
}

TEST_F(CohereHttp, MissingKeyIsAnAuthErrorBeforeAnythingIsSent) {
    env.set("COHERE_API_KEY", nullptr);
    auto e = *expect_error<AuthError>([] { completion(kModel, hello()); });
    EXPECT_NE(std::string(e.what()).find("COHERE_API_KEY"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("CO_API_KEY"), std::string::npos);
    EXPECT_THROW(embed("cohere/embed-v4.0", "x"), AuthError);
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(CohereHttp, ParsesToolCallsAndSendsToolsAndToolChoice) {
    server.enqueue(fake::chat_tool_calls({{"get_weather", R"({"city":"Paris"})"}, {"get_time", R"({"tz":"CET"})"}}));
    auto r = completion(kModel, hello(), {.tools = {weather()}, .tool_choice = "required"});
    ASSERT_EQ(r.tool_calls().size(), 2u);
    EXPECT_EQ(r.tool_calls()[0].id, "get_weather_0fk0q");
    EXPECT_EQ(r.tool_calls()[0].function, "get_weather");
    EXPECT_EQ(r.tool_calls()[0].arguments["city"], "Paris");
    EXPECT_EQ(r.tool_calls()[1].arguments_raw, R"({"tz":"CET"})");
    EXPECT_EQ(r.finish_reason, "tool_calls");
    EXPECT_EQ(r.reasoning(), "I will look this up.");
    json body = server.last_request().json();
    EXPECT_EQ(body["tools"][0], json::parse(R"({"type":"function","function":{"name":"get_weather",
        "description":"Get current weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}})"));
    EXPECT_EQ(body["tool_choice"], "REQUIRED");
}

TEST_F(CohereHttp, ToolResultsLinkedByToolCallId) {
    server.enqueue(fake::chat_tool_calls({{"get_weather", R"({"city":"Paris"})"}}, "I will check the weather."));
    auto first = completion(kModel, hello(), {.tools = {weather()}});
    std::vector<Message> history = hello();
    history.push_back(first.choices[0].message);
    history.push_back(Message::tool(first.tool_calls()[0].id, R"({"temp_c": 21})"));
    server.enqueue(fake::chat_text("It is 21 C in Paris."));
    auto second = completion(kModel, history, {.tools = {weather()}});
    EXPECT_EQ(second.text(), "It is 21 C in Paris.");
    json msgs = server.last_request().json()["messages"];
    ASSERT_EQ(msgs.size(), 3u);
    EXPECT_EQ(msgs[1], json::parse(R"({"role":"assistant","tool_plan":"I will check the weather.",
        "tool_calls":[{"id":"get_weather_0fk0q","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]})"));
    EXPECT_EQ(msgs[2],
              (json{{"role", "tool"}, {"tool_call_id", "get_weather_0fk0q"}, {"content", R"({"temp_c": 21})"}}));
}

TEST_F(CohereHttp, ReasoningFromThinkingBlocks) {
    server.enqueue(fake::chat_thinking("Two plus two is four.", "4"));
    auto r = completion("cohere/command-a-reasoning-08-2025", hello());
    EXPECT_EQ(r.text(), "4");
    EXPECT_EQ(r.reasoning(), "Two plus two is four.");
}

TEST_F(CohereHttp, StreamsTextDeltasWithUsage) {
    server.enqueue(fake::stream_text({"Hel", "lo", " world"}));
    auto s = stream(kModel, hello());
    std::string text, finish;
    std::optional<Usage> usage;
    for (const auto& c : s) {
        text += c.delta;
        if (c.usage) usage = c.usage;
        if (!c.finish_reason.empty()) finish = c.finish_reason;
    }
    EXPECT_EQ(text, "Hello world");
    EXPECT_EQ(finish, "stop");
    ASSERT_TRUE(usage.has_value());
    EXPECT_EQ(usage->prompt_tokens, 71);
    EXPECT_EQ(usage->completion_tokens, 3);
    EXPECT_EQ(s.response().text(), "Hello world");
    auto req = server.last_request();
    EXPECT_EQ(req.path, "/v2/chat");
    EXPECT_EQ(req.header("accept"), "text/event-stream");
    EXPECT_EQ(req.json()["stream"], true);
    EXPECT_FALSE(req.json().contains("stream_options"));
}

TEST_F(CohereHttp, StreamedThinkingIsReasoning) {
    server.enqueue(fake::stream_thinking({"Let me ", "think."}, {"Done", "."}));
    auto s = stream(kModel, hello());
    std::string reasoning;
    for (const auto& c : s) reasoning += c.reasoning;
    EXPECT_EQ(reasoning, "Let me think.");
    EXPECT_EQ(s.response().text(), "Done.");
    EXPECT_EQ(s.response().reasoning(), "Let me think.");
}

TEST_F(CohereHttp, StreamedToolCallFragmentsAreAssembled) {
    server.enqueue(fake::stream_tool_calls("I will check the weather.",
                                           {{"get_weather", {"{\"ci", "ty\": \"Pa", "ris\"}"}}, {"get_time", {}}}));
    auto s = stream(kModel, hello(), {.tools = {weather()}});
    std::vector<ToolCall> calls;
    std::string plan;
    for (const auto& c : s) {
        plan += c.reasoning;
        if (!c.tool_calls.empty()) calls = c.tool_calls;
    }
    EXPECT_EQ(plan, "I will check the weather.");
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].id, "get_weather_0fk0q");
    EXPECT_EQ(calls[0].arguments, (json{{"city", "Paris"}}));
    EXPECT_EQ(calls[1].function, "get_time");
    EXPECT_EQ(calls[1].arguments_raw, "{}");
    EXPECT_EQ(s.response().finish_reason, "tool_calls");
    EXPECT_EQ(s.response().tool_calls().size(), 2u);

    // The streamed turn replays with its plan and is answered by id.
    std::vector<Message> history = hello();
    history.push_back(s.response().choices[0].message);
    history.push_back(Message::tool(calls[0].id, "sunny"));
    history.push_back(Message::tool(calls[1].id, "12:00"));
    server.enqueue(fake::chat_text("Sunny at noon."));
    completion(kModel, history);
    json msgs = server.last_request().json()["messages"];
    EXPECT_EQ(msgs[1]["tool_plan"], "I will check the weather.");
    EXPECT_EQ(msgs[1]["tool_calls"].size(), 2u);
    EXPECT_EQ(msgs[3]["tool_call_id"], "get_time_1fk0q");
}

TEST_F(CohereHttp, StreamEndingWithoutMessageEndIsAnErrorNotAShortAnswer) {
    server.enqueue(fake::stream_text({"Hel", "lo"}, /*send_end=*/false));
    std::string text;
    EXPECT_THROW(
        {
            for (const auto& c : stream(kModel, hello())) text += c.delta;
        },
        ResponseParseError);
    EXPECT_EQ(text, "Hello");
}

TEST_F(CohereHttp, DroppedConnectionMidStreamIsAConnectionError) {
    Reply r = fake::stream_text({"a", "b"}, false);
    r.drop_connection_after_chunks = true;
    server.enqueue(r);
    EXPECT_THROW(
        {
            for (const auto& c : stream(kModel, hello())) (void)c;
        },
        ConnectionError);
}

TEST_F(CohereHttp, HttpErrorsMapToTypedErrorsWithCohereMessageAndTraceId) {
    server.enqueue(fake::error(401, "invalid api token"));
    auto auth = *expect_error<AuthError>([] { completion(kModel, hello()); });
    EXPECT_EQ(auth.status(), 401);
    EXPECT_EQ(auth.provider(), "cohere");
    EXPECT_EQ(auth.provider_message(), "invalid api token");
    EXPECT_EQ(auth.request_id(), fake::kTraceId);
    EXPECT_EQ(std::string(auth.what()).find(kKey), std::string::npos);

    server.enqueue(fake::error(403, "forbidden"));
    EXPECT_THROW(completion(kModel, hello()), AuthError);
    server.enqueue(fake::error(498, "invalid token"));
    EXPECT_EQ(expect_error<AuthError>([] { completion(kModel, hello()); })->status(), 498);
    server.enqueue(fake::error(404, "model 'command-z' not found, make sure the correct model ID was used"));
    EXPECT_THROW(completion("cohere/command-z", hello()), ModelNotFoundError);
    server.enqueue(fake::error(400, "invalid request: message must not be empty in a turn"));
    EXPECT_THROW(completion(kModel, hello()), ProviderAPIError);
    server.enqueue(fake::error(500, "internal server error"));
    auto internal = *expect_error<ProviderAPIError>([] { completion(kModel, hello()); });
    EXPECT_EQ(internal.status(), 500);
    EXPECT_EQ(internal.provider_message(), "internal server error");
}

TEST_F(CohereHttp, RateLimitCarriesRetryAfter) {
    Reply r = fake::error(429, "You are using a Trial key, which is limited to 10 API calls / minute.");
    r.headers.emplace_back("retry-after", "2");
    server.enqueue(r);
    auto e = *expect_error<RateLimitError>([] { completion(kModel, hello()); });
    EXPECT_EQ(e.status(), 429);
    ASSERT_TRUE(e.retry_after().has_value());
    EXPECT_EQ(*e.retry_after(), std::chrono::milliseconds(2000));
    EXPECT_EQ(e.request_id(), fake::kTraceId);
}

TEST_F(CohereHttp, ServiceUnavailableIsTheOverloadRateLimit) {
    Reply r = fake::error(503, "service unavailable");
    r.headers.emplace_back("retry-after", "5");
    server.enqueue(r);
    auto e = *expect_error<RateLimitError>([] { completion(kModel, hello()); });
    EXPECT_EQ(e.status(), 503);
    EXPECT_EQ(e.retry_after().value(), std::chrono::milliseconds(5000));
}

TEST_F(CohereHttp, StreamErrorsBeforeTheFirstChunkAreTyped) {
    server.enqueue(fake::error(429, "too many requests"));
    EXPECT_THROW(stream(kModel, hello()), RateLimitError);
}

TEST_F(CohereHttp, MalformedJsonIsAParseError) {
    server.enqueue(fake::malformed_json());
    EXPECT_THROW(completion(kModel, hello()), ResponseParseError);
    server.enqueue(Reply{.status = 200, .content_type = "text/html", .body = "<html>proxy</html>"});
    EXPECT_THROW(completion(kModel, hello()), ResponseParseError);
}

TEST_F(CohereHttp, EmbeddingTypesIsRequiredByEmbed) {
    server.enqueue(fake::embeddings({{0.5, -1.0, 2.0}}, {"Hello world"}));
    auto r = embed("cohere/embed-v4.0", "Hello world", {.dimensions = 256, .truncate = "END"});
    ASSERT_EQ(r.embeddings.size(), 1u);
    EXPECT_EQ(r.embeddings[0], (std::vector<double>{0.5, -1.0, 2.0}));
    EXPECT_EQ(r.provider, "cohere");
    EXPECT_EQ(r.model, "embed-v4.0");
    EXPECT_EQ(r.usage.prompt_tokens, 2);
    auto req = server.last_request();
    EXPECT_EQ(req.path, "/v2/embed");
    EXPECT_EQ(req.header("authorization"), std::string("Bearer ") + kKey);
    EXPECT_EQ(req.json(), json::parse(R"({"model":"embed-v4.0","texts":["Hello world"],"input_type":"search_document",
        "embedding_types":["float"],"truncate":"END","output_dimension":256})"));
}

TEST_F(CohereHttp, EmbeddingsBatchWithInputType) {
    server.enqueue(fake::embeddings({{0.25}, {0.75}}, {"a", "b"}));
    auto r = embed("cohere/embed-english-v3.0", std::vector<std::string>{"a", "b"}, {.input_type = "search_query"});
    ASSERT_EQ(r.embeddings.size(), 2u);
    EXPECT_EQ(r.embeddings[1], (std::vector<double>{0.75}));
    json body = server.last_request().json();
    EXPECT_EQ(body["texts"], json::array({"a", "b"}));
    EXPECT_EQ(body["input_type"], "search_query");
    EXPECT_EQ(body["embedding_types"], json::array({"float"}));
    // A reply with fewer vectors than inputs is not silently accepted.
    server.enqueue(fake::embeddings({{0.25}}, {"a"}));
    EXPECT_THROW(embed("cohere/embed-english-v3.0", std::vector<std::string>{"a", "b"}), ResponseParseError);
}

TEST_F(CohereHttp, AsyncCompletionStreamAndEmbed) {
    server.enqueue(fake::chat_text("async hi"));
    EXPECT_EQ(acompletion(kModel, hello()).get().text(), "async hi");
    server.enqueue(fake::stream_text({"a", "b"}));
    std::string text;
    for (const auto& c : astream(kModel, hello()).get()) text += c.delta;
    EXPECT_EQ(text, "ab");
    server.enqueue(fake::error(401, "invalid api token"));
    EXPECT_THROW(acompletion(kModel, hello()).get(), AuthError);
    server.enqueue(fake::embeddings({{1.0}}, {"x"}));
    EXPECT_EQ(aembed("cohere/embed-v4.0", "x").get().embeddings.size(), 1u);
}

TEST_F(CohereHttp, ExtraParamsAndHeadersPassThroughUntouched) {
    server.enqueue(fake::chat_text("ok"));
    completion(kModel, hello(),
               {.extra = {{"safety_mode", "STRICT"}, {"thinking", {{"type", "disabled"}}}},
                .extra_headers = {{"X-Client-Name", "my-app"}}});
    auto req = server.last_request();
    EXPECT_EQ(req.json()["safety_mode"], "STRICT");
    EXPECT_EQ(req.json()["thinking"]["type"], "disabled");
    EXPECT_EQ(req.header("x-client-name"), "my-app");
}
