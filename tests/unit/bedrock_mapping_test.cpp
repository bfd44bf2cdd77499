// Bedrock translation without HTTP: Converse bodies, replies, ConverseStream events, errors, embedding bodies.
#include <gtest/gtest.h>

#include "llmgate/errors.hpp"
#include "providers/bedrock.hpp"
#include "transport/aws_eventstream.hpp"

using namespace llmgate;
using namespace llmgate::detail;

namespace {

ChatRequest chat(std::vector<Message> messages, Options options = {}) {
    return ChatRequest{.model = "anthropic.claude-3-5-haiku-20241022-v1:0",
                       .messages = std::move(messages),
                       .options = std::move(options)};
}

Message assistant_calling(std::vector<std::pair<std::string, std::string>> id_and_name) {
    Message m{.role = "assistant", .content = std::string()};
    for (auto& [id, name] : id_and_name)
        m.tool_calls.push_back(ToolCall{
            .id = id, .function = name, .arguments = json{{"city", "Paris"}}, .arguments_raw = R"({"city":"Paris"})"});
    return m;
}

std::string ev(const std::string& type, const json& payload) {
    return encode_event_stream_message(
        {{":event-type", type}, {":content-type", "application/json"}, {":message-type", "event"}}, payload.dump());
}

std::string exception_frame(const std::string& type, const std::string& message) {
    return encode_event_stream_message(
        {{":exception-type", type}, {":content-type", "application/json"}, {":message-type", "exception"}},
        json{{"message", message}}.dump());
}

std::string text_stream() {
    return ev("messageStart", {{"role", "assistant"}}) +
           ev("contentBlockDelta", {{"contentBlockIndex", 0}, {"delta", {{"text", "Hel"}}}, {"p", "abcd"}}) +
           ev("contentBlockDelta", {{"contentBlockIndex", 0}, {"delta", {{"text", "lo"}}}}) +
           ev("contentBlockStop", {{"contentBlockIndex", 0}}) + ev("messageStop", {{"stopReason", "end_turn"}}) +
           ev("metadata", {{"usage", {{"inputTokens", 10}, {"outputTokens", 2}, {"totalTokens", 12}}},
                           {"metrics", {{"latencyMs", 5}}}});
}

std::deque<StreamChunk> decode(const std::string& bytes, std::size_t slice = 0) {
    auto d = make_bedrock_stream_decoder("m");
    std::deque<StreamChunk> out;
    if (slice == 0) {
        d->feed(bytes, out);
    } else {
        for (std::size_t i = 0; i < bytes.size(); i += slice) d->feed(std::string_view(bytes).substr(i, slice), out);
    }
    d->finish(out);
    return out;
}

HttpResponse error_response(long status, const std::string& type, const std::string& message) {
    return HttpResponse{
        .status = status,
        .headers = {{"x-amzn-errortype", type + ":http://internal.amazon.com/coral/com.amazon.bedrock/"},
                    {"x-amzn-requestid", "req-1"},
                    {"retry-after", "3"}},
        .body = json{{"message", message}}.dump()};
}

}  // namespace

TEST(BedrockRequest, ModelIdIsUriEncodedAsOnePathLabel) {
    EXPECT_EQ(bedrock_model_path("anthropic.claude-3-5-haiku-20241022-v1:0", "converse"),
              "/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse");
    EXPECT_EQ(bedrock_model_path(
                  "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0",
                  "converse-stream"),
              "/model/"
              "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-sonnet-4-"
              "20250514-v1%3A0/converse-stream");
}

TEST(BedrockRequest, MapsSystemMessagesAndInferenceConfig) {
    json body =
        bedrock_converse_body(chat({Message::system("be brief"), Message::user("Hi")},
                                   {.max_tokens = 64, .temperature = 0.5, .top_p = 0.9, .stop = {"END"}, .seed = 1}));
    EXPECT_EQ(body["system"], json::parse(R"([{"text":"be brief"}])"));
    EXPECT_EQ(body["messages"], json::parse(R"([{"role":"user","content":[{"text":"Hi"}]}])"));
    EXPECT_EQ(body["inferenceConfig"],
              json::parse(R"({"maxTokens":64,"temperature":0.5,"topP":0.9,"stopSequences":["END"]})"));
    EXPECT_FALSE(body.contains("toolConfig"));
    EXPECT_FALSE(body.contains("seed"));  // Converse has no seed
}

