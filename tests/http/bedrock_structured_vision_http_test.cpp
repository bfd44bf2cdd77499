// Bedrock structured output and vision over real HTTP: Converse outputConfig.textFormat json_schema (botocore
// service-2.json shapes, the schema as a JSON string) and image blocks {format, source{bytes}} (URLs downloaded
// client-side; SigV4 credentials never reach the image host).
#include <gtest/gtest.h>

#include "bedrock_replies.hpp"
#include "image_host.hpp"
#include "providers/aws_sigv4.hpp"
#include "providers/bedrock.hpp"
#include "providers/registry.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::bedrock;
namespace host = llmgate::testing::image_host;

namespace {

constexpr const char* kAccessKey = "AKIDTESTEXAMPLE";
constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+SECRET0123456789";
constexpr const char* kModelId = "anthropic.claude-sonnet-4-5-20250929-v1:0";

const json kSchema = json::parse(R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"],
                                     "additionalProperties":false})");

class BedrockStructuredVisionHttp : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        env.set("AWS_ACCESS_KEY_ID", kAccessKey);
        env.set("AWS_SECRET_ACCESS_KEY", kSecret);
        env.set("AWS_SESSION_TOKEN", "SESSION-TOKEN-SECRET");
        env.set("AWS_REGION", "us-east-1");
        env.set("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", server.base_url().c_str());
    }

    CompletionResponse call_adapter(detail::StructuredMode mode, Options options = {}) {
        const detail::Route route = detail::route(std::string("bedrock/") + kModelId, "");
        return route.provider->complete(detail::ChatRequest{.model = route.model,
                                                            .messages = {Message::user("Where is the Louvre?")},
                                                            .options = std::move(options),
                                                            .structured = mode});
    }

    // The signature the server must have seen for exactly the body it received.
    std::string expected_authorization(const RecordedRequest& req) const {
        detail::HttpRequest r;
        r.url = server.base_url() + "/model/" + detail::aws_uri_encode(kModelId) + "/converse";
        r.body = req.body;
        r.headers = {{"content-type", req.header("content-type")}, {"accept", req.header("accept")}};
        detail::sigv4_sign(
            r,
            detail::AwsCredentials{
                .access_key_id = kAccessKey, .secret_access_key = kSecret, .session_token = "SESSION-TOKEN-SECRET"},
            detail::SigV4Scope{.region = "us-east-1", .service = "bedrock"}, req.header("x-amz-date"));
        return detail::find_header(r.headers, "authorization");
    }

    FakeServer images;
};

}  // namespace

TEST_F(BedrockStructuredVisionHttp, NativeSchemaSendsOutputConfigTextFormatWithTheSchemaAsAString) {
    server.enqueue(fake::converse_text(R"({"city":"Paris"})"));
    auto r = call_adapter(
        detail::StructuredMode::native_schema,
        {.max_tokens = 100,
         .response_format = ResponseFormat{.schema = kSchema, .name = "place", .description = "Where it is"}});
    EXPECT_EQ(r.text(), R"({"city":"Paris"})");
    const auto req = server.last_request();
    const json body = req.json();
    EXPECT_EQ(body["outputConfig"], json::parse(R"({"textFormat":{"type":"json_schema","structure":{"jsonSchema":{
        "schema":)" + json(kSchema.dump()).dump() +
                                                R"(,"name":"place","description":"Where it is"}}}})"));
    // JsonSchemaDefinition.schema is a String: it must parse back to the very schema given.
    EXPECT_EQ(json::parse(body["outputConfig"]["textFormat"]["structure"]["jsonSchema"]["schema"].get<std::string>()),
              kSchema);
    EXPECT_EQ(body["inferenceConfig"], json({{"maxTokens", 100}}));
    EXPECT_EQ(req.header("authorization"),
              expected_authorization(req));  // the signed body is the one with outputConfig
}

TEST_F(BedrockStructuredVisionHttp, EmptyDescriptionIsLeftOut) {
    server.enqueue(fake::converse_text("{}"));
    (void)call_adapter(detail::StructuredMode::native_schema, {.response_format = ResponseFormat{.schema = kSchema}});
    EXPECT_EQ(server.last_request().json()["outputConfig"]["textFormat"]["structure"]["jsonSchema"],
              json({{"schema", kSchema.dump()}, {"name", "response"}}));
}

TEST_F(BedrockStructuredVisionHttp, NoNativeModeSendsNoOutputConfig) {
    for (auto mode : {detail::StructuredMode::none, detail::StructuredMode::json_mode}) {
        server.enqueue(fake::converse_text("{}"));
        (void)call_adapter(mode, {.response_format = ResponseFormat{.schema = kSchema}});
        EXPECT_FALSE(server.last_request().json().contains("outputConfig"));
    }
}

