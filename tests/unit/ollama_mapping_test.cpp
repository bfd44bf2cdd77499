// Ollama native API: request bodies, host normalisation, reply and NDJSON stream mapping, without a network.
#include <gtest/gtest.h>

#include <deque>

#include "llmgate/errors.hpp"
#include "providers/ollama.hpp"

using namespace llmgate;
using namespace llmgate::detail;

namespace {

std::deque<StreamChunk> decode(const std::vector<std::string>& slices) {
    auto d = make_ollama_stream_decoder("llama3.2");
    std::deque<StreamChunk> out;
    for (const auto& s : slices) d->feed(s, out);
    d->finish(out);
    return out;
}

ToolCall weather_call(std::string id) {
    ToolCall tc;
    tc.id = std::move(id);
    tc.function = "get_weather";
    tc.arguments = json{{"city", "Tokyo"}};
    tc.arguments_raw = R"({"city":"Tokyo"})";
    return tc;
}

}  // namespace

// --- host ---

TEST(OllamaHost, NormalisesLikeTheOfficialPythonClient) {
    // The doctests of ollama-python ollama/_client.py _parse_host.
    EXPECT_EQ(ollama_parse_host(""), "http://127.0.0.1:11434");
    EXPECT_EQ(ollama_parse_host("1.2.3.4"), "http://1.2.3.4:11434");
    EXPECT_EQ(ollama_parse_host(":56789"), "http://127.0.0.1:56789");
    EXPECT_EQ(ollama_parse_host("1.2.3.4:56789"), "http://1.2.3.4:56789");
    EXPECT_EQ(ollama_parse_host("0.0.0.0:11434"), "http://0.0.0.0:11434");
    EXPECT_EQ(ollama_parse_host("http://1.2.3.4"), "http://1.2.3.4:80");
    EXPECT_EQ(ollama_parse_host("https://1.2.3.4"), "https://1.2.3.4:443");
    EXPECT_EQ(ollama_parse_host("https://1.2.3.4:56789"), "https://1.2.3.4:56789");
    EXPECT_EQ(ollama_parse_host("example.com"), "http://example.com:11434");
    EXPECT_EQ(ollama_parse_host("example.com/"), "http://example.com:11434");
    EXPECT_EQ(ollama_parse_host("example.com:56789/path/"), "http://example.com:56789/path");
    EXPECT_EQ(ollama_parse_host("https://example.com:56789/path"), "https://example.com:56789/path");
    EXPECT_EQ(ollama_parse_host("[0001:002:003:0004::1]"), "http://[0001:002:003:0004::1]:11434");
    EXPECT_EQ(ollama_parse_host("[0001:002:003:0004::1]:56789/path/"), "http://[0001:002:003:0004::1]:56789/path");
    EXPECT_EQ(ollama_parse_host("https://[0001:002:003:0004::1]"), "https://[0001:002:003:0004::1]:443");
}

// --- request ---

TEST(OllamaRequest, SendsStreamExplicitlyAndOptionsUnderOptions) {
    ChatRequest req{.model = "llama3.2", .messages = {Message::system("be brief"), Message::user("Hi")}};
    req.options.max_tokens = 50;
    req.options.temperature = 0.2;
    req.options.top_p = 0.9;
    req.options.seed = 7;
    req.options.stop = {"END"};
    json body = ollama_chat_body(req, false);
    EXPECT_EQ(body["stream"], false);
    EXPECT_EQ(body["model"], "llama3.2");
    EXPECT_EQ(body["messages"],
              json::parse(R"([{"role":"system","content":"be brief"},{"role":"user","content":"Hi"}])"));
    EXPECT_EQ(body["options"],
              json::parse(R"({"num_predict":50,"temperature":0.2,"top_p":0.9,"seed":7,"stop":["END"]})"));
    EXPECT_FALSE(body.contains("max_tokens"));
    EXPECT_EQ(ollama_chat_body(req, true)["stream"], true);
}

