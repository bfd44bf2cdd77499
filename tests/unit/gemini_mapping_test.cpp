// Pure translation of the Gemini wire format: request bodies, replies, stream events, embeddings, errors.
#include <gtest/gtest.h>

#include <deque>

#include "llmgate/errors.hpp"
#include "providers/gemini.hpp"

using namespace llmgate;
using namespace llmgate::detail;

namespace {

std::deque<StreamChunk> decode(const std::string& bytes, bool finish = true) {
    auto d = make_gemini_stream_decoder("gemini-2.5-flash");
    std::deque<StreamChunk> out;
    d->feed(bytes, out);
    if (finish) d->finish(out);
    return out;
}

std::string sse(const json& event) { return "data: " + event.dump() + "\r\n\r\n"; }

json candidate_event(const json& parts, const char* finish = nullptr) {
    json cand{{"content", {{"role", "model"}, {"parts", parts}}}, {"index", 0}};
    if (finish) cand["finishReason"] = finish;
    return json{{"candidates", json::array({cand})}, {"modelVersion", "gemini-2.5-flash"}, {"responseId", "r1"}};
}

ChatRequest chat(std::vector<Message> messages) {
    ChatRequest r;
    r.model = "gemini-2.5-flash";
    r.messages = std::move(messages);
    return r;
}

Message assistant_calling(std::vector<ToolCall> calls) {
    Message m{.role = "assistant"};
    m.tool_calls = std::move(calls);
    return m;
}

}  // namespace

TEST(GeminiRequest, MapsMessagesSystemInstructionAndGenerationConfig) {
    ChatRequest r =
        chat({Message::system("be brief"), Message::user("hi"), Message::assistant("hello"), Message::user("again")});
    r.options.max_tokens = 50;
    r.options.temperature = 0.5;
    r.options.top_p = 0.9;
    r.options.stop = {"END"};
    r.options.seed = 7;
    json body = gemini_chat_body(r);
    EXPECT_EQ(body["systemInstruction"], json::parse(R"({"parts":[{"text":"be brief"}]})"));
    EXPECT_EQ(body["contents"], json::parse(R"([{"role":"user","parts":[{"text":"hi"}]},
        {"role":"model","parts":[{"text":"hello"}]},{"role":"user","parts":[{"text":"again"}]}])"));
    EXPECT_EQ(body["generationConfig"],
              json::parse(R"({"maxOutputTokens":50,"temperature":0.5,"topP":0.9,"stopSequences":["END"],"seed":7})"));
    EXPECT_FALSE(body.contains("tools"));
    EXPECT_FALSE(body.contains("model"));  // the model is in the URL only
}

TEST(GeminiRequest, AssistantHistoryIsSentAsParts) {
    // python llmgate before 0.8.3 sent assistant history under the wrong key; Gemini wants `parts`.
    ChatRequest r = chat({Message::user("hi"), Message::assistant("hello there"), Message::user("more")});
    json model_turn = gemini_chat_body(r)["contents"][1];
    EXPECT_EQ(model_turn["role"], "model");
    ASSERT_TRUE(model_turn.contains("parts"));
    EXPECT_FALSE(model_turn.contains("content"));
    EXPECT_FALSE(model_turn.contains("text"));
    EXPECT_EQ(model_turn["parts"], json::parse(R"([{"text":"hello there"}])"));
}

TEST(GeminiRequest, ToolsUseParametersJsonSchema) {
    ChatRequest r = chat({Message::user("weather?")});
    json schema = json::parse(
        R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false})");
    r.options.tools = {Tool{.name = "get_weather", .description = "Weather for a city", .parameters = schema}};
    json body = gemini_chat_body(r);
    EXPECT_EQ(body["tools"],
              (json::array({{{"functionDeclarations", json::array({{{"name", "get_weather"},
                                                                    {"description", "Weather for a city"},
                                                                    {"parametersJsonSchema", schema}}})}}})));
    EXPECT_FALSE(body.contains("toolConfig"));
}

