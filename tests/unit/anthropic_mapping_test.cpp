// Anthropic translation without a network: request bodies, replies and SSE events to unified types.
#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "llmgate/errors.hpp"
#include "providers/anthropic.hpp"

using namespace llmgate;
using namespace llmgate::detail;

namespace {

ChatRequest request(std::vector<Message> messages, Options options = {}) {
    return ChatRequest{.model = "claude-sonnet-4-5", .messages = std::move(messages), .options = std::move(options)};
}

std::string sse(const json& event) { return "event: " + event.value("type", "") + "\ndata: " + event.dump() + "\n\n"; }

std::string message_start(json usage = {{"input_tokens", 10}, {"output_tokens", 1}}) {
    return sse({{"type", "message_start"},
                {"message",
                 {{"id", "msg_01"},
                  {"type", "message"},
                  {"role", "assistant"},
                  {"model", "claude-sonnet-4-5-20250929"},
                  {"content", json::array()},
                  {"stop_reason", nullptr},
                  {"usage", usage}}}});
}

std::string block_start(int index, json block) {
    return sse({{"type", "content_block_start"}, {"index", index}, {"content_block", std::move(block)}});
}

std::string block_delta(int index, json delta) {
    return sse({{"type", "content_block_delta"}, {"index", index}, {"delta", std::move(delta)}});
}

std::string block_stop(int index) { return sse({{"type", "content_block_stop"}, {"index", index}}); }

std::string message_end(const std::string& stop_reason, json usage) {
    return sse({{"type", "message_delta"},
                {"delta", {{"stop_reason", stop_reason}, {"stop_sequence", nullptr}}},
                {"usage", usage}}) +
           sse({{"type", "message_stop"}});
}

std::string tool_start(int index, const std::string& id, const std::string& name) {
    return block_start(index, {{"type", "tool_use"}, {"id", id}, {"name", name}, {"input", json::object()}});
}

std::string json_delta(int index, const std::string& part) {
    return block_delta(index, {{"type", "input_json_delta"}, {"partial_json", part}});
}

struct Decoded {
    std::deque<StreamChunk> chunks;
    std::string text, reasoning, finish_reason;
    std::vector<ToolCall> tool_calls;
    std::optional<Usage> usage;
    json provider_data;
};

Decoded decode(const std::string& body) {
    Decoded d;
    auto decoder = make_anthropic_stream_decoder("claude-sonnet-4-5");
    decoder->feed(body, d.chunks);
    decoder->finish(d.chunks);
    for (const auto& c : d.chunks) {
        d.text += c.delta;
        d.reasoning += c.reasoning;
        if (!c.finish_reason.empty()) d.finish_reason = c.finish_reason;
        if (!c.tool_calls.empty()) d.tool_calls = c.tool_calls;
        if (c.usage) d.usage = c.usage;
        if (!c.provider_data.is_null()) d.provider_data = c.provider_data;
    }
    return d;
}

const json kThinking = {
    {"type", "thinking"}, {"thinking", "Let me check the weather tool."}, {"signature", "EqQBCkgIARABGAIiQL+sig=="}};
const json kRedacted = {{"type", "redacted_thinking"}, {"data", "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT"}};

}  // namespace

// --- request body ---

TEST(AnthropicRequest, LiftsSystemMessagesToTopLevelSystem) {
    json body = anthropic_chat_body(request({Message::system("be brief"), Message::user("Hello!")}), false);
    EXPECT_EQ(body["system"], "be brief");
    EXPECT_EQ(body["messages"], json::parse(R"([{"role":"user","content":"Hello!"}])"));
    EXPECT_EQ(body["model"], "claude-sonnet-4-5");
    EXPECT_FALSE(body.contains("stream"));

    body = anthropic_chat_body(
        request({Message::system("one"), Message::user("hi"), Message{.role = "developer", .content = "two"}}), true);
    EXPECT_EQ(body["system"], json::parse(R"([{"type":"text","text":"one"},{"type":"text","text":"two"}])"));
    EXPECT_EQ(body["messages"].size(), 1u);
    EXPECT_EQ(body["stream"], true);
}

