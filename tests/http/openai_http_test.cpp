// OpenAI over real HTTP against the fake server: what is sent, what is parsed, every failure typed.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>

#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::openai;

namespace {

constexpr const char* kKey = "sk-test-SECRET-0123456789";

class OpenAIHttp : public OpenAIServerTest {
protected:
    OpenAIHttp() : OpenAIServerTest(kKey) {}
};

}  // namespace

TEST_F(OpenAIHttp, SendsChatRequestLikeTheOfficialSDKAndParsesTheReply) {
    server.enqueue(fake::chat_text("Hi there", "gpt-4o-mini-2024-07-18"));
    auto r = completion("gpt-4o-mini", {Message::system("be brief"), Message::user("Hello!")},
                        {.max_tokens = 20, .temperature = 0.2, .top_p = 0.9, .seed = 3});
    EXPECT_EQ(r.text(), "Hi there");
    EXPECT_EQ(r.provider, "openai");
    EXPECT_EQ(r.model, "gpt-4o-mini-2024-07-18");
    EXPECT_EQ(r.finish_reason, "stop");
    EXPECT_EQ(r.usage.total_tokens, 15);
    EXPECT_FALSE(r.id.empty());
    EXPECT_EQ(r.raw["object"], "chat.completion");

    auto req = server.last_request();
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.path, "/v1/chat/completions");
    EXPECT_EQ(req.header("authorization"), std::string("Bearer ") + kKey);
    EXPECT_EQ(req.header("content-type"), "application/json");
    json body = req.json();
    EXPECT_EQ(body["model"], "gpt-4o-mini");
    EXPECT_EQ(body["messages"],
              json::parse(R"([{"role":"system","content":"be brief"},{"role":"user","content":"Hello!"}])"));
    EXPECT_EQ(body["max_tokens"], 20);
    EXPECT_EQ(body["temperature"], 0.2);
    EXPECT_EQ(body["top_p"], 0.9);
    EXPECT_EQ(body["seed"], 3);
    EXPECT_FALSE(body.contains("stream"));
}

// raw keeps the reply as received (text, parsed on first read): dump() gives back the exact body bytes.
TEST_F(OpenAIHttp, RawDumpIsTheExactBodyTheServerSent) {
    Reply reply = fake::chat_text("Hi there");
    reply.body.insert(1, "\n  ");  // a byte-for-byte copy, not a re-serialisation, keeps this whitespace
    const std::string sent = reply.body;
    server.enqueue(std::move(reply));
    auto r = completion("gpt-4o-mini", hello());
    EXPECT_EQ(r.text(), "Hi there");
    EXPECT_EQ(r.raw.dump(), sent);
    EXPECT_EQ(r.raw.get(), json::parse(sent));
    EXPECT_EQ(r.raw["choices"][0]["message"]["content"], "Hi there");
}