TEST(BedrockRequest, ToolsBecomeToolSpecsAndToolChoiceMaps) {
    Tool weather{.name = "get_weather",
                 .description = "Weather",
                 .parameters = json::parse(R"({"type":"object","properties":{"city":{"type":"string"}}})")};
    json body = bedrock_converse_body(chat({Message::user("Hi")}, {.tools = {weather}, .tool_choice = "auto"}));
    EXPECT_EQ(
        body["toolConfig"]["tools"][0],
        json::parse(
            R"({"toolSpec":{"name":"get_weather","description":"Weather","inputSchema":{"json":{"type":"object","properties":{"city":{"type":"string"}}}}}})"));
    EXPECT_EQ(body["toolConfig"]["toolChoice"], json::parse(R"({"auto":{}})"));
    EXPECT_EQ(bedrock_converse_body(chat({Message::user("Hi")},
                                         {.tools = {weather}, .tool_choice = "required"}))["toolConfig"]["toolChoice"],
              json::parse(R"({"any":{}})"));
    EXPECT_EQ(
        bedrock_converse_body(chat({Message::user("Hi")},
                                   {.tools = {weather}, .tool_choice = "get_weather"}))["toolConfig"]["toolChoice"],
        json::parse(R"({"tool":{"name":"get_weather"}})"));
    EXPECT_FALSE(bedrock_converse_body(chat({Message::user("Hi")}, {.tools = {weather}, .tool_choice = "none"}))
                     .contains("toolConfig"));
    EXPECT_FALSE(
        bedrock_converse_body(chat({Message::user("Hi")}, {.tools = {weather}}))["toolConfig"].contains("toolChoice"));
}

TEST(BedrockRequest, EveryToolUseNeedsItsToolResultConsecutiveResultsMergeIntoOneUserMessage) {
    json body = bedrock_converse_body(
        chat({Message::user("Weather?"), assistant_calling({{"t1", "get_weather"}, {"t2", "get_weather"}}),
              Message::tool("t1", "sunny"), Message::tool("t2", "rain"), Message::user("thanks")}));
    ASSERT_EQ(body["messages"].size(), 3u);
    EXPECT_EQ(body["messages"][1], json::parse(R"({"role":"assistant","content":[
        {"toolUse":{"toolUseId":"t1","name":"get_weather","input":{"city":"Paris"}}},
        {"toolUse":{"toolUseId":"t2","name":"get_weather","input":{"city":"Paris"}}}]})"));
    EXPECT_EQ(body["messages"][2], json::parse(R"({"role":"user","content":[
        {"toolResult":{"toolUseId":"t1","content":[{"text":"sunny"}]}},
        {"toolResult":{"toolUseId":"t2","content":[{"text":"rain"}]}},
        {"text":"thanks"}]})"));
}

TEST(BedrockRequest, EveryToolUseNeedsItsToolResultMissingOneIsInvalidRequest) {
    try {
        bedrock_converse_body(chat(
            {Message::user("Weather?"), assistant_calling({{"t1", "a"}, {"t2", "b"}}), Message::tool("t1", "sunny")}));
        FAIL() << "expected InvalidRequestError";
    } catch (const InvalidRequestError& e) {
        EXPECT_NE(std::string(e.what()).find("t2"), std::string::npos);
    }
    EXPECT_THROW(bedrock_converse_body(
                     chat({Message::user("Weather?"), assistant_calling({{"t1", "a"}}), Message::user("never mind")})),
                 InvalidRequestError);
    EXPECT_THROW(bedrock_converse_body(chat({Message::user("Weather?"), assistant_calling({{"t1", "a"}})})),
                 InvalidRequestError);
}

