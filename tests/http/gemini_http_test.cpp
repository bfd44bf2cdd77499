// Gemini over real HTTP against the fake server: what is sent (path, key header, JSON), what is parsed, every failure
// typed.
#include <gtest/gtest.h>

#include <chrono>

#include "gemini_replies.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::gemini;

namespace {

constexpr const char* kKey = "AIza-test-SECRET-0123456789";

class GeminiHttp : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        point_at("GEMINI_API_KEY", kKey, "GEMINI_BASE_URL");
    }
    // The key travels in x-goog-api-key only: never in the path or query.
    void expect_key_in_header_only(const RecordedRequest& req) {
        EXPECT_EQ(req.header("x-goog-api-key"), kKey);
        EXPECT_EQ(req.path.find(kKey), std::string::npos);
        EXPECT_EQ(req.query.find(kKey), std::string::npos);
        EXPECT_EQ(req.params.count("key"), 0u);
        EXPECT_EQ(req.header("authorization"), "");
    }
};

Tool weather_tool() {
    return Tool{
        .name = "get_weather",
        .description = "Weather for a city",
        .parameters = json::parse(R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})")};
}

}  // namespace

TEST_F(GeminiHttp, SendsGenerateContentAndParsesTheReply) {
    server.enqueue(fake::text("Hi there", "gemini-2.5-flash-001"));
    auto r = completion("gemini-2.5-flash", {Message::system("be brief"), Message::user("Hello!")},
                        {.max_tokens = 20, .temperature = 0.2, .top_p = 0.9, .stop = {"END"}, .seed = 3});
    EXPECT_EQ(r.text(), "Hi there");
    EXPECT_EQ(r.provider, "gemini");
    EXPECT_EQ(r.model, "gemini-2.5-flash-001");
    EXPECT_EQ(r.id, "gemini-resp-0001");
    EXPECT_EQ(r.finish_reason, "stop");
    EXPECT_EQ(r.usage.prompt_tokens, 10);
    EXPECT_EQ(r.usage.completion_tokens, 5);
    EXPECT_EQ(r.usage.total_tokens, 15);
    EXPECT_TRUE(r.raw.contains("candidates"));

    auto req = server.last_request();
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.path, "/v1beta/models/gemini-2.5-flash:generateContent");  // `gemini-` prefix: model kept whole
    EXPECT_EQ(req.query, "");
    EXPECT_EQ(req.header("content-type"), "application/json");
    expect_key_in_header_only(req);
    EXPECT_EQ(req.json(), json::parse(R"({
        "contents":[{"role":"user","parts":[{"text":"Hello!"}]}],
        "systemInstruction":{"parts":[{"text":"be brief"}]},
        "generationConfig":{"maxOutputTokens":20,"temperature":0.2,"topP":0.9,"stopSequences":["END"],"seed":3}})"));
}

TEST_F(GeminiHttp, SlashPrefixIsStrippedFromTheModel) {
    server.enqueue(fake::text("ok"));
    completion("gemini/gemini-2.0-flash", hello());
    EXPECT_EQ(server.last_request().path, "/v1beta/models/gemini-2.0-flash:generateContent");
}

TEST_F(GeminiHttp, KeyGoesInTheGoogApiKeyHeaderNeverTheUrl) {
    server.enqueue(fake::text("ok"));
    completion("gemini-2.5-flash", hello());
    expect_key_in_header_only(server.last_request());
    server.enqueue(fake::stream_text({"ok"}));
    for (const auto& c : stream("gemini-2.5-flash", hello())) (void)c;
    auto req = server.last_request();
    expect_key_in_header_only(req);
    EXPECT_EQ(req.query, "alt=sse");
    server.enqueue(fake::embedding({1.0f}));
    embed("gemini/gemini-embedding-001", "x");
    expect_key_in_header_only(server.last_request());
}