TEST_F(OpenAIHttp, PerCallKeyAndBaseOverrideTheEnvironment) {
    FakeServer other;
    other.enqueue(fake::chat_text("from other"));
    auto r = completion("gpt-4o-mini", hello(), {.api_key = "sk-per-call", .api_base = other.base_url() + "/v1/"});
    EXPECT_EQ(r.text(), "from other");
    EXPECT_EQ(other.last_request().header("authorization"), "Bearer sk-per-call");
    EXPECT_EQ(other.last_request().path, "/v1/chat/completions");
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(OpenAIHttp, SendsOrganizationAndProjectHeadersFromEnvironment) {
    env.set("OPENAI_ORG_ID", "org-123");
    env.set("OPENAI_PROJECT_ID", "proj_456");
    server.enqueue(fake::chat_text("ok"));
    completion("gpt-4o-mini", hello());
    EXPECT_EQ(server.last_request().header("openai-organization"), "org-123");
    EXPECT_EQ(server.last_request().header("openai-project"), "proj_456");
}

// The transport builds the header list itself (curl_transfer.cpp): every header arrives intact, the
// client names itself unless the caller sets a User-Agent, and a large body is sent at once, with no
// "Expect: 100-continue" round trip (libcurl adds one above 1 MB unless told not to).
TEST_F(OpenAIHttp, HeadersArriveIntactWithOurUserAgentUnlessTheCallerSetsOne) {
    server.enqueue(fake::chat_text("a"));
    server.enqueue(fake::chat_text("b"));
    const std::string big(1500 * 1024, 'x');
    (void)completion("gpt-4o-mini", {Message::user(big)}, {.extra_headers = {{"X-Trace", "t-1: with colon"}}});
    auto first = server.last_request();
    EXPECT_EQ(first.header("authorization"), std::string("Bearer ") + kKey);
    EXPECT_EQ(first.header("x-trace"), "t-1: with colon");
    EXPECT_EQ(first.header("user-agent").rfind("llmgate-cpp/", 0), 0u) << first.header("user-agent");
    EXPECT_EQ(first.header("expect"), "");
    EXPECT_EQ(first.json()["messages"][0]["content"].get<std::string>().size(), big.size());

    (void)acompletion("gpt-4o-mini", {Message::user("hi")}, {.extra_headers = {{"User-Agent", "my-app/2.0"}}}).get();
    auto second = server.last_request();
    EXPECT_EQ(second.header("user-agent"), "my-app/2.0");
    EXPECT_EQ(second.header("authorization"), std::string("Bearer ") + kKey);
}

TEST_F(OpenAIHttp, MissingKeyIsAnAuthErrorBeforeAnythingIsSent) {
    env.set("OPENAI_API_KEY", nullptr);
    try {
        completion("gpt-4o-mini", hello());
        FAIL();
    } catch (const AuthError& e) {
        EXPECT_NE(std::string(e.what()).find("OPENAI_API_KEY"), std::string::npos);
    }
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(OpenAIHttp, ReasoningModelsGetMaxCompletionTokensAndReasoningEffort) {
    server.enqueue(fake::chat_text("42", "o3-mini"));
    completion("o3-mini", hello(), {.max_tokens = 500, .reasoning_effort = "low"});
    json body = server.last_request().json();
    EXPECT_EQ(body["max_completion_tokens"], 500);
    EXPECT_FALSE(body.contains("max_tokens"));
    EXPECT_EQ(body["reasoning_effort"], "low");
}

TEST_F(OpenAIHttp, EmptyReplyCutByLengthIsReportedNotReturnedAsSuccess) {
    server.enqueue(fake::chat_text("", "o3-mini", "length",
                                   json{{"prompt_tokens", 10},
                                        {"completion_tokens", 100},
                                        {"total_tokens", 110},
                                        {"completion_tokens_details", {{"reasoning_tokens", 100}}}}));
    try {
        completion("o3-mini", hello(), {.max_tokens = 100});
        FAIL() << "expected IncompleteResponseError";
    } catch (const IncompleteResponseError& e) {
        EXPECT_EQ(e.finish_reason(), "length");
        EXPECT_EQ(e.usage().reasoning_tokens, 100);
    }
    // A reply that has text and was cut is a normal (partial) success.
    server.enqueue(fake::chat_text("partial answer", "gpt-4o-mini", "length"));
    auto r = completion("gpt-4o-mini", hello());
    EXPECT_EQ(r.finish_reason, "length");
    EXPECT_EQ(r.text(), "partial answer");
}

TEST_F(OpenAIHttp, ParsesToolCallsAndSendsToolsAndToolChoice) {
    server.enqueue(fake::chat_tool_calls({{"get_weather", R"({"city":"Paris"})"}, {"get_time", R"({"tz":"CET"})"}}));
    Tool weather{
        .name = "get_weather",
        .description = "Get current weather for a city",
        .parameters = json::parse(R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})")};
    auto r = completion("gpt-4o-mini", hello(), {.tools = {weather}, .tool_choice = "auto"});
    ASSERT_EQ(r.tool_calls().size(), 2u);
    EXPECT_EQ(r.tool_calls()[0].function, "get_weather");
    EXPECT_EQ(r.tool_calls()[0].arguments["city"], "Paris");
    EXPECT_EQ(r.tool_calls()[1].arguments_raw, R"({"tz":"CET"})");
    EXPECT_EQ(r.finish_reason, "tool_calls");
    json body = server.last_request().json();
    EXPECT_EQ(body["tools"][0], json::parse(R"({"type":"function","function":{"name":"get_weather",
        "description":"Get current weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}})"));
    EXPECT_EQ(body["tool_choice"], "auto");
}

TEST_F(OpenAIHttp, SendsToolResultTurnWithAssistantToolCallsAndToolCallId) {
    server.enqueue(fake::chat_tool_calls({{"get_weather", R"({"city":"Paris"})"}}));
    auto first = completion("gpt-4o-mini", hello());
    std::vector<Message> history = hello();
    history.push_back(first.choices[0].message);
    history.push_back(Message::tool(first.tool_calls()[0].id, R"({"temp_c": 21})"));
    server.enqueue(fake::chat_text("It is 21 C in Paris."));
    auto second = completion("gpt-4o-mini", history);
    EXPECT_EQ(second.text(), "It is 21 C in Paris.");
    json msgs = server.last_request().json()["messages"];
    ASSERT_EQ(msgs.size(), 3u);
    EXPECT_EQ(msgs[1]["role"], "assistant");
    EXPECT_TRUE(msgs[1]["content"].is_null());
    EXPECT_EQ(msgs[1]["tool_calls"][0]["id"], first.tool_calls()[0].id);
    EXPECT_EQ(msgs[1]["tool_calls"][0]["function"]["arguments"], R"({"city":"Paris"})");
    EXPECT_EQ(msgs[2],
              (json{{"role", "tool"}, {"content", R"({"temp_c": 21})"}, {"tool_call_id", first.tool_calls()[0].id}}));
}

TEST_F(OpenAIHttp, StreamsDeltasWithUsageAndIncludeUsageRequested) {
    server.enqueue(fake::stream_text({"Hel", "lo", " world"}));
    auto s = stream("gpt-4o-mini", hello());
    std::string text;
    std::optional<Usage> usage;
    std::string finish;
    for (const auto& c : s) {
        text += c.delta;
        if (c.usage) usage = c.usage;
        if (!c.finish_reason.empty()) finish = c.finish_reason;
    }
    EXPECT_EQ(text, "Hello world");
    EXPECT_EQ(finish, "stop");
    ASSERT_TRUE(usage.has_value());
    EXPECT_GT(usage->total_tokens, 0);
    EXPECT_EQ(s.response().text(), "Hello world");
    EXPECT_EQ(s.response().usage.total_tokens, usage->total_tokens);
    json body = server.last_request().json();
    EXPECT_EQ(body["stream"], true);
    EXPECT_EQ(body["stream_options"], (json{{"include_usage", true}}));
}

TEST_F(OpenAIHttp, StreamUsageOptionCanBeTurnedOff) {
    server.enqueue(fake::stream_text({"x"}, "gpt-4o-mini", false));
    for (const auto& c : stream("gpt-4o-mini", hello(), {.stream_include_usage = false})) (void)c;
    EXPECT_FALSE(server.last_request().json().contains("stream_options"));
}

TEST_F(OpenAIHttp, StreamedToolCallFragmentsAreAssembledByIndex) {
    server.enqueue(fake::stream_tool_calls({{"get_weather", {"{\"ci", "ty\": \"Pa", "ris\"}"}}, {"get_time", {"{}"}}}));
    auto s = stream("gpt-4o-mini", hello());
    std::vector<ToolCall> calls;
    for (const auto& c : s)
        if (!c.tool_calls.empty()) calls = c.tool_calls;
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].function, "get_weather");
    EXPECT_EQ(calls[0].arguments, (json{{"city", "Paris"}}));
    EXPECT_EQ(calls[1].function, "get_time");
    EXPECT_EQ(s.response().tool_calls().size(), 2u);
    EXPECT_EQ(s.response().finish_reason, "tool_calls");
}

