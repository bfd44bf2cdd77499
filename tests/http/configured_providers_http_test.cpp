// The OpenAI-compatible providers configured by one registry line each (DeepSeek, xAI, OpenRouter, Together,
// Fireworks, Perplexity, Cerebras, DeepInfra, vLLM, LM Studio, llama.cpp) over real HTTP: each one's base URL
// path, key, model id and quirks.
#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::openai;

namespace {

struct ConfiguredCase {
    std::string name;        // the prefix, and the test's name
    std::string model;       // a model string as a user writes it
    std::string sent_model;  // the model id the body must carry
    const char* key_variable;
    const char* base_variable;
    std::string base_path;  // what the provider's default base URL has after the host
    bool key_required = true;
    bool embeddings = true;
    bool model_listing = true;
};

std::vector<ConfiguredCase> cases() {
    return {
        {"deepseek", "deepseek/deepseek-chat", "deepseek-chat", "DEEPSEEK_API_KEY", "DEEPSEEK_BASE_URL", "", true, false},
        {"xai", "xai/grok-4", "grok-4", "XAI_API_KEY", "XAI_API_BASE", "/v1"},
        {"openrouter", "openrouter/anthropic/claude-3.5-sonnet", "anthropic/claude-3.5-sonnet", "OPENROUTER_API_KEY",
         "OPENROUTER_BASE_URL", "/api/v1"},
        {"together", "together/meta-llama/Llama-3.3-70B-Instruct-Turbo", "meta-llama/Llama-3.3-70B-Instruct-Turbo",
         "TOGETHER_API_KEY", "TOGETHER_BASE_URL", "/v1"},
        {"fireworks", "fireworks/accounts/fireworks/models/llama-v3p1-8b-instruct",
         "accounts/fireworks/models/llama-v3p1-8b-instruct", "FIREWORKS_API_KEY", "FIREWORKS_BASE_URL", "/inference/v1"},
        {"perplexity", "perplexity/sonar", "sonar", "PERPLEXITY_API_KEY", "PERPLEXITY_BASE_URL", "", true, false, false},
        {"cerebras", "cerebras/llama3.1-8b", "llama3.1-8b", "CEREBRAS_API_KEY", "CEREBRAS_BASE_URL", "/v1", true, false},
        {"deepinfra", "deepinfra/meta-llama/Meta-Llama-3.1-8B-Instruct", "meta-llama/Meta-Llama-3.1-8B-Instruct",
         "DEEPINFRA_API_KEY", "DEEPINFRA_BASE_URL", "/v1/openai"},
        {"vllm", "vllm/Qwen/Qwen2.5-1.5B-Instruct", "Qwen/Qwen2.5-1.5B-Instruct", "VLLM_API_KEY", "VLLM_API_BASE", "/v1",
         false},
        {"lmstudio", "lmstudio/qwen2.5-7b-instruct", "qwen2.5-7b-instruct", "LM_STUDIO_API_KEY", "LM_STUDIO_API_BASE",
         "/v1", false},
        {"llamacpp", "llamacpp/local", "local", "LLAMACPP_API_KEY", "LLAMACPP_API_BASE", "/v1", false},
    };
}

class ConfiguredProviderHttp : public ServerTestWithParam<ConfiguredCase> {
protected:
    void point_here(const char* key = "test-key") {
        const auto& p = GetParam();
        point_at(p.key_variable, key, p.base_variable, p.base_path.c_str());
    }
};

class ConfiguredProviders : public ServerTest {};

}  // namespace

TEST_P(ConfiguredProviderHttp, ChatGoesToItsBaseUrlWithItsKeyAndModelId) {
    const auto& p = GetParam();
    point_here();
    server.enqueue(fake::chat_text("hi from " + p.name, p.sent_model));
    auto r = completion(p.model, hello(), {.max_tokens = 7});
    EXPECT_EQ(r.text(), "hi from " + p.name);
    EXPECT_EQ(r.provider, p.name);
    auto req = server.last_request();
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.path, p.base_path + "/chat/completions");
    EXPECT_EQ(req.header("authorization"), "Bearer test-key");
    EXPECT_EQ(req.json()["model"], p.sent_model);
    EXPECT_EQ(req.json()["max_tokens"], 7);
}

