// Cohere v2 structured output and vision over real HTTP: response_format json_object with and without
// json_schema, image_url content parts by URL (with detail) and by bytes, the reply text unchanged.
#include <gtest/gtest.h>

#include "cohere_replies.hpp"
#include "providers/registry.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::cohere;

namespace {

constexpr const char* kMovieJson = R"({"title":"Alien","year":1979})";

json movie_schema() {
    return json::parse(
        R"({"type":"object","properties":{"title":{"type":"string"},"year":{"type":"integer"}},"required":["title"]})");
}

CompletionResponse call(detail::StructuredMode mode) {
    detail::Route route = detail::route("cohere/command-a-03-2025", "");
    detail::ChatRequest request{route.model,
                                {Message::user("Name a film as JSON")},
                                Options{.response_format = ResponseFormat{.schema = movie_schema(), .name = "movie"}},
                                mode};
    return route.provider->complete(request);
}

class CohereStructuredHttp : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        point_at("COHERE_API_KEY", "co-test", "COHERE_BASE_URL");
    }
};

}  // namespace

TEST_F(CohereStructuredHttp, NativeSchemaIsJsonObjectWithTheSchemaAsGiven) {
    server.enqueue(fake::chat_text(kMovieJson));
    auto r = call(detail::StructuredMode::native_schema);
    EXPECT_EQ(r.text(), kMovieJson);
    auto req = server.last_request();
    EXPECT_EQ(req.path, "/v2/chat");
    EXPECT_EQ(req.json()["response_format"], (json{{"type", "json_object"}, {"json_schema", movie_schema()}}));
}

TEST_F(CohereStructuredHttp, JsonModeIsJsonObjectWithoutSchema) {
    server.enqueue(fake::chat_text("{}"));
    (void)call(detail::StructuredMode::json_mode);
    EXPECT_EQ(server.last_request().json()["response_format"], json::parse(R"({"type":"json_object"})"));
}

TEST_F(CohereStructuredHttp, NoStructuredModeSendsNoResponseFormat) {
    server.enqueue(fake::chat_text("plain"));
    (void)call(detail::StructuredMode::none);
    EXPECT_FALSE(server.last_request().json().contains("response_format"));
}

TEST_F(CohereStructuredHttp, CapabilitiesIncludeBothModesImagesAndTheEmbedBatchLimit) {
    detail::Route route = detail::route("cohere/command-a-vision-07-2025", "");
    auto caps = route.provider->capabilities(route.model);
    EXPECT_TRUE(caps.native_schema);
    EXPECT_TRUE(caps.json_mode);
    EXPECT_TRUE(caps.images);
    EXPECT_TRUE(caps.image_urls);
    EXPECT_EQ(caps.max_embedding_inputs, 96u);
}

TEST_F(CohereStructuredHttp, ImagesByUrlWithDetailAndByBytes) {
    server.enqueue(fake::chat_text("a cat"));
    auto r = completion("cohere/command-a-vision-07-2025",
                        {Message::user({ContentPart::text_part("What is in the image?"),
                                        ContentPart::image_from_url("https://example.com/cat.jpg", "low"),
                                        ContentPart::image_from_bytes("/9j/4AAQSkZJRg==", "image/jpeg")})});
    EXPECT_EQ(r.text(), "a cat");
    json content = server.last_request().json()["messages"][0]["content"];
    EXPECT_EQ(content, json::parse(R"([{"type":"text","text":"What is in the image?"},
        {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg","detail":"low"}},
        {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQSkZJRg=="}}])"));
}

TEST_F(CohereStructuredHttp, EndToEndNativeSchemaReplyIsParsed) {
    server.enqueue(fake::chat_text(kMovieJson));
    auto r = completion("cohere/command-a-03-2025", {Message::user("Name a film")},
                        {.response_format = ResponseFormat{.schema = movie_schema(), .name = "movie"}});
    EXPECT_EQ(r.structured_strategy, "native");
    EXPECT_EQ(r.parsed_json, json::parse(kMovieJson));
    EXPECT_EQ(server.last_request().json()["response_format"]["json_schema"], movie_schema());
}
