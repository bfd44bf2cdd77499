// Groq, Mistral and Azure over real HTTP: each one's URL, auth, field names and quirks.
#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::openai;

namespace {

class CompatibleHttp : public ServerTest {};

}  // namespace

TEST_F(CompatibleHttp, GroqUsesItsBaseUrlPathAndKey) {
    env.set("GROQ_API_KEY", "gsk-test");
    env.set("GROQ_BASE_URL", server.base_url().c_str());
    server.enqueue(fake::chat_text("groq says hi", "llama-3.1-8b-instant"));
    auto r = completion("groq/llama-3.1-8b-instant", hello(), {.max_tokens = 10});
    EXPECT_EQ(r.text(), "groq says hi");
    EXPECT_EQ(r.provider, "groq");
    auto req = server.last_request();
    EXPECT_EQ(req.path, "/openai/v1/chat/completions");
    EXPECT_EQ(req.header("authorization"), "Bearer gsk-test");
    EXPECT_EQ(req.json()["model"], "llama-3.1-8b-instant");
    EXPECT_EQ(req.json()["max_tokens"], 10);
}

TEST_F(CompatibleHttp, GroqStreamsWithoutStreamOptionsAndReadsXGroqUsage) {
    env.set("GROQ_API_KEY", "gsk-test");
    env.set("GROQ_BASE_URL", server.base_url().c_str());
    Reply r{.content_type = "text/event-stream"};
    r.chunks = {fake::sse({{"id", "c"}, {"choices", {{{"index", 0}, {"delta", {{"content", "fast"}}}}}}}),
                fake::sse({{"id", "c"},
                           {"choices", {{{"index", 0}, {"delta", json::object()}, {"finish_reason", "stop"}}}},
                           {"x_groq",
                            {{"id", "req_x"},
                             {"usage", {{"prompt_tokens", 3}, {"completion_tokens", 1}, {"total_tokens", 4}}}}}}),
                fake::sse_done()};
    server.enqueue(r);
    auto s = stream("groq/llama-3.1-8b-instant", hello());
    for (const auto& c : s) (void)c;
    EXPECT_EQ(s.response().text(), "fast");
    EXPECT_EQ(s.response().usage.total_tokens, 4);
    EXPECT_FALSE(server.last_request().json().contains("stream_options"));
}

TEST_F(CompatibleHttp, GroqEmbeddingsAreNotSupportedAndSendNothing) {
    env.set("GROQ_API_KEY", "gsk-test");
    env.set("GROQ_BASE_URL", server.base_url().c_str());
    EXPECT_THROW(embed("groq/nomic-embed-text-v1_5", "x"), EmbeddingsNotSupported);
    EXPECT_THROW(aembed("groq/nomic-embed-text-v1_5", "x").get(), EmbeddingsNotSupported);
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(CompatibleHttp, MistralRenamesSeedDropsUserAndUsesItsPaths) {
    env.set("MISTRAL_API_KEY", "mistral-test");
    env.set("MISTRAL_BASE_URL", server.base_url().c_str());
    server.enqueue(fake::chat_text("bonjour", "mistral-small-latest"));
    auto r = completion("mistral/mistral-small-latest", hello(), {.seed = 42, .tool_choice = "required", .user = "u"});
    EXPECT_EQ(r.text(), "bonjour");
    EXPECT_EQ(r.provider, "mistral");
    auto req = server.last_request();
    EXPECT_EQ(req.path, "/v1/chat/completions");
    EXPECT_EQ(req.header("authorization"), "Bearer mistral-test");
    json body = req.json();
    EXPECT_EQ(body["random_seed"], 42);
    EXPECT_FALSE(body.contains("seed"));
    EXPECT_FALSE(body.contains("user"));
    EXPECT_EQ(body["tool_choice"], "required");
}

TEST_F(CompatibleHttp, MistralStreamsWithEventStreamAcceptAndNoStreamOptions) {
    env.set("MISTRAL_API_KEY", "mistral-test");
    env.set("MISTRAL_BASE_URL", server.base_url().c_str());
    server.enqueue(fake::stream_text({"a", "b"}, "mistral-small-latest"));
    auto s = stream("mistral/mistral-small-latest", hello());
    for (const auto& c : s) (void)c;
    EXPECT_EQ(s.response().text(), "ab");
    auto req = server.last_request();
    EXPECT_EQ(req.header("accept"), "text/event-stream");
    EXPECT_FALSE(req.json().contains("stream_options"));
}

TEST_F(CompatibleHttp, MistralReasoningContentChunksBecomeReasoning) {
    env.set("MISTRAL_API_KEY", "mistral-test");
    env.set("MISTRAL_BASE_URL", server.base_url().c_str());
    server.enqueue(Reply{.body = R"({"id":"x","model":"magistral-small","choices":[{"index":0,"finish_reason":"stop",
        "message":{"role":"assistant","content":[{"type":"thinking","thinking":[{"type":"text","text":"hmm"}]},
        {"type":"text","text":"42"}]}}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}})"});
    auto r = completion("mistral/magistral-small", hello());
    EXPECT_EQ(r.text(), "42");
    EXPECT_EQ(r.reasoning(), "hmm");
}