TEST_P(ConfiguredProviderHttp, ListsModelsOrSaysItCannot) {
    const auto& p = GetParam();
    point_here();
    if (!p.model_listing) {
        expect_error<ListModelsNotSupported>([&] { list_models(p.name); }, p.name);
        EXPECT_EQ(server.request_count(), 0u);
        return;
    }
    server.enqueue(Reply{.body = R"({"object":"list","data":[{"id":")" + p.sent_model +
                                 R"(","object":"model","created":1700000000,"owned_by":"someone"}]})"});
    auto models = list_models(p.name + "/");
    ASSERT_EQ(models.size(), 1u);
    EXPECT_EQ(models[0].id, p.sent_model);
    EXPECT_EQ(models[0].provider, p.name);
    EXPECT_EQ(models[0].owned_by, "someone");
    EXPECT_EQ(models[0].created, 1700000000);
    auto req = server.last_request();
    EXPECT_EQ(req.method, "GET");
    EXPECT_EQ(req.path, p.base_path + "/models");
    EXPECT_EQ(req.header("authorization"), "Bearer test-key");
}

TEST_P(ConfiguredProviderHttp, EmbedsWhereTheProviderHasAnEmbeddingsEndpoint) {
    const auto& p = GetParam();
    point_here();
    if (!p.embeddings) {
        expect_error<EmbeddingsNotSupported>([&] { embed(p.model, "x"); }, p.name);
        EXPECT_EQ(server.request_count(), 0u);
        return;
    }
    server.enqueue(fake::embeddings({{0.25f, 0.5f}}, p.sent_model));
    auto r = embed(p.model, std::vector<std::string>{"x"});
    EXPECT_EQ(r.embeddings[0], (std::vector<double>{0.25, 0.5}));
    auto req = server.last_request();
    EXPECT_EQ(req.path, p.base_path + "/embeddings");
    EXPECT_EQ(req.json()["model"], p.sent_model);
    EXPECT_EQ(req.header("authorization"), "Bearer test-key");
}

// A hosted provider names its variable and sends nothing; a local server takes the request without a key.
TEST_P(ConfiguredProviderHttp, WithoutAKeyEitherNamesTheVariableOrSendsNoAuthorization) {
    const auto& p = GetParam();
    env.set(p.base_variable, (server.base_url() + p.base_path).c_str());
    if (p.key_required) {
        auto e = expect_error<AuthError>([&] { completion(p.model, hello()); }, p.name);
        EXPECT_NE(std::string(e->what()).find(p.key_variable), std::string::npos) << e->what();
        EXPECT_EQ(server.request_count(), 0u);
        return;
    }
    server.enqueue(fake::chat_text("local"));
    EXPECT_EQ(completion(p.model, hello()).text(), "local");
    EXPECT_EQ(server.last_request().header("authorization"), "");
}

INSTANTIATE_TEST_SUITE_P(EachProvider, ConfiguredProviderHttp, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.name; });

TEST_F(ConfiguredProviders, PerCallBaseUrlAndKeyWinOverTheEnvironment) {
    env.set("DEEPSEEK_API_KEY", "env-key");
    env.set("DEEPSEEK_BASE_URL", "http://127.0.0.1:9/never");
    server.enqueue(fake::chat_text("ok"));
    completion("deepseek/deepseek-chat", hello(), {.api_key = "call-key", .api_base = server.base_url() + "/beta/"});
    EXPECT_EQ(server.last_request().path, "/beta/chat/completions");
    EXPECT_EQ(server.last_request().header("authorization"), "Bearer call-key");
}