TEST_F(BedrockStructuredVisionHttp, CapabilitiesSayNativeSchemaNoJsonModeAndBytesOnly) {
    const auto caps = detail::route(std::string("bedrock/") + kModelId, "").provider->capabilities(kModelId);
    EXPECT_TRUE(caps.native_schema);
    EXPECT_FALSE(caps.json_mode);
    EXPECT_TRUE(caps.images);
    EXPECT_FALSE(caps.image_urls);
    EXPECT_EQ(detail::bedrock_capabilities("cohere.embed-english-v3").max_embedding_inputs, 96u);
    EXPECT_EQ(detail::bedrock_capabilities("us.cohere.embed-v4:0").max_embedding_inputs, 96u);
    EXPECT_EQ(detail::bedrock_capabilities("amazon.titan-embed-text-v2:0").max_embedding_inputs,
              0u);  // one call per text anyway
}

TEST_F(BedrockStructuredVisionHttp, ImageUrlIsDownloadedAndSentAsBytesWithoutAwsCredentials) {
    images.route("GET", "/chart", host::image("GIF89a-bytes", "image/gif"));
    server.enqueue(fake::converse_text("a chart"));
    auto r = completion(std::string("bedrock/") + kModelId,
                        {Message::user({ContentPart::image_from_url(images.base_url() + "/chart"),
                                        ContentPart::text_part("Explain")})});
    EXPECT_EQ(r.text(), "a chart");
    ASSERT_EQ(images.request_count(), 1u);
    host::expect_anonymous_get(images.last_request());
    const auto req = server.last_request();
    EXPECT_EQ(req.json()["messages"], json::parse(R"([{"role":"user","content":[
        {"image":{"format":"gif","source":{"bytes":"R0lGODlhLWJ5dGVz"}}},{"text":"Explain"}]}])"));
    EXPECT_EQ(req.header("authorization"), expected_authorization(req));
}

TEST_F(BedrockStructuredVisionHttp, ImageBytesAreSentAsAnImageBlock) {
    server.enqueue(fake::converse_text("ok"));
    (void)completion(std::string("bedrock/") + kModelId,
                     {Message::user({ContentPart::text_part("Describe"),
                                     ContentPart::image_from_bytes(host::kPngBase64, "image/png")})});
    EXPECT_EQ(images.request_count(), 0u);
    EXPECT_EQ(
        server.last_request().json()["messages"][0]["content"][1],
        json::parse(R"({"image":{"format":"png","source":{"bytes":")" + std::string(host::kPngBase64) + R"("}}})"));
}

TEST_F(BedrockStructuredVisionHttp, DownloadedImageOfAFormatConverseRefusesIsAnInvalidRequest) {
    images.route("GET", "/logo.svg", host::image("<svg/>", "image/svg+xml"));
    try {
        (void)completion(std::string("bedrock/") + kModelId,
                         {Message::user({ContentPart::image_from_url(images.base_url() + "/logo.svg")})});
        ADD_FAILURE() << "no error";
    } catch (const InvalidRequestError& e) {
        EXPECT_STREQ(e.type_name(), "InvalidRequestError");  // fetched fine; Converse has no svg format
        EXPECT_NE(std::string(e.what()).find("image/svg+xml"), std::string::npos) << e.what();
    }
    EXPECT_EQ(server.request_count(), 0u);
}

// Through the public API: native first; a model that rejects outputConfig makes the dispatch layer step down.
TEST_F(BedrockStructuredVisionHttp, ResponseFormatUsesOutputConfigAndParsesTheReply) {
    server.enqueue(fake::converse_text(R"({"city":"Paris"})"));
    auto r = completion(std::string("bedrock/") + kModelId, {Message::user("Where is the Louvre?")},
                        {.response_format = ResponseFormat{.schema = kSchema}});
    EXPECT_EQ(r.structured_strategy, "native");
    EXPECT_EQ(r.parsed_json, json({{"city", "Paris"}}));
    EXPECT_TRUE(server.last_request().json().contains("outputConfig"));
}

TEST_F(BedrockStructuredVisionHttp, ModelRejectingOutputConfigFallsBackToThePrompt) {
    server.enqueue(fake::error(400, "ValidationException", "This model doesn't support the outputConfig field."));
    server.enqueue(fake::converse_text("```json\n{\"city\":\"Paris\"}\n```"));
    auto r = completion(std::string("bedrock/") + kModelId, {Message::user("Where is the Louvre?")},
                        {.response_format = ResponseFormat{.schema = kSchema}});
    EXPECT_EQ(r.structured_strategy, "prompt");
    EXPECT_EQ(r.parsed_json, json({{"city", "Paris"}}));
    const auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_TRUE(reqs[0].json().contains("outputConfig"));
    EXPECT_FALSE(reqs[1].json().contains("outputConfig"));
}

TEST_F(BedrockStructuredVisionHttp, ReplyNotFittingTheSchemaIsAStructuredOutputError) {
    server.enqueue(fake::converse_text(R"({"town":"Paris"})"));
    EXPECT_THROW((void)completion(std::string("bedrock/") + kModelId, {Message::user("Where is the Louvre?")},
                                  {.response_format = ResponseFormat{.schema = kSchema}}),
                 StructuredOutputError);
}