TEST(GeminiRequest, ToolChoiceMapsToFunctionCallingConfigWithAllowedNamesOnlyWithAny) {
    auto config = [](const std::string& choice) {
        ChatRequest r = chat({Message::user("x")});
        r.options.tools = {Tool{.name = "get_weather"}};
        r.options.tool_choice = choice;
        return gemini_chat_body(r)["toolConfig"]["functionCallingConfig"];
    };
    EXPECT_EQ(config("auto"), json::parse(R"({"mode":"AUTO"})"));
    EXPECT_EQ(config("none"), json::parse(R"({"mode":"NONE"})"));
    EXPECT_EQ(config("required"), json::parse(R"({"mode":"ANY"})"));
    EXPECT_EQ(config("get_weather"), json::parse(R"({"mode":"ANY","allowedFunctionNames":["get_weather"]})"));
    for (const char* c : {"auto", "none", "required"}) EXPECT_FALSE(config(c).contains("allowedFunctionNames")) << c;
}

TEST(GeminiRequest, ToolResultTurnIsAUserFunctionResponseNamedFromTheEarlierCall) {
    ChatRequest r =
        chat({Message::user("weather in Paris and Rome?"),
              assistant_calling({ToolCall{.id = "call_a", .function = "get_weather", .arguments = {{"city", "Paris"}}},
                                 ToolCall{.id = "call_b", .function = "get_time", .arguments = {{"tz", "CET"}}}}),
              Message::tool("call_a", R"({"temp":21})"), Message::tool("call_b", "12:00")});
    json contents = gemini_chat_body(r)["contents"];
    ASSERT_EQ(contents.size(), 3u);
    EXPECT_EQ(contents[1], json::parse(R"({"role":"model","parts":[
        {"functionCall":{"name":"get_weather","args":{"city":"Paris"}}},
        {"functionCall":{"name":"get_time","args":{"tz":"CET"}}}]})"));
    // Both results in one user turn; an object result goes as it is, anything else wrapped as {"result": ...}.
    EXPECT_EQ(contents[2], json::parse(R"({"role":"user","parts":[
        {"functionResponse":{"name":"get_weather","response":{"temp":21}}},
        {"functionResponse":{"name":"get_time","response":{"result":"12:00"}}}]})"));
}

TEST(GeminiRequest, ToolResultForAnUnknownCallIsAnInvalidRequest) {
    ChatRequest r = chat({Message::user("x"), Message::tool("call_nowhere", "1")});
    EXPECT_THROW(gemini_chat_body(r), InvalidRequestError);
}

TEST(GeminiRequest, ThoughtSignatureIsEchoedBackVerbatimFromProviderData) {
    const std::string reply = R"({"candidates":[{"content":{"role":"model","parts":[
        {"text":"Let me think","thought":true},
        {"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"c2lnLTEyMw=="}]},
        "finishReason":"STOP","index":0}],"modelVersion":"gemini-3-pro-preview","responseId":"r9"})";
    CompletionResponse resp = gemini_parse_chat("gemini-3-pro-preview", reply);
    const Message& turn = resp.choices[0].message;
    ASSERT_EQ(turn.tool_calls.size(), 1u);
    EXPECT_EQ(turn.reasoning, "Let me think");
    ASSERT_TRUE(turn.provider_data.is_object());

    ChatRequest next = chat({Message::user("weather?"), turn, Message::tool(turn.tool_calls[0].id, R"({"temp":21})")});
    json contents = gemini_chat_body(next)["contents"];
    EXPECT_EQ(contents[1]["parts"], json::parse(reply)["candidates"][0]["content"]["parts"]);
    EXPECT_EQ(contents[1]["parts"][1]["thoughtSignature"], "c2lnLTEyMw==");
    EXPECT_EQ(contents[2]["parts"][0]["functionResponse"]["name"], "get_weather");
    EXPECT_FALSE(contents[2]["parts"][0]["functionResponse"].contains("id"));  // the API gave no id
}

TEST(GeminiRequest, CallIdsFromTheApiAreUsedAndEchoedInTheFunctionResponse) {
    const std::string reply = R"({"candidates":[{"content":{"role":"model","parts":[
        {"functionCall":{"id":"fc-77","name":"lookup","args":{}}}]},"finishReason":"STOP"}]})";
    CompletionResponse resp = gemini_parse_chat("gemini-2.5-flash", reply);
    ASSERT_EQ(resp.tool_calls().size(), 1u);
    EXPECT_EQ(resp.tool_calls()[0].id, "fc-77");
    ChatRequest next = chat({Message::user("x"), resp.choices[0].message, Message::tool("fc-77", "{}")});
    json contents = gemini_chat_body(next)["contents"];
    EXPECT_EQ(contents[1]["parts"][0]["functionCall"]["id"], "fc-77");
    EXPECT_EQ(contents[2]["parts"][0]["functionResponse"],
              json::parse(R"({"name":"lookup","response":{},"id":"fc-77"})"));
}

