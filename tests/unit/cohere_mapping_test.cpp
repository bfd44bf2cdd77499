// Cohere v2 translation without the network: request bodies, reply parsing and SSE event mapping.
#include <gtest/gtest.h>

#include <deque>

#include "llmgate/errors.hpp"
#include "providers/cohere.hpp"

using namespace llmgate;
using namespace llmgate::detail;

namespace {

ChatRequest chat(std::vector<Message> messages, Options o = {}) {
    return ChatRequest{.model = "command-a-03-2025", .messages = std::move(messages), .options = std::move(o)};
}

Tool weather() {
    return Tool{
        .name = "get_weather",
        .description = "Weather for a city",
        .parameters = json::parse(R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})")};
}

std::deque<StreamChunk> decode(const std::string& body) {
    auto d = make_cohere_stream_decoder("command-a-03-2025");
    std::deque<StreamChunk> out;
    d->feed(body, out);
    d->finish(out);
    return out;
}

std::string ev(const std::string& data) {
    json j = json::parse(data);
    return "event: " + j.value("type", std::string()) + "\ndata: " + data + "\n\n";
}

const std::string kStart = ev(
    R"({"id":"m1","type":"message-start","delta":{"message":{"role":"assistant","content":[],"tool_plan":"","tool_calls":[],"citations":[]}}})");
const std::string kEnd = ev(
    R"({"type":"message-end","delta":{"finish_reason":"COMPLETE","usage":{"billed_units":{"input_tokens":5,"output_tokens":2},"tokens":{"input_tokens":70,"output_tokens":2},"cached_tokens":64}}})");

}  // namespace

TEST(CohereRequest, MapsOptionsToCohereFieldNames) {
    auto body = cohere_chat_body(chat({Message::system("be brief"), Message::user("Hi")},
                                      {.max_tokens = 50, .temperature = 0.3, .top_p = 0.8, .stop = {"END"}, .seed = 7}),
                                 false);
    EXPECT_EQ(body["model"], "command-a-03-2025");
    EXPECT_EQ(body["messages"],
              json::parse(R"([{"role":"system","content":"be brief"},{"role":"user","content":"Hi"}])"));
    EXPECT_EQ(body["max_tokens"], 50);
    EXPECT_EQ(body["temperature"], 0.3);
    EXPECT_EQ(body["p"], 0.8);
    EXPECT_FALSE(body.contains("top_p"));
    EXPECT_EQ(body["stop_sequences"], json::array({"END"}));
    EXPECT_EQ(body["seed"], 7);
    EXPECT_EQ(body["stream"], false);
    EXPECT_EQ(cohere_chat_body(chat({Message::user("Hi")}), true)["stream"], true);
}

TEST(CohereRequest, ToolsAndToolChoiceModes) {
    Tool other{.name = "get_time"};
    auto body =
        cohere_chat_body(chat({Message::user("Hi")}, {.tools = {weather(), other}, .tool_choice = "auto"}), false);
    EXPECT_EQ(body["tools"].size(), 2u);
    EXPECT_EQ(body["tools"][0],
              json::parse(R"({"type":"function","function":{"name":"get_weather","description":"Weather for a city",
        "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}})"));
    EXPECT_FALSE(body.contains("tool_choice"));  // auto is Cohere's default

    body =
        cohere_chat_body(chat({Message::user("Hi")}, {.tools = {weather(), other}, .tool_choice = "required"}), false);
    EXPECT_EQ(body["tool_choice"], "REQUIRED");
    body = cohere_chat_body(chat({Message::user("Hi")}, {.tools = {weather(), other}, .tool_choice = "none"}), false);
    EXPECT_EQ(body["tool_choice"], "NONE");

    // One named tool: REQUIRED, and only that tool is offered.
    body =
        cohere_chat_body(chat({Message::user("Hi")}, {.tools = {weather(), other}, .tool_choice = "get_time"}), false);
    EXPECT_EQ(body["tool_choice"], "REQUIRED");
    ASSERT_EQ(body["tools"].size(), 1u);
    EXPECT_EQ(body["tools"][0]["function"]["name"], "get_time");

    EXPECT_THROW(cohere_chat_body(chat({Message::user("Hi")}, {.tools = {weather()}, .tool_choice = "nope"}), false),
                 InvalidRequestError);
}