TEST_F(OpenAIHttp, StreamEndingWithoutDoneIsAnErrorNotAShortAnswer) {
    server.enqueue(fake::stream_text({"Hel", "lo"}, "gpt-4o-mini", true, /*send_done=*/false));
    std::string text;
    EXPECT_THROW(
        {
            for (const auto& c : stream("gpt-4o-mini", hello())) text += c.delta;
        },
        ResponseParseError);
    EXPECT_EQ(text, "Hello");  // what arrived was delivered before the error
}

TEST_F(OpenAIHttp, DroppedConnectionMidStreamIsAConnectionError) {
    Reply r = fake::stream_text({"a", "b"}, "gpt-4o-mini", true, false);
    r.drop_connection_after_chunks = true;
    server.enqueue(r);
    EXPECT_THROW(
        {
            for (const auto& c : stream("gpt-4o-mini", hello())) (void)c;
        },
        ConnectionError);
}

TEST_F(OpenAIHttp, LeavingAStreamEarlyCancelsTheTransfer) {
    std::vector<std::string> pieces(100, "tick ");
    Reply r = fake::stream_text(pieces);
    r.delay_between_chunks = std::chrono::milliseconds(100);  // 10 s to send everything
    server.enqueue(r);
    const auto start = std::chrono::steady_clock::now();
    {
        auto s = stream("gpt-4o-mini", hello());
        int seen = 0;
        for (const auto& c : s) {
            if (!c.delta.empty() && ++seen == 2) break;
        }
        EXPECT_EQ(seen, 2);
    }
    // Had the stream been drained instead of cancelled, this would take ~10 s.
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(OpenAIHttp, HttpErrorsMapToTypedErrorsWithProviderMessageAndRequestId) {
    server.enqueue(fake::error(401, "Incorrect API key provided", "invalid_request_error", "invalid_api_key"));
    try {
        completion("gpt-4o-mini", hello());
        FAIL();
    } catch (const AuthError& e) {
        EXPECT_EQ(e.status(), 401);
        EXPECT_EQ(e.provider(), "openai");
        EXPECT_EQ(e.provider_message(), "Incorrect API key provided");
        EXPECT_EQ(e.error_type(), "invalid_api_key");
        EXPECT_EQ(e.request_id(), "req_err123");
        EXPECT_EQ(std::string(e.what()).find(kKey), std::string::npos);
    }
    server.enqueue(fake::error(403, "forbidden"));
    EXPECT_THROW(completion("gpt-4o-mini", hello()), AuthError);
    server.enqueue(fake::error(404, "The model `gpt-9` does not exist", "invalid_request_error", "model_not_found"));
    EXPECT_THROW(completion("gpt-9", hello()), ModelNotFoundError);
    server.enqueue(fake::error(400, "bad request"));
    EXPECT_THROW(completion("gpt-4o-mini", hello()), ProviderAPIError);
    server.enqueue(fake::error(500, "The server had an error", "server_error"));
    EXPECT_THROW(completion("gpt-4o-mini", hello()), ProviderAPIError);
}

TEST_F(OpenAIHttp, RateLimitCarriesRetryAfter) {
    Reply r = fake::error(429, "Rate limit reached", "requests", "rate_limit_exceeded");
    r.headers.emplace_back("retry-after", "2");
    server.enqueue(r);
    try {
        completion("gpt-4o-mini", hello());
        FAIL();
    } catch (const RateLimitError& e) {
        ASSERT_TRUE(e.retry_after().has_value());
        EXPECT_EQ(*e.retry_after(), std::chrono::milliseconds(2000));
        EXPECT_EQ(e.status(), 429);
    }
    Reply ms = fake::error(429, "slow down");
    ms.headers.emplace_back("retry-after-ms", "150");
    server.enqueue(ms);
    try {
        completion("gpt-4o-mini", hello());
        FAIL();
    } catch (const RateLimitError& e) {
        EXPECT_EQ(e.retry_after().value(), std::chrono::milliseconds(150));
    }
}

TEST_F(OpenAIHttp, StreamErrorsBeforeTheFirstChunkAreTyped) {
    server.enqueue(fake::error(429, "Rate limit reached"));
    EXPECT_THROW(stream("gpt-4o-mini", hello()), RateLimitError);
}

TEST_F(OpenAIHttp, MalformedAndNonJsonRepliesAreParseErrors) {
    server.enqueue(fake::malformed_json());
    EXPECT_THROW(completion("gpt-4o-mini", hello()), ResponseParseError);
    server.enqueue(Reply{.status = 200, .content_type = "text/html", .body = "<html>proxy says hi</html>"});
    EXPECT_THROW(completion("gpt-4o-mini", hello()), ResponseParseError);
    // A proxy's HTML error page keeps its status: a provider-side failure, with the page text kept.
    server.enqueue(Reply{.status = 502, .content_type = "text/html", .body = "<html>502 Bad Gateway</html>"});
    try {
        completion("gpt-4o-mini", hello());
        FAIL();
    } catch (const ProviderAPIError& e) {
        EXPECT_EQ(e.status(), 502);
        EXPECT_NE(e.provider_message().find("Bad Gateway"), std::string::npos);
    }
}

// A parse error names the provider and the model it came from, whichever path found it.
TEST_F(OpenAIHttp, ParseErrorsNameTheProviderAndModel) {
    auto expect_named = [](const std::function<void()>& call, const char* path) {
        try {
            call();
            ADD_FAILURE() << path << ": nothing thrown";
        } catch (const ResponseParseError& e) {
            EXPECT_EQ(e.provider(), "openai") << path;
            EXPECT_EQ(e.model(), "gpt-4o-mini") << path;
            EXPECT_EQ(e.status(), 200) << path;
        }
    };
    server.enqueue(fake::malformed_json());
    expect_named([&] { completion("gpt-4o-mini", hello()); }, "sync");
    server.enqueue(Reply{.status = 200, .body = R"({"object":"chat.completion","choices":"none"})"});
    expect_named([&] { acompletion("gpt-4o-mini", hello()).get(); }, "async, wrong shape");
    server.enqueue(Reply{.status = 200, .content_type = "text/event-stream", .body = "data: {not json\n\n"});
    expect_named(
        [&] {
            for (const auto& c : stream("gpt-4o-mini", hello())) (void)c;
        },
        "stream event");
    server.enqueue(Reply{.status = 200, .body = R"({"object":"list","data":"none"})"});
    expect_named([&] { embed("gpt-4o-mini", {"x"}); }, "embeddings");
}

TEST_F(OpenAIHttp, StreamRequestAnsweredWithJsonIsNotMistakenForAStream) {
    server.enqueue(fake::chat_text("not a stream"));
    EXPECT_THROW(
        {
            for (const auto& c : stream("gpt-4o-mini", hello())) (void)c;
        },
        ResponseParseError);
}

TEST_F(OpenAIHttp, SlowReplyTimesOut) {
    Reply r = fake::chat_text("late");
    r.delay_before_reply = std::chrono::milliseconds(3000);
    server.enqueue(r);
    EXPECT_THROW(completion("gpt-4o-mini", hello(), {.timeout = std::chrono::milliseconds(300)}), TimeoutError);
}

TEST_F(OpenAIHttp, StalledStreamTimesOut) {
    Reply r = fake::stream_text({"a", "b", "c"});
    r.delay_between_chunks = std::chrono::milliseconds(2500);
    server.enqueue(r);
    EXPECT_THROW(
        {
            for (const auto& c : stream("gpt-4o-mini", hello(), {.timeout = std::chrono::milliseconds(1000)})) (void)c;
        },
        TimeoutError);
}

// No provider configured: every variable cleared.
namespace {
class OpenAIConnection : public ProviderEnvTest {};
}  // namespace

TEST_F(OpenAIConnection, RefusedConnectionIsAConnectionError) {
    std::string url;
    {
        FakeServer s;
        url = s.base_url();
    }  // closed: nothing listens there now
    EXPECT_THROW(completion("gpt-4o-mini", hello(), {.api_key = "k", .api_base = url + "/v1"}), ConnectionError);
    EXPECT_THROW(acompletion("gpt-4o-mini", hello(), {.api_key = "k", .api_base = url + "/v1"}).get(), ConnectionError);
}

TEST_F(OpenAIHttp, EmbeddingsSendBase64LikeTheSDKAndDecodeIt) {
    server.enqueue(fake::embeddings({{0.5f, -1.0f, 2.0f}}, "text-embedding-3-small", true));
    auto r = embed("text-embedding-3-small", "Hello world", {.dimensions = 3});
    ASSERT_EQ(r.embeddings.size(), 1u);
    EXPECT_EQ(r.embeddings[0], (std::vector<double>{0.5, -1.0, 2.0}));
    EXPECT_EQ(r.provider, "openai");
    EXPECT_EQ(r.model, "text-embedding-3-small");
    auto req = server.last_request();
    EXPECT_EQ(req.path, "/v1/embeddings");
    json body = req.json();
    EXPECT_EQ(body["input"], "Hello world");  // one text is sent as a string, as the SDK does
    EXPECT_EQ(body["dimensions"], 3);
    EXPECT_EQ(body["encoding_format"], "base64");
}

TEST_F(OpenAIHttp, EmbeddingsBatchWithFloatFormatAndUser) {
    server.enqueue(fake::embeddings({{0.25f}, {0.75f}}));
    auto r =
        embed("text-embedding-3-small", std::vector<std::string>{"a", "b"}, {.encoding_format = "float", .user = "u1"});
    ASSERT_EQ(r.embeddings.size(), 2u);
    EXPECT_EQ(r.embeddings[1], (std::vector<double>{0.75}));
    json body = server.last_request().json();
    EXPECT_EQ(body["input"], json::array({"a", "b"}));
    EXPECT_EQ(body["encoding_format"], "float");
    EXPECT_EQ(body["user"], "u1");
}

TEST_F(OpenAIHttp, ExtraParamsAndHeadersPassThroughUntouched) {
    server.enqueue(fake::chat_text("ok"));
    completion("gpt-4o-mini", hello(),
               {.extra = {{"logprobs", true}, {"metadata", {{"k", "v"}}}}, .extra_headers = {{"X-Custom", "1"}}});
    auto req = server.last_request();
    EXPECT_EQ(req.json()["logprobs"], true);
    EXPECT_EQ(req.json()["metadata"]["k"], "v");
    EXPECT_EQ(req.header("x-custom"), "1");
}

TEST_F(OpenAIHttp, ExtraHeadersReplaceRatherThanDuplicate) {
    server.enqueue(fake::chat_text("ok"));
    completion("gpt-4o-mini", hello(), {.extra_headers = {{"accept", "application/x-custom"}}});
    EXPECT_EQ(server.last_request().header("accept"), "application/x-custom");  // one value, not "a, b"
}

TEST_F(OpenAIHttp, SequentialCallsReuseOneConnection) {
    for (int i = 0; i < 5; ++i) server.enqueue(fake::chat_text("ok"));
    for (int i = 0; i < 5; ++i) completion("gpt-4o-mini", hello());
    auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 5u);
    // One connection means one client port for every request.
    ASSERT_NE(reqs[0].client_port, 0);
    for (const auto& r : reqs) EXPECT_EQ(r.client_port, reqs[0].client_port);
}
