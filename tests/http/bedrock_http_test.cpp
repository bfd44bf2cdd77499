// AWS Bedrock over real HTTP against the fake server: SigV4-signed requests, Converse and ConverseStream
// (binary event-stream frames), tool turns, InvokeModel embeddings, every failure typed.
#include <gtest/gtest.h>

#include <chrono>

#include "bedrock_replies.hpp"
#include "providers/aws_sigv4.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::bedrock;

namespace {

constexpr const char* kAccessKey = "AKIDTESTEXAMPLE";
constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+SECRET0123456789";
constexpr const char* kModel = "bedrock/anthropic.claude-3-5-haiku-20241022-v1:0";

class BedrockHttp : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        env.set("AWS_ACCESS_KEY_ID", kAccessKey);
        env.set("AWS_SECRET_ACCESS_KEY", kSecret);
        env.set("AWS_REGION", "eu-west-3");
        env.set("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", server.base_url().c_str());
    }

    // Re-signs what the server received with the signer and the URL the client must have used: equal
    // Authorization headers prove host, x-amz-date, signed headers and body all went out as signed.
    static std::string expected_authorization(const RecordedRequest& req, const std::string& encoded_path,
                                              const std::string& base, const std::string& token = "") {
        detail::HttpRequest r;
        r.url = base + encoded_path;
        r.body = req.body;
        r.headers = {{"content-type", req.header("content-type")}, {"accept", req.header("accept")}};
        detail::sigv4_sign(
            r,
            detail::AwsCredentials{.access_key_id = kAccessKey, .secret_access_key = kSecret, .session_token = token},
            detail::SigV4Scope{.region = "eu-west-3", .service = "bedrock"}, req.header("x-amz-date"));
        return detail::find_header(r.headers, "authorization");
    }
};

}  // namespace

TEST_F(BedrockHttp, SendsSignedConverseRequestAndParsesTheReply) {
    server.enqueue(fake::converse_text("Paris."));
    auto r = completion(kModel, {Message::system("be brief"), Message::user("Capital of France?")},
                        {.max_tokens = 64, .temperature = 0.2, .top_p = 0.9, .stop = {"END"}});
    EXPECT_EQ(r.text(), "Paris.");
    EXPECT_EQ(r.provider, "bedrock");
    EXPECT_EQ(r.model, "anthropic.claude-3-5-haiku-20241022-v1:0");
    EXPECT_EQ(r.id, fake::kRequestId);
    EXPECT_EQ(r.finish_reason, "stop");
    EXPECT_EQ(r.usage.prompt_tokens, 10);
    EXPECT_EQ(r.usage.completion_tokens, 5);
    EXPECT_EQ(r.usage.total_tokens, 15);
    EXPECT_EQ(r.raw["metrics"]["latencyMs"], 321);

    auto req = server.last_request();
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.path, "/model/anthropic.claude-3-5-haiku-20241022-v1:0/converse");  // the server decodes %3A
    EXPECT_EQ(req.header("content-type"), "application/json");
    EXPECT_EQ(req.header("x-amz-security-token"), "");
    const std::string auth = req.header("authorization");
    EXPECT_EQ(auth.rfind("AWS4-HMAC-SHA256 Credential=AKIDTESTEXAMPLE/", 0), 0u) << auth;
    EXPECT_NE(
        auth.find("/eu-west-3/bedrock/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date, Signature="),
        std::string::npos)
        << auth;
    EXPECT_EQ(auth, expected_authorization(req, "/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse",
                                           server.base_url()));
    EXPECT_EQ(auth.find(kSecret), std::string::npos);
    EXPECT_EQ(req.json(), json::parse(R"({"messages":[{"role":"user","content":[{"text":"Capital of France?"}]}],
        "system":[{"text":"be brief"}],
        "inferenceConfig":{"maxTokens":64,"temperature":0.2,"topP":0.9,"stopSequences":["END"]}})"));
}

TEST_F(BedrockHttp, InferenceProfileArnIsEncodedInThePathAndSigned) {
    server.enqueue(fake::converse_text("ok"));
    const std::string arn =
        "arn:aws:bedrock:eu-west-3:123456789012:inference-profile/eu.anthropic.claude-sonnet-4-20250514-v1:0";
    completion("bedrock/" + arn, hello());
    auto req = server.last_request();
    EXPECT_EQ(req.path, "/model/" + arn + "/converse");  // one path label: its '/' arrived as %2F
    EXPECT_EQ(req.header("authorization"),
              expected_authorization(req, "/model/" + detail::aws_uri_encode(arn) + "/converse", server.base_url()));
}