TEST(OllamaRequest, ExtraPassesThinkThroughAndMergesIntoOptions) {
    ChatRequest req{.model = "qwen3", .messages = {Message::user("Hi")}};
    req.options.max_tokens = 10;
    req.options.extra = {{"think", true}, {"keep_alive", "10m"}, {"options", {{"num_ctx", 8192}}}};
    json body = ollama_chat_body(req, false);
    EXPECT_EQ(body["think"], true);
    EXPECT_EQ(body["keep_alive"], "10m");
    EXPECT_EQ(body["options"], json::parse(R"({"num_predict":10,"num_ctx":8192})"));
}

TEST(OllamaRequest, OmitsOptionsWhenNoneAreSet) {
    ChatRequest req{.model = "llama3.2", .messages = {Message::user("Hi")}};
    EXPECT_FALSE(ollama_chat_body(req, false).contains("options"));
}

TEST(OllamaRequest, ToolArgumentsAreSentBackAsAnObjectInHistory) {
    Message assistant{.role = "assistant", .content = std::string(), .tool_calls = {weather_call("call_0_abc")}};
    ChatRequest req{.model = "llama3.2",
                    .messages = {Message::user("weather?"), assistant, Message::tool("call_0_abc", "22C")}};
    json body = ollama_chat_body(req, false);
    const json& a = body["messages"][1];
    EXPECT_EQ(a["role"], "assistant");
    EXPECT_EQ(a["content"], "");
    ASSERT_TRUE(a["tool_calls"][0]["function"]["arguments"].is_object());
    EXPECT_EQ(a["tool_calls"][0]["function"]["arguments"], json::parse(R"({"city":"Tokyo"})"));
    EXPECT_EQ(a["tool_calls"][0]["function"]["name"], "get_weather");
    EXPECT_EQ(a["tool_calls"][0]["id"], "call_0_abc");
    // The tool result names its tool (looked up from the call's id) and keeps the id.
    EXPECT_EQ(body["messages"][2],
              json::parse(R"({"role":"tool","content":"22C","tool_name":"get_weather","tool_call_id":"call_0_abc"})"));
}

TEST(OllamaRequest, ToolArgumentsGivenOnlyAsRawTextAreStillSentAsAnObject) {
    ToolCall tc = weather_call("c1");
    tc.arguments = nullptr;
    Message assistant{.role = "assistant", .content = std::string(), .tool_calls = {tc}};
    ChatRequest req{.model = "m", .messages = {assistant}};
    EXPECT_EQ(ollama_chat_body(req, false)["messages"][0]["tool_calls"][0]["function"]["arguments"]["city"], "Tokyo");
    tc.arguments_raw = "[1,2]";
    ChatRequest bad{.model = "m",
                    .messages = {Message{.role = "assistant", .content = std::string(), .tool_calls = {tc}}}};
    EXPECT_THROW(ollama_chat_body(bad, false), InvalidRequestError);
}

TEST(OllamaRequest, ToolsKeptInStreaming) {
    ChatRequest req{.model = "llama3.2", .messages = {Message::user("weather?")}};
    req.options.tools = {Tool{.name = "get_weather", .description = "Weather", .parameters = {{"type", "object"}}}};
    json body = ollama_chat_body(req, true);
    EXPECT_EQ(body["stream"], true);
    EXPECT_EQ(
        body["tools"],
        json::parse(
            R"([{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object"}}}])"));
    req.options.tool_choice = "none";
    EXPECT_FALSE(ollama_chat_body(req, true).contains("tools"));
}

TEST(OllamaRequest, ImagesGoBesideTheTextAsBase64) {
    ChatRequest req{.model = "llava",
                    .messages = {Message::user({ContentPart::text_part("what is this?"),
                                                ContentPart::image_from_bytes("AAAA", "image/png"),
                                                ContentPart::image_from_url("data:image/png;base64,BBBB")})}};
    json m = ollama_chat_body(req, false)["messages"][0];
    EXPECT_EQ(m["content"], "what is this?");
    EXPECT_EQ(m["images"], json::parse(R"(["AAAA","BBBB"])"));
    ChatRequest remote{.model = "llava", .messages = {Message::user({ContentPart::image_from_url("https://x/y.png")})}};
    EXPECT_THROW(ollama_chat_body(remote, false), InvalidRequestError);
}

