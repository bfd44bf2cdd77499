// Pure translation of the OpenAI wire format: request bodies, replies, stream chunks, embeddings.
#include <gtest/gtest.h>

#include <deque>

#include "llmgate/errors.hpp"
#include "providers/openai_compatible.hpp"
#include "providers/openai_fast_embeddings.hpp"
#include "util/json_parse.hpp"

using namespace llmgate;
using namespace llmgate::detail;

namespace {

std::deque<StreamChunk> decode(const std::string& bytes, bool finish = true) {
    auto d = make_openai_stream_decoder("openai", "gpt-4o-mini");
    std::deque<StreamChunk> out;
    d->feed(bytes, out);
    if (finish) d->finish(out);
    return out;
}

}  // namespace

TEST(OpenAIRequest, BuildsChatBodyWithToolsAndOptions) {
    ChatRequest r;
    r.model = "gpt-4o-mini";
    r.messages = {Message::system("be brief"), Message::user("hi")};
    r.options.max_tokens = 50;
    r.options.temperature = 0.5;
    r.options.stop = {"END"};
    r.options.seed = 7;
    r.options.tools = {Tool{.name = "get_weather", .description = "weather", .parameters = {{"type", "object"}}}};
    r.options.tool_choice = "get_weather";
    json body = openai_chat_body(r, true, true);
    EXPECT_EQ(body["model"], "gpt-4o-mini");
    EXPECT_EQ(body["messages"][0], (json{{"role", "system"}, {"content", "be brief"}}));
    EXPECT_EQ(body["max_tokens"], 50);
    EXPECT_EQ(body["temperature"], 0.5);
    EXPECT_EQ(body["stop"], json::array({"END"}));
    EXPECT_EQ(body["seed"], 7);
    EXPECT_EQ(body["tools"][0]["type"], "function");
    EXPECT_EQ(body["tools"][0]["function"]["name"], "get_weather");
    EXPECT_EQ(body["tool_choice"], (json{{"type", "function"}, {"function", {{"name", "get_weather"}}}}));
    EXPECT_EQ(body["stream"], true);
    EXPECT_EQ(body["stream_options"], (json{{"include_usage", true}}));
    EXPECT_FALSE(body.contains("top_p"));
}

TEST(OpenAIRequest, ToolChoiceKeywordsStayStrings) {
    for (const char* kw : {"auto", "none", "required"}) {
        ChatRequest r;
        r.model = "m";
        r.messages = {Message::user("x")};
        r.options.tool_choice = kw;
        EXPECT_EQ(openai_chat_body(r, false, false)["tool_choice"], kw);
    }
}

TEST(OpenAIRequest, AssistantToolCallTurnHasNullContentAndToolTurnHasId) {
    Message a{.role = "assistant"};
    a.tool_calls.push_back(
        ToolCall{.id = "call_1", .function = "f", .arguments = {{"x", 1}}, .arguments_raw = "{\"x\":1}"});
    json j = message_to_json(a);
    EXPECT_TRUE(j["content"].is_null());
    EXPECT_EQ(j["tool_calls"][0]["function"]["arguments"], "{\"x\":1}");
    json t = message_to_json(Message::tool("call_1", "42"));
    EXPECT_EQ(t, (json{{"role", "tool"}, {"content", "42"}, {"tool_call_id", "call_1"}}));
}

TEST(OpenAIReply, ParsesTextUsageAndCachedAndReasoningTokens) {
    auto r = openai_parse_chat("openai", R"({"id":"chatcmpl-1","model":"gpt-4o-mini","choices":[{"index":0,
        "message":{"role":"assistant","content":"Hello","refusal":null},"finish_reason":"stop"}],
        "usage":{"prompt_tokens":100,"completion_tokens":20,"total_tokens":120,
        "prompt_tokens_details":{"cached_tokens":80},"completion_tokens_details":{"reasoning_tokens":12}}})");
    EXPECT_EQ(r.text(), "Hello");
    EXPECT_EQ(r.id, "chatcmpl-1");
    EXPECT_EQ(r.finish_reason, "stop");
    EXPECT_EQ(r.usage.prompt_tokens, 100);  // cached included, as OpenAI defines it
    EXPECT_EQ(r.usage.cached_tokens, 80);
    EXPECT_EQ(r.usage.reasoning_tokens, 12);
    EXPECT_EQ(r.usage.total_tokens, 120);
}

TEST(OpenAIReply, ParsesToolCallsAndKeepsInvalidArgumentsRaw) {
    auto r = openai_parse_chat("openai", R"({"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[
        {"id":"call_a","type":"function","function":{"name":"f","arguments":"{\"city\":\"Paris\"}"}},
        {"id":"call_b","type":"function","function":{"name":"g","arguments":"{not json"}}]},"finish_reason":"tool_calls"}]})");
    ASSERT_EQ(r.tool_calls().size(), 2u);
    EXPECT_EQ(r.tool_calls()[0].arguments["city"], "Paris");
    EXPECT_EQ(r.tool_calls()[1].arguments_raw, "{not json");
    EXPECT_TRUE(r.tool_calls()[1].arguments.is_null());
    EXPECT_EQ(r.text(), "");
}