TEST_F(GeminiHttp, GoogleApiKeyIsTheFallbackAndPerCallKeyAndBaseWin) {
    env.set("GEMINI_API_KEY", nullptr);
    env.set("GOOGLE_API_KEY", "google-key");
    server.enqueue(fake::text("ok"));
    completion("gemini-2.5-flash", hello());
    EXPECT_EQ(server.last_request().header("x-goog-api-key"), "google-key");

    FakeServer other;
    other.enqueue(fake::text("from other"));
    auto r = completion("gemini-2.5-flash", hello(), {.api_key = "per-call", .api_base = other.base_url() + "/"});
    EXPECT_EQ(r.text(), "from other");
    EXPECT_EQ(other.last_request().header("x-goog-api-key"), "per-call");
    EXPECT_EQ(other.last_request().path, "/v1beta/models/gemini-2.5-flash:generateContent");
}

TEST_F(GeminiHttp, MissingKeyIsAnAuthErrorBeforeAnythingIsSent) {
    env.set("GEMINI_API_KEY", nullptr);
    try {
        completion("gemini-2.5-flash", hello());
        FAIL();
    } catch (const AuthError& e) {
        EXPECT_NE(std::string(e.what()).find("GEMINI_API_KEY"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("GOOGLE_API_KEY"), std::string::npos);
    }
    EXPECT_THROW(embed("gemini/gemini-embedding-001", "x"), AuthError);
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(GeminiHttp, ParsesFunctionCallsAndSendsToolsAndToolConfig) {
    server.enqueue(fake::function_calls({{"get_weather", {{"city", "Paris"}}}, {"get_weather", {{"city", "Rome"}}}}));
    auto r = completion("gemini-2.5-flash", {Message::user("weather?")},
                        {.tools = {weather_tool()}, .tool_choice = "get_weather"});
    ASSERT_EQ(r.tool_calls().size(), 2u);
    EXPECT_EQ(r.finish_reason, "tool_calls");
    EXPECT_EQ(r.tool_calls()[0].function, "get_weather");
    EXPECT_EQ(r.tool_calls()[0].arguments, json::parse(R"({"city":"Paris"})"));
    EXPECT_EQ(r.tool_calls()[1].arguments, json::parse(R"({"city":"Rome"})"));
    EXPECT_NE(r.tool_calls()[0].id, r.tool_calls()[1].id);

    json body = server.last_request().json();
    EXPECT_EQ(body["tools"][0]["functionDeclarations"][0]["name"], "get_weather");
    EXPECT_EQ(body["tools"][0]["functionDeclarations"][0]["parametersJsonSchema"], weather_tool().parameters);
    EXPECT_EQ(body["toolConfig"],
              json::parse(R"({"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["get_weather"]}})"));
}

TEST_F(GeminiHttp, ToolChoiceMappingUsesAllowedFunctionNamesOnlyWithAny) {
    for (const auto& [choice, expected] : std::vector<std::pair<std::string, std::string>>{
             {"auto", R"({"mode":"AUTO"})"},
             {"none", R"({"mode":"NONE"})"},
             {"required", R"({"mode":"ANY"})"},
             {"get_weather", R"({"mode":"ANY","allowedFunctionNames":["get_weather"]})"}}) {
        server.enqueue(fake::text("ok"));
        completion("gemini-2.5-flash", hello(), {.tools = {weather_tool()}, .tool_choice = choice});
        EXPECT_EQ(server.last_request().json()["toolConfig"]["functionCallingConfig"], json::parse(expected)) << choice;
    }
}

TEST_F(GeminiHttp, ToolResultTurnSendsFunctionResponseWithTheCallsName) {
    server.enqueue(fake::function_calls({{"get_weather", {{"city", "Paris"}}}}));
    std::vector<Message> history{Message::user("weather in Paris?")};
    auto first = completion("gemini-2.5-flash", history, {.tools = {weather_tool()}});
    history.push_back(first.choices[0].message);
    history.push_back(Message::tool(first.tool_calls()[0].id, "sunny, 21C"));
    server.enqueue(fake::text("It is sunny."));
    auto second = completion("gemini-2.5-flash", history, {.tools = {weather_tool()}});
    EXPECT_EQ(second.text(), "It is sunny.");
    EXPECT_EQ(server.last_request().json()["contents"], json::parse(R"([
        {"role":"user","parts":[{"text":"weather in Paris?"}]},
        {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}]},
        {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"result":"sunny, 21C"}}}]}])"));
}