TEST(CohereRequest, StrictToolIsTheRequestWideStrictToolsFlag) {
    Tool t = weather();
    t.strict = true;
    auto body = cohere_chat_body(chat({Message::user("Hi")}, {.tools = {t}}), false);
    EXPECT_EQ(body["strict_tools"], true);
    EXPECT_FALSE(body["tools"][0]["function"].contains("strict"));
}

TEST(CohereRequest, ToolResultsLinkedByToolCallId) {
    Message call{.role = "assistant"};
    call.tool_calls.push_back(ToolCall{.id = "get_weather_0fk0q",
                                       .function = "get_weather",
                                       .arguments = {{"city", "Paris"}},
                                       .arguments_raw = R"({"city":"Paris"})"});
    call.provider_data = {{"tool_plan", "I will check the weather."}};
    auto body = cohere_chat_body(
        chat({Message::user("Weather?"), call, Message::tool("get_weather_0fk0q", R"({"temp_c":21})")}), false);
    const json& msgs = body["messages"];
    ASSERT_EQ(msgs.size(), 3u);
    EXPECT_EQ(msgs[1], json::parse(R"({"role":"assistant","tool_plan":"I will check the weather.",
        "tool_calls":[{"id":"get_weather_0fk0q","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]})"));
    EXPECT_EQ(msgs[2],
              json::parse(R"({"role":"tool","tool_call_id":"get_weather_0fk0q","content":"{\"temp_c\":21}"})"));

    // Without its id a result cannot be linked to its call: refused before sending.
    EXPECT_THROW(cohere_chat_body(chat({Message{.role = "tool", .content = std::string("x")}}), false),
                 InvalidRequestError);
}

TEST(CohereRequest, StreamedToolTurnReplaysReasoningAsToolPlan) {
    Message call{.role = "assistant", .reasoning = "Looking it up."};
    call.tool_calls.push_back(ToolCall{.id = "c0", .function = "f"});
    auto body = cohere_chat_body(chat({Message::user("q"), call}), false);
    EXPECT_EQ(body["messages"][1]["tool_plan"], "Looking it up.");
    EXPECT_EQ(body["messages"][1]["tool_calls"][0]["function"]["arguments"], "{}");
    EXPECT_FALSE(body["messages"][1].contains("content"));
}

TEST(CohereRequest, ThinkingIsReplayedAsAThinkingBlock) {
    Message prev = Message::assistant("4");
    prev.provider_data = {{"thinking", "2+2 is 4"}};
    auto body = cohere_chat_body(chat({Message::user("2+2?"), prev, Message::user("and 3+3?")}), false);
    EXPECT_EQ(body["messages"][1]["content"],
              json::parse(R"([{"type":"thinking","thinking":"2+2 is 4"},{"type":"text","text":"4"}])"));
}

TEST(CohereRequest, UserPartsBecomeContentBlocks) {
    auto body = cohere_chat_body(chat({Message::user({ContentPart::text_part("What is this?"),
                                                      ContentPart::image_from_url("https://x/y.png", "low"),
                                                      ContentPart::image_from_bytes("QUJD", "image/png")})}),
                                 false);
    EXPECT_EQ(body["messages"][0]["content"], json::parse(R"([{"type":"text","text":"What is this?"},
        {"type":"image_url","image_url":{"url":"https://x/y.png","detail":"low"}},
        {"type":"image_url","image_url":{"url":"data:image/png;base64,QUJD"}}])"));
}

TEST(CohereReply, ReplyTextIsUnderMessageContent) {
    auto r = cohere_parse_chat(R"({"id":"abc","finish_reason":"COMPLETE","message":{"role":"assistant",
        "content":[{"type":"text","text":"Hello"},{"type":"text","text":" there"}]},
        "usage":{"billed_units":{"input_tokens":5,"output_tokens":2},"tokens":{"input_tokens":71,"output_tokens":2}}})");
    EXPECT_EQ(r.text(), "Hello there");
    EXPECT_EQ(r.id, "abc");
    EXPECT_EQ(r.finish_reason, "stop");
    EXPECT_EQ(r.choices[0].message.role, "assistant");
    // The token counts, not the billed units.
    EXPECT_EQ(r.usage.prompt_tokens, 71);
    EXPECT_EQ(r.usage.completion_tokens, 2);
    EXPECT_EQ(r.usage.total_tokens, 73);
    // A v1-style top-level "text" is not the reply.
    auto v1 = cohere_parse_chat(
        R"({"id":"x","text":"v1 text","finish_reason":"COMPLETE","message":{"role":"assistant","content":[]}})");
    EXPECT_EQ(v1.text(), "");
    EXPECT_THROW(cohere_parse_chat(R"({"text":"v1 only","finish_reason":"COMPLETE"})"), ResponseParseError);
}

TEST(CohereReply, ToolCallsPlanAndFinishReason) {
    auto r = cohere_parse_chat(R"({"id":"t","finish_reason":"TOOL_CALL","message":{"role":"assistant",
        "tool_plan":"I will check.","tool_calls":[{"id":"get_weather_1","type":"function",
        "function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
        {"id":"get_time_2","type":"function","function":{"name":"get_time","arguments":""}}]}})");
    ASSERT_EQ(r.tool_calls().size(), 2u);
    EXPECT_EQ(r.tool_calls()[0].id, "get_weather_1");
    EXPECT_EQ(r.tool_calls()[0].arguments, (json{{"city", "Paris"}}));
    EXPECT_EQ(r.tool_calls()[1].arguments_raw, "{}");
    EXPECT_EQ(r.finish_reason, "tool_calls");
    EXPECT_EQ(r.reasoning(), "I will check.");
    EXPECT_EQ(r.choices[0].message.provider_data["tool_plan"], "I will check.");
}