TEST(AnthropicRequest, DefaultsMaxTokensWhenCallerGivesNone) {
    EXPECT_EQ(anthropic_chat_body(request({Message::user("hi")}), false)["max_tokens"], kAnthropicDefaultMaxTokens);
    EXPECT_EQ(kAnthropicDefaultMaxTokens, 4096);
    EXPECT_EQ(anthropic_chat_body(request({Message::user("hi")}, {.max_tokens = 77}), false)["max_tokens"], 77);
}

TEST(AnthropicRequest, DefaultMaxTokensIsRaisedAboveACallerThinkingBudget) {
    Options o{.extra = {{"thinking", {{"type", "enabled"}, {"budget_tokens", 10000}}}}};
    EXPECT_EQ(anthropic_chat_body(request({Message::user("hi")}, o), false)["max_tokens"], 10000 + 4096);
    o.max_tokens = 12000;  // the caller's own value is never changed
    EXPECT_EQ(anthropic_chat_body(request({Message::user("hi")}, o), false)["max_tokens"], 12000);
}

TEST(AnthropicRequest, MapsSamplingStopUserAndEffortFields) {
    json body = anthropic_chat_body(request({Message::user("hi")}, {.temperature = 0.2,
                                                                    .top_p = 0.9,
                                                                    .stop = {"END", "STOP"},
                                                                    .seed = 7,
                                                                    .reasoning_effort = "high",
                                                                    .user = "user-42"}),
                                    false);
    EXPECT_EQ(body["temperature"], 0.2);
    EXPECT_EQ(body["top_p"], 0.9);
    EXPECT_EQ(body["stop_sequences"], json::array({"END", "STOP"}));
    EXPECT_FALSE(body.contains("stop"));
    EXPECT_FALSE(body.contains("seed"));  // the Messages API has no seed
    EXPECT_EQ(body["metadata"], (json{{"user_id", "user-42"}}));
    // Sonnet 4.5 takes no effort parameter: its effort is an extended-thinking budget (docs/reasoning.md).
    EXPECT_FALSE(body.contains("output_config"));
    EXPECT_EQ(body["thinking"], (json{{"type", "enabled"}, {"budget_tokens", 24576}}));
    EXPECT_EQ(anthropic_chat_body(request({Message::user("hi")}, {.reasoning_effort = "minimal"}),
                                  false)["thinking"]["budget_tokens"],
              1024);
}

TEST(AnthropicRequest, ToolsUseInputSchema) {
    Tool weather{
        .name = "get_weather",
        .description = "Weather for a city",
        .parameters = json::parse(R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})")};
    json body = anthropic_chat_body(request({Message::user("hi")}, {.tools = {weather, Tool{.name = "now"}}}), false);
    EXPECT_EQ(body["tools"][0], json::parse(R"({"name":"get_weather","description":"Weather for a city",
        "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}})"));
    EXPECT_EQ(body["tools"][1], json::parse(R"({"name":"now","input_schema":{"type":"object","properties":{}}})"));
    EXPECT_FALSE(body.contains("tool_choice"));
}

TEST(AnthropicRequest, ToolChoiceMapsToAnthropicTypes) {
    auto choice = [](const std::string& c) {
        return anthropic_chat_body(request({Message::user("hi")}, {.tools = {Tool{.name = "f"}}, .tool_choice = c}),
                                   false)["tool_choice"];
    };
    EXPECT_EQ(choice("auto"), (json{{"type", "auto"}}));
    EXPECT_EQ(choice("required"), (json{{"type", "any"}}));
    EXPECT_EQ(choice("none"), (json{{"type", "none"}}));
    EXPECT_EQ(choice("f"), (json{{"type", "tool"}, {"name", "f"}}));
}