TEST(BedrockRequest, ToolResultWithoutItsToolUseIsInvalidRequest) {
    EXPECT_THROW(
        bedrock_converse_body(chat({Message::user("Hi"), Message::assistant("hello"), Message::tool("ghost", "x")})),
        InvalidRequestError);
}

TEST(BedrockRequest, ToolCallWithUnparsableArgumentsSendsAnEmptyObject) {
    Message a{.role = "assistant", .content = std::string("calling")};
    a.tool_calls.push_back(ToolCall{.id = "t1", .function = "f", .arguments = nullptr, .arguments_raw = "{broken"});
    json body = bedrock_converse_body(chat({Message::user("Hi"), a, Message::tool("t1", "ok")}));
    EXPECT_EQ(body["messages"][1]["content"][0], json::parse(R"({"text":"calling"})"));
    EXPECT_EQ(body["messages"][1]["content"][1]["toolUse"]["input"], json::object());
}

TEST(BedrockRequest, SignedReasoningIsReplayedBeforeTextAndToolUse) {
    Message a = assistant_calling({{"t1", "f"}});
    a.reasoning = "thinking";
    a.provider_data =
        json::parse(R"({"reasoningContent":[{"reasoningText":{"text":"thinking","signature":"sig=="}}]})");
    json body = bedrock_converse_body(chat({Message::user("Hi"), a, Message::tool("t1", "ok")}));
    EXPECT_EQ(body["messages"][1]["content"][0],
              json::parse(R"({"reasoningContent":{"reasoningText":{"text":"thinking","signature":"sig=="}}})"));
    EXPECT_TRUE(body["messages"][1]["content"][1].contains("toolUse"));
}

TEST(BedrockRequest, ImagesAreSentAsBytesAndUrlsAreRefused) {
    json body = bedrock_converse_body(chat({Message::user(
        {ContentPart::text_part("what is it"), ContentPart::image_from_url("data:image/png;base64,iVBORw0K"),
         ContentPart::image_from_bytes("/9j/4AAQ", "image/jpeg")})}));
    EXPECT_EQ(body["messages"][0]["content"][1],
              json::parse(R"({"image":{"format":"png","source":{"bytes":"iVBORw0K"}}})"));
    EXPECT_EQ(body["messages"][0]["content"][2],
              json::parse(R"({"image":{"format":"jpeg","source":{"bytes":"/9j/4AAQ"}}})"));
    EXPECT_THROW(
        bedrock_converse_body(chat({Message::user({ContentPart::image_from_url("https://example.com/cat.png")})})),
        InvalidRequestError);
}

TEST(BedrockReply, ParsesTextToolUseReasoningAndUsage) {
    const std::string body = R"({"output":{"message":{"role":"assistant","content":[
        {"reasoningContent":{"reasoningText":{"text":"Let me think","signature":"c2ln"}}},
        {"text":"Calling."},
        {"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"city":"Paris"}}}]}},
        "stopReason":"tool_use",
        "usage":{"inputTokens":10,"outputTokens":20,"totalTokens":130,"cacheReadInputTokens":80,"cacheWriteInputTokens":20},
        "metrics":{"latencyMs":100}})";
    CompletionResponse r = bedrock_parse_converse("m", body, "req-1");
    EXPECT_EQ(r.id, "req-1");
    EXPECT_EQ(r.provider, "bedrock");
    EXPECT_EQ(r.text(), "Calling.");
    EXPECT_EQ(r.reasoning(), "Let me think");
    EXPECT_EQ(r.finish_reason, "tool_calls");
    ASSERT_EQ(r.tool_calls().size(), 1u);
    EXPECT_EQ(r.tool_calls()[0].id, "tooluse_1");
    EXPECT_EQ(r.tool_calls()[0].function, "get_weather");
    EXPECT_EQ(r.tool_calls()[0].arguments, json({{"city", "Paris"}}));
    EXPECT_EQ(r.choices[0].message.provider_data["reasoningContent"][0]["reasoningText"]["signature"], "c2ln");
    EXPECT_EQ(r.usage.prompt_tokens, 110);  // 10 uncached + 80 read + 20 written
    EXPECT_EQ(r.usage.cached_tokens, 80);
    EXPECT_EQ(r.usage.cache_creation_tokens, 20);
    EXPECT_EQ(r.usage.completion_tokens, 20);
    EXPECT_EQ(r.usage.total_tokens, 130);
}