TEST(GeminiRequest, ImagesBecomeInlineDataOrFileData) {
    Message m =
        Message::user({ContentPart::text_part("what is this?"), ContentPart::image_from_bytes("QUJD", "image/png"),
                       ContentPart::image_from_url("data:image/jpeg;base64,REVG"),
                       ContentPart::image_from_url("https://example.com/cat.webp")});
    json parts = gemini_chat_body(chat({m}))["contents"][0]["parts"];
    EXPECT_EQ(parts, json::parse(R"([{"text":"what is this?"},
        {"inlineData":{"mimeType":"image/png","data":"QUJD"}},
        {"inlineData":{"mimeType":"image/jpeg","data":"REVG"}},
        {"fileData":{"fileUri":"https://example.com/cat.webp","mimeType":"image/webp"}}])"));
}

TEST(GeminiRequest, ReasoningEffortBecomesThinkingConfig) {
    ChatRequest r = chat({Message::user("x")});
    r.options.reasoning_effort = "low";
    EXPECT_EQ(gemini_chat_body(r)["generationConfig"]["thinkingConfig"],
              json::parse(R"({"includeThoughts":true,"thinkingBudget":2048})"));  // docs/reasoning.md's table
    r.model = "gemini-3-pro-preview";
    EXPECT_EQ(gemini_chat_body(r)["generationConfig"]["thinkingConfig"],
              json::parse(R"({"includeThoughts":true,"thinkingLevel":"LOW"})"));
}

TEST(GeminiRequest, ExtraIsMergedIntoNestedObjects) {
    ChatRequest r = chat({Message::user("x")});
    r.options.max_tokens = 10;
    r.options.extra = {{"generationConfig", {{"topK", 3}}}, {"safetySettings", json::array()}};
    json body = gemini_chat_body(r);
    EXPECT_EQ(body["generationConfig"], json::parse(R"({"maxOutputTokens":10,"topK":3})"));
    EXPECT_EQ(body["safetySettings"], json::array());
}

TEST(GeminiReply, ParsesTextReasoningUsageAndIds) {
    CompletionResponse r = gemini_parse_chat("gemini-2.5-flash", R"({"candidates":[{"content":{"role":"model","parts":[
        {"text":"pondering","thought":true},{"text":"Hello"},{"text":" world"}]},"finishReason":"STOP","index":0}],
        "usageMetadata":{"promptTokenCount":100,"candidatesTokenCount":7,"totalTokenCount":157,
                         "cachedContentTokenCount":40,"thoughtsTokenCount":50},
        "modelVersion":"gemini-2.5-flash-001","responseId":"abc123"})");
    EXPECT_EQ(r.text(), "Hello world");
    EXPECT_EQ(r.reasoning(), "pondering");
    EXPECT_EQ(r.finish_reason, "stop");
    EXPECT_EQ(r.id, "abc123");
    EXPECT_EQ(r.model, "gemini-2.5-flash-001");
    EXPECT_EQ(r.usage.prompt_tokens, 100);
    EXPECT_EQ(r.usage.completion_tokens, 57);  // candidates + thoughts, as OpenAI counts reasoning
    EXPECT_EQ(r.usage.total_tokens, 157);
    EXPECT_EQ(r.usage.cached_tokens, 40);
    EXPECT_EQ(r.usage.reasoning_tokens, 50);
}

