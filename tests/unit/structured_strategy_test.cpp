// The structured-output layer's pure parts: strategy plans, request shaping, step-down and reply checks.
#include <gtest/gtest.h>

#include "llmgate/errors.hpp"
#include "llmgate/llmgate.hpp"
#include "llmgate/structured.hpp"
#include "structured/schema_prompt.hpp"
#include "structured/strategy.hpp"

using namespace llmgate;
using namespace llmgate::detail;

namespace {

ResponseFormat format(StructuredStrategy s = StructuredStrategy::automatic) {
    return ResponseFormat{
        .schema = json::parse(R"({"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]})"),
        .name = "answer",
        .strategy = s};
}
Capabilities caps(bool native, bool json_mode) {
    Capabilities c;
    c.native_schema = native;
    c.json_mode = json_mode;
    return c;
}
std::exception_ptr error_with_status(int status, bool invalid_request) {
    ErrorInfo info{.provider = "p", .status = status};
    return invalid_request ? std::make_exception_ptr(InvalidRequestError(info))
                           : std::make_exception_ptr(ProviderAPIError(info));
}
CompletionResponse reply(std::string text, std::string finish = "stop") {
    CompletionResponse r;
    r.provider = "p";
    Message m = Message::assistant(std::move(text));
    r.choices.push_back(Choice{.index = 0, .message = m, .finish_reason = finish});
    r.finish_reason = finish;
    return r;
}

}  // namespace

TEST(StructuredPlan, AutomaticGoesFromTheStrongestModeTheProviderHasDownToThePrompt) {
    using V = std::vector<Strategy>;
    EXPECT_EQ(structured_plan(format(), caps(true, true), "p", "m"),
              (V{Strategy::native, Strategy::json_mode, Strategy::prompt}));
    EXPECT_EQ(structured_plan(format(), caps(true, false), "p", "m"), (V{Strategy::native, Strategy::prompt}));
    EXPECT_EQ(structured_plan(format(), caps(false, true), "p", "m"), (V{Strategy::json_mode, Strategy::prompt}));
    EXPECT_EQ(structured_plan(format(), caps(false, false), "p", "m"), (V{Strategy::prompt}));
}

TEST(StructuredPlan, ExplicitStrategyIsTheOnlyOneAndMustBeAvailable) {
    using V = std::vector<Strategy>;
    EXPECT_EQ(structured_plan(format(StructuredStrategy::json_mode), caps(true, true), "p", "m"),
              V{Strategy::json_mode});
    EXPECT_EQ(structured_plan(format(StructuredStrategy::prompt), caps(true, true), "p", "m"), V{Strategy::prompt});
    EXPECT_THROW(structured_plan(format(StructuredStrategy::native), caps(false, true), "p", "m"), InvalidRequestError);
    EXPECT_THROW(structured_plan(format(StructuredStrategy::json_mode), caps(true, false), "p", "m"),
                 InvalidRequestError);
    ResponseFormat no_schema;
    EXPECT_THROW(structured_plan(no_schema, caps(true, true), "p", "m"), InvalidRequestError);
}