TEST(AnthropicRequest, ParallelToolCallsFalseSetsDisableParallelToolUse) {
    json body = anthropic_chat_body(
        request({Message::user("hi")}, {.tools = {Tool{.name = "f"}}, .parallel_tool_calls = false}), false);
    EXPECT_EQ(body["tool_choice"], (json{{"type", "auto"}, {"disable_parallel_tool_use", true}}));
    body = anthropic_chat_body(
        request({Message::user("hi")},
                {.tools = {Tool{.name = "f"}}, .tool_choice = "required", .parallel_tool_calls = false}),
        false);
    EXPECT_EQ(body["tool_choice"], (json{{"type", "any"}, {"disable_parallel_tool_use", true}}));
    body = anthropic_chat_body(
        request({Message::user("hi")},
                {.tools = {Tool{.name = "f"}}, .tool_choice = "none", .parallel_tool_calls = false}),
        false);
    EXPECT_EQ(body["tool_choice"], (json{{"type", "none"}}));
    body = anthropic_chat_body(
        request({Message::user("hi")}, {.tools = {Tool{.name = "f"}}, .parallel_tool_calls = true}), false);
    EXPECT_FALSE(body.contains("tool_choice"));
}

TEST(AnthropicRequest, AssistantToolCallsBecomeToolUseBlocksAndToolResultsAUserTurn) {
    Message assistant{
        .role = "assistant",
        .content = "Checking.",
        .tool_calls = {
            ToolCall{.id = "toolu_01",
                     .function = "get_weather",
                     .arguments = {{"city", "Paris"}},
                     .arguments_raw = R"({"city":"Paris"})"},
            ToolCall{.id = "toolu_02", .function = "now", .arguments = nullptr, .arguments_raw = "not json"}}};
    json body = anthropic_chat_body(
        request({Message::user("Weather?"), assistant, Message::tool("toolu_01", R"({"temp_c":21})"),
                 Message::tool("toolu_02", "12:00"), Message::user("Thanks; and tomorrow?")}),
        false);
    json msgs = body["messages"];
    ASSERT_EQ(msgs.size(), 3u);
    EXPECT_EQ(msgs[1], json::parse(R"({"role":"assistant","content":[{"type":"text","text":"Checking."},
        {"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris"}},
        {"type":"tool_use","id":"toolu_02","name":"now","input":{}}]})"));
    // Consecutive tool results (and the user note after them) are merged into one user turn.
    EXPECT_EQ(msgs[2], json::parse(R"({"role":"user","content":[
        {"type":"tool_result","tool_use_id":"toolu_01","content":"{\"temp_c\":21}"},
        {"type":"tool_result","tool_use_id":"toolu_02","content":"12:00"},
        {"type":"text","text":"Thanks; and tomorrow?"}]})"));
}

TEST(AnthropicRequest, AssistantTurnWithOnlyToolCallsSendsNoEmptyTextBlock) {
    Message assistant{.role = "assistant",
                      .tool_calls = {ToolCall{.id = "toolu_01", .function = "f", .arguments = json::object()}}};
    json msgs = anthropic_chat_body(request({Message::user("go"), assistant, Message::tool("toolu_01", "")}),
                                    false)["messages"];
    EXPECT_EQ(msgs[1]["content"], json::parse(R"([{"type":"tool_use","id":"toolu_01","name":"f","input":{}}])"));
    EXPECT_EQ(msgs[2]["content"], json::parse(R"([{"type":"tool_result","tool_use_id":"toolu_01"}])"));
}

