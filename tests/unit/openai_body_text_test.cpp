// The OpenAI chat body written as text sends exactly the bytes the JSON-tree path sends, for every field
// and every escaping rule; text that is not UTF-8 is left to the tree path, which refuses it.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "providers/openai_body_text.hpp"
#include "providers/openai_compatible.hpp"

namespace llmgate::detail {
namespace {

ChatRequest request_with(std::vector<Message> messages, Options options = {}) {
    return ChatRequest{.model = "gpt-4o-mini", .messages = std::move(messages), .options = std::move(options)};
}

// Both paths, for streamed and buffered bodies, with and without stream usage.
void expect_same_bytes(const ChatRequest& request) {
    for (bool stream : {false, true}) {
        for (bool usage : {false, true}) {
            SCOPED_TRACE(testing::Message() << "stream=" << stream << " include_usage=" << usage);
            const auto text = openai_chat_body_text(request, stream, usage);
            ASSERT_TRUE(text.has_value());
            EXPECT_EQ(*text, openai_chat_body(request, stream, usage).dump());
        }
    }
}

TEST(OpenAIBodyText, OneUserMessage) {
    const ChatRequest r = request_with({Message::user("Hello!")});
    expect_same_bytes(r);
    EXPECT_EQ(*openai_chat_body_text(r, false, false),
              R"({"messages":[{"content":"Hello!","role":"user"}],"model":"gpt-4o-mini"})");
}

TEST(OpenAIBodyText, EveryScalarOption) {
    Options o;
    o.max_tokens = 256;
    o.temperature = 0.7;
    o.top_p = 1.0;
    o.stop = {"END", "\n\n"};
    o.seed = std::numeric_limits<std::int64_t>::min();
    o.parallel_tool_calls = false;
    o.reasoning_effort = "low";
    o.user = "user-42";
    expect_same_bytes(request_with({Message::system("be brief"), Message::user("hi")}, o));
    o.temperature = 1e-7;
    o.top_p = 2.5e10;
    o.seed = std::numeric_limits<std::int64_t>::max();
    o.max_tokens = 0;
    o.parallel_tool_calls = true;
    expect_same_bytes(request_with({Message::user("hi")}, o));
}

TEST(OpenAIBodyText, EscapesEveryControlCharacterAndKeepsUnicode) {
    std::string text = "quote \" backslash \\ slash / del \x7f é 日本 🙂 ";
    for (int c = 0; c < 0x20; ++c) text.push_back(static_cast<char>(c));
    Message m = Message::user(text);
    m.name = "name\twith\ttabs";
    expect_same_bytes(request_with({m}));
    const auto body = openai_chat_body_text(request_with({Message::user(std::string("a\x01z", 3))}), false, false);
    ASSERT_TRUE(body);
    EXPECT_NE(body->find(R"("a\u0001z")"), std::string::npos) << *body;
}

TEST(OpenAIBodyText, ToolTurnsAndToolCalls) {
    Message call = Message::assistant("");
    call.tool_calls.push_back(
        ToolCall{.id = "call_1", .function = "get_weather", .arguments_raw = R"({"city":"Paris"})"});
    call.tool_calls.push_back(ToolCall{.id = "call_2", .function = "get_time", .arguments_raw = "{}"});
    Message with_text = Message::assistant("Let me check.");
    with_text.tool_calls.push_back(ToolCall{.id = "call_3", .function = "f", .arguments_raw = "not json \"at all\""});
    expect_same_bytes(request_with({Message::user("weather?"), call, Message::tool("call_1", R"({"temp":21})"),
                                    Message::tool("call_2", "12:00"), with_text}));
    // An assistant turn that only calls tools sends null content.
    const auto body = openai_chat_body_text(request_with({Message::user("x"), call}), false, false);
    ASSERT_TRUE(body);
    EXPECT_NE(body->find(R"({"content":null,"role":"assistant","tool_calls":[)"), std::string::npos) << *body;
}

TEST(OpenAIBodyText, ToolsToolChoiceAndResponseFormat) {
    Options o;
    o.tools.push_back(Tool{.name = "get_weather",
                           .description = "Weather for a city",
                           .parameters = json::parse(R"({"type":"object","properties":{"city":{"type":"string"}},
                                                         "required":["city"]})"),
                           .strict = true});
    o.tools.push_back(Tool{.name = "no_description"});
    for (std::string choice : {"auto", "none", "required", "get_weather"}) {
        o.tool_choice = choice;
        expect_same_bytes(request_with({Message::user("hi")}, o));
    }
    Options s;
    s.response_format =
        ResponseFormat{.schema = json::parse(R"({"type":"object","properties":{"title":{"type":"string"},
                                                                 "year":{"type":"integer"}},"required":["title"]})"),
                       .name = "film",
                       .description = "a film",
                       .strict = true};
    ChatRequest native = request_with({Message::user("a film")}, s);
    native.structured = StructuredMode::native_schema;
    expect_same_bytes(native);
    ChatRequest json_mode = native;
    json_mode.structured = StructuredMode::json_mode;
    expect_same_bytes(json_mode);
}

TEST(OpenAIBodyText, ContentPartsAndImages) {
    std::vector<ContentPart> parts{ContentPart::text_part("What is in \"this\" image?"),
                                   ContentPart::image_from_url("https://example.com/cat.png", "high"),
                                   ContentPart::image_from_url("https://example.com/dog.png"),
                                   ContentPart::image_from_bytes("iVBORw0KGgo=", "image/png")};
    expect_same_bytes(request_with({Message::system("describe"), Message::user(parts)}));
    expect_same_bytes(request_with({Message::user(std::vector<ContentPart>{})}));
}

TEST(OpenAIBodyText, EmptyStringsAreSentAsEmptyStrings) {
    expect_same_bytes(request_with({Message::user(""), Message::assistant("")}));
}

// Invalid UTF-8 anywhere: the text path declines, and the tree path it leaves it to refuses the text.
TEST(OpenAIBodyText, InvalidUtf8DeclinesToTheTreePathWhichRefusesIt) {
    const std::string bad = "caf\xc3";  // a truncated two-byte sequence
    std::vector<ChatRequest> requests;
    requests.push_back(request_with({Message::user(bad)}));
    Message named = Message::user("ok");
    named.name = bad;
    requests.push_back(request_with({named}));
    requests.push_back(
        request_with({Message::user(std::vector<ContentPart>{ContentPart::image_from_bytes(bad, "image/png")})}));
    requests.push_back(request_with({Message::user(std::vector<ContentPart>{ContentPart::image_from_url(bad)})}));
    Message call = Message::assistant("");
    call.tool_calls.push_back(ToolCall{.id = "c", .function = "f", .arguments_raw = bad});
    requests.push_back(request_with({Message::user("x"), call}));
    Options o;
    o.user = "\xed\xa0\x80";  // an encoded surrogate, which UTF-8 forbids
    requests.push_back(request_with({Message::user("x")}, o));
    ChatRequest bad_model = request_with({Message::user("x")});
    bad_model.model = "gpt\xff";
    requests.push_back(bad_model);
    for (std::size_t i = 0; i < requests.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_FALSE(openai_chat_body_text(requests[i], false, false).has_value());
        EXPECT_THROW((void)openai_chat_body(requests[i], false, false).dump(), json::type_error);
    }
}

}  // namespace
}  // namespace llmgate::detail