TEST(OllamaRequest, AssistantReasoningIsReplayedAsThinking) {
    Message a = Message::assistant("42");
    a.reasoning = "let me think";
    ChatRequest req{.model = "qwen3", .messages = {a}};
    EXPECT_EQ(ollama_chat_body(req, false)["messages"][0]["thinking"], "let me think");
}

TEST(OllamaRequest, EmbedBodyKeepsSingleStringAndMapsTruncateToABool) {
    EmbedRequest one{.model = "nomic-embed-text", .inputs = {"hi"}, .single_input = true};
    one.options.truncate = "false";
    one.options.dimensions = 256;
    json b = ollama_embed_body(one);
    EXPECT_EQ(b, json::parse(R"({"model":"nomic-embed-text","input":"hi","truncate":false,"dimensions":256})"));
    EmbedRequest many{.model = "nomic-embed-text", .inputs = {"a", "b"}};
    many.options.truncate = "true";
    EXPECT_EQ(ollama_embed_body(many)["input"], json::parse(R"(["a","b"])"));
    EXPECT_EQ(ollama_embed_body(many)["truncate"], true);
    many.options.truncate = "END";
    EXPECT_THROW(ollama_embed_body(many), InvalidRequestError);
}

// --- buffered reply ---

TEST(OllamaReply, MapsTextDoneReasonAndCounts) {
    auto r = ollama_parse_chat("llama3.2",
                               R"({"model":"llama3.2","created_at":"x","message":{"role":"assistant","content":"Hello"},
        "done_reason":"stop","done":true,"prompt_eval_count":26,"eval_count":298})");
    EXPECT_EQ(r.text(), "Hello");
    EXPECT_EQ(r.finish_reason, "stop");
    EXPECT_EQ(r.usage.prompt_tokens, 26);
    EXPECT_EQ(r.usage.completion_tokens, 298);
    EXPECT_EQ(r.usage.total_tokens, 324);
    EXPECT_EQ(r.provider, "ollama");
}

TEST(OllamaReply, MessageThinkingIsReasoningContent) {
    auto r = ollama_parse_chat(
        "qwen3",
        R"({"model":"qwen3","message":{"role":"assistant","content":"4","thinking":"2+2..."},"done":true,"done_reason":"stop"})");
    EXPECT_EQ(r.reasoning(), "2+2...");
    EXPECT_EQ(r.text(), "4");
}

TEST(OllamaReply, LengthMapsToLength) {
    auto r = ollama_parse_chat(
        "m", R"({"message":{"role":"assistant","content":"Hel"},"done":true,"done_reason":"length"})");
    EXPECT_EQ(r.finish_reason, "length");
}

TEST(OllamaReply, ToolCallArgumentsArriveAsAJsonObject) {
    auto r = ollama_parse_chat("llama3.2", R"({"model":"llama3.2","message":{"role":"assistant","content":"",
        "tool_calls":[{"function":{"index":0,"name":"get_weather","arguments":{"city":"Tokyo","days":2}}},
                      {"function":{"index":1,"name":"get_time","arguments":{}}}]},"done_reason":"stop","done":true})");
    ASSERT_EQ(r.tool_calls().size(), 2u);
    const auto& tc = r.tool_calls()[0];
    EXPECT_EQ(tc.function, "get_weather");
    EXPECT_EQ(tc.arguments, json::parse(R"({"city":"Tokyo","days":2})"));
    EXPECT_EQ(json::parse(tc.arguments_raw), tc.arguments);
    EXPECT_EQ(r.tool_calls()[1].arguments_raw, "{}");
    EXPECT_EQ(r.finish_reason, "tool_calls");  // Ollama itself says "stop"
}

TEST(OllamaReply, SynthesisesStableToolCallIdsWhenOllamaSendsNone) {
    const std::string body =
        R"({"message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"f","arguments":{"a":1}}},{"function":{"name":"f","arguments":{"a":1}}}]},"done":true})";
    auto a = ollama_parse_chat("m", body);
    auto b = ollama_parse_chat("m", body);
    EXPECT_EQ(a.tool_calls()[0].id, b.tool_calls()[0].id);
    EXPECT_EQ(a.tool_calls()[0].id.rfind("call_0_", 0), 0u);
    EXPECT_EQ(a.tool_calls()[1].id.rfind("call_1_", 0), 0u);
    EXPECT_NE(a.tool_calls()[0].id, a.tool_calls()[1].id);
    EXPECT_EQ(a.tool_calls()[0].id, ollama_tool_call_id(0, "f", R"({"a":1})"));
}