TEST(AnthropicRequest, ImagesBecomeBase64OrUrlSources) {
    Message m = Message::user({ContentPart::text_part("What is this?"),
                               ContentPart::image_from_url("https://example.com/cat.png"),
                               ContentPart::image_from_url("data:image/png;base64,iVBORw0KGgo="),
                               ContentPart::image_from_bytes("R0lGODlh", "image/gif")});
    json content = anthropic_chat_body(request({m}), false)["messages"][0]["content"];
    EXPECT_EQ(content, json::parse(R"([{"type":"text","text":"What is this?"},
        {"type":"image","source":{"type":"url","url":"https://example.com/cat.png"}},
        {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
        {"type":"image","source":{"type":"base64","media_type":"image/gif","data":"R0lGODlh"}}])"));
}

TEST(AnthropicRequest, UnknownRoleIsAnInvalidRequest) {
    EXPECT_THROW(anthropic_chat_body(request({Message{.role = "narrator", .content = "x"}}), false),
                 InvalidRequestError);
}

TEST(AnthropicThinking, ThinkingBlocksAreReplayedFirstAndVerbatimWithSignature) {
    Message assistant{
        .role = "assistant",
        .content = "Let me look.",
        .tool_calls = {ToolCall{.id = "toolu_01", .function = "get_weather", .arguments = {{"city", "Paris"}}}},
        .reasoning = "Let me check the weather tool.",
        .provider_data = {{"anthropic", {{"content", json::array({kThinking, kRedacted})}}}}};
    json msgs = anthropic_chat_body(request({Message::user("Weather?"), assistant, Message::tool("toolu_01", "21C")}),
                                    false)["messages"];
    json content = msgs[1]["content"];
    ASSERT_EQ(content.size(), 4u);
    EXPECT_EQ(content[0], kThinking);
    EXPECT_EQ(content[1], kRedacted);
    EXPECT_EQ(content[2], (json{{"type", "text"}, {"text", "Let me look."}}));
    EXPECT_EQ(content[3]["type"], "tool_use");
}

// --- buffered replies ---

TEST(AnthropicReply, ParsesTextUsageAndStopReason) {
    auto r =
        anthropic_parse_chat(R"({"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
        "content":[{"type":"text","text":"Hi "},{"type":"text","text":"there"}],"stop_reason":"end_turn","stop_sequence":null,
        "usage":{"input_tokens":12,"output_tokens":6}})");
    EXPECT_EQ(r.id, "msg_01");
    EXPECT_EQ(r.model, "claude-sonnet-4-5-20250929");
    EXPECT_EQ(r.provider, "anthropic");
    EXPECT_EQ(r.text(), "Hi there");
    EXPECT_EQ(r.finish_reason, "stop");
    EXPECT_EQ(r.choices.at(0).message.role, "assistant");
    EXPECT_TRUE(r.choices[0].message.provider_data.is_null());
    EXPECT_EQ(r.usage.prompt_tokens, 12);
    EXPECT_EQ(r.usage.completion_tokens, 6);
    EXPECT_EQ(r.usage.total_tokens, 18);
}

TEST(AnthropicReply, PromptTokensIncludeCacheReadAndCacheCreation) {
    Usage u = anthropic_parse_usage(json::parse(
        R"({"input_tokens":10,"cache_read_input_tokens":300,"cache_creation_input_tokens":50,"output_tokens":7,
            "output_tokens_details":{"thinking_tokens":4}})"));
    EXPECT_EQ(u.prompt_tokens, 360);
    EXPECT_EQ(u.cached_tokens, 300);
    EXPECT_EQ(u.cache_creation_tokens, 50);
    EXPECT_EQ(u.completion_tokens, 7);
    EXPECT_EQ(u.total_tokens, 367);
    EXPECT_EQ(u.reasoning_tokens, 4);
    EXPECT_EQ(
        anthropic_parse_usage(json::parse(R"({"input_tokens":3,"cache_read_input_tokens":null,"output_tokens":1})"))
            .prompt_tokens,
        3);
}

TEST(AnthropicReply, StopReasonsMapToUnifiedFinishReasons) {
    EXPECT_EQ(anthropic_finish_reason("end_turn"), "stop");
    EXPECT_EQ(anthropic_finish_reason("stop_sequence"), "stop");
    EXPECT_EQ(anthropic_finish_reason("max_tokens"), "length");
    EXPECT_EQ(anthropic_finish_reason("model_context_window_exceeded"), "length");
    EXPECT_EQ(anthropic_finish_reason("tool_use"), "tool_calls");
    EXPECT_EQ(anthropic_finish_reason("refusal"), "content_filter");
    EXPECT_EQ(anthropic_finish_reason("pause_turn"), "pause_turn");
}