// A schema the validator cannot check is refused before any request is sent, naming the place and why,
// instead of letting every reply fail (or an unchecked keyword let a wrong reply through).
TEST(StructuredPlan, SchemasTheValidatorCannotUseAreRefusedBeforeSending) {
    const auto refused = [](const char* schema) -> std::string {
        try {
            structured_plan(ResponseFormat{.schema = json::parse(schema)}, caps(true, true), "p", "m");
        } catch (const InvalidRequestError& e) {
            return e.what();
        }
        return "accepted";
    };
    EXPECT_NE(refused(R"({"type":"object","unevaluatedProperties":false})")
                  .find("response_format.schema cannot be used: #/unevaluatedProperties: unevaluatedProperties is "
                        "not supported"),
              std::string::npos);
    EXPECT_NE(refused(R"({"properties":{"a":{"pattern":"(x"}}})").find("#/properties/a/pattern"), std::string::npos);
    EXPECT_NE(refused(R"({"$ref":"https://example.com/person.json"})").find("fetches no remote schemas"),
              std::string::npos);
    EXPECT_EQ(refused(R"({"type":"object","$defs":{"a":{"type":"string"}},"properties":{"a":{"$ref":"#/$defs/a"}}})"),
              "accepted");
    // Through the public API too: the mock never sees the call.
    Options options{.extra = {{"mock_response", "{}"}},
                    .response_format = ResponseFormat{.schema = json::parse(R"({"unevaluatedItems":false})")}};
    EXPECT_THROW(completion("mock/m", {Message::user("x")}, options), InvalidRequestError);
}

TEST(StructuredRequest, SetsTheModeAndPutsTheSchemaInTheSystemMessageExceptForNative) {
    ChatRequest base{.model = "m", .messages = {Message::user("hi")}};
    base.options.response_format = format();
    const auto native = structured_request(base, Strategy::native);
    EXPECT_EQ(native.structured, StructuredMode::native_schema);
    EXPECT_EQ(native.messages.size(), 1u);
    const auto jm = structured_request(base, Strategy::json_mode);
    EXPECT_EQ(jm.structured, StructuredMode::json_mode);
    ASSERT_EQ(jm.messages.size(), 2u);
    EXPECT_EQ(jm.messages[0].role, "system");
    EXPECT_NE(jm.messages[0].text().find("JSON"), std::string::npos);
    EXPECT_NE(jm.messages[0].text().find("\"required\""), std::string::npos);
    EXPECT_EQ(structured_request(base, Strategy::prompt).structured, StructuredMode::none);
}

TEST(SchemaPrompt, MergesIntoAnExistingSystemOrDeveloperMessage) {
    auto merged = with_schema_instructions({Message::system("Be terse."), Message::user("hi")}, format());
    ASSERT_EQ(merged.size(), 2u);
    EXPECT_EQ(merged[0].text().rfind("Be terse.\n\n", 0), 0u);

    Message dev{.role = "developer", .content = std::vector<ContentPart>{ContentPart::text_part("rules")}};
    auto parts = with_schema_instructions({dev, Message::user("hi")}, format());
    ASSERT_EQ(parts.size(), 2u);
    const auto& p = std::get<std::vector<ContentPart>>(parts[0].content);
    ASSERT_EQ(p.size(), 2u);
    EXPECT_NE(p[1].text.find("JSON Schema (answer)"), std::string::npos);

    // A system message later in the conversation is not the leading one: a new one goes first.
    auto later = with_schema_instructions({Message::user("hi"), Message::system("x")}, format());
    ASSERT_EQ(later.size(), 3u);
    EXPECT_EQ(later[0].role, "system");
}

TEST(StructuredStepDown, OnlyARejected400Or422ModeStepsDown) {
    EXPECT_TRUE(should_step_down(error_with_status(400, false)));
    EXPECT_TRUE(should_step_down(error_with_status(422, true)));
    EXPECT_TRUE(should_step_down(error_with_status(400, true)));
    EXPECT_FALSE(should_step_down(error_with_status(500, false)));
    EXPECT_FALSE(should_step_down(error_with_status(0, true)));  // our own argument checks
    EXPECT_FALSE(should_step_down(std::make_exception_ptr(AuthError(ErrorInfo{.status = 401}))));
    EXPECT_FALSE(should_step_down(
        std::make_exception_ptr(RateLimitError(ErrorInfo{.status = 429}, std::chrono::milliseconds(0)))));
    EXPECT_FALSE(should_step_down(std::make_exception_ptr(StructuredOutputError(ErrorInfo{.status = 400}, "", {"x"}))));
    EXPECT_FALSE(should_step_down(std::make_exception_ptr(std::runtime_error("other"))));
}

TEST(StructuredReply, ValidReplyFillsParsedJsonAndStrategy) {
    auto r = reply("```json\n{\"n\": 3}\n```");
    apply_structured_reply(r, format(), Strategy::prompt, "m", {});
    EXPECT_EQ(r.parsed_json, json::parse(R"({"n":3})"));
    EXPECT_EQ(r.structured_strategy, "prompt");
}

TEST(StructuredReply, CutOffReplySaysSo) {
    auto r = reply("{\"n\": ", "length");
    try {
        apply_structured_reply(r, format(), Strategy::native, "m", {});
        FAIL();
    } catch (const StructuredOutputError& e) {
        EXPECT_EQ(e.problems(),
                  std::vector<std::string>{
                      "$: the reply contains no JSON value (the reply was cut off: finish_reason length)"});
        EXPECT_EQ(e.raw_text(), "{\"n\": ");
    }
}

TEST(StructuredReply, ContentFilterIsARefusal) {
    auto r = reply("", "content_filter");
    EXPECT_THROW(apply_structured_reply(r, format(), Strategy::native, "m", {}), StructuredOutputError);
}

TEST(StructuredReply, ToolCallsAreHandedBackUnvalidated) {
    auto r = reply("");
    r.choices[0].message.tool_calls.push_back(ToolCall{.id = "c1", .function = "lookup"});
    r.finish_reason = "tool_calls";
    EXPECT_NO_THROW(apply_structured_reply(r, format(), Strategy::native, "m", {}));
    EXPECT_TRUE(r.structured_strategy.empty());
    EXPECT_THROW(r.parsed<json>(), StructuredOutputError);
}

// format is an annotation unless the caller asks for assertion, as JSON Schema specifies.
TEST(StructuredReply, FormatIsCheckedOnlyWhenAsked) {
    ResponseFormat f{.schema = json::parse(R"({"type":"object","properties":{"day":{"type":"string","format":"date"}}})")};
    auto lenient = reply(R"({"day":"yesterday"})");
    EXPECT_NO_THROW(apply_structured_reply(lenient, f, Strategy::native, "m", {}));
    f.assert_format = true;
    auto strict = reply(R"({"day":"yesterday"})");
    try {
        apply_structured_reply(strict, f, Strategy::native, "m", {});
        FAIL();
    } catch (const StructuredOutputError& e) {
        EXPECT_EQ(e.problems(), std::vector<std::string>{R"($.day: "yesterday" is not a valid date)"});
    }
    auto good = reply(R"({"day":"2026-12-07"})");
    EXPECT_NO_THROW(apply_structured_reply(good, f, Strategy::native, "m", {}));
}

// Null for an optional property counts as absent only where the provider was sent OpenAI's strict
// rewrite (optional -> required-and-nullable): not for other providers, not without strict.
TEST(StructuredReply, NullForAnOptionalPropertyIsAbsentOnlyAfterAStrictRewrite) {
    const ResponseFormat f{.schema = json::parse(R"({"type":"object","properties":{"n":{"type":"integer"},
        "note":{"type":"string"}},"required":["n"]})")};
    Capabilities rewrites;
    rewrites.optional_sent_as_null = true;
    auto r1 = reply(R"({"n":1,"note":null})");
    EXPECT_NO_THROW(apply_structured_reply(r1, f, Strategy::native, "m", rewrites));
    auto r2 = reply(R"({"n":1,"note":null})");
    EXPECT_THROW(apply_structured_reply(r2, f, Strategy::native, "m", {}), StructuredOutputError);
    auto r3 = reply(R"({"n":1,"note":null})");
    EXPECT_THROW(apply_structured_reply(r3, f, Strategy::json_mode, "m", rewrites), StructuredOutputError);
}