TEST(BedrockReply, StopReasonsMapToUnifiedFinishReasons) {
    EXPECT_EQ(bedrock_finish_reason("end_turn"), "stop");
    EXPECT_EQ(bedrock_finish_reason("stop_sequence"), "stop");
    EXPECT_EQ(bedrock_finish_reason("max_tokens"), "length");
    EXPECT_EQ(bedrock_finish_reason("tool_use"), "tool_calls");
    EXPECT_EQ(bedrock_finish_reason("guardrail_intervened"), "content_filter");
    EXPECT_EQ(bedrock_finish_reason("content_filtered"), "content_filter");
    EXPECT_EQ(bedrock_finish_reason("something_new"), "something_new");
}

TEST(BedrockReply, MalformedOrMisshapenRepliesAreResponseParseErrors) {
    EXPECT_THROW(bedrock_parse_converse("m", R"({"output":{"message":)"), ResponseParseError);
    EXPECT_THROW(bedrock_parse_converse("m", R"({"output":{}})"), ResponseParseError);
    EXPECT_THROW(bedrock_parse_converse("m", R"({"output":{"message":{"content":"text"}}})"), ResponseParseError);
    EXPECT_THROW(bedrock_parse_converse("m", R"([1,2])"), ResponseParseError);
}

TEST(BedrockStream, MapsTextDeltasStopAndUsage) {
    auto chunks = decode(text_stream());
    ASSERT_EQ(chunks.size(), 4u);
    EXPECT_EQ(chunks[0].delta, "Hel");
    EXPECT_EQ(chunks[1].delta, "lo");
    EXPECT_EQ(chunks[2].finish_reason, "stop");
    ASSERT_TRUE(chunks[3].usage.has_value());
    EXPECT_EQ(chunks[3].usage->prompt_tokens, 10);
    EXPECT_EQ(chunks[3].usage->total_tokens, 12);
    EXPECT_EQ(chunks[0].raw["delta"]["text"], "Hel");
}

TEST(BedrockStream, FramesSplitAcrossReadsAtEveryByteBoundaryDecodeTheSame) {
    const std::string bytes = text_stream();
    const auto whole = decode(bytes);
    for (std::size_t slice : {1, 2, 3, 7, 13, 64}) {
        const auto pieces = decode(bytes, slice);
        ASSERT_EQ(pieces.size(), whole.size()) << slice;
        for (std::size_t i = 0; i < whole.size(); ++i) {
            EXPECT_EQ(pieces[i].delta, whole[i].delta);
            EXPECT_EQ(pieces[i].raw, whole[i].raw);
        }
    }
}