TEST(OllamaReply, KeepsTheIdsRecentServersSend) {
    auto r = ollama_parse_chat(
        "m",
        R"({"message":{"role":"assistant","content":"","tool_calls":[{"id":"call_ab12cd34","function":{"name":"f","arguments":{}}}]},"done":true})");
    EXPECT_EQ(r.tool_calls()[0].id, "call_ab12cd34");
}

TEST(OllamaReply, MalformedOrShapelessRepliesAreResponseParseErrors) {
    EXPECT_THROW(ollama_parse_chat("m", R"({"message":{"content":"x)"), ResponseParseError);
    EXPECT_THROW(ollama_parse_chat("m", R"({"done":true})"), ResponseParseError);
    EXPECT_THROW(ollama_parse_chat("m", R"({"message":{"content":5},"done":true})"), ResponseParseError);
}

TEST(OllamaReply, EmbeddingsMapVectorsAndPromptCount) {
    EmbedRequest req{.model = "nomic-embed-text", .inputs = {"a", "b"}};
    auto r = ollama_parse_embed(
        req, R"({"model":"nomic-embed-text","embeddings":[[0.1,0.2],[0.3,0.4]],"prompt_eval_count":8})");
    ASSERT_EQ(r.embeddings.size(), 2u);
    EXPECT_DOUBLE_EQ(r.embeddings[1][0], 0.3);
    EXPECT_EQ(r.usage.prompt_tokens, 8);
    EXPECT_EQ(r.usage.total_tokens, 8);
    EXPECT_THROW(ollama_parse_embed(req, R"({"embeddings":[[0.1]]})"), ResponseParseError);
    EXPECT_THROW(ollama_parse_embed(req, R"({"embeddings":[["x"],[1]]})"), ResponseParseError);
}

// --- stream ---

TEST(OllamaStream, FinalDoneLineCarriesTheTokenCounts) {
    auto chunks = decode(
        {R"({"model":"llama3.2","message":{"role":"assistant","content":"Hel"},"done":false})"
         "\n",
         R"({"model":"llama3.2","message":{"role":"assistant","content":"lo"},"done":false})"
         "\n",
         R"({"model":"llama3.2","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"prompt_eval_count":26,"eval_count":282})"
         "\n"});
    ASSERT_EQ(chunks.size(), 3u);
    EXPECT_EQ(chunks[0].delta + chunks[1].delta, "Hello");
    EXPECT_FALSE(chunks[0].usage.has_value());
    EXPECT_EQ(chunks[2].finish_reason, "stop");
    ASSERT_TRUE(chunks[2].usage.has_value());
    EXPECT_EQ(chunks[2].usage->prompt_tokens, 26);
    EXPECT_EQ(chunks[2].usage->completion_tokens, 282);
    EXPECT_EQ(chunks[2].usage->total_tokens, 308);
}

TEST(OllamaStream, MessageThinkingIsReasoningContent) {
    auto chunks = decode({R"({"message":{"role":"assistant","content":"","thinking":"hmm"},"done":false})"
                          "\n"
                          R"({"message":{"role":"assistant","content":"4"},"done":false})"
                          "\n"
                          R"({"message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"})"});
    ASSERT_EQ(chunks.size(), 3u);
    EXPECT_EQ(chunks[0].reasoning, "hmm");
    EXPECT_EQ(chunks[1].delta, "4");
}

