// Gemini structured output and vision over real HTTP: generationConfig.responseMimeType / responseJsonSchema
// exactly as python-genai sends them, and images as inlineData (URLs downloaded client-side, key kept home).
#include <gtest/gtest.h>

#include "gemini_replies.hpp"
#include "image_host.hpp"
#include "providers/gemini.hpp"
#include "providers/registry.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::gemini;
namespace host = llmgate::testing::image_host;

namespace {

constexpr const char* kKey = "AIza-test-SECRET-0123456789";

const json kSchema = json::parse(R"({"type":"object","properties":{"title":{"type":"string"},"year":{"type":"integer"}},
                                     "required":["title","year"],"additionalProperties":false})");

class GeminiStructuredVisionHttp : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        point_at("GEMINI_API_KEY", kKey, "GEMINI_BASE_URL");
    }

    // The adapter itself, as the dispatch layer calls it once it has chosen a structured mode.
    CompletionResponse call_adapter(detail::StructuredMode mode, Options options = {}) {
        const detail::Route route = detail::route("gemini/gemini-2.5-flash", "");
        return route.provider->complete(detail::ChatRequest{.model = route.model,
                                                            .messages = {Message::user("Name a film.")},
                                                            .options = std::move(options),
                                                            .structured = mode});
    }

    FakeServer images;
};

}  // namespace

TEST_F(GeminiStructuredVisionHttp, NativeSchemaSendsResponseMimeTypeAndResponseJsonSchema) {
    server.enqueue(fake::text(R"({"title":"Alien","year":1979})"));
    auto r = call_adapter(detail::StructuredMode::native_schema,
                          {.max_tokens = 50, .response_format = ResponseFormat{.schema = kSchema, .name = "movie"}});
    EXPECT_EQ(r.text(), R"({"title":"Alien","year":1979})");
    const json body = server.last_request().json();
    EXPECT_EQ(
        body["generationConfig"],
        json({{"maxOutputTokens", 50}, {"responseMimeType", "application/json"}, {"responseJsonSchema", kSchema}}));
    EXPECT_FALSE(body["generationConfig"].contains("responseSchema"));  // the OpenAPI-subset field stays unused
}

TEST_F(GeminiStructuredVisionHttp, JsonModeSendsOnlyTheResponseMimeType) {
    server.enqueue(fake::text(R"({"a":1})"));
    (void)call_adapter(detail::StructuredMode::json_mode, {.response_format = ResponseFormat{.schema = kSchema}});
    EXPECT_EQ(server.last_request().json()["generationConfig"], json({{"responseMimeType", "application/json"}}));
}

TEST_F(GeminiStructuredVisionHttp, NoStructuredModeSendsNoGenerationConfig) {
    server.enqueue(fake::text("hi"));
    // response_format alone (the prompt strategy) asks Gemini for nothing special.
    (void)call_adapter(detail::StructuredMode::none, {.response_format = ResponseFormat{.schema = kSchema}});
    EXPECT_FALSE(server.last_request().json().contains("generationConfig"));
}

TEST_F(GeminiStructuredVisionHttp, ExtraGenerationConfigIsMergedWithTheStructuredFields) {
    server.enqueue(fake::text("{}"));
    (void)call_adapter(detail::StructuredMode::json_mode, {.extra = {{"generationConfig", {{"candidateCount", 1}}}}});
    EXPECT_EQ(server.last_request().json()["generationConfig"],
              json({{"responseMimeType", "application/json"}, {"candidateCount", 1}}));
}

TEST_F(GeminiStructuredVisionHttp, CapabilitiesSayBytesOnlyAndStructuredModesExceptForGemma) {
    const auto caps = detail::gemini_capabilities("gemini-2.5-flash");
    EXPECT_TRUE(caps.native_schema);
    EXPECT_TRUE(caps.json_mode);
    EXPECT_TRUE(caps.images);
    EXPECT_FALSE(caps.image_urls);
    EXPECT_EQ(caps.max_embedding_inputs, 100u);
    const auto gemma = detail::gemini_capabilities("models/gemma-3-27b-it");
    EXPECT_FALSE(gemma.native_schema);
    EXPECT_FALSE(gemma.json_mode);
    EXPECT_EQ(detail::route("gemini/gemini-2.5-flash", "").provider->capabilities("gemini-2.5-flash").image_urls,
              false);
}