TEST(BedrockStream, AccumulatesToolInputFragmentsByContentBlockIndex) {
    const std::string bytes =
        ev("messageStart", {{"role", "assistant"}}) +
        ev("contentBlockDelta", {{"contentBlockIndex", 0}, {"delta", {{"text", "Checking."}}}}) +
        ev("contentBlockStop", {{"contentBlockIndex", 0}}) +
        ev("contentBlockStart",
           {{"contentBlockIndex", 1}, {"start", {{"toolUse", {{"toolUseId", "tu_a"}, {"name", "get_weather"}}}}}}) +
        ev("contentBlockStart",
           {{"contentBlockIndex", 2}, {"start", {{"toolUse", {{"toolUseId", "tu_b"}, {"name", "get_time"}}}}}}) +
        ev("contentBlockDelta", {{"contentBlockIndex", 1}, {"delta", {{"toolUse", {{"input", "{\"city\":"}}}}}}) +
        ev("contentBlockDelta", {{"contentBlockIndex", 2}, {"delta", {{"toolUse", {{"input", "{\"tz\":\"CET\"}"}}}}}}) +
        ev("contentBlockDelta", {{"contentBlockIndex", 1}, {"delta", {{"toolUse", {{"input", "\"Paris\"}"}}}}}}) +
        ev("messageStop", {{"stopReason", "tool_use"}}) +
        ev("metadata", {{"usage", {{"inputTokens", 1}, {"outputTokens", 1}, {"totalTokens", 2}}}});
    auto chunks = decode(bytes);
    const StreamChunk* finish = nullptr;
    for (const auto& c : chunks)
        if (!c.finish_reason.empty()) finish = &c;
    ASSERT_NE(finish, nullptr);
    EXPECT_EQ(finish->finish_reason, "tool_calls");
    ASSERT_EQ(finish->tool_calls.size(), 2u);
    EXPECT_EQ(finish->tool_calls[0].id, "tu_a");
    EXPECT_EQ(finish->tool_calls[0].function, "get_weather");
    EXPECT_EQ(finish->tool_calls[0].arguments, json({{"city", "Paris"}}));
    EXPECT_EQ(finish->tool_calls[1].id, "tu_b");
    EXPECT_EQ(finish->tool_calls[1].arguments, json({{"tz", "CET"}}));
    EXPECT_EQ(chunks[1].tool_call_deltas.at(0).index, 0);  // first tool call is index 0 though its block is 1
}

TEST(BedrockStream, ToolUseWithoutInputAssemblesToEmptyObject) {
    const std::string bytes =
        ev("contentBlockStart",
           {{"contentBlockIndex", 0}, {"start", {{"toolUse", {{"toolUseId", "tu"}, {"name", "now"}}}}}}) +
        ev("contentBlockStop", {{"contentBlockIndex", 0}}) + ev("messageStop", {{"stopReason", "tool_use"}}) +
        ev("metadata", {{"usage", json::object()}});
    auto chunks = decode(bytes);
    EXPECT_EQ(chunks[1].tool_calls.at(0).arguments, json::object());
}

TEST(BedrockStream, ReasoningDeltasAreSurfaced) {
    const std::string bytes =
        ev("contentBlockDelta", {{"contentBlockIndex", 0}, {"delta", {{"reasoningContent", {{"text", "Hmm"}}}}}}) +
        ev("contentBlockDelta", {{"contentBlockIndex", 0}, {"delta", {{"reasoningContent", {{"signature", "sig"}}}}}}) +
        ev("contentBlockDelta", {{"contentBlockIndex", 1}, {"delta", {{"text", "42"}}}}) +
        ev("messageStop", {{"stopReason", "end_turn"}}) +
        ev("metadata", {{"usage", {{"inputTokens", 1}, {"outputTokens", 1}}}});
    auto chunks = decode(bytes);
    EXPECT_EQ(chunks[0].reasoning, "Hmm");
    EXPECT_EQ(chunks[1].raw["delta"]["reasoningContent"]["signature"], "sig");
    EXPECT_EQ(chunks[2].delta, "42");
    EXPECT_EQ(chunks[3].finish_reason, "stop");
    EXPECT_EQ(chunks[3].provider_data,
              json::parse(R"({"reasoningContent":[{"reasoningText":{"text":"Hmm","signature":"sig"}}]})"));
}