TEST(GeminiReply, FinishReasonsMapToUnifiedValues) {
    EXPECT_EQ(gemini_finish_reason("STOP", false), "stop");
    EXPECT_EQ(gemini_finish_reason("STOP", true), "tool_calls");
    EXPECT_EQ(gemini_finish_reason("MAX_TOKENS", false), "length");
    for (const char* r : {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"})
        EXPECT_EQ(gemini_finish_reason(r, false), "content_filter") << r;
    EXPECT_EQ(gemini_finish_reason("MALFORMED_FUNCTION_CALL", false), "MALFORMED_FUNCTION_CALL");
}

TEST(GeminiReply, ToolCallIdsAreSynthesisedWhereTheApiGivesNoneAndStableAcrossTurns) {
    const std::string reply = R"({"candidates":[{"content":{"role":"model","parts":[
        {"functionCall":{"name":"get_weather","args":{"city":"Paris"}}},
        {"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}]},"finishReason":"STOP"}]})";
    CompletionResponse a = gemini_parse_chat("gemini-2.5-flash", reply);
    CompletionResponse b = gemini_parse_chat("gemini-2.5-flash", reply);
    ASSERT_EQ(a.tool_calls().size(), 2u);
    EXPECT_EQ(a.finish_reason, "tool_calls");
    EXPECT_FALSE(a.tool_calls()[0].id.empty());
    EXPECT_NE(a.tool_calls()[0].id, a.tool_calls()[1].id);  // same call twice: still two ids
    EXPECT_EQ(a.tool_calls()[0].id, b.tool_calls()[0].id);  // same reply, same ids
    EXPECT_EQ(a.tool_calls()[1].id, b.tool_calls()[1].id);
    EXPECT_EQ(a.tool_calls()[0].arguments, json::parse(R"({"city":"Paris"})"));
    EXPECT_EQ(a.tool_calls()[0].arguments_raw, R"({"city":"Paris"})");
    // The streamed form of the same reply gives the same ids.
    auto chunks = decode(
        sse(candidate_event(json::parse(R"([{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}])"))) +
        sse(candidate_event(json::parse(R"([{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}])"),
                            "STOP")));
    ASSERT_EQ(chunks.back().tool_calls.size(), 2u);
    EXPECT_EQ(chunks.back().tool_calls[0].id, a.tool_calls()[0].id);
    EXPECT_EQ(chunks.back().tool_calls[1].id, a.tool_calls()[1].id);
    // ... and a later turn maps each id back to its function name.
    ChatRequest next = chat({Message::user("x"), a.choices[0].message, Message::tool(a.tool_calls()[1].id, "sunny"),
                             Message::tool(a.tool_calls()[0].id, "rainy")});
    json results = gemini_chat_body(next)["contents"][2]["parts"];
    EXPECT_EQ(results[0]["functionResponse"]["name"], "get_weather");
    EXPECT_EQ(results[1]["functionResponse"]["name"], "get_weather");
}

TEST(GeminiReply, PromptBlockedWithNoCandidatesIsAProviderError) {
    try {
        gemini_parse_chat("gemini-2.5-flash",
                          R"({"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":3}})");
        FAIL() << "expected ProviderAPIError";
    } catch (const ProviderAPIError& e) {
        EXPECT_NE(std::string(e.what()).find("blocked"), std::string::npos);
        EXPECT_EQ(e.error_type(), "SAFETY");
    }
}

TEST(GeminiReply, MalformedRepliesAreParseErrors) {
    EXPECT_THROW(gemini_parse_chat("m", "{not json"), ResponseParseError);
    EXPECT_THROW(gemini_parse_chat("m", R"({"candidates":[]})"), ResponseParseError);
    EXPECT_THROW(gemini_parse_chat("m", R"({"candidates":"x"})"), ResponseParseError);
    EXPECT_THROW(gemini_parse_chat("m", R"({"candidates":[1]})"), ResponseParseError);
    EXPECT_THROW(gemini_parse_chat("m", "[]"), ResponseParseError);
}

TEST(GeminiReply, SafetyStopWithoutContentIsContentFilter) {
    CompletionResponse r = gemini_parse_chat("m", R"({"candidates":[{"finishReason":"SAFETY","index":0}]})");
    EXPECT_EQ(r.finish_reason, "content_filter");
    EXPECT_EQ(r.text(), "");
}

TEST(GeminiStream, MapsTextReasoningAndFinalUsage) {
    auto chunks = decode(sse(candidate_event(json::parse(R"([{"text":"hmm","thought":true}])"))) +
                         sse(candidate_event(json::parse(R"([{"text":"Hel"}])"))) + [] {
                             json e = candidate_event(json::parse(R"([{"text":"lo"}])"), "STOP");
                             e["usageMetadata"] = {{"promptTokenCount", 4},
                                                   {"candidatesTokenCount", 2},
                                                   {"thoughtsTokenCount", 3},
                                                   {"totalTokenCount", 9}};
                             return sse(e);
                         }());
    ASSERT_EQ(chunks.size(), 3u);
    EXPECT_EQ(chunks[0].reasoning, "hmm");
    EXPECT_EQ(chunks[1].delta, "Hel");
    EXPECT_EQ(chunks[2].delta, "lo");
    EXPECT_EQ(chunks[2].finish_reason, "stop");
    ASSERT_TRUE(chunks[2].usage.has_value());
    EXPECT_EQ(chunks[2].usage->completion_tokens, 5);
    EXPECT_EQ(chunks[2].usage->reasoning_tokens, 3);
    EXPECT_EQ(chunks[0].id, "r1");
    EXPECT_EQ(chunks[0].model, "gemini-2.5-flash");
}

TEST(GeminiStream, ParallelFunctionCallsInSeparateChunksGetTheirOwnIndexAndId) {
    auto chunks = decode(
        sse(candidate_event(json::parse(R"([{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}])"))) +
        sse(candidate_event(json::parse(R"([{"functionCall":{"name":"get_weather","args":{"city":"Rome"}}}])"),
                            "STOP")));
    ASSERT_EQ(chunks.size(), 2u);
    ASSERT_EQ(chunks[0].tool_call_deltas.size(), 1u);
    ASSERT_EQ(chunks[1].tool_call_deltas.size(), 1u);
    EXPECT_EQ(chunks[0].tool_call_deltas[0].index, 0);
    EXPECT_EQ(chunks[1].tool_call_deltas[0].index, 1);
    EXPECT_NE(chunks[0].tool_call_deltas[0].id, chunks[1].tool_call_deltas[0].id);
    EXPECT_EQ(chunks[1].finish_reason, "tool_calls");
    ASSERT_EQ(chunks[1].tool_calls.size(), 2u);
    EXPECT_EQ(chunks[1].tool_calls[0].arguments, json::parse(R"({"city":"Paris"})"));  // never concatenated
    EXPECT_EQ(chunks[1].tool_calls[1].arguments, json::parse(R"({"city":"Rome"})"));
}

TEST(GeminiStream, BodyEndingWithoutFinishReasonIsAParseError) {
    EXPECT_THROW(decode(sse(candidate_event(json::parse(R"([{"text":"Hel"}])")))), ResponseParseError);
    EXPECT_THROW(decode(""), ResponseParseError);
}

TEST(GeminiStream, MalformedEventIsAParseError) {
    EXPECT_THROW(decode("data: {\"candidates\": [\r\n\r\n", false), ResponseParseError);
}

TEST(GeminiStream, ErrorEventMidStreamIsTyped) {
    std::string bytes =
        sse(candidate_event(json::parse(R"([{"text":"Hel"}])"))) +
        sse(json::parse(R"({"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}})"));
    EXPECT_THROW(decode(bytes), RateLimitError);
}

TEST(GeminiStream, BlockedPromptInAStreamIsAProviderError) {
    EXPECT_THROW(decode(sse(json::parse(R"({"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"}})"))),
                 ProviderAPIError);
}

TEST(GeminiEmbeddings, OneTextUsesEmbedContentShapeAndOptions) {
    EmbedRequest r;
    r.model = "gemini-embedding-001";
    r.inputs = {"hello"};
    r.single_input = true;
    r.options.task_type = "RETRIEVAL_DOCUMENT";
    r.options.title = "Doc";
    r.options.dimensions = 256;
    EXPECT_EQ(gemini_embed_body(r), json::parse(R"({"model":"models/gemini-embedding-001",
        "content":{"parts":[{"text":"hello"}]},"taskType":"RETRIEVAL_DOCUMENT","title":"Doc","outputDimensionality":256})"));
    r.single_input = false;
    r.inputs = {"a", "b"};
    json batch = gemini_embed_body(r);
    ASSERT_EQ(batch["requests"].size(), 2u);
    EXPECT_EQ(batch["requests"][1], json::parse(R"({"model":"models/gemini-embedding-001",
        "content":{"parts":[{"text":"b"}]},"taskType":"RETRIEVAL_DOCUMENT","title":"Doc","outputDimensionality":256})"));
}

TEST(GeminiEmbeddings, ParsesSingleAndBatchReplies) {
    auto one = gemini_parse_embeddings("m", R"({"embedding":{"values":[0.5,-1]}})", true);
    EXPECT_EQ(one.embeddings, (std::vector<std::vector<double>>{{0.5, -1}}));
    auto many = gemini_parse_embeddings("m", R"({"embeddings":[{"values":[1]},{"values":[2]}]})", false);
    EXPECT_EQ(many.embeddings, (std::vector<std::vector<double>>{{1}, {2}}));
    EXPECT_THROW(gemini_parse_embeddings("m", R"({"embeddings":[{"values":"x"}]})", false), ResponseParseError);
    EXPECT_THROW(gemini_parse_embeddings("m", R"({"embeddings":[{}]})", false), ResponseParseError);
}

TEST(GeminiErrors, RetryDelayComesFromRetryInfo) {
    const std::string body = R"({"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED","details":[
        {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"12s"}]}})";
    EXPECT_EQ(gemini_retry_delay(body), std::chrono::milliseconds(12000));
    EXPECT_EQ(
        gemini_retry_delay(
            R"({"error":{"details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"0.5s"}]}})"),
        std::chrono::milliseconds(500));
    EXPECT_FALSE(gemini_retry_delay(
        R"({"error":{"details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"soon"}]}})"));
    EXPECT_FALSE(gemini_retry_delay("not json"));
}