TEST_F(ConfiguredProviders, DeepSeekReasoningContentIsTheReasoningBufferedAndStreamed) {
    point_at("DEEPSEEK_API_KEY", "ds-key", "DEEPSEEK_BASE_URL");
    server.enqueue(Reply{.body = R"({"id":"r1","model":"deepseek-reasoner","choices":[{"index":0,"finish_reason":"stop",
        "message":{"role":"assistant","reasoning_content":"9.11 < 9.8","content":"9.8 is greater"}}],
        "usage":{"prompt_tokens":5,"completion_tokens":9,"total_tokens":14}})"});
    auto r = completion("deepseek/deepseek-reasoner", hello());
    EXPECT_EQ(r.text(), "9.8 is greater");
    EXPECT_EQ(r.reasoning(), "9.11 < 9.8");

    Reply s{.content_type = "text/event-stream"};
    s.chunks = {fake::sse({{"id", "r2"}, {"choices", {{{"index", 0}, {"delta", {{"role", "assistant"}, {"reasoning_content", "think "}}}}}}}),
                fake::sse({{"id", "r2"}, {"choices", {{{"index", 0}, {"delta", {{"reasoning_content", "more"}}}}}}}),
                fake::sse({{"id", "r2"}, {"choices", {{{"index", 0}, {"delta", {{"content", "answer"}}}}}}}),
                fake::sse({{"id", "r2"}, {"choices", {{{"index", 0}, {"delta", json::object()}, {"finish_reason", "stop"}}}}}),
                fake::sse_done()};
    server.enqueue(s);
    auto st = stream("deepseek/deepseek-reasoner", hello());
    std::string reasoning;
    for (const auto& c : st) reasoning += c.reasoning;
    EXPECT_EQ(reasoning, "think more");
    EXPECT_EQ(st.response().reasoning(), "think more");
    EXPECT_EQ(st.response().text(), "answer");
}

// api-docs.deepseek.com/guides/thinking_mode: a plain turn's reasoning_content is not sent back; the turn that
// called tools must send its reasoning_content back in every later request.
TEST_F(ConfiguredProviders, DeepSeekSendsReasoningBackOnlyWithTheTurnThatCalledTools) {
    point_at("DEEPSEEK_API_KEY", "ds-key", "DEEPSEEK_BASE_URL");
    Message plain = Message::assistant("9.8 is greater");
    plain.reasoning = "compare the decimals";
    Message calling = Message::assistant("");
    calling.reasoning = "I need the weather";
    calling.tool_calls.push_back(ToolCall{.id = "call_0", .function = "weather", .arguments_raw = R"({"city":"Oslo"})"});
    std::vector<Message> history{Message::user("which is greater?"), plain, Message::user("weather in Oslo?"), calling,
                                 Message::tool("call_0", "sunny")};
    server.enqueue(fake::chat_text("It is sunny."));
    completion("deepseek/deepseek-reasoner", history);
    const json sent = server.last_request().json()["messages"];
    ASSERT_EQ(sent.size(), 5u);
    EXPECT_FALSE(sent[1].contains("reasoning_content"));
    EXPECT_EQ(sent[3]["reasoning_content"], "I need the weather");
    EXPECT_EQ(sent[3]["tool_calls"][0]["id"], "call_0");
    EXPECT_EQ(server.last_request().body.find("compare the decimals"), std::string::npos);

    // Without a tool-calling turn the body is the shared one, with no reasoning at all.
    server.enqueue(fake::chat_text("ok"));
    completion("deepseek/deepseek-chat", std::vector<Message>{Message::user("a"), plain, Message::user("b")});
    EXPECT_EQ(server.last_request().body.find("reasoning"), std::string::npos);
}

TEST_F(ConfiguredProviders, OpenRouterSendsAttributionHeadersFromTheEnvironment) {
    point_at("OPENROUTER_API_KEY", "or-key", "OPENROUTER_BASE_URL", "/api/v1");
    env.set("OPENROUTER_SITE_URL", "https://example.org/app");
    env.set("OPENROUTER_APP_NAME", "llmgate tests");
    server.enqueue(fake::chat_text("routed"));
    completion("openrouter/openai/gpt-4o-mini", hello());
    auto req = server.last_request();
    EXPECT_EQ(req.header("http-referer"), "https://example.org/app");
    EXPECT_EQ(req.header("x-title"), "llmgate tests");
    EXPECT_EQ(req.json()["model"], "openai/gpt-4o-mini");

    env.set("OPENROUTER_SITE_URL", nullptr);
    env.set("OPENROUTER_APP_NAME", nullptr);
    server.enqueue(fake::chat_text("routed"));
    completion("openrouter/openai/gpt-4o-mini", hello());
    EXPECT_EQ(server.last_request().header("http-referer"), "");
    EXPECT_EQ(server.last_request().header("x-title"), "");
}