TEST(CohereReply, ThinkingBlocksAreReasoning) {
    auto r = cohere_parse_chat(R"({"id":"t","finish_reason":"COMPLETE","message":{"role":"assistant",
        "content":[{"type":"thinking","thinking":"Let me think."},{"type":"text","text":"Done."}]}})");
    EXPECT_EQ(r.text(), "Done.");
    EXPECT_EQ(r.reasoning(), "Let me think.");
    EXPECT_EQ(r.choices[0].message.provider_data["thinking"], "Let me think.");
}

TEST(CohereReply, FinishReasonsMapToUnifiedNames) {
    EXPECT_EQ(cohere_finish_reason("COMPLETE"), "stop");
    EXPECT_EQ(cohere_finish_reason("STOP_SEQUENCE"), "stop");
    EXPECT_EQ(cohere_finish_reason("MAX_TOKENS"), "length");
    EXPECT_EQ(cohere_finish_reason("TOOL_CALL"), "tool_calls");
    EXPECT_EQ(cohere_finish_reason("ERROR"), "error");
    EXPECT_EQ(cohere_finish_reason("TIMEOUT"), "timeout");
}

TEST(CohereReply, UsageFallsBackToBilledUnitsAndKeepsCachedTokens) {
    auto u = cohere_parse_usage(
        json::parse(R"({"billed_units":{"input_tokens":5.0,"output_tokens":7.0},"cached_tokens":3})"));
    EXPECT_EQ(u.prompt_tokens, 5);
    EXPECT_EQ(u.completion_tokens, 7);
    EXPECT_EQ(u.total_tokens, 12);
    EXPECT_EQ(u.cached_tokens, 3);
}

TEST(CohereReply, MalformedJsonIsAParseError) {
    EXPECT_THROW(cohere_parse_chat("{\"id\":"), ResponseParseError);
    EXPECT_THROW(cohere_parse_chat("[]"), ResponseParseError);
}