TEST(GeminiErrors, BadKeyAnsweredWith400IsAnAuthError) {
    const std::string body = R"({"error":{"code":400,"message":"API key not valid. Please pass a valid API key.",
        "status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}})";
    EXPECT_THROW(gemini_raise_error("m", 400, {}, body), AuthError);
    EXPECT_THROW(
        gemini_raise_error("m", 400, {}, R"({"error":{"code":400,"message":"bad","status":"INVALID_ARGUMENT"}})"),
        ProviderAPIError);
}

// A large text next to a thought signature: the text moves into the message (never held twice), the saved
// part keeps only its size, and the next turn sends the parts exactly as they came; if the caller changed
// the message's text, the next turn sends the text as it is now.
TEST(GeminiReply, ALargeTextSavedForReplayIsHeldOnceAndSentBackWhole) {
    const std::string big(100 * 1024, 'b');
    const json parts = json::array({json{{"text", "thinking..."}, {"thought", true}},
                                    json{{"text", "small "}},
                                    json{{"text", big}, {"thoughtSignature", "sig-big"}},
                                    json{{"text", big + "!"}}});
    const std::string reply =
        json{{"candidates", json::array({json{{"content", {{"role", "model"}, {"parts", parts}}}, {"finishReason", "STOP"}}})}}
            .dump();
    auto expect_replayed = [&](const Message& m) {
        const json saved = m.provider_data["gemini"]["parts"];
        ASSERT_EQ(saved.size(), 4u);
        EXPECT_FALSE(saved[3].contains("text")) << "the large plain text is saved again";
        EXPECT_EQ(saved[3]["llmgate_text_bytes"], big.size() + 1);
        const json sent = gemini_chat_body(chat({Message::user("x"), m, Message::user("y")}))["contents"][1]["parts"];
        EXPECT_EQ(sent, parts);
        Message edited = m;
        edited.content = std::string("edited");
        const json resent = gemini_chat_body(chat({Message::user("x"), edited}))["contents"][1]["parts"];
        EXPECT_EQ(resent, json::parse(R"([{"text":"edited"}])"));
    };
    const CompletionResponse r = gemini_parse_chat("gemini-2.5-flash", reply);
    EXPECT_EQ(r.text(), "small " + big + big + "!");
    expect_replayed(r.choices[0].message);

    // Streamed: the same parts over three events, the message assembled from the chunks.
    auto chunks = decode(sse(candidate_event(json::array({parts[0], parts[1]}))) +
                         sse(candidate_event(json::array({parts[2]}))) +
                         sse(candidate_event(json::array({parts[3]}), "STOP")));
    Message m = Message::assistant("");
    std::string text;
    for (const auto& c : chunks) {
        text += c.delta;
        if (!c.provider_data.is_null()) m.provider_data = c.provider_data;
    }
    m.content = text;
    EXPECT_EQ(text, "small " + big + big + "!");
    expect_replayed(m);
}