// Perplexity ends its streams without `data: [DONE]` (perplexityai/api-discussion#209) and puts its sources
// beside the choices, where `raw` keeps them.
TEST_F(ConfiguredProviders, PerplexityStreamEndsWithoutDoneAndCitationsStayInRaw) {
    point_at("PERPLEXITY_API_KEY", "pplx-key", "PERPLEXITY_BASE_URL");
    server.enqueue(Reply{.body = R"({"id":"p1","model":"sonar","object":"chat.completion","citations":["https://a.example"],
        "search_results":[{"title":"A","url":"https://a.example"}],
        "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Answer [1]"}}],
        "usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}})"});
    auto r = completion("perplexity/sonar", hello());
    EXPECT_EQ(r.text(), "Answer [1]");
    EXPECT_EQ(r.raw["citations"][0], "https://a.example");
    EXPECT_EQ(r.raw["search_results"][0]["title"], "A");

    Reply s{.content_type = "text/event-stream"};
    s.chunks = {fake::sse({{"id", "p2"}, {"model", "sonar"}, {"citations", {"https://b.example"}},
                           {"choices", {{{"index", 0}, {"delta", {{"role", "assistant"}, {"content", "Stre"}}}}}}}),
                fake::sse({{"id", "p2"}, {"model", "sonar"}, {"citations", {"https://b.example"}},
                           {"choices", {{{"index", 0}, {"delta", {{"content", "amed"}}}, {"finish_reason", "stop"}}}},
                           {"usage", {{"prompt_tokens", 3}, {"completion_tokens", 2}, {"total_tokens", 5}}}})};
    server.enqueue(s);
    auto st = stream("perplexity/sonar", hello());
    std::vector<StreamChunk> chunks;
    for (const auto& c : st) chunks.push_back(c);
    EXPECT_EQ(st.response().text(), "Streamed");
    ASSERT_FALSE(chunks.empty());
    EXPECT_EQ(chunks.back().raw["citations"][0], "https://b.example");

    // A body cut off before any finish_reason is still an incomplete reply.
    Reply cut{.content_type = "text/event-stream"};
    cut.chunks = {fake::sse({{"id", "p3"}, {"choices", {{{"index", 0}, {"delta", {{"content", "Half"}}}}}}})};
    server.enqueue(cut);
    expect_error<ResponseParseError>([&] {
        for (const auto& c : stream("perplexity/sonar", hello())) (void)c;
    });
}

TEST_F(ConfiguredProviders, LocalServerSendsItsOptionalKeyWhenSet) {
    point_at("VLLM_API_KEY", "vllm-token", "VLLM_API_BASE", "/v1");
    server.enqueue(fake::chat_text("ok"));
    completion("vllm/meta-llama/Llama-3.1-8B-Instruct", hello());
    EXPECT_EQ(server.last_request().header("authorization"), "Bearer vllm-token");
    EXPECT_EQ(server.last_request().json()["model"], "meta-llama/Llama-3.1-8B-Instruct");
}

TEST_F(ConfiguredProviders, EachRequestCarriesOnlyItsOwnProvidersKey) {
    point_at("DEEPSEEK_API_KEY", "key-deepseek", "DEEPSEEK_BASE_URL");
    point_at("XAI_API_KEY", "key-xai", "XAI_BASE_URL", "/v1");
    point_at("OPENROUTER_API_KEY", "key-openrouter", "OPENROUTER_BASE_URL", "/api/v1");
    server.route("POST", "/chat/completions", fake::chat_text("d"));
    server.route("POST", "/v1/chat/completions", fake::chat_text("x"));
    server.route("POST", "/api/v1/chat/completions", fake::chat_text("o"));
    completion("deepseek/deepseek-chat", hello());
    completion("xai/grok-4", hello());
    completion("openrouter/x-ai/grok-4", hello());
    auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 3u);
    const char* keys[] = {"key-deepseek", "key-xai", "key-openrouter"};
    for (std::size_t i = 0; i < reqs.size(); ++i) {
        EXPECT_EQ(reqs[i].header("authorization"), std::string("Bearer ") + keys[i]);
        for (const char* other : keys) {
            if (other == keys[i]) continue;
            for (const auto& [name, value] : reqs[i].headers) EXPECT_EQ(value.find(other), std::string::npos) << name;
        }
    }
}