TEST_F(GeminiStructuredVisionHttp, ImageUrlIsDownloadedAndSentAsInlineDataWithoutTheKey) {
    images.route("GET", "/photo.jpg", host::image(host::kPngBytes, "image/png"));  // the content type wins over ".jpg"
    server.enqueue(fake::text("a photo"));
    auto r = completion("gemini/gemini-2.5-flash",
                        {Message::user({ContentPart::text_part("Describe"),
                                        ContentPart::image_from_url(images.base_url() + "/photo.jpg")})});
    EXPECT_EQ(r.text(), "a photo");
    ASSERT_EQ(images.request_count(), 1u);
    host::expect_anonymous_get(images.last_request());
    EXPECT_EQ(server.last_request().header("x-goog-api-key"), kKey);
    EXPECT_EQ(server.last_request().json()["contents"], json::parse(R"([{"role":"user","parts":[{"text":"Describe"},
                              {"inlineData":{"mimeType":"image/png","data":")" +
                                                                    std::string(host::kPngBase64) + R"("}}]}])"));
}

TEST_F(GeminiStructuredVisionHttp, ImageBytesAreSentAsInlineData) {
    server.enqueue(fake::text("ok"));
    (void)completion("gemini/gemini-2.5-flash",
                     {Message::user({ContentPart::image_from_bytes(host::kPngBase64, "image/png")})});
    EXPECT_EQ(images.request_count(), 0u);
    EXPECT_EQ(
        server.last_request().json()["contents"][0]["parts"],
        json::parse(R"([{"inlineData":{"mimeType":"image/png","data":")" + std::string(host::kPngBase64) + R"("}}])"));
}

TEST_F(GeminiStructuredVisionHttp, FailedImageDownloadNeverReachesGemini) {
    images.route("GET", "/x.png", host::status(500));
    EXPECT_THROW((void)completion("gemini/gemini-2.5-flash",
                                  {Message::user({ContentPart::image_from_url(images.base_url() + "/x.png")})}),
                 ImageFetchError);
    EXPECT_EQ(server.request_count(), 0u);
}

// Through the public API: the dispatch layer picks the native mode from gemini_capabilities and validates.
TEST_F(GeminiStructuredVisionHttp, ResponseFormatUsesTheNativeModeAndParsesTheReply) {
    server.enqueue(fake::text(R"({"title":"Alien","year":1979})"));
    auto r = completion("gemini/gemini-2.5-flash", {Message::user("Name a film.")},
                        {.response_format = ResponseFormat{.schema = kSchema}});
    EXPECT_EQ(r.structured_strategy, "native");
    EXPECT_EQ(r.parsed_json, json({{"title", "Alien"}, {"year", 1979}}));
    EXPECT_EQ(server.last_request().json()["generationConfig"]["responseJsonSchema"], kSchema);
}

TEST_F(GeminiStructuredVisionHttp, ReplyNotFittingTheSchemaIsAStructuredOutputError) {
    server.enqueue(fake::text(R"({"title":"Alien","year":"1979"})"));
    try {
        (void)completion("gemini/gemini-2.5-flash", {Message::user("Name a film.")},
                         {.response_format = ResponseFormat{.schema = kSchema}});
        ADD_FAILURE() << "no error";
    } catch (const StructuredOutputError& e) {
        EXPECT_EQ(e.raw_text(), R"({"title":"Alien","year":"1979"})");
        EXPECT_FALSE(e.problems().empty());
    }
}

TEST_F(GeminiStructuredVisionHttp, GemmaGetsTheSchemaInThePromptInstead) {
    server.enqueue(fake::text("Here you go:\n```json\n{\"title\":\"Alien\",\"year\":1979}\n```"));
    auto r = completion("gemini/gemma-3-27b-it", {Message::user("Name a film.")},
                        {.response_format = ResponseFormat{.schema = kSchema}});
    EXPECT_EQ(r.structured_strategy, "prompt");
    EXPECT_EQ(r.parsed_json["year"], 1979);
    EXPECT_FALSE(server.last_request().json().contains("generationConfig"));
}
