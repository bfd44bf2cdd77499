// list_models over real HTTP: each API family's models endpoint, its auth, its pagination and its reply shape.
#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;

namespace {

class ListModelsHttp : public ServerTest {};

Reply json_reply(std::string body) { return Reply{.body = std::move(body)}; }

}  // namespace

TEST_F(ListModelsHttp, OpenAIReadsTheListAndTogethersBareArray) {
    point_at("OPENAI_API_KEY", "sk-list", "OPENAI_BASE_URL", "/v1");
    server.enqueue(json_reply(R"({"object":"list","data":[
        {"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system"},
        {"id":"text-embedding-3-small","object":"model","created":1705948997,"owned_by":"system"}]})"));
    auto models = list_models("openai");
    ASSERT_EQ(models.size(), 2u);
    EXPECT_EQ(models[0].id, "gpt-4o-mini");
    EXPECT_EQ(models[0].owned_by, "system");
    EXPECT_EQ(models[0].created, 1721172741);
    EXPECT_EQ(models[1].raw["object"], "model");
    auto req = server.last_request();
    EXPECT_EQ(req.method, "GET");
    EXPECT_EQ(req.path, "/v1/models");
    EXPECT_EQ(req.header("authorization"), "Bearer sk-list");

    // Together answers GET /v1/models with a bare array, its own names for the owner, name and context.
    point_at("TOGETHER_API_KEY", "tg-list", "TOGETHER_BASE_URL", "/v1");
    server.enqueue(json_reply(R"([{"id":"meta-llama/Llama-3.3-70B-Instruct-Turbo","object":"model","created":1733443200,
        "type":"chat","display_name":"Llama 3.3 70B Instruct Turbo","organization":"Meta","context_length":131072}])"));
    models = list_models("together");
    ASSERT_EQ(models.size(), 1u);
    EXPECT_EQ(models[0].id, "meta-llama/Llama-3.3-70B-Instruct-Turbo");
    EXPECT_EQ(models[0].display_name, "Llama 3.3 70B Instruct Turbo");
    EXPECT_EQ(models[0].owned_by, "Meta");
    EXPECT_EQ(models[0].context_window, 131072);
}

TEST_F(ListModelsHttp, GroqMistralAndAzureUseTheirOwnModelsPaths) {
    point_at("GROQ_API_KEY", "gsk", "GROQ_BASE_URL");
    server.enqueue(json_reply(R"({"object":"list","data":[{"id":"llama-3.1-8b-instant","object":"model",
        "created":1693721698,"owned_by":"Meta","active":true,"context_window":131072}]})"));
    EXPECT_EQ(list_models("groq").at(0).context_window, 131072);
    EXPECT_EQ(server.last_request().path, "/openai/v1/models");

    point_at("MISTRAL_API_KEY", "mi", "MISTRAL_BASE_URL");
    server.enqueue(json_reply(R"({"object":"list","data":[{"id":"mistral-small-latest","object":"model",
        "created":1700000000,"owned_by":"mistralai","name":"mistral-small-2506","max_context_length":131072}]})"));
    auto mistral = list_models("mistral");
    EXPECT_EQ(mistral.at(0).display_name, "mistral-small-2506");
    EXPECT_EQ(mistral.at(0).context_window, 131072);
    EXPECT_EQ(server.last_request().path, "/v1/models");

    point_at("AZURE_OPENAI_API_KEY", "az", "AZURE_OPENAI_ENDPOINT");
    server.enqueue(json_reply(R"({"object":"list","data":[{"id":"gpt-4o-2024-08-06","object":"model",
        "status":"succeeded","created_at":1723075200}]})"));
    EXPECT_EQ(list_models("azure").at(0).id, "gpt-4o-2024-08-06");
    EXPECT_EQ(server.last_request().path, "/openai/models");
    EXPECT_EQ(server.last_request().params.at("api-version"), "2024-02-01");
    EXPECT_EQ(server.last_request().header("api-key"), "az");
}

TEST_F(ListModelsHttp, AnthropicFollowsHasMoreWithAfterId) {
    point_at("ANTHROPIC_API_KEY", "sk-ant-list", "ANTHROPIC_BASE_URL");
    server.enqueue(json_reply(R"({"data":[{"type":"model","id":"claude-sonnet-4-5","display_name":"Claude Sonnet 4.5",
        "created_at":"2025-09-29T00:00:00Z"}],"has_more":true,"first_id":"claude-sonnet-4-5","last_id":"claude-sonnet-4-5"})"));
    server.enqueue(json_reply(R"({"data":[{"type":"model","id":"claude-3-5-haiku-20241022","display_name":"Claude Haiku 3.5",
        "created_at":"2024-10-22T00:00:00Z"}],"has_more":false,"first_id":"claude-3-5-haiku-20241022","last_id":"claude-3-5-haiku-20241022"})"));
    auto models = list_models("anthropic");
    ASSERT_EQ(models.size(), 2u);
    EXPECT_EQ(models[0].id, "claude-sonnet-4-5");
    EXPECT_EQ(models[0].display_name, "Claude Sonnet 4.5");
    EXPECT_EQ(models[0].raw["created_at"], "2025-09-29T00:00:00Z");
    EXPECT_EQ(models[1].id, "claude-3-5-haiku-20241022");
    auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[0].path, "/v1/models");
    EXPECT_EQ(reqs[0].params.count("after_id"), 0u);
    EXPECT_EQ(reqs[1].params.at("after_id"), "claude-sonnet-4-5");
    for (const auto& r : reqs) {
        EXPECT_EQ(r.method, "GET");
        EXPECT_EQ(r.header("x-api-key"), "sk-ant-list");
        EXPECT_EQ(r.header("anthropic-version"), "2023-06-01");
    }
}