TEST(CohereStream, TextDeltasUsageAndFinish) {
    const std::string body =
        kStart + ev(R"({"type":"content-start","index":0,"delta":{"message":{"content":{"type":"text","text":""}}}})") +
        ev(R"({"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"Hel"}}}})") +
        ev(R"({"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"lo"}}}})") +
        ev(R"({"type":"content-end","index":0})") + kEnd + "data: [DONE]\n\n";
    auto chunks = decode(body);
    std::string text;
    for (const auto& c : chunks) text += c.delta;
    EXPECT_EQ(text, "Hello");
    EXPECT_EQ(chunks.front().id, "m1");
    const auto& last = chunks.back();
    EXPECT_EQ(last.finish_reason, "stop");
    EXPECT_EQ(last.id, "m1");
    ASSERT_TRUE(last.usage.has_value());
    EXPECT_EQ(last.usage->prompt_tokens, 70);
    EXPECT_EQ(last.usage->cached_tokens, 64);
    EXPECT_EQ(last.raw["type"], "message-end");
}

TEST(CohereStream, AccumulatesToolArgumentsAcrossDeltas) {
    const std::string body =
        kStart + ev(R"({"type":"tool-plan-delta","delta":{"message":{"tool_plan":"I will"}}})") +
        ev(R"({"type":"tool-plan-delta","delta":{"message":{"tool_plan":" check."}}})") +
        ev(R"({"type":"tool-call-start","index":0,"delta":{"message":{"tool_calls":{"id":"get_weather_a","type":"function","function":{"name":"get_weather","arguments":""}}}}})") +
        ev(R"({"type":"tool-call-delta","index":0,"delta":{"message":{"tool_calls":{"function":{"arguments":"{\"ci"}}}}})") +
        ev(R"({"type":"tool-call-delta","index":0,"delta":{"message":{"tool_calls":{"function":{"arguments":"ty\":\"Paris\"}"}}}}})") +
        ev(R"({"type":"tool-call-end","index":0})") +
        ev(R"({"type":"tool-call-start","index":1,"delta":{"message":{"tool_calls":{"id":"get_time_b","type":"function","function":{"name":"get_time","arguments":""}}}}})") +
        ev(R"({"type":"tool-call-end","index":1})") +
        ev(R"({"type":"message-end","delta":{"finish_reason":"TOOL_CALL","usage":{"tokens":{"input_tokens":9,"output_tokens":4}}}})");
    auto chunks = decode(body);
    std::string plan;
    for (const auto& c : chunks) plan += c.reasoning;
    EXPECT_EQ(plan, "I will check.");
    const auto& last = chunks.back();
    EXPECT_EQ(last.finish_reason, "tool_calls");
    ASSERT_EQ(last.tool_calls.size(), 2u);
    EXPECT_EQ(last.tool_calls[0].id, "get_weather_a");
    EXPECT_EQ(last.tool_calls[0].arguments, (json{{"city", "Paris"}}));
    EXPECT_EQ(last.tool_calls[1].function, "get_time");
    EXPECT_EQ(last.tool_calls[1].arguments_raw, "{}");  // no fragments: no arguments, not invalid JSON
}

TEST(CohereStream, ToolEventsWithoutIndexFollowTheirStart) {
    const std::string body =
        kStart +
        ev(R"({"type":"tool-call-start","delta":{"message":{"tool_calls":{"id":"a","type":"function","function":{"name":"f","arguments":""}}}}})") +
        ev(R"({"type":"tool-call-delta","delta":{"message":{"tool_calls":{"function":{"arguments":"{\"x\":1}"}}}}})") +
        ev(R"({"type":"tool-call-end"})") +
        ev(R"({"type":"tool-call-start","delta":{"message":{"tool_calls":{"id":"b","type":"function","function":{"name":"g","arguments":""}}}}})") +
        ev(R"({"type":"tool-call-delta","delta":{"message":{"tool_calls":{"function":{"arguments":"{\"y\":2}"}}}}})") +
        ev(R"({"type":"message-end","delta":{"finish_reason":"TOOL_CALL"}})");
    auto calls = decode(body).back().tool_calls;
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].arguments, (json{{"x", 1}}));
    EXPECT_EQ(calls[1].arguments, (json{{"y", 2}}));
}

