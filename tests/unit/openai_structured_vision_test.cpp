// OpenAI-shape structured output and vision, as pure translation: response_format, the strict-mode
// schema rewrite, refusals, image parts, and what each OpenAI-compatible provider says it can do.
#include <gtest/gtest.h>

#include "providers/openai_compatible.hpp"
#include "providers/registry.hpp"

using namespace llmgate;
using namespace llmgate::detail;

namespace {

json movie_schema() {
    return json::parse(R"({"type":"object",
        "properties":{"title":{"type":"string"},"year":{"type":"integer"},"nickname":{"type":"string"}},
        "required":["title","year"]})");
}

ChatRequest structured(StructuredMode mode,
                       ResponseFormat rf = ResponseFormat{.schema = movie_schema(), .name = "movie"}) {
    ChatRequest r;
    r.model = "gpt-4o-mini";
    r.messages = {Message::user("a film")};
    r.options.response_format = std::move(rf);
    r.structured = mode;
    return r;
}

Capabilities caps(const std::string& model) {
    Route route = detail::route(model, "");
    return route.provider->capabilities(route.model);
}

}  // namespace

TEST(OpenAIStrictSchema, OptionalPropertiesBecomeRequiredAndNullable) {
    json s = openai_strict_schema(movie_schema());
    EXPECT_EQ(s["required"], json::array({"nickname", "title", "year"}));
    EXPECT_EQ(s["additionalProperties"], false);
    EXPECT_EQ(s["properties"]["nickname"]["type"], json::array({"string", "null"}));
    EXPECT_EQ(s["properties"]["title"]["type"], "string");  // required stays as it was
}