TEST_F(BedrockHttp, SessionTokenIsSentAsSecurityTokenAndSigned) {
    env.set("AWS_SESSION_TOKEN", "FwoGZXIvYXdzTESTTOKEN");
    server.enqueue(fake::converse_text("ok"));
    completion(kModel, hello());
    auto req = server.last_request();
    EXPECT_EQ(req.header("x-amz-security-token"), "FwoGZXIvYXdzTESTTOKEN");
    EXPECT_NE(
        req.header("authorization").find("SignedHeaders=accept;content-type;host;x-amz-date;x-amz-security-token,"),
        std::string::npos);
    EXPECT_EQ(req.header("authorization"),
              expected_authorization(req, "/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse",
                                     server.base_url(), "FwoGZXIvYXdzTESTTOKEN"));
}

TEST_F(BedrockHttp, TransportHeadersAddedAfterSigningAreNotSigned) {
    server.enqueue(fake::converse_text("ok"));
    completion(kModel, hello(), {.extra_headers = {{"X-Custom", "yes"}}});
    auto req = server.last_request();
    EXPECT_FALSE(req.header("user-agent").empty());
    const std::string auth = req.header("authorization");
    EXPECT_NE(auth.find("SignedHeaders=accept;content-type;host;x-amz-date;x-custom,"), std::string::npos) << auth;
    EXPECT_EQ(auth.find("user-agent"), std::string::npos);
    EXPECT_EQ(req.header("x-custom"), "yes");
}