TEST(OpenAIReply, MalformedOrShapelessRepliesAreParseErrors) {
    EXPECT_THROW(openai_parse_chat("openai", "{\"choices\": ["), ResponseParseError);
    EXPECT_THROW(openai_parse_chat("openai", "<html>bad gateway</html>"), ResponseParseError);
    EXPECT_THROW(openai_parse_chat("openai", "{\"id\":\"x\"}"), ResponseParseError);
    EXPECT_THROW(openai_parse_chat("openai", "{\"choices\":[{\"message\":{\"content\":5}}]}"), ResponseParseError);
    EXPECT_THROW(openai_parse_chat("openai", "{\"choices\":[{\"index\":\"zero\"}]}"), ResponseParseError);
}

TEST(OpenAIStream, AssemblesTextFinishReasonAndUsageChunkWithEmptyChoices) {
    auto chunks = decode(
        "data: "
        "{\"id\":\"c1\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
        "\"content\":\"\"}}],\"usage\":null}\n\n"
        "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n"
        "data: "
        "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n"
        "data: "
        "{\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}\n\n"
        "data: [DONE]\n\n");
    ASSERT_EQ(chunks.size(), 4u);
    EXPECT_EQ(chunks[1].delta + chunks[2].delta, "Hello");
    EXPECT_EQ(chunks[2].finish_reason, "stop");
    ASSERT_TRUE(chunks[3].usage.has_value());
    EXPECT_EQ(chunks[3].usage->total_tokens, 5);
    EXPECT_FALSE(chunks[0].usage.has_value());
}

TEST(OpenAIStream, AssemblesParallelToolCallFragmentsByIndex) {
    auto chunks = decode(
        "data: "
        "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_0\",\"type\":\"function\","
        "\"function\":{\"name\":\"a\",\"arguments\":\"\"}}]}}]}\n\n"
        "data: "
        "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_1\",\"type\":\"function\","
        "\"function\":{\"name\":\"b\",\"arguments\":\"{\\\"y\\\"\"}}]}}]}\n\n"
        "data: "
        "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"x\\\": "
        "1}\"}}]}}]}\n\n"
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\": "
        "2}\"}}]}}]}\n\n"
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
        "data: [DONE]\n\n");
    const auto& last = chunks.back();
    EXPECT_EQ(last.finish_reason, "tool_calls");
    ASSERT_EQ(last.tool_calls.size(), 2u);
    EXPECT_EQ(last.tool_calls[0].id, "call_0");
    EXPECT_EQ(last.tool_calls[0].arguments, (json{{"x", 1}}));
    EXPECT_EQ(last.tool_calls[1].function, "b");
    EXPECT_EQ(last.tool_calls[1].arguments, (json{{"y", 2}}));
}