TEST_F(GeminiHttp, ThoughtSignatureIsEchoedBackVerbatimInTheNextTurn) {
    json parts = json::parse(R"([
        {"text":"I should call the tool.","thought":true},
        {"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"Q2lRQjR5MkRmMTIz"}])");
    server.enqueue(fake::content(parts, "STOP"));
    std::vector<Message> history{Message::user("weather?")};
    auto first = completion("gemini-3-pro-preview", history, {.tools = {weather_tool()}});
    EXPECT_EQ(first.reasoning(), "I should call the tool.");
    history.push_back(first.choices[0].message);
    history.push_back(Message::tool(first.tool_calls()[0].id, R"({"temp":21})"));
    server.enqueue(fake::text("21C"));
    completion("gemini-3-pro-preview", history, {.tools = {weather_tool()}});
    json contents = server.last_request().json()["contents"];
    EXPECT_EQ(contents[1], (json{{"role", "model"}, {"parts", parts}}));
    EXPECT_EQ(contents[2]["parts"][0]["functionResponse"],
              json::parse(R"({"name":"get_weather","response":{"temp":21}})"));
}

TEST_F(GeminiHttp, ThoughtSignatureFromAStreamIsEchoedBackVerbatimInTheNextTurn) {
    json thought = json::parse(R"([{"text":"Calling the tool.","thought":true}])");
    json call = json::parse(
        R"([{"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"U2lnbmVk"}])");
    server.enqueue(
        fake::event_stream({fake::stream_event(thought), fake::stream_event(call, "STOP", fake::default_usage())}));
    std::vector<Message> history{Message::user("weather?")};
    auto s = stream("gemini-3-pro-preview", history, {.tools = {weather_tool()}});
    for (const auto& c : s) (void)c;
    auto first = s.response();
    ASSERT_EQ(first.tool_calls().size(), 1u);
    history.push_back(first.choices[0].message);
    history.push_back(Message::tool(first.tool_calls()[0].id, R"({"temp":21})"));
    server.enqueue(fake::text("21C"));
    completion("gemini-3-pro-preview", history, {.tools = {weather_tool()}});
    json contents = server.last_request().json()["contents"];
    EXPECT_EQ(contents[1], (json{{"role", "model"}, {"parts", {thought[0], call[0]}}}));
}

TEST_F(GeminiHttp, ToolCallIdsAreSynthesisedAndStableAcrossAMultiTurnConversation) {
    server.enqueue(fake::function_calls({{"get_weather", {{"city", "Paris"}}}}));
    auto a = completion("gemini-2.5-flash", hello(), {.tools = {weather_tool()}});
    server.enqueue(fake::function_calls({{"get_weather", {{"city", "Paris"}}}}));
    auto b = completion("gemini-2.5-flash", hello(), {.tools = {weather_tool()}});
    ASSERT_EQ(a.tool_calls().size(), 1u);
    EXPECT_FALSE(a.tool_calls()[0].id.empty());
    EXPECT_EQ(a.tool_calls()[0].id, b.tool_calls()[0].id);
    // Two rounds of calls in one conversation: each result finds its own call's name.
    server.enqueue(fake::function_calls({{"get_time", {{"tz", "CET"}}}}));
    std::vector<Message> history{Message::user("x"), a.choices[0].message,
                                 Message::tool(a.tool_calls()[0].id, "sunny")};
    auto c = completion("gemini-2.5-flash", history, {.tools = {weather_tool(), Tool{.name = "get_time"}}});
    history.push_back(c.choices[0].message);
    history.push_back(Message::tool(c.tool_calls()[0].id, "12:00"));
    server.enqueue(fake::text("done"));
    completion("gemini-2.5-flash", history, {.tools = {weather_tool(), Tool{.name = "get_time"}}});
    json contents = server.last_request().json()["contents"];
    EXPECT_EQ(contents[2]["parts"][0]["functionResponse"]["name"], "get_weather");
    EXPECT_EQ(contents[4]["parts"][0]["functionResponse"]["name"], "get_time");
}