TEST_F(BedrockHttp, PerCallApiBaseAndKeyOverrideTheEnvironment) {
    FakeServer other;
    other.enqueue(fake::converse_text("from other"));
    auto r = completion(kModel, hello(),
                        {.api_key = "AKIDPERCALL:percallsecret:percalltoken", .api_base = other.base_url() + "/"});
    EXPECT_EQ(r.text(), "from other");
    auto req = other.last_request();
    EXPECT_NE(req.header("authorization").find("Credential=AKIDPERCALL/"), std::string::npos);
    EXPECT_EQ(req.header("x-amz-security-token"), "percalltoken");
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(BedrockHttp, GenericEndpointAndDefaultRegionVariablesAreUsedAsFallbacks) {
    env.set("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", nullptr);
    env.set("AWS_ENDPOINT_URL", server.base_url().c_str());
    env.set("AWS_REGION", nullptr);
    env.set("AWS_DEFAULT_REGION", "ap-south-1");
    server.enqueue(fake::converse_text("ok"));
    completion(kModel, hello());
    EXPECT_NE(server.last_request().header("authorization").find("/ap-south-1/bedrock/aws4_request"),
              std::string::npos);
}

TEST_F(BedrockHttp, MissingCredentialsIsAnAuthErrorNamingTheVariablesBeforeAnythingIsSent) {
    env.set("AWS_SECRET_ACCESS_KEY", nullptr);
    auto e = *expect_error<AuthError>([] { completion(kModel, hello()); });
    EXPECT_NE(std::string(e.what()).find("AWS_ACCESS_KEY_ID"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find(kAccessKey), std::string::npos);
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(BedrockHttp, MissingRegionIsAnInvalidRequestNamingTheVariables) {
    env.set("AWS_REGION", nullptr);
    auto e = *expect_error<InvalidRequestError>([] { completion(kModel, hello()); });
    EXPECT_NE(std::string(e.what()).find("AWS_REGION"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("AWS_DEFAULT_REGION"), std::string::npos);
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(BedrockHttp, ParsesToolUseAndSendsToolConfig) {
    server.enqueue(fake::converse_tool_use({{"get_weather", {{"city", "Paris"}}}}, "Let me check."));
    Tool weather{
        .name = "get_weather",
        .description = "Weather for a city",
        .parameters = json::parse(R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})")};
    auto r = completion(kModel, hello(), {.tools = {weather}, .tool_choice = "get_weather"});
    EXPECT_EQ(r.finish_reason, "tool_calls");
    EXPECT_EQ(r.text(), "Let me check.");
    ASSERT_EQ(r.tool_calls().size(), 1u);
    EXPECT_EQ(r.tool_calls()[0].id, "tooluse_0");
    EXPECT_EQ(r.tool_calls()[0].function, "get_weather");
    EXPECT_EQ(r.tool_calls()[0].arguments, json({{"city", "Paris"}}));
    json body = server.last_request().json();
    EXPECT_EQ(body["toolConfig"]["tools"][0]["toolSpec"]["name"], "get_weather");
    EXPECT_EQ(body["toolConfig"]["tools"][0]["toolSpec"]["inputSchema"]["json"], weather.parameters);
    EXPECT_EQ(body["toolConfig"]["toolChoice"], json::parse(R"({"tool":{"name":"get_weather"}})"));
}

TEST_F(BedrockHttp, ToolResultTurnReplaysToolUseAndSendsToolResults) {
    server.enqueue(fake::converse_tool_use({{"get_weather", {{"city", "Paris"}}}, {"get_time", {{"tz", "CET"}}}}));
    Tool weather{.name = "get_weather"};
    Tool time{.name = "get_time"};
    std::vector<Message> history{Message::user("Weather and time in Paris?")};
    auto first = completion(kModel, history, {.tools = {weather, time}});
    history.push_back(first.choices[0].message);
    history.push_back(Message::tool(first.tool_calls()[0].id, R"({"temp_c": 21})"));
    history.push_back(Message::tool(first.tool_calls()[1].id, "14:00"));
    server.enqueue(fake::converse_text("21°C at 14:00."));
    auto second = completion(kModel, history, {.tools = {weather, time}});
    EXPECT_EQ(second.text(), "21°C at 14:00.");
    json msgs = server.last_request().json()["messages"];
    ASSERT_EQ(msgs.size(), 3u);
    EXPECT_EQ(msgs[1], json::parse(R"({"role":"assistant","content":[
        {"toolUse":{"toolUseId":"tooluse_0","name":"get_weather","input":{"city":"Paris"}}},
        {"toolUse":{"toolUseId":"tooluse_1","name":"get_time","input":{"tz":"CET"}}}]})"));
    EXPECT_EQ(msgs[2], json::parse(R"({"role":"user","content":[
        {"toolResult":{"toolUseId":"tooluse_0","content":[{"text":"{\"temp_c\": 21}"}]}},
        {"toolResult":{"toolUseId":"tooluse_1","content":[{"text":"14:00"}]}}]})"));
}

TEST_F(BedrockHttp, EveryToolUseNeedsItsToolResultOrNothingIsSent) {
    server.enqueue(fake::converse_tool_use({{"a", json::object()}, {"b", json::object()}}));
    auto first = completion(kModel, hello());
    std::vector<Message> history{Message::user("Hi"), first.choices[0].message,
                                 Message::tool(first.tool_calls()[0].id, "x")};
    expect_error<InvalidRequestError>([&] { completion(kModel, history); });
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(BedrockHttp, ExtraFieldsAreMergedIntoTheBody) {
    server.enqueue(fake::converse_text("ok"));
    completion(kModel, hello(), {.extra = {{"additionalModelRequestFields", {{"top_k", 5}}}}});
    EXPECT_EQ(server.last_request().json()["additionalModelRequestFields"], json({{"top_k", 5}}));
}

TEST_F(BedrockHttp, StreamsBinaryEventFramesIntoChunks) {
    server.enqueue(fake::stream_text({"Hel", "lo", " world"}));
    auto s = stream(kModel, hello());
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
    EXPECT_EQ(usage->total_tokens, 15);
    EXPECT_EQ(s.response().text(), "Hello world");
    auto req = server.last_request();
    EXPECT_EQ(req.path, "/model/anthropic.claude-3-5-haiku-20241022-v1:0/converse-stream");
    EXPECT_EQ(req.header("authorization"),
              expected_authorization(req, "/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream",
                                     server.base_url()));
    EXPECT_FALSE(req.json().contains("stream"));
}

TEST_F(BedrockHttp, FramesSplitAcrossReadsAtEveryByteBoundaryDecodeTheSame) {
    std::string all;
    for (const auto& f : fake::text_frames({"ab", "cd"})) all += f;
    std::vector<std::string> bytes;
    for (char c : all) bytes.emplace_back(1, c);  // one HTTP chunk per byte
    server.enqueue(fake::stream(bytes));
    std::string text;
    for (const auto& c : stream(kModel, hello())) text += c.delta;
    EXPECT_EQ(text, "abcd");
}

TEST_F(BedrockHttp, StreamsToolUseAssembledFromInputFragments) {
    server.enqueue(
        fake::stream_tool_use({{"get_weather", {"{\"ci", "ty\": \"Pa", "ris\"}"}}, {"get_time", {}}}, "Checking."));
    auto s = stream(kModel, hello(), {.tools = {Tool{.name = "get_weather"}, Tool{.name = "get_time"}}});
    std::vector<ToolCall> calls;
    for (const auto& c : s)
        if (!c.tool_calls.empty()) calls = c.tool_calls;
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].id, "tooluse_0");
    EXPECT_EQ(calls[0].function, "get_weather");
    EXPECT_EQ(calls[0].arguments, json({{"city", "Paris"}}));
    EXPECT_EQ(calls[1].arguments, json::object());
    EXPECT_EQ(s.response().tool_calls().size(), 2u);
    EXPECT_EQ(s.response().finish_reason, "tool_calls");
    EXPECT_EQ(s.response().text(), "Checking.");
}

TEST_F(BedrockHttp, ExceptionFramesBecomeTypedErrors) {
    auto frames = fake::text_frames({"partial"}, "end_turn", false, false);
    frames.push_back(fake::exception("throttlingException", "Too many tokens, please wait before trying again."));
    server.enqueue(fake::stream(frames));
    std::string text;
    auto e = *expect_error<RateLimitError>([&] {
        for (const auto& c : stream(kModel, hello())) text += c.delta;
    });
    EXPECT_EQ(text, "partial");
    EXPECT_EQ(e.error_type(), "throttlingException");
    EXPECT_NE(std::string(e.what()).find("Too many tokens"), std::string::npos);

    frames = fake::text_frames({}, "end_turn", false, false);
    frames.push_back(fake::exception("validationException", "The model returned an invalid response"));
    server.enqueue(fake::stream(frames));
    expect_error<ProviderAPIError>([&] {
        for (const auto& c : stream(kModel, hello())) (void)c;
    });
    frames.back() = fake::exception("modelStreamErrorException", "model crashed");
    server.enqueue(fake::stream(frames));
    expect_error<ProviderAPIError>([&] {
        for (const auto& c : stream(kModel, hello())) (void)c;
    });
}

TEST_F(BedrockHttp, StreamWithoutMessageStopAndMetadataIsResponseParseError) {
    server.enqueue(fake::stream(fake::text_frames({"Hel", "lo"}, "end_turn", true, false)));
    std::string text;
    expect_error<ResponseParseError>([&] {
        for (const auto& c : stream(kModel, hello())) text += c.delta;
    });
    EXPECT_EQ(text, "Hello");
    server.enqueue(fake::stream(fake::text_frames({"Hel"}, "end_turn", false, false)));
    expect_error<ResponseParseError>([&] {
        for (const auto& c : stream(kModel, hello())) (void)c;
    });
}

TEST_F(BedrockHttp, BodyEndingMidFrameIsResponseParseError) {
    auto frames = fake::text_frames({"Hel", "lo"});
    frames.back().resize(frames.back().size() / 2);
    server.enqueue(fake::stream(frames));
    expect_error<ResponseParseError>([&] {
        for (const auto& c : stream(kModel, hello())) (void)c;
    });
}

TEST_F(BedrockHttp, BadPreludeCrcAndBadMessageCrcAreResponseParseErrors) {
    auto frames = fake::text_frames({"Hel", "lo"});
    frames[1][9] ^= 0x01;  // prelude CRC
    server.enqueue(fake::stream(frames));
    expect_error<ResponseParseError>([&] {
        for (const auto& c : stream(kModel, hello())) (void)c;
    });
    frames = fake::text_frames({"Hel", "lo"});
    frames[1][frames[1].size() - 6] ^= 0x01;  // payload byte: message CRC
    server.enqueue(fake::stream(frames));
    expect_error<ResponseParseError>([&] {
        for (const auto& c : stream(kModel, hello())) (void)c;
    });
}

TEST_F(BedrockHttp, DroppedConnectionMidStreamIsAConnectionError) {
    server.enqueue(fake::stream(fake::text_frames({"a", "b"}, "end_turn", false, false), /*drop_connection=*/true));
    expect_error<ConnectionError>([&] {
        for (const auto& c : stream(kModel, hello())) (void)c;
    });
}

TEST_F(BedrockHttp, AsyncCompletionAndStreamWork) {
    server.enqueue(fake::converse_text("async hi"));
    EXPECT_EQ(acompletion(kModel, hello()).get().text(), "async hi");
    server.enqueue(fake::stream_text({"as", "ync"}));
    auto s = astream(kModel, hello()).get();
    std::string text;
    for (const auto& c : s) text += c.delta;
    EXPECT_EQ(text, "async");
    env.set("AWS_ACCESS_KEY_ID", nullptr);
    EXPECT_THROW(acompletion(kModel, hello()).get(), AuthError);
}

TEST_F(BedrockHttp, HttpErrorsAreTypedWithMessageAndRequestId) {
    struct Case {
        int status;
        const char* type;
        const char* expected;
    };
    for (const Case& c :
         {Case{401, "UnrecognizedClientException", "AuthError"}, Case{403, "AccessDeniedException", "AuthError"},
          Case{403, "InvalidSignatureException", "AuthError"},
          Case{404, "ResourceNotFoundException", "ModelNotFoundError"},
          Case{429, "ThrottlingException", "RateLimitError"},
          Case{503, "ServiceUnavailableException", "RateLimitError"},
          Case{400, "ValidationException", "ProviderAPIError"},
          Case{500, "InternalServerException", "ProviderAPIError"}}) {
        SCOPED_TRACE(c.type);
        server.enqueue(fake::error(c.status, c.type, std::string("message for ") + c.type));
        try {
            completion(kModel, hello());
            ADD_FAILURE() << "no error";
        } catch (const Error& e) {
            EXPECT_STREQ(e.type_name(), c.expected);
            EXPECT_EQ(e.status(), c.status);
            EXPECT_EQ(e.provider_message(), std::string("message for ") + c.type);
            EXPECT_EQ(e.error_type(), c.type);
            EXPECT_EQ(e.request_id(), fake::kRequestId);
            EXPECT_EQ(std::string(e.what()).find(kSecret), std::string::npos);
        }
    }
}

TEST_F(BedrockHttp, ThrottleCarriesRetryAfterAndStreamsGetTheSameErrors) {
    Reply r = fake::error(429, "ThrottlingException", "Too many requests, please wait before trying again.");
    r.headers.emplace_back("Retry-After", "7");
    server.enqueue(r);
    auto e = *expect_error<RateLimitError>([] { completion(kModel, hello()); });
    ASSERT_TRUE(e.retry_after().has_value());
    EXPECT_EQ(e.retry_after()->count(), 7000);
    server.enqueue(fake::error(403, "AccessDeniedException", "no access"));
    expect_error<AuthError>([] { stream(kModel, hello()); });
}

TEST_F(BedrockHttp, MalformedJsonIsResponseParseError) {
    server.enqueue(fake::malformed_json());
    expect_error<ResponseParseError>([] { completion(kModel, hello()); });
}

TEST_F(BedrockHttp, TitanEmbedsOneTextPerRequestInInputOrder) {
    server.enqueue(fake::titan_embedding({0.1f, 0.2f}, 2));
    server.enqueue(fake::titan_embedding({0.3f, 0.4f}, 3));
    auto r =
        embed("bedrock/amazon.titan-embed-text-v2:0", std::vector<std::string>{"first", "second"}, {.dimensions = 256});
    ASSERT_EQ(r.embeddings.size(), 2u);
    EXPECT_NEAR(r.embeddings[0][0], 0.1, 1e-6);
    EXPECT_NEAR(r.embeddings[1][1], 0.4, 1e-6);
    EXPECT_EQ(r.usage.prompt_tokens, 5);
    EXPECT_EQ(r.provider, "bedrock");
    auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[0].path, "/model/amazon.titan-embed-text-v2:0/invoke");
    EXPECT_EQ(reqs[0].json(), json::parse(R"({"inputText":"first","dimensions":256})"));
    EXPECT_EQ(reqs[1].json()["inputText"], "second");
    EXPECT_EQ(reqs[1].header("authorization"),
              expected_authorization(reqs[1], "/model/amazon.titan-embed-text-v2%3A0/invoke", server.base_url()));
}

TEST_F(BedrockHttp, AsyncTitanEmbeddingsKeepOrderAndStopAtTheFirstError) {
    server.enqueue(fake::titan_embedding({1.0f}));
    server.enqueue(fake::titan_embedding({2.0f}));
    server.enqueue(fake::titan_embedding({3.0f}));
    auto r = aembed("bedrock/amazon.titan-embed-text-v1", std::vector<std::string>{"a", "b", "c"}).get();
    ASSERT_EQ(r.embeddings.size(), 3u);
    EXPECT_EQ(r.embeddings[2][0], 3.0);
    server.clear();
    server.enqueue(fake::titan_embedding({1.0f}));
    server.enqueue(fake::error(429, "ThrottlingException", "slow down"));
    EXPECT_THROW(aembed("bedrock/amazon.titan-embed-text-v1", std::vector<std::string>{"a", "b", "c"}).get(),
                 RateLimitError);
    EXPECT_EQ(server.request_count(), 2u);
}

TEST_F(BedrockHttp, CohereEmbedsAllTextsInOneRequestWithInputType) {
    server.enqueue(fake::cohere_embeddings({{0.1f}, {0.2f}}));
    auto r =
        embed("bedrock/cohere.embed-english-v3", std::vector<std::string>{"a", "b"}, {.input_type = "search_query"});
    ASSERT_EQ(r.embeddings.size(), 2u);
    EXPECT_EQ(r.usage.prompt_tokens, 7);
    EXPECT_EQ(server.last_request().json(), json::parse(R"({"texts":["a","b"],"input_type":"search_query"})"));
    server.enqueue(fake::cohere_embeddings({{0.5f, 0.25f}}, /*by_type=*/true));
    auto v4 = embed("bedrock/cohere.embed-v4:0", "one");
    EXPECT_EQ(v4.embeddings, (std::vector<std::vector<double>>{{0.5, 0.25}}));
    EXPECT_EQ(server.last_request().json()["input_type"], "search_document");
    EXPECT_EQ(server.last_request().json()["embedding_types"], json::array({"float"}));
}

TEST_F(BedrockHttp, OtherModelsHaveNoEmbeddingsAndNothingIsSent) {
    expect_error<EmbeddingsNotSupported>([] { embed("bedrock/anthropic.claude-3-haiku-20240307-v1:0", "x"); });
    EXPECT_THROW(aembed("bedrock/meta.llama3-8b-instruct-v1:0", "x").get(), EmbeddingsNotSupported);
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(BedrockHttp, StreamedSignedReasoningIsReplayedInTheNextTurn) {
    server.enqueue(
        fake::stream({fake::event("messageStart", {{"role", "assistant"}}),
                      fake::event("contentBlockDelta",
                                  {{"contentBlockIndex", 0}, {"delta", {{"reasoningContent", {{"text", "Think"}}}}}}),
                      fake::event("contentBlockDelta",
                                  {{"contentBlockIndex", 0}, {"delta", {{"reasoningContent", {{"text", "ing"}}}}}}),
                      fake::event("contentBlockDelta", {{"contentBlockIndex", 0},
                                                        {"delta", {{"reasoningContent", {{"signature", "U0lH"}}}}}}),
                      fake::event("contentBlockStop", {{"contentBlockIndex", 0}}),
                      fake::event("contentBlockDelta", {{"contentBlockIndex", 1}, {"delta", {{"text", "42"}}}}),
                      fake::event("messageStop", {{"stopReason", "end_turn"}}),
                      fake::event("metadata", {{"usage", fake::default_usage()}})}));
    auto s = stream(kModel, hello());
    std::string reasoning;
    for (const auto& c : s) reasoning += c.reasoning;
    EXPECT_EQ(reasoning, "Thinking");
    const Message answer = s.response().choices.at(0).message;
    EXPECT_EQ(answer.reasoning, "Thinking");
    server.enqueue(fake::converse_text("ok"));
    completion(kModel, {Message::user("Hello!"), answer, Message::user("and?")});
    EXPECT_EQ(server.last_request().json()["messages"][1], json::parse(R"({"role":"assistant","content":[
        {"reasoningContent":{"reasoningText":{"text":"Thinking","signature":"U0lH"}}},{"text":"42"}]})"));
}