TEST(AnthropicReply, ToolUseBlocksBecomeToolCalls) {
    auto r = anthropic_parse_chat(R"({"id":"msg_01","type":"message","role":"assistant","model":"claude-x","content":[
        {"type":"text","text":"Checking."},
        {"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris"}},
        {"type":"tool_use","id":"toolu_02","name":"now","input":{}}],
        "stop_reason":"tool_use","usage":{"input_tokens":1,"output_tokens":1}})");
    ASSERT_EQ(r.tool_calls().size(), 2u);
    EXPECT_EQ(r.tool_calls()[0].id, "toolu_01");
    EXPECT_EQ(r.tool_calls()[0].function, "get_weather");
    EXPECT_EQ(r.tool_calls()[0].arguments, (json{{"city", "Paris"}}));
    EXPECT_EQ(r.tool_calls()[0].arguments_raw, R"({"city":"Paris"})");
    EXPECT_EQ(r.tool_calls()[1].arguments_raw, "{}");
    EXPECT_EQ(r.text(), "Checking.");
    EXPECT_EQ(r.finish_reason, "tool_calls");
}

TEST(AnthropicThinking, ThinkingAndRedactedThinkingSurfaceAsReasoningAndProviderData) {
    json reply{{"id", "msg_01"},
               {"type", "message"},
               {"role", "assistant"},
               {"model", "claude-x"},
               {"content", json::array({kThinking, kRedacted, {{"type", "text"}, {"text", "Sunny."}}})},
               {"stop_reason", "end_turn"},
               {"usage", {{"input_tokens", 1}, {"output_tokens", 1}}}};
    auto r = anthropic_parse_chat(reply.dump());
    EXPECT_EQ(r.reasoning(), "Let me check the weather tool.");
    EXPECT_EQ(r.text(), "Sunny.");
    EXPECT_EQ(r.choices[0].message.provider_data,
              (json{{"anthropic", {{"content", json::array({kThinking, kRedacted})}}}}));
}