TEST_F(ListModelsHttp, GeminiFollowsNextPageTokenAndStripsTheModelsPrefix) {
    point_at("GEMINI_API_KEY", "AIza-list", "GEMINI_BASE_URL");
    server.enqueue(json_reply(R"({"models":[{"name":"models/gemini-2.5-flash","displayName":"Gemini 2.5 Flash",
        "inputTokenLimit":1048576,"outputTokenLimit":65536}],"nextPageToken":"tok/2+="})"));
    server.enqueue(json_reply(R"({"models":[{"name":"models/text-embedding-004","displayName":"Text Embedding 004",
        "inputTokenLimit":2048}]})"));
    auto models = list_models("gemini");
    ASSERT_EQ(models.size(), 2u);
    EXPECT_EQ(models[0].id, "gemini-2.5-flash");
    EXPECT_EQ(models[0].display_name, "Gemini 2.5 Flash");
    EXPECT_EQ(models[0].context_window, 1048576);
    EXPECT_EQ(models[1].id, "text-embedding-004");
    auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[0].path, "/v1beta/models");
    EXPECT_EQ(reqs[1].params.at("pageToken"), "tok/2+=");
    EXPECT_EQ(reqs[1].header("x-goog-api-key"), "AIza-list");
    EXPECT_EQ(reqs[1].query.find("key="), std::string::npos);
}

TEST_F(ListModelsHttp, CohereFollowsNextPageToken) {
    point_at("COHERE_API_KEY", "co-list", "COHERE_BASE_URL");
    server.enqueue(json_reply(R"({"models":[{"name":"command-a-03-2025","endpoints":["chat"],"context_length":256000}],
        "next_page_token":"p2"})"));
    server.enqueue(json_reply(R"({"models":[{"name":"embed-v4.0","endpoints":["embed"],"context_length":128000.0}]})"));
    auto models = list_models("cohere");
    ASSERT_EQ(models.size(), 2u);
    EXPECT_EQ(models[0].id, "command-a-03-2025");
    EXPECT_EQ(models[0].context_window, 256000);
    EXPECT_EQ(models[1].context_window, 128000);
    auto reqs = server.requests();
    EXPECT_EQ(reqs.at(0).path, "/v1/models");
    EXPECT_EQ(reqs.at(1).params.at("page_token"), "p2");
    EXPECT_EQ(reqs.at(1).header("authorization"), "Bearer co-list");
}

TEST_F(ListModelsHttp, OllamaListsItsLocalTags) {
    env.set("OLLAMA_HOST", server.base_url().c_str());
    server.enqueue(json_reply(R"({"models":[{"name":"llama3.2:latest","model":"llama3.2:latest",
        "modified_at":"2025-01-01T00:00:00Z","size":2019393189,"digest":"a80c4f17",
        "details":{"family":"llama","parameter_size":"3.2B","quantization_level":"Q4_K_M"}}]})"));
    auto models = list_models("ollama");
    ASSERT_EQ(models.size(), 1u);
    EXPECT_EQ(models[0].id, "llama3.2:latest");
    EXPECT_EQ(models[0].raw["details"]["parameter_size"], "3.2B");
    EXPECT_EQ(server.last_request().path, "/api/tags");
    EXPECT_EQ(server.last_request().header("authorization"), "");
}

TEST_F(ListModelsHttp, BedrockListsFoundationModelsSignedForBedrock) {
    env.set("AWS_ACCESS_KEY_ID", "AKIDLIST");
    env.set("AWS_SECRET_ACCESS_KEY", "secret-list");
    env.set("AWS_REGION", "eu-west-1");
    env.set("AWS_ENDPOINT_URL_BEDROCK", server.base_url().c_str());
    server.enqueue(json_reply(R"({"modelSummaries":[{"modelArn":"arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-lite-v1:0",
        "modelId":"amazon.nova-lite-v1:0","modelName":"Nova Lite","providerName":"Amazon",
        "inputModalities":["TEXT","IMAGE"],"outputModalities":["TEXT"],"responseStreamingSupported":true}]})"));
    auto models = list_models("bedrock");
    ASSERT_EQ(models.size(), 1u);
    EXPECT_EQ(models[0].id, "amazon.nova-lite-v1:0");
    EXPECT_EQ(models[0].display_name, "Nova Lite");
    EXPECT_EQ(models[0].owned_by, "Amazon");
    auto req = server.last_request();
    EXPECT_EQ(req.method, "GET");
    EXPECT_EQ(req.path, "/foundation-models");
    EXPECT_EQ(req.header("authorization").rfind("AWS4-HMAC-SHA256 Credential=AKIDLIST/", 0), 0u) << req.header("authorization");
    EXPECT_NE(req.header("authorization").find("/eu-west-1/bedrock/aws4_request"), std::string::npos);
    EXPECT_FALSE(req.header("x-amz-date").empty());
}

TEST_F(ListModelsHttp, ErrorsAreTheProvidersTypedErrors) {
    point_at("ANTHROPIC_API_KEY", "sk-ant-bad", "ANTHROPIC_BASE_URL");
    server.enqueue(Reply{.status = 401,
                         .body = R"({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}})"});
    auto auth = expect_error<AuthError>([] { list_models("anthropic"); });
    EXPECT_EQ(auth->provider_message(), "invalid x-api-key");
    EXPECT_EQ(auth->provider(), "anthropic");

    auto missing = expect_error<AuthError>([] { list_models("deepseek"); });
    EXPECT_NE(std::string(missing->what()).find("DEEPSEEK_API_KEY"), std::string::npos);
    expect_error<ModelNotFoundError>([] { list_models("nosuch"); });

    auto offline = list_models("mock");
    ASSERT_EQ(offline.size(), 1u);
    EXPECT_EQ(offline[0].id, "llmgate-offline");
}