TEST(CohereStream, ThinkingDeltasAreReasoning) {
    const std::string body =
        kStart +
        ev(R"({"type":"content-start","index":0,"delta":{"message":{"content":{"type":"thinking","thinking":""}}}})") +
        ev(R"({"type":"content-delta","index":0,"delta":{"message":{"content":{"thinking":"Hmm."}}}})") +
        ev(R"({"type":"content-delta","index":1,"delta":{"message":{"content":{"text":"Yes."}}}})") + kEnd;
    std::string text, reasoning;
    for (const auto& c : decode(body)) {
        text += c.delta;
        reasoning += c.reasoning;
    }
    EXPECT_EQ(text, "Yes.");
    EXPECT_EQ(reasoning, "Hmm.");
}

TEST(CohereStream, EndingWithoutMessageEndIsAParseError) {
    const std::string body =
        kStart + ev(R"({"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"Hel"}}}})");
    EXPECT_THROW(decode(body), ResponseParseError);
    // [DONE] alone does not stand in for message-end.
    EXPECT_THROW(decode(body + "data: [DONE]\n\n"), ResponseParseError);
}

TEST(CohereStream, ErrorInMessageEndIsAProviderError) {
    const std::string body =
        kStart + ev(R"({"type":"message-end","delta":{"finish_reason":"ERROR","error":"internal failure"}})");
    try {
        decode(body);
        FAIL();
    } catch (const ProviderAPIError& e) {
        EXPECT_EQ(e.provider_message(), "internal failure");
    }
}

TEST(CohereStream, MalformedEventIsAParseError) {
    EXPECT_THROW(decode(kStart + "event: content-delta\ndata: {not json}\n\n" + kEnd), ResponseParseError);
}

TEST(CohereStream, MaxTokensBeforeAnyOutputIsIncomplete) {
    const std::string body =
        kStart +
        ev(R"({"type":"message-end","delta":{"finish_reason":"MAX_TOKENS","usage":{"tokens":{"input_tokens":9,"output_tokens":100}}}})");
    EXPECT_THROW(decode(body), IncompleteResponseError);
}

TEST(CohereEmbed, EmbeddingTypesIsRequiredByEmbed) {
    EmbedRequest req{.model = "embed-v4.0", .inputs = {"hello"}, .single_input = true};
    auto body = cohere_embed_body(req);
    EXPECT_EQ(body["embedding_types"], json::array({"float"}));
    EXPECT_EQ(body["texts"], json::array({"hello"}));  // a list even for one text
    EXPECT_EQ(body["input_type"], "search_document");
    EXPECT_FALSE(body.contains("truncate"));
    EXPECT_FALSE(body.contains("output_dimension"));

    req.options = EmbedOptions{.dimensions = 256, .input_type = "search_query", .truncate = "end"};
    body = cohere_embed_body(req);
    EXPECT_EQ(body["input_type"], "search_query");
    EXPECT_EQ(body["truncate"], "END");
    EXPECT_EQ(body["output_dimension"], 256);
}

TEST(CohereEmbed, ParsesFloatEmbeddingsAndBilledTokens) {
    auto r = cohere_parse_embed(R"({"id":"e","texts":["a","b"],"embeddings":{"float":[[0.5,-1],[2,0.25]]},
        "meta":{"api_version":{"version":"2"},"billed_units":{"input_tokens":4}},"response_type":"embeddings_by_type"})");
    ASSERT_EQ(r.embeddings.size(), 2u);
    EXPECT_EQ(r.embeddings[0], (std::vector<double>{0.5, -1.0}));
    EXPECT_EQ(r.usage.prompt_tokens, 4);
    EXPECT_EQ(r.usage.total_tokens, 4);
    EXPECT_THROW(cohere_parse_embed(R"({"embeddings":[[0.1]]})"), ResponseParseError);  // v1 embeddings_floats shape
    EXPECT_THROW(cohere_parse_embed(R"({"embeddings":{"float":[["x"]]}})"), ResponseParseError);
}