TEST_F(GeminiHttp, StreamsTextWithUsageOverSse) {
    server.enqueue(fake::stream_text({"Hel", "lo", "!"}));
    std::string text;
    auto s = stream("gemini-2.5-flash", hello(), {.max_tokens = 9});
    for (const auto& c : s) text += c.delta;
    EXPECT_EQ(text, "Hello!");
    auto r = s.response();
    EXPECT_EQ(r.text(), "Hello!");
    EXPECT_EQ(r.finish_reason, "stop");
    EXPECT_EQ(r.usage.total_tokens, 15);
    EXPECT_EQ(r.provider, "gemini");
    auto req = server.last_request();
    EXPECT_EQ(req.path, "/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    EXPECT_EQ(req.params.at("alt"), "sse");
    EXPECT_EQ(req.json()["generationConfig"]["maxOutputTokens"], 9);
    EXPECT_FALSE(req.json().contains("stream"));
}

TEST_F(GeminiHttp, ParallelFunctionCallsInSeparateStreamChunksStaySeparate) {
    server.enqueue(fake::event_stream(
        {fake::stream_event(json::parse(R"([{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}])")),
         fake::stream_event(json::parse(R"([{"functionCall":{"name":"get_weather","args":{"city":"Rome"}}}])"), "STOP",
                            fake::default_usage())}));
    std::vector<ToolCallDelta> deltas;
    auto s = stream("gemini-2.5-flash", hello(), {.tools = {weather_tool()}});
    for (const auto& c : s)
        for (const auto& d : c.tool_call_deltas) deltas.push_back(d);
    ASSERT_EQ(deltas.size(), 2u);
    EXPECT_EQ(deltas[0].index, 0);
    EXPECT_EQ(deltas[1].index, 1);
    EXPECT_NE(deltas[0].id, deltas[1].id);
    auto r = s.response();
    EXPECT_EQ(r.finish_reason, "tool_calls");
    ASSERT_EQ(r.tool_calls().size(), 2u);
    EXPECT_EQ(r.tool_calls()[0].arguments, json::parse(R"({"city":"Paris"})"));
    EXPECT_EQ(r.tool_calls()[1].arguments, json::parse(R"({"city":"Rome"})"));
}

TEST_F(GeminiHttp, StreamEndingWithoutFinishReasonIsAnErrorNotAShortAnswer) {
    server.enqueue(fake::stream_text({"Hel", "lo"}, /*finish=*/false));
    std::string text;
    EXPECT_THROW(
        {
            for (const auto& c : stream("gemini-2.5-flash", hello())) text += c.delta;
        },
        ResponseParseError);
    EXPECT_EQ(text, "Hello");
}

TEST_F(GeminiHttp, DroppedConnectionMidStreamIsAConnectionError) {
    Reply r = fake::stream_text({"a", "b"}, false);
    r.drop_connection_after_chunks = true;
    server.enqueue(r);
    EXPECT_THROW(
        {
            for (const auto& c : stream("gemini-2.5-flash", hello())) (void)c;
        },
        ConnectionError);
}

TEST_F(GeminiHttp, EmbedsOneTextWithEmbedContentAndOptions) {
    server.enqueue(fake::embedding({0.25f, -0.5f}));
    auto r = embed("gemini/gemini-embedding-001", "hello",
                   {.dimensions = 2, .task_type = "RETRIEVAL_DOCUMENT", .title = "Greeting"});
    EXPECT_EQ(r.embeddings, (std::vector<std::vector<double>>{{0.25, -0.5}}));
    EXPECT_EQ(r.provider, "gemini");
    auto req = server.last_request();
    EXPECT_EQ(req.path, "/v1beta/models/gemini-embedding-001:embedContent");
    EXPECT_EQ(req.json(), json::parse(R"({"model":"models/gemini-embedding-001","content":{"parts":[{"text":"hello"}]},
        "taskType":"RETRIEVAL_DOCUMENT","title":"Greeting","outputDimensionality":2})"));
}

TEST_F(GeminiHttp, EmbedsSeveralTextsWithBatchEmbedContents) {
    server.enqueue(fake::batch_embeddings({{1.0f}, {2.0f}}));
    auto r = embed("gemini/gemini-embedding-001", std::vector<std::string>{"a", "b"}, {.task_type = "RETRIEVAL_QUERY"});
    EXPECT_EQ(r.embeddings, (std::vector<std::vector<double>>{{1.0}, {2.0}}));
    auto req = server.last_request();
    EXPECT_EQ(req.path, "/v1beta/models/gemini-embedding-001:batchEmbedContents");
    EXPECT_EQ(req.json(), json::parse(R"({"requests":[
        {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"a"}]},"taskType":"RETRIEVAL_QUERY"},
        {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"b"}]},"taskType":"RETRIEVAL_QUERY"}]})"));
    server.enqueue(fake::batch_embeddings({{1.0f}}));  // one vector for two inputs
    EXPECT_THROW(embed("gemini/gemini-embedding-001", std::vector<std::string>{"a", "b"}), ResponseParseError);
}