TEST(OpenAIStream, ToolCallWithNoArgumentFragmentsGetsEmptyObject) {
    auto chunks = decode(
        "data: "
        "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c\",\"function\":{\"name\":"
        "\"now\"}}]}}]}\n\n"
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n");
    ASSERT_EQ(chunks.back().tool_calls.size(), 1u);
    EXPECT_EQ(chunks.back().tool_calls[0].arguments_raw, "{}");
    EXPECT_EQ(chunks.back().tool_calls[0].arguments, json::object());
}

TEST(OpenAIStream, StreamCutBeforeDoneIsAnError) {
    EXPECT_THROW(decode("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"partial\"}}]}\n\n"),
                 ResponseParseError);
}

TEST(OpenAIStream, ErrorEventMidStreamRaisesWithProviderMessage) {
    try {
        decode(
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\ndata: "
            "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n");
        FAIL() << "expected an error";
    } catch (const ProviderAPIError& e) {
        EXPECT_EQ(e.provider_message(), "overloaded");
        EXPECT_EQ(e.error_type(), "server_error");
    }
}

TEST(OpenAIStream, MalformedEventIsAParseError) {
    EXPECT_THROW(decode("data: {\"choices\": [\n\n"), ResponseParseError);
}

TEST(OpenAIStream, ReadsGroqUsageFromXGroq) {
    auto chunks = decode(
        "data: "
        "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"x_groq\":{\"id\":\"req_1\",\"usage\":{"
        "\"prompt_tokens\":4,\"completion_tokens\":6,\"total_tokens\":10}}}\n\n"
        "data: [DONE]\n\n");
    ASSERT_TRUE(chunks[0].usage.has_value());
    EXPECT_EQ(chunks[0].usage->completion_tokens, 6);
}

TEST(OpenAIStream, ReadsReasoningDeltas) {
    // The finish chunk is needed: a stream of reasoning alone, with no finish reason, is no answer.
    auto chunks = decode(
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"thinking...\"}}]}\n\n"
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
    EXPECT_EQ(chunks[0].reasoning, "thinking...");
}

TEST(OpenAIEmbeddings, DecodesFloatAndBase64VectorsInIndexOrder) {
    // [1.0, 2.0] as little-endian float32, base64: AACAPwAAAEA=
    auto r = openai_parse_embeddings("openai", R"({"data":[{"index":1,"embedding":"AACAPwAAAEA="},
        {"index":0,"embedding":[0.5,0.25]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":4,"total_tokens":4}})");
    ASSERT_EQ(r.embeddings.size(), 2u);
    EXPECT_EQ(r.embeddings[0], (std::vector<double>{0.5, 0.25}));
    EXPECT_EQ(r.embeddings[1], (std::vector<double>{1.0, 2.0}));
    EXPECT_EQ(r.usage.prompt_tokens, 4);
}

TEST(OpenAIEmbeddings, BadBase64IsAParseError) {
    EXPECT_THROW(openai_parse_embeddings("openai", R"({"data":[{"index":0,"embedding":"!!!"}]})"), ResponseParseError);
    EXPECT_THROW(openai_parse_embeddings("openai", R"({"data":[{"index":0,"embedding":"AAAA"}]})"), ResponseParseError);
}

TEST(OpenAIStream, EmptyStreamCutByLengthIsAnIncompleteResponse) {
    try {
        decode(
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
            "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\n"
            "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":64,\"total_tokens\":69,"
            "\"completion_tokens_details\":{\"reasoning_tokens\":64}}}\n\ndata: [DONE]\n\n");
        FAIL() << "expected IncompleteResponseError";
    } catch (const IncompleteResponseError& e) {
        EXPECT_EQ(e.finish_reason(), "length");
        EXPECT_EQ(e.usage().reasoning_tokens, 64);
    }
    // With some text, a length cut is an ordinary partial answer.
    auto chunks = decode(
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"par\"},\"finish_reason\":\"length\"}]}\n\ndata: "
        "[DONE]\n\n");
    EXPECT_EQ(chunks.back().finish_reason, "length");
}

namespace llmgate::detail {
namespace {

// A large float-list reply takes the simdjson fast path (no tree of numbers) and maps exactly as the full
// mapper: order by index, model, usage. Anything unusual declines to the full mapper.
TEST(OpenAIEmbeddingsFastPath, ALargeReplyMapsAsTheFullMapperDoes) {
    std::string body = R"({"object":"list","data":[)";
    std::vector<std::vector<double>> expected(40);
    for (int i = 39; i >= 0; --i) {  // sent in reverse order: the index decides
        body += i == 39 ? "{" : ",{";
        body += R"("object":"embedding","index":)" + std::to_string(i) + R"(,"embedding":[)";
        for (int d = 0; d < 300; ++d) {
            const double v = (i * 300 + d) / 1e4 - 0.5;
            expected[static_cast<std::size_t>(i)].push_back(v);
            body += (d ? "," : "") + nlohmann::json(v).dump();
        }
        body += "]}";
    }
    body += R"(],"model":"text-embedding-3-large","usage":{"prompt_tokens":80,"total_tokens":80}})";
    ASSERT_GE(body.size(), kLeanParseFrom);
    body.reserve(body.size() + 64);
    ASSERT_TRUE(openai_parse_embeddings_fast("openai", body).has_value());
    const EmbeddingResponse r = openai_parse_embeddings("openai", body);
    EXPECT_EQ(r.embeddings, expected);
    EXPECT_EQ(r.model, "text-embedding-3-large");
    EXPECT_EQ(r.usage.prompt_tokens, 80);
    EXPECT_EQ(r.raw["data"][0]["index"], 39);  // raw is the body as received

    // Declines: base64, an unknown key, a key twice, a non-number, trailing text, no padding.
    auto declines = [](std::string text) {
        text.reserve(text.size() + 64);
        return !openai_parse_embeddings_fast("openai", text).has_value();
    };
    EXPECT_TRUE(declines(R"({"data":[{"index":0,"embedding":"AACAPw=="}]})"));
    EXPECT_TRUE(declines(R"({"data":[{"index":0,"embedding":[1]}],"error":null})"));
    EXPECT_TRUE(declines(R"({"data":[{"index":0,"embedding":[1],"embedding":[2]}]})"));
    EXPECT_TRUE(declines(R"({"data":[{"index":0,"embedding":[1,"x"]}]})"));
    EXPECT_TRUE(declines(R"({"data":[{"index":-1,"embedding":[1]}]})"));
    EXPECT_TRUE(declines(R"({"data":[{"index":0,"embedding":[1]}]} x)"));
    EXPECT_FALSE(declines(R"({"data":[{"index":0,"embedding":[1]}]})"));
    std::string tight = R"({"data":[{"index":0,"embedding":[1]}]})";
    tight.shrink_to_fit();
    if (tight.capacity() - tight.size() < 64) {
        EXPECT_FALSE(openai_parse_embeddings_fast("openai", tight).has_value());
    }
}

}  // namespace
}  // namespace llmgate::detail