TEST(BedrockStream, ExceptionFramesBecomeTypedErrors) {
    auto fails_with = [](const std::string& type, auto expected) {
        using Expected = decltype(expected);
        const std::string bytes = ev("messageStart", {{"role", "assistant"}}) + exception_frame(type, "boom " + type);
        try {
            decode(bytes);
            ADD_FAILURE() << type << ": no error";
        } catch (const Expected& e) {
            EXPECT_NE(std::string(e.what()).find("boom " + type), std::string::npos) << type;
            EXPECT_EQ(e.error_type(), type);
            EXPECT_EQ(e.provider(), "bedrock");
        } catch (const Error& e) {
            ADD_FAILURE() << type << ": wrong error " << e.type_name();
        }
    };
    fails_with("throttlingException", RateLimitError(ErrorInfo{}));
    fails_with("serviceUnavailableException", RateLimitError(ErrorInfo{}));
    fails_with("validationException", ProviderAPIError(ErrorInfo{}));
    fails_with("accessDeniedException", AuthError(ErrorInfo{}));
    fails_with("modelStreamErrorException", ProviderAPIError(ErrorInfo{}));
    fails_with("internalServerException", ProviderAPIError(ErrorInfo{}));
}

TEST(BedrockStream, ValidationExceptionIsNotMistakenForARateLimit) {
    try {
        decode(exception_frame("validationException", "bad"));
        FAIL();
    } catch (const RateLimitError&) {
        FAIL() << "validation is not a rate limit";
    } catch (const ProviderAPIError&) {
    }
}

TEST(BedrockStream, StreamWithoutMessageStopOrMetadataIsResponseParseError) {
    const std::string start = ev("messageStart", {{"role", "assistant"}}) +
                              ev("contentBlockDelta", {{"contentBlockIndex", 0}, {"delta", {{"text", "Hi"}}}});
    EXPECT_THROW(decode(start), ResponseParseError);
    EXPECT_THROW(decode(start + ev("messageStop", {{"stopReason", "end_turn"}})), ResponseParseError);
    EXPECT_THROW(decode(""), ResponseParseError);
}

TEST(BedrockStream, BodyEndingMidFrameIsResponseParseError) {
    const std::string bytes = text_stream();
    EXPECT_THROW(decode(bytes.substr(0, bytes.size() - 5)), ResponseParseError);
}

TEST(BedrockStream, BadPreludeCrcIsResponseParseError) {
    std::string bytes = text_stream();
    bytes[8] ^= 0x10;
    try {
        decode(bytes);
        FAIL();
    } catch (const ResponseParseError& e) {
        EXPECT_EQ(e.provider(), "bedrock");
        EXPECT_NE(std::string(e.what()).find("prelude CRC"), std::string::npos);
    }
}

TEST(BedrockStream, BadMessageCrcIsResponseParseError) {
    std::string bytes = text_stream();
    bytes[bytes.size() - 20] ^= 0x10;  // inside the last frame's payload
    EXPECT_THROW(decode(bytes), ResponseParseError);
}

TEST(BedrockStream, NonJsonEventPayloadIsResponseParseError) {
    const std::string bytes =
        encode_event_stream_message({{":message-type", "event"}, {":event-type", "contentBlockDelta"}}, "not json");
    EXPECT_THROW(decode(bytes), ResponseParseError);
}

TEST(BedrockErrors, HttpErrorTypesMapToTypedErrors) {
    auto kind = [](long status, const std::string& type) -> std::string {
        try {
            bedrock_raise_http_error("m", error_response(status, type, "msg"));
        } catch (const Error& e) {
            EXPECT_EQ(e.provider_message(), "msg");
            EXPECT_EQ(e.request_id(), "req-1");
            EXPECT_EQ(e.error_type(), type);
            EXPECT_EQ(e.status(), status);
            return e.type_name();
        }
        return "none";
    };
    EXPECT_EQ(kind(403, "AccessDeniedException"), "AuthError");
    EXPECT_EQ(kind(403, "UnrecognizedClientException"), "AuthError");
    EXPECT_EQ(kind(403, "InvalidSignatureException"), "AuthError");
    EXPECT_EQ(kind(429, "ThrottlingException"), "RateLimitError");
    EXPECT_EQ(kind(503, "ServiceUnavailableException"), "RateLimitError");
    EXPECT_EQ(kind(404, "ResourceNotFoundException"), "ModelNotFoundError");
    EXPECT_EQ(kind(400, "ValidationException"), "ProviderAPIError");
    EXPECT_EQ(kind(500, "InternalServerException"), "ProviderAPIError");
    EXPECT_EQ(kind(424, "ModelErrorException"), "ProviderAPIError");
}