TEST_F(GeminiHttp, HttpErrorsMapToTypedErrorsWithTheProviderMessage) {
    Reply unauth = fake::error(401, "Request had invalid authentication credentials.", "UNAUTHENTICATED");
    unauth.headers.emplace_back("x-request-id", "req-gem-1");
    server.enqueue(unauth);
    try {
        completion("gemini-2.5-flash", hello());
        FAIL();
    } catch (const AuthError& e) {
        EXPECT_EQ(e.status(), 401);
        EXPECT_EQ(e.provider(), "gemini");
        EXPECT_EQ(e.provider_message(), "Request had invalid authentication credentials.");
        EXPECT_EQ(e.error_type(), "UNAUTHENTICATED");
        EXPECT_EQ(e.request_id(), "req-gem-1");
        EXPECT_EQ(std::string(e.what()).find(kKey), std::string::npos);
    }
    server.enqueue(fake::error(403, "Permission denied", "PERMISSION_DENIED"));
    EXPECT_THROW(completion("gemini-2.5-flash", hello()), AuthError);
    server.enqueue(fake::error(404, "models/gemini-9 is not found for API version v1beta", "NOT_FOUND"));
    EXPECT_THROW(completion("gemini-9", hello()), ModelNotFoundError);
    server.enqueue(fake::error(400, "Invalid JSON payload received.", "INVALID_ARGUMENT"));
    EXPECT_THROW(completion("gemini-2.5-flash", hello()), ProviderAPIError);
    server.enqueue(fake::error(500, "An internal error has occurred.", "INTERNAL"));
    try {
        completion("gemini-2.5-flash", hello());
        FAIL();
    } catch (const RateLimitError&) {
        FAIL() << "500 is not an overload";
    } catch (const ProviderAPIError& e) {
        EXPECT_EQ(e.status(), 500);
    }
}

TEST_F(GeminiHttp, InvalidKeyAnsweredWith400IsAnAuthError) {
    server.enqueue(fake::invalid_api_key());
    try {
        completion("gemini-2.5-flash", hello());
        FAIL();
    } catch (const AuthError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_EQ(e.error_type(), "API_KEY_INVALID");
        EXPECT_EQ(e.provider_message(), "API key not valid. Please pass a valid API key.");
        EXPECT_EQ(std::string(e.what()).find(kKey), std::string::npos);
    }
}