TEST(OllamaStream, ToolCallsArrivingWholeGetTheirOwnIndexAndAreAssembled) {
    auto chunks = decode(
        {R"({"message":{"role":"assistant","content":"","tool_calls":[{"function":{"index":0,"name":"get_weather","arguments":{"city":"Tokyo"}}}]},"done":false})"
         "\n"
         R"({"message":{"role":"assistant","content":"","tool_calls":[{"function":{"index":0,"name":"get_weather","arguments":{"city":"Paris"}}}]},"done":false})"
         "\n"
         R"({"message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":169,"eval_count":15})"
         "\n"});
    ASSERT_EQ(chunks.size(), 3u);
    ASSERT_EQ(chunks[0].tool_call_deltas.size(), 1u);
    EXPECT_EQ(chunks[0].tool_call_deltas[0].index, 0);
    EXPECT_EQ(chunks[1].tool_call_deltas[0].index, 1);
    EXPECT_EQ(chunks[0].tool_call_deltas[0].arguments, R"({"city":"Tokyo"})");
    EXPECT_EQ(chunks[2].finish_reason, "tool_calls");
    ASSERT_EQ(chunks[2].tool_calls.size(), 2u);
    EXPECT_EQ(chunks[2].tool_calls[1].arguments["city"], "Paris");
    EXPECT_EQ(chunks[2].tool_calls[0].id, ollama_tool_call_id(0, "get_weather", R"({"city":"Tokyo"})"));
    EXPECT_EQ(chunks[2].tool_calls[0].id, chunks[0].tool_call_deltas[0].id);
}

TEST(OllamaStream, BodyEndingWithoutDoneLineIsAResponseParseError) {
    EXPECT_THROW(decode({R"({"message":{"role":"assistant","content":"Hel"},"done":false})"
                         "\n"}),
                 ResponseParseError);
    EXPECT_THROW(decode({}), ResponseParseError);
}

TEST(OllamaStream, FinalLineWithoutNewlineStillEndsTheStream) {
    auto chunks = decode({R"({"message":{"role":"assistant","content":"x"},"done":true,"done_reason":"stop"})"});
    ASSERT_EQ(chunks.size(), 1u);
    EXPECT_EQ(chunks[0].delta, "x");
    EXPECT_EQ(chunks[0].finish_reason, "stop");
}

TEST(OllamaStream, ErrorLineMidStreamIsAProviderAPIError) {
    auto d = make_ollama_stream_decoder("llama3.2");
    std::deque<StreamChunk> out;
    d->feed(R"({"message":{"role":"assistant","content":"Hel"},"done":false})"
            "\n",
            out);
    try {
        d->feed(R"({"error":"an error was encountered while running the model"})"
                "\n",
                out);
        FAIL();
    } catch (const ProviderAPIError& e) {
        EXPECT_EQ(e.provider_message(), "an error was encountered while running the model");
        EXPECT_EQ(e.provider(), "ollama");
    }
    EXPECT_EQ(out.size(), 1u);
}

TEST(OllamaStream, ModelNotFoundErrorLineIsAModelNotFoundError) {
    EXPECT_THROW(decode({R"({"error":"model 'nope' not found"})"
                         "\n"}),
                 ModelNotFoundError);
}

TEST(OllamaStream, MalformedLineIsAResponseParseError) {
    EXPECT_THROW(decode({"{\"message\":\n"}), ResponseParseError);
    EXPECT_THROW(decode({"[1,2]\n"}), ResponseParseError);
}

TEST(OllamaStream, LengthWithoutOutputIsAnIncompleteResponse) {
    EXPECT_THROW(
        decode({R"({"message":{"role":"assistant","content":"","thinking":"long..."},"done":false})"
                "\n"
                R"({"message":{"role":"assistant","content":""},"done":true,"done_reason":"length","eval_count":10})"
                "\n"}),
        IncompleteResponseError);
}

TEST(OllamaStream, CrlfLineEndsAndAnySplitGiveTheSameChunks) {
    const std::string body =
        "{\"message\":{\"content\":\"a\"},\"done\":false}\r\n{\"message\":{\"content\":\"b\"},\"done\":true,\"done_"
        "reason\":\"stop\"}\r\n";
    auto whole = decode({body});
    std::vector<std::string> bytes;
    for (char c : body) bytes.emplace_back(1, c);
    auto split = decode(bytes);
    ASSERT_EQ(whole.size(), 2u);
    ASSERT_EQ(split.size(), 2u);
    EXPECT_EQ(split[0].delta, "a");
    EXPECT_EQ(split[1].finish_reason, "stop");
}