TEST(OpenAIStrictSchema, RewritesNestedObjectsArrayItemsDefsAndAnyOf) {
    json s = openai_strict_schema(json::parse(R"({"type":"object",
        "properties":{
          "cast":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name"]}},
          "director":{"$ref":"#/$defs/Person"},
          "genre":{"type":"string","enum":["scifi","drama"]},
          "rating":{"anyOf":[{"type":"number"},{"type":"object","properties":{"stars":{"type":"integer"}}}]}},
        "required":["cast"],
        "$defs":{"Person":{"type":"object","properties":{"name":{"type":"string"}}}}})"));
    const json& item = s["properties"]["cast"]["items"];
    EXPECT_EQ(item["required"], json::array({"age", "name"}));
    EXPECT_EQ(item["additionalProperties"], false);
    EXPECT_EQ(item["properties"]["age"]["type"], json::array({"integer", "null"}));
    // A $ref cannot take "null" in its type: it is wrapped.
    EXPECT_EQ(s["properties"]["director"], json::parse(R"({"anyOf":[{"$ref":"#/$defs/Person"},{"type":"null"}]})"));
    EXPECT_EQ(s["$defs"]["Person"]["required"], json::array({"name"}));
    EXPECT_EQ(s["$defs"]["Person"]["properties"]["name"]["type"], json::array({"string", "null"}));
    EXPECT_EQ(s["$defs"]["Person"]["additionalProperties"], false);
    // An optional enum must accept null in both its type and its values.
    EXPECT_EQ(s["properties"]["genre"]["enum"], json::parse(R"(["scifi","drama",null])"));
    // anyOf gains a null branch, and objects inside it are rewritten too.
    const json& rating = s["properties"]["rating"]["anyOf"];
    ASSERT_EQ(rating.size(), 3u);
    EXPECT_EQ(rating[2], json::parse(R"({"type":"null"})"));
    EXPECT_EQ(rating[1]["required"], json::array({"stars"}));
    EXPECT_EQ(rating[1]["additionalProperties"], false);
}

TEST(OpenAIStrictSchema, KeepsAnExplicitAdditionalPropertiesAndAlreadyNullableTypes) {
    json s = openai_strict_schema(json::parse(R"({"type":"object",
        "properties":{"tags":{"type":"object","additionalProperties":{"type":"string"}},
                      "note":{"type":["string","null"]}}})"));
    EXPECT_EQ(s["properties"]["tags"]["additionalProperties"], json::parse(R"({"type":"string"})"));
    EXPECT_EQ(s["properties"]["note"]["type"], json::parse(R"(["string","null"])"));
}

TEST(OpenAIStrictSchema, StopsAtDeepNestingInsteadOfRecursingWithoutBound) {
    json deep = json{{"type", "string"}};
    for (int i = 0; i < 5000; ++i) deep = json{{"type", "array"}, {"items", std::move(deep)}};
    json s = openai_strict_schema(deep);  // returns (no stack overflow); the shape is kept
    EXPECT_EQ(s["type"], "array");
}

TEST(OpenAIResponseFormat, NativeSchemaIsJsonSchemaWithStrictRewrite) {
    ResponseFormat rf{.schema = movie_schema(), .name = "movie", .description = "A film"};
    json body = openai_chat_body(structured(StructuredMode::native_schema, rf), false, false);
    const json& f = body["response_format"];
    EXPECT_EQ(f["type"], "json_schema");
    EXPECT_EQ(f["json_schema"]["name"], "movie");
    EXPECT_EQ(f["json_schema"]["description"], "A film");
    EXPECT_EQ(f["json_schema"]["strict"], true);
    EXPECT_EQ(f["json_schema"]["schema"], openai_strict_schema(movie_schema()));
}

TEST(OpenAIResponseFormat, NonStrictSendsTheSchemaAsGiven) {
    ResponseFormat rf{.schema = movie_schema(), .name = "movie", .strict = false};
    json f = openai_response_format(structured(StructuredMode::native_schema, rf), true);
    EXPECT_EQ(f["json_schema"]["strict"], false);
    EXPECT_EQ(f["json_schema"]["schema"], movie_schema());
    EXPECT_FALSE(f["json_schema"].contains("description"));
    // strict requested but not allowed by the provider/model: the same.
    f = openai_response_format(structured(StructuredMode::native_schema), false);
    EXPECT_EQ(f["json_schema"]["strict"], false);
    EXPECT_EQ(f["json_schema"]["schema"], movie_schema());
}

TEST(OpenAIResponseFormat, NameIsMadeValidForTheApi) {
    ResponseFormat rf{.schema = movie_schema(), .name = "my movie/v2"};
    EXPECT_EQ(openai_response_format(structured(StructuredMode::native_schema, rf), true)["json_schema"]["name"],
              "my_movie_v2");
    rf.name = "";
    EXPECT_EQ(openai_response_format(structured(StructuredMode::native_schema, rf), true)["json_schema"]["name"],
              "response");
}

TEST(OpenAIResponseFormat, JsonModeIsJsonObjectAndNoneSendsNothing) {
    EXPECT_EQ(openai_chat_body(structured(StructuredMode::json_mode), false, false)["response_format"],
              json::parse(R"({"type":"json_object"})"));
    EXPECT_FALSE(openai_chat_body(structured(StructuredMode::none), false, false).contains("response_format"));
}

TEST(OpenAIReply, RefusalIsKeptInProviderDataAndTextStaysEmpty) {
    CompletionResponse r = openai_parse_chat("openai", R"({"id":"x","model":"gpt-4o","choices":[{"index":0,
        "finish_reason":"stop","message":{"role":"assistant","content":null,"refusal":"I can't help with that."}}]})");
    EXPECT_EQ(r.text(), "");
    EXPECT_EQ(r.choices[0].message.provider_data, json::parse(R"({"refusal":"I can't help with that."})"));
    // No refusal (null, as every ordinary reply carries): nothing is set.
    r = openai_parse_chat("openai", R"({"choices":[{"message":{"content":"{}","refusal":null}}]})");
    EXPECT_TRUE(r.choices[0].message.provider_data.is_null());
}

TEST(OpenAIVision, ImageUrlKeepsDetailAndBytesBecomeADataUri) {
    ChatRequest r;
    r.model = "gpt-4o-mini";
    r.messages = {Message::user({ContentPart::text_part("what is it?"),
                                 ContentPart::image_from_url("https://example.com/cat.png", "high"),
                                 ContentPart::image_from_bytes("iVBORw0KGgo=", "image/png")})};
    json content = openai_chat_body(r, false, false)["messages"][0]["content"];
    EXPECT_EQ(content[0], json::parse(R"({"type":"text","text":"what is it?"})"));
    EXPECT_EQ(content[1],
              json::parse(R"({"type":"image_url","image_url":{"url":"https://example.com/cat.png","detail":"high"}})"));
    EXPECT_EQ(content[2],
              json::parse(R"({"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}})"));
}

TEST(OpenAICapabilities, StructuredModesFollowTheModelFamily) {
    EXPECT_TRUE(caps("gpt-4o-mini").native_schema);
    EXPECT_TRUE(caps("gpt-4.1").native_schema);
    EXPECT_TRUE(caps("o3-mini").native_schema);
    EXPECT_FALSE(caps("gpt-4-turbo").native_schema);
    EXPECT_TRUE(caps("gpt-4-turbo").json_mode);
    EXPECT_FALSE(caps("gpt-3.5-turbo").native_schema);
    EXPECT_TRUE(caps("gpt-3.5-turbo").json_mode);
    EXPECT_FALSE(caps("gpt-4").native_schema);
    EXPECT_FALSE(caps("gpt-4").json_mode);
    EXPECT_EQ(caps("text-embedding-3-small").max_embedding_inputs, 2048u);
    EXPECT_TRUE(caps("gpt-4o").images);
    EXPECT_TRUE(caps("gpt-4o").image_urls);
}

TEST(OpenAICapabilities, GroqTakesJsonSchemaOnlyOnTheModelsItLists) {
    EXPECT_TRUE(caps("groq/openai/gpt-oss-120b").native_schema);
    EXPECT_TRUE(caps("groq/moonshotai/kimi-k2-instruct-0905").native_schema);
    EXPECT_TRUE(caps("groq/meta-llama/llama-4-scout-17b-16e-instruct").native_schema);
    EXPECT_FALSE(caps("groq/llama-3.1-8b-instant").native_schema);
    EXPECT_TRUE(caps("groq/llama-3.1-8b-instant").json_mode);
}

TEST(OpenAICapabilities, MistralTakesBothModes) {
    EXPECT_TRUE(caps("mistral/mistral-small-latest").native_schema);
    EXPECT_TRUE(caps("mistral/mistral-small-latest").json_mode);
}
