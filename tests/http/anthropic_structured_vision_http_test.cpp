// Anthropic structured output and vision over real HTTP: output_config.format as sent, no beta header,
// image sources by URL and by bytes, and the reply text arriving unchanged.
#include <gtest/gtest.h>

#include "anthropic_replies.hpp"
#include "providers/registry.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::anthropic;

namespace {

constexpr const char* kMovieJson = R"({"title":"Alien","year":1979})";

json movie_schema() {
    return json::parse(
        R"({"type":"object","properties":{"title":{"type":"string"},"year":{"type":"integer"}},"required":["title"]})");
}

CompletionResponse call(const std::string& model, detail::StructuredMode mode, Options options = {}) {
    options.response_format = ResponseFormat{.schema = movie_schema(), .name = "movie"};
    detail::Route route = detail::route(model, "");
    detail::ChatRequest request{route.model, {Message::user("Name a film")}, std::move(options), mode};
    return route.provider->complete(request);
}

class AnthropicStructuredHttp : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        point_at("ANTHROPIC_API_KEY", "sk-ant-test", "ANTHROPIC_BASE_URL");
    }
};

}  // namespace

TEST_F(AnthropicStructuredHttp, NativeSchemaSendsOutputConfigFormatWithoutABetaHeader) {
    server.enqueue(fake::message_text(kMovieJson));
    auto r = call("claude-sonnet-4-5", detail::StructuredMode::native_schema);
    EXPECT_EQ(r.text(), kMovieJson);
    auto req = server.last_request();
    EXPECT_EQ(req.path, "/v1/messages");
    EXPECT_EQ(req.header("anthropic-beta"), "");
    json schema = movie_schema();
    schema["additionalProperties"] = false;
    EXPECT_EQ(req.json()["output_config"], (json{{"format", {{"type", "json_schema"}, {"schema", schema}}}}));
}

TEST_F(AnthropicStructuredHttp, FormatIsMergedWithEffort) {
    server.enqueue(fake::message_text(kMovieJson, "claude-opus-4-5"));
    (void)call("claude-opus-4-5", detail::StructuredMode::native_schema, Options{.reasoning_effort = "medium"});
    json config = server.last_request().json()["output_config"];
    EXPECT_EQ(config["effort"], "medium");
    EXPECT_EQ(config["format"]["type"], "json_schema");
}

TEST_F(AnthropicStructuredHttp, CapabilitiesFollowTheModel) {
    detail::Route route = detail::route("claude-haiku-4-5", "");
    EXPECT_TRUE(route.provider->capabilities(route.model).native_schema);
    EXPECT_FALSE(route.provider->capabilities(route.model).json_mode);
    EXPECT_FALSE(route.provider->capabilities("claude-3-5-haiku-latest").native_schema);
    EXPECT_TRUE(route.provider->capabilities(route.model).image_urls);
}

TEST_F(AnthropicStructuredHttp, ImagesByUrlAndByBytes) {
    server.enqueue(fake::message_text("a cat"));
    auto r = completion("claude-sonnet-4-5",
                        {Message::user({ContentPart::text_part("What is in the image?"),
                                        ContentPart::image_from_url("https://example.com/cat.jpg", "low"),
                                        ContentPart::image_from_bytes("/9j/4AAQSkZJRg==", "image/jpeg")})});
    EXPECT_EQ(r.text(), "a cat");
    json content = server.last_request().json()["messages"][0]["content"];
    EXPECT_EQ(content, json::parse(R"([{"type":"text","text":"What is in the image?"},
        {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}},
        {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQSkZJRg=="}}])"));
}

TEST_F(AnthropicStructuredHttp, EndToEndNativeOnNewModelsPromptOnOlderOnes) {
    const ResponseFormat format{.schema = json::parse(R"({"type":"object","properties":{"title":{"type":"string"},
        "year":{"type":"integer"}},"required":["title","year"]})"),
                                .name = "film"};
    server.enqueue(fake::message_text(kMovieJson));
    auto r = completion("claude-sonnet-4-5", {Message::user("Name a film")}, {.response_format = format});
    EXPECT_EQ(r.structured_strategy, "native");
    EXPECT_EQ(r.parsed_json, json::parse(kMovieJson));
    EXPECT_TRUE(server.last_request().json()["output_config"].contains("format"));

    server.enqueue(
        fake::message_text(std::string("Here it is:\n```json\n") + kMovieJson + "\n```", "claude-3-5-haiku-latest"));
    r = completion("claude-3-5-haiku-latest", {Message::user("Name a film")}, {.response_format = format});
    EXPECT_EQ(r.structured_strategy, "prompt");
    EXPECT_EQ(r.parsed_json, json::parse(kMovieJson));
    EXPECT_FALSE(server.last_request().json().contains("output_config"));
}