TEST(BedrockErrors, ThrottleCarriesRetryAfterAndTypeFallsBackToTheBody) {
    try {
        bedrock_raise_http_error("m", error_response(429, "ThrottlingException", "slow down"));
        FAIL();
    } catch (const RateLimitError& e) {
        ASSERT_TRUE(e.retry_after().has_value());
        EXPECT_EQ(e.retry_after()->count(), 3000);
    }
    HttpResponse r{
        .status = 400,
        .headers = {},
        .body = R"({"__type":"com.amazon.coral.service#UnrecognizedClientException","Message":"bad token"})"};
    try {
        bedrock_raise_http_error("m", r);
        FAIL();
    } catch (const AuthError& e) {
        EXPECT_EQ(e.error_type(), "UnrecognizedClientException");
        EXPECT_EQ(e.provider_message(), "bad token");
    }
}

TEST(BedrockEmbeddings, FamiliesAndBodies) {
    EXPECT_EQ(bedrock_embed_family("amazon.titan-embed-text-v2:0"), BedrockEmbedFamily::titan);
    EXPECT_EQ(bedrock_embed_family("cohere.embed-english-v3"), BedrockEmbedFamily::cohere);
    EXPECT_EQ(bedrock_embed_family("us.cohere.embed-v4:0"), BedrockEmbedFamily::cohere);
    EXPECT_EQ(bedrock_embed_family("anthropic.claude-3-haiku"), BedrockEmbedFamily::unsupported);
    EXPECT_EQ(bedrock_titan_embed_body("Hello", {.dimensions = 256}),
              json::parse(R"({"inputText":"Hello","dimensions":256})"));
    EmbedRequest v3{.model = "cohere.embed-english-v3",
                    .inputs = {"a", "b"},
                    .single_input = false,
                    .options = {.truncate = "END"}};
    EXPECT_EQ(bedrock_cohere_embed_body(v3),
              json::parse(R"({"texts":["a","b"],"input_type":"search_document","truncate":"END"})"));
    EmbedRequest v4{.model = "cohere.embed-v4:0",
                    .inputs = {"a"},
                    .single_input = true,
                    .options = {.dimensions = 512, .input_type = "search_query"}};
    EXPECT_EQ(bedrock_cohere_embed_body(v4),
              json::parse(
                  R"({"texts":["a"],"input_type":"search_query","embedding_types":["float"],"output_dimension":512})"));
}

TEST(BedrockEmbeddings, ParsesTitanAndBothCohereShapes) {
    EmbeddingResponse r;
    bedrock_parse_titan_embedding(R"({"embedding":[0.5,-1],"inputTextTokenCount":3})", r);
    bedrock_parse_titan_embedding(R"({"embedding":[2],"inputTextTokenCount":4})", r);
    EXPECT_EQ(r.embeddings, (std::vector<std::vector<double>>{{0.5, -1}, {2}}));
    EXPECT_EQ(r.usage.prompt_tokens, 7);
    EmbeddingResponse c;
    bedrock_parse_cohere_embeddings(R"({"embeddings":[[1,2],[3]],"response_type":"embeddings_floats"})", c);
    EXPECT_EQ(c.embeddings.size(), 2u);
    EmbeddingResponse v4;
    bedrock_parse_cohere_embeddings(R"({"embeddings":{"float":[[1,2]]},"response_type":"embeddings_by_type"})", v4);
    EXPECT_EQ(v4.embeddings, (std::vector<std::vector<double>>{{1, 2}}));
    EmbeddingResponse bad;
    EXPECT_THROW(bedrock_parse_titan_embedding(R"({"embedding":"x"})", bad), ResponseParseError);
    EXPECT_THROW(bedrock_parse_cohere_embeddings(R"({"embeddings":{"int8":[[1]]}})", bad), ResponseParseError);
}
