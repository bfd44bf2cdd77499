// Anthropic structured output and vision as pure translation: output_config.format, the schema rewrite
// anthropic-sdk-python applies, which models take it, and image sources from URLs, data: URIs and bytes.
#include <gtest/gtest.h>

#include "llmgate/errors.hpp"
#include "providers/anthropic.hpp"

using namespace llmgate;
using namespace llmgate::detail;

namespace {

ChatRequest request(StructuredMode mode, json schema) {
    ChatRequest r;
    r.model = "claude-sonnet-4-5";
    r.messages = {Message::user("a film")};
    r.options.response_format = ResponseFormat{.schema = std::move(schema), .name = "movie"};
    r.structured = mode;
    return r;
}

json image_block(ContentPart part) {
    ChatRequest r;
    r.model = "claude-sonnet-4-5";
    r.messages = {Message::user({std::move(part)})};
    return anthropic_chat_body(r, false)["messages"][0]["content"][0];
}

}  // namespace

TEST(AnthropicStructured, ModelsFromSonnet45Opus41Haiku45TakeStructuredOutputs) {
    for (const char* yes :
         {"claude-sonnet-4-5", "claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805", "claude-opus-4-5",
          "claude-haiku-4-5", "claude-haiku-4-5-20251001", "claude-opus-4-7", "claude-sonnet-5"})
        EXPECT_TRUE(anthropic_supports_structured_output(yes)) << yes;
    for (const char* no : {"claude-sonnet-4-20250514", "claude-opus-4-20250514", "claude-3-5-sonnet-20241022",
                           "claude-3-7-sonnet-latest", "claude-3-5-haiku-latest", "claude-haiku-4", "claude-instant-1"})
        EXPECT_FALSE(anthropic_supports_structured_output(no)) << no;
}

TEST(AnthropicStructured, SchemaGetsClosedObjectsAndUnenforcedKeywordsInTheDescription) {
    json s = anthropic_output_schema(json::parse(R"({"type":"object","title":"Movie",
        "properties":{
          "title":{"type":"string","minLength":1,"description":"The title"},
          "year":{"type":"integer","minimum":1888},
          "released":{"type":"string","format":"date"},
          "cast":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"}}},"minItems":1,"maxItems":10},
          "kind":{"oneOf":[{"type":"string"},{"type":"null"}]}},
        "required":["title"]})"));
    EXPECT_EQ(s["additionalProperties"], false);
    EXPECT_EQ(s["required"], json::array({"title"}));  // optional stays optional
    EXPECT_EQ(s["title"], "Movie");
    EXPECT_EQ(s["properties"]["title"],
              json::parse(R"({"type":"string","description":"The title\n\n{minLength: 1}"})"));
    EXPECT_EQ(s["properties"]["year"], json::parse(R"({"type":"integer","description":"{minimum: 1888}"})"));
    EXPECT_EQ(s["properties"]["released"]["format"], "date");
    const json& cast = s["properties"]["cast"];
    EXPECT_EQ(cast["minItems"], 1);
    EXPECT_EQ(cast["description"], "{maxItems: 10}");
    EXPECT_EQ(cast["items"]["additionalProperties"], false);
    EXPECT_EQ(s["properties"]["kind"], json::parse(R"({"anyOf":[{"type":"string"},{"type":"null"}]})"));
}

TEST(AnthropicStructured, RefsAndDefsAreKept) {
    json s = anthropic_output_schema(json::parse(R"({"type":"object","properties":{"d":{"$ref":"#/$defs/P"}},
        "$defs":{"P":{"type":"object","properties":{"n":{"type":"string"}}}}})"));
    EXPECT_EQ(s["properties"]["d"], json::parse(R"({"$ref":"#/$defs/P"})"));
    EXPECT_EQ(s["$defs"]["P"]["additionalProperties"], false);
}

TEST(AnthropicStructured, NativeSchemaGoesToOutputConfigFormatBesideEffort) {
    ChatRequest r = request(StructuredMode::native_schema,
                            json::parse(R"({"type":"object","properties":{"t":{"type":"string"}}})"));
    r.model = "claude-opus-4-6";  // takes output_config.effort (adaptive thinking)
    r.options.reasoning_effort = "high";
    json body = anthropic_chat_body(r, false);
    EXPECT_EQ(body["output_config"], json::parse(R"({"effort":"high","format":{"type":"json_schema",
        "schema":{"type":"object","properties":{"t":{"type":"string"}},"additionalProperties":false}}})"));
}

TEST(AnthropicStructured, OtherModesSendNoFormat) {
    json schema = json::parse(R"({"type":"object"})");
    EXPECT_FALSE(anthropic_chat_body(request(StructuredMode::none, schema), false).contains("output_config"));
    // Claude has no JSON mode: the structured layer puts the instructions in the prompt instead.
    EXPECT_FALSE(anthropic_chat_body(request(StructuredMode::json_mode, schema), false).contains("output_config"));
}

TEST(AnthropicVision, UrlBytesAndDataUriSources) {
    EXPECT_EQ(image_block(ContentPart::image_from_url("https://example.com/cat.jpg", "high")),
              json::parse(R"({"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}})"));
    EXPECT_EQ(
        image_block(ContentPart::image_from_bytes("iVBORw0KGgo=", "image/png")),
        json::parse(R"({"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}})"));
    EXPECT_EQ(
        image_block(ContentPart::image_from_url("data:image/webp;base64,UklGRg==")),
        json::parse(R"({"type":"image","source":{"type":"base64","media_type":"image/webp","data":"UklGRg=="}})"));
    // Parameters after the media type are not part of it.
    EXPECT_EQ(image_block(ContentPart::image_from_url("data:image/png;name=a.png;base64,AAAA"))["source"]["media_type"],
              "image/png");
}

TEST(AnthropicVision, DataUrisThatAreNotBase64OrHaveNoMediaTypeAreRejected) {
    EXPECT_THROW(image_block(ContentPart::image_from_url("data:image/svg+xml,<svg/>")), InvalidRequestError);
    EXPECT_THROW(image_block(ContentPart::image_from_url("data:;base64,AAAA")), InvalidRequestError);
}