TEST_F(GeminiHttp, ResourceExhaustedCarriesRetryDelayFromRetryInfo) {
    server.enqueue(fake::quota_exceeded("12s"));
    try {
        completion("gemini-2.5-flash", hello());
        FAIL();
    } catch (const RateLimitError& e) {
        EXPECT_EQ(e.status(), 429);
        EXPECT_EQ(e.error_type(), "RESOURCE_EXHAUSTED");
        ASSERT_TRUE(e.retry_after().has_value());
        EXPECT_EQ(*e.retry_after(), std::chrono::milliseconds(12000));
    }
    Reply header_only = fake::error(429, "slow down", "RESOURCE_EXHAUSTED");
    header_only.headers.emplace_back("retry-after", "3");
    server.enqueue(header_only);
    try {
        completion("gemini-2.5-flash", hello());
        FAIL();
    } catch (const RateLimitError& e) {
        EXPECT_EQ(e.retry_after().value(), std::chrono::milliseconds(3000));
    }
}

TEST_F(GeminiHttp, OverloadedModelIsARateLimitError) {
    server.enqueue(fake::overloaded());
    try {
        completion("gemini-2.5-flash", hello());
        FAIL();
    } catch (const RateLimitError& e) {
        EXPECT_EQ(e.status(), 503);
        EXPECT_EQ(e.error_type(), "UNAVAILABLE");
    }
    server.enqueue(fake::overloaded());
    EXPECT_THROW(stream("gemini-2.5-flash", hello()), RateLimitError);
}

TEST_F(GeminiHttp, BlockedPromptIsAProviderErrorSayingBlocked) {
    server.enqueue(fake::prompt_blocked("SAFETY"));
    try {
        completion("gemini-2.5-flash", hello());
        FAIL();
    } catch (const ProviderAPIError& e) {
        EXPECT_NE(std::string(e.what()).find("blocked"), std::string::npos);
        EXPECT_EQ(e.error_type(), "SAFETY");
    }
}

TEST_F(GeminiHttp, MalformedRepliesAreParseErrors) {
    server.enqueue(fake::malformed_json());
    EXPECT_THROW(completion("gemini-2.5-flash", hello()), ResponseParseError);
    server.enqueue(Reply{.status = 200, .content_type = "text/html", .body = "<html>proxy says hi</html>"});
    EXPECT_THROW(completion("gemini-2.5-flash", hello()), ResponseParseError);
    server.enqueue(Reply{.status = 200, .body = R"({"embeddings":[{"values":"nope"}]})"});
    EXPECT_THROW(embed("gemini/gemini-embedding-001", std::vector<std::string>{"a"}), ResponseParseError);
}

TEST_F(GeminiHttp, AsyncCompletionAndStreamWork) {
    server.enqueue(fake::text("async hi"));
    auto fut = acompletion("gemini-2.5-flash", hello());
    EXPECT_EQ(fut.get().text(), "async hi");
    server.enqueue(fake::stream_text({"a", "b"}));
    auto s = astream("gemini-2.5-flash", hello()).get();
    std::string text;
    for (const auto& c : s) text += c.delta;
    EXPECT_EQ(text, "ab");
    server.enqueue(fake::batch_embeddings({{1.0f}, {2.0f}}));
    EXPECT_EQ(aembed("gemini/gemini-embedding-001", std::vector<std::string>{"a", "b"}).get().embeddings.size(), 2u);
    env.set("GEMINI_API_KEY", nullptr);
    EXPECT_THROW(acompletion("gemini-2.5-flash", hello()).get(), AuthError);
}

TEST_F(GeminiHttp, ExtraFieldsAndHeadersPassThrough) {
    server.enqueue(fake::text("ok"));
    completion("gemini-2.5-flash", hello(),
               {.max_tokens = 5,
                .extra = {{"generationConfig", {{"topK", 4}}}, {"safetySettings", json::array()}},
                .extra_headers = {{"x-goog-user-project", "proj"}}});
    auto req = server.last_request();
    EXPECT_EQ(req.json()["generationConfig"], json::parse(R"({"maxOutputTokens":5,"topK":4})"));
    EXPECT_EQ(req.json()["safetySettings"], json::array());
    EXPECT_EQ(req.header("x-goog-user-project"), "proj");
}