TEST(AnthropicReply, MalformedRepliesAreParseErrors) {
    EXPECT_THROW(anthropic_parse_chat(R"({"id":"msg_01","content":[{"type":"text","te)"), ResponseParseError);
    EXPECT_THROW(anthropic_parse_chat(R"({"id":"msg_01"})"), ResponseParseError);
    EXPECT_THROW(anthropic_parse_chat(R"({"content":[{"type":"text","text":5}]})"), ResponseParseError);
    EXPECT_THROW(anthropic_parse_chat(R"({"content":[{"type":"tool_use","name":"f"}]})"), ResponseParseError);
    EXPECT_THROW(anthropic_parse_chat("[]"), ResponseParseError);
}

// --- stream events ---

TEST(AnthropicStream, TextDeltasUsageAndFinishReason) {
    auto d = decode(message_start({{"input_tokens", 25}, {"cache_read_input_tokens", 100}, {"output_tokens", 1}}) +
                    block_start(0, {{"type", "text"}, {"text", ""}}) +
                    block_delta(0, {{"type", "text_delta"}, {"text", "Hel"}}) +
                    block_delta(0, {{"type", "text_delta"}, {"text", "lo"}}) + block_stop(0) +
                    message_end("end_turn", {{"output_tokens", 15}}));
    EXPECT_EQ(d.text, "Hello");
    EXPECT_EQ(d.finish_reason, "stop");
    ASSERT_TRUE(d.usage.has_value());
    EXPECT_EQ(d.usage->prompt_tokens, 125);  // from message_start, kept
    EXPECT_EQ(d.usage->cached_tokens, 100);
    EXPECT_EQ(d.usage->completion_tokens, 15);  // message_delta's output_tokens is cumulative: replaced, not added
    EXPECT_EQ(d.usage->total_tokens, 140);
    EXPECT_EQ(d.chunks.front().id, "msg_01");
    EXPECT_EQ(d.chunks.front().model, "claude-sonnet-4-5-20250929");
    EXPECT_TRUE(d.provider_data.is_null());
}

TEST(AnthropicStream, MessageDeltaUsageFieldsReplaceThoseOfMessageStart) {
    auto d = decode(
        message_start({{"input_tokens", 0}, {"output_tokens", 0}}) +
        message_end("end_turn", {{"input_tokens", 40}, {"cache_creation_input_tokens", 8}, {"output_tokens", 3}}));
    EXPECT_EQ(d.usage->prompt_tokens, 48);
    EXPECT_EQ(d.usage->cache_creation_tokens, 8);
    EXPECT_EQ(d.usage->completion_tokens, 3);
}

TEST(AnthropicStream, AccumulatesToolArgumentsAcrossDeltas) {
    auto d = decode(message_start() + block_start(0, {{"type", "text"}, {"text", ""}}) +
                    block_delta(0, {{"type", "text_delta"}, {"text", "Checking."}}) + block_stop(0) +
                    tool_start(1, "toolu_01", "get_weather") + json_delta(1, "") + json_delta(1, "{\"ci") +
                    json_delta(1, "ty\": \"Pa") + json_delta(1, "ris\"}") + block_stop(1) +
                    tool_start(2, "toolu_02", "get_time") + json_delta(2, "{\"tz\":\"CET\"}") + block_stop(2) +
                    message_end("tool_use", {{"output_tokens", 30}}));
    ASSERT_EQ(d.tool_calls.size(), 2u);
    EXPECT_EQ(d.tool_calls[0].id, "toolu_01");
    EXPECT_EQ(d.tool_calls[0].function, "get_weather");
    EXPECT_EQ(d.tool_calls[0].arguments, (json{{"city", "Paris"}}));
    EXPECT_EQ(d.tool_calls[1].function, "get_time");
    EXPECT_EQ(d.tool_calls[1].arguments, (json{{"tz", "CET"}}));
    EXPECT_EQ(d.finish_reason, "tool_calls");
    EXPECT_EQ(d.text, "Checking.");
    // Tool deltas are numbered per tool (0, 1), not by content block index (1, 2).
    std::vector<int> indexes;
    for (const auto& c : d.chunks)
        for (const auto& td : c.tool_call_deltas)
            if (!td.id.empty()) indexes.push_back(td.index);
    EXPECT_EQ(indexes, (std::vector<int>{0, 1}));
}

TEST(AnthropicStream, StreamedToolCallWithNoArgumentFragmentsYieldsEmptyObjectArguments) {
    auto d = decode(message_start() + tool_start(0, "toolu_01", "get_time") + block_stop(0) +
                    message_end("tool_use", {{"output_tokens", 5}}));
    ASSERT_EQ(d.tool_calls.size(), 1u);
    EXPECT_EQ(d.tool_calls[0].arguments_raw, "{}");
    EXPECT_EQ(d.tool_calls[0].arguments, json::object());
}

TEST(AnthropicStream, PingEventsAreIgnored) {
    const std::string ping = sse({{"type", "ping"}});
    auto d = decode(ping + message_start() + ping + block_start(0, {{"type", "text"}, {"text", ""}}) + ping +
                    block_delta(0, {{"type", "text_delta"}, {"text", "ok"}}) + ping + block_stop(0) +
                    message_end("end_turn", {{"output_tokens", 1}}));
    EXPECT_EQ(d.text, "ok");
    for (const auto& c : d.chunks) EXPECT_NE(c.raw.get().value("type", ""), "ping");
}

TEST(AnthropicStream, OverloadedErrorEventMidStreamIsARateLimitError) {
    auto decoder = make_anthropic_stream_decoder("claude-x");
    std::deque<StreamChunk> out;
    decoder->feed(message_start() + block_start(0, {{"type", "text"}, {"text", ""}}) +
                      block_delta(0, {{"type", "text_delta"}, {"text", "par"}}),
                  out);
    try {
        decoder->feed(
            "event: error\ndata: "
            "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
            out);
        FAIL() << "expected RateLimitError";
    } catch (const RateLimitError& e) {
        EXPECT_EQ(e.provider_message(), "Overloaded");
        EXPECT_EQ(e.error_type(), "overloaded_error");
        EXPECT_EQ(e.provider(), "anthropic");
    }
    EXPECT_EQ(out.back().delta, "par");  // what came before the error was delivered
}

TEST(AnthropicStream, OtherErrorEventsMidStreamAreProviderAPIErrors) {
    auto decoder = make_anthropic_stream_decoder("claude-x");
    std::deque<StreamChunk> out;
    // The message_start chunk decoded from the same bytes is handed out first; the error follows.
    decoder->feed(
        message_start() +
            "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server "
            "error\"}}\n\n",
        out);
    EXPECT_EQ(out.size(), 1u);
    try {
        decoder->finish(out);
        FAIL() << "expected ProviderAPIError";
    } catch (const RateLimitError&) {
        FAIL() << "api_error is not an overload";
    } catch (const ProviderAPIError& e) {
        EXPECT_EQ(e.provider_message(), "Internal server error");
        EXPECT_EQ(e.error_type(), "api_error");
    }
}

TEST(AnthropicStream, EndWithoutMessageStopIsAParseError) {
    auto decoder = make_anthropic_stream_decoder("claude-x");
    std::deque<StreamChunk> out;
    decoder->feed(message_start() + block_start(0, {{"type", "text"}, {"text", ""}}) +
                      block_delta(0, {{"type", "text_delta"}, {"text", "Hi"}}) +
                      sse({{"type", "message_delta"},
                           {"delta", {{"stop_reason", "end_turn"}}},
                           {"usage", {{"output_tokens", 2}}}}),
                  out);
    EXPECT_THROW(decoder->finish(out), ResponseParseError);
}

TEST(AnthropicStream, MalformedEventDataIsAParseError) {
    auto decoder = make_anthropic_stream_decoder("claude-x");
    std::deque<StreamChunk> out;
    EXPECT_THROW(decoder->feed("event: message_start\ndata: {\"type\":\"message_start\",\n\n", out),
                 ResponseParseError);
    auto other = make_anthropic_stream_decoder("claude-x");
    EXPECT_THROW(  // no tool_use block 0
        {
            other->feed(message_start() + json_delta(0, "{}"), out);
            other->finish(out);
        },
        ResponseParseError);
}

TEST(AnthropicThinking, ThinkingDeltasSurfaceAsReasoningAndBlocksAreKeptWithSignature) {
    auto d =
        decode(message_start() + block_start(0, {{"type", "thinking"}, {"thinking", ""}, {"signature", ""}}) +
               block_delta(0, {{"type", "thinking_delta"}, {"thinking", "Let me check "}}) +
               block_delta(0, {{"type", "thinking_delta"}, {"thinking", "the weather tool."}}) +
               block_delta(0, {{"type", "signature_delta"}, {"signature", "EqQBCkgIARABGAIiQL+sig=="}}) +
               block_stop(0) + block_start(1, kRedacted) + block_stop(1) + tool_start(2, "toolu_01", "get_weather") +
               json_delta(2, R"({"city":"Paris"})") + block_stop(2) + message_end("tool_use", {{"output_tokens", 50}}));
    EXPECT_EQ(d.reasoning, "Let me check the weather tool.");
    EXPECT_EQ(d.provider_data, (json{{"anthropic", {{"content", json::array({kThinking, kRedacted})}}}}));
    ASSERT_EQ(d.tool_calls.size(), 1u);
    EXPECT_EQ(d.tool_calls[0].arguments, (json{{"city", "Paris"}}));
}