TEST_F(CompatibleHttp, MistralEmbeddingsUseOutputDimensionAndNoDefaultEncoding) {
    env.set("MISTRAL_API_KEY", "mistral-test");
    env.set("MISTRAL_BASE_URL", server.base_url().c_str());
    server.enqueue(fake::embeddings({{1.0f, 2.0f}}, "mistral-embed"));
    auto r = embed("mistral/mistral-embed", std::vector<std::string>{"x"}, {.dimensions = 2});
    EXPECT_EQ(r.embeddings[0], (std::vector<double>{1.0, 2.0}));
    auto req = server.last_request();
    EXPECT_EQ(req.path, "/v1/embeddings");
    EXPECT_EQ(req.json()["output_dimension"], 2);
    EXPECT_FALSE(req.json().contains("dimensions"));
    EXPECT_FALSE(req.json().contains("encoding_format"));
}

TEST_F(CompatibleHttp, MistralErrorBodiesOfEveryShapeKeepTheMessage) {
    env.set("MISTRAL_API_KEY", "mistral-test");
    env.set("MISTRAL_BASE_URL", server.base_url().c_str());
    server.enqueue(Reply{.status = 401, .body = R"({"detail":"Unauthorized"})"});
    try {
        completion("mistral/mistral-small-latest", hello());
        FAIL();
    } catch (const AuthError& e) {
        EXPECT_EQ(e.provider_message(), "Unauthorized");
    }
    Reply rl{
        .status = 429,
        .body =
            R"({"object":"error","message":"Requests rate limit exceeded","type":"rate_limited","param":null,"code":"1300"})"};
    rl.headers.emplace_back("mistral-correlation-id", "corr-1");
    server.enqueue(rl);
    try {
        completion("mistral/mistral-small-latest", hello());
        FAIL();
    } catch (const RateLimitError& e) {
        EXPECT_EQ(e.provider_message(), "Requests rate limit exceeded");
        EXPECT_EQ(e.request_id(), "corr-1");
    }
}

TEST_F(CompatibleHttp, AzureUsesDeploymentPathApiVersionAndApiKeyHeader) {
    env.set("AZURE_OPENAI_API_KEY", "azure-key");
    env.set("AZURE_OPENAI_ENDPOINT", (server.base_url() + "/").c_str());
    server.enqueue(fake::chat_text("from azure"));
    auto r = completion("azure/my-gpt4o", hello());
    EXPECT_EQ(r.text(), "from azure");
    EXPECT_EQ(r.provider, "azure");
    auto req = server.last_request();
    EXPECT_EQ(req.path, "/openai/deployments/my-gpt4o/chat/completions");
    EXPECT_EQ(req.params.at("api-version"), "2024-02-01");
    EXPECT_EQ(req.header("api-key"), "azure-key");
    EXPECT_EQ(req.header("authorization"), "");
    EXPECT_EQ(req.json()["model"], "my-gpt4o");
}

TEST_F(CompatibleHttp, AzureSendsStreamUsageOnlyOnApiVersionsThatAcceptIt) {
    env.set("AZURE_OPENAI_API_KEY", "azure-key");
    env.set("AZURE_OPENAI_ENDPOINT", server.base_url().c_str());
    server.enqueue(fake::stream_text({"x"}, "gpt-4o", false));
    for (const auto& c : stream("azure/dep", hello())) (void)c;
    EXPECT_FALSE(server.last_request().json().contains("stream_options"));
    env.set("AZURE_OPENAI_API_VERSION", "2024-10-21");
    server.enqueue(fake::stream_text({"x"}, "gpt-4o", true));
    for (const auto& c : stream("azure/dep", hello())) (void)c;
    EXPECT_EQ(server.last_request().params.at("api-version"), "2024-10-21");
    EXPECT_EQ(server.last_request().json()["stream_options"]["include_usage"], true);
}

TEST_F(CompatibleHttp, AzureEmbeddingsAndMissingEndpoint) {
    env.set("AZURE_OPENAI_API_KEY", "azure-key");
    EXPECT_THROW(completion("azure/dep", hello()), InvalidRequestError);
    env.set("AZURE_OPENAI_ENDPOINT", server.base_url().c_str());
    server.enqueue(fake::embeddings({{0.5f}}, "text-embedding-3-small", true));
    auto r = embed("azure/emb-dep", "x");
    EXPECT_EQ(r.embeddings[0], (std::vector<double>{0.5}));
    EXPECT_EQ(server.last_request().path, "/openai/deployments/emb-dep/embeddings");
}

TEST_F(CompatibleHttp, EachRequestCarriesOnlyItsOwnProvidersCredentials) {
    env.set("OPENAI_API_KEY", "sk-openai");
    env.set("OPENAI_BASE_URL", (server.base_url() + "/v1").c_str());
    env.set("GROQ_API_KEY", "gsk-groq");
    env.set("GROQ_BASE_URL", server.base_url().c_str());
    env.set("AZURE_OPENAI_API_KEY", "azure-key");
    env.set("AZURE_OPENAI_ENDPOINT", server.base_url().c_str());
    server.route("POST", "/v1/chat/completions", fake::chat_text("o"));
    server.route("POST", "/openai/v1/chat/completions", fake::chat_text("g"));
    server.route("POST", "/openai/deployments/d/chat/completions", fake::chat_text("a"));
    completion("gpt-4o-mini", hello());
    completion("groq/llama", hello());
    completion("azure/d", hello());
    auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 3u);
    EXPECT_EQ(reqs[0].header("authorization"), "Bearer sk-openai");
    EXPECT_EQ(reqs[0].header("api-key"), "");
    EXPECT_EQ(reqs[1].header("authorization"), "Bearer gsk-groq");
    EXPECT_EQ(reqs[2].header("authorization"), "");
    EXPECT_EQ(reqs[2].header("api-key"), "azure-key");
    for (const auto& r : reqs) EXPECT_EQ(r.body.find("sk-"), std::string::npos);
}

TEST_F(CompatibleHttp, AzureFallsBackToEntraIdTokenAsBearer) {
    env.set("AZURE_OPENAI_AD_TOKEN", "entra-token");
    env.set("AZURE_OPENAI_API_KEY", "azure-key");  // the token wins, as in the official SDK
    env.set("AZURE_OPENAI_ENDPOINT", server.base_url().c_str());
    server.enqueue(fake::chat_text("ok"));
    completion("azure/dep", hello());
    EXPECT_EQ(server.last_request().header("authorization"), "Bearer entra-token");
    EXPECT_EQ(server.last_request().header("api-key"), "");
    env.set("AZURE_OPENAI_AD_TOKEN", nullptr);
    env.set("AZURE_OPENAI_API_KEY", nullptr);
    EXPECT_THROW(completion("azure/dep", hello()), AuthError);
}
