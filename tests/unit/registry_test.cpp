// Model-string routing: prefixes, bare names, overrides, reserved and unknown providers.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>

#include "llmgate/config.hpp"
#include "llmgate/errors.hpp"
#include "providers/registry.hpp"

using llmgate::provider_for;

TEST(Registry, RoutesBareOpenAINamesAndUnknownNamesToOpenAI) {
    for (const char* m : {"gpt-4o-mini", "o1-mini", "o3-mini", "o4-mini", "chatgpt-4o-latest", "text-embedding-3-small",
                          "some-unknown-model", "meta-llama/Llama-3-8b"})
        EXPECT_EQ(provider_for(m), "openai") << m;
}

TEST(Registry, RoutesPrefixesAndStripsThem) {
    EXPECT_EQ(provider_for("groq/llama-3.1-8b-instant"), "groq");
    EXPECT_EQ(provider_for("mistral/mistral-small-latest"), "mistral");
    EXPECT_EQ(provider_for("azure/my-deployment"), "azure");
    EXPECT_EQ(provider_for("openai/gpt-4o"), "openai");
    EXPECT_EQ(provider_for("mock/x"), "mock");
    auto r = llmgate::detail::route("groq/llama-3.1-8b-instant", "");
    EXPECT_EQ(r.model, "llama-3.1-8b-instant");
    EXPECT_EQ(r.provider->name(), "groq");
}

TEST(Registry, RoutesEveryNativeProviderPrefix) {
    EXPECT_EQ(provider_for("claude-3-5-haiku-latest"), "anthropic");
    EXPECT_EQ(provider_for("gemini-2.5-flash"), "gemini");
    EXPECT_EQ(provider_for("gemini/gemini-2.5-flash"), "gemini");
    EXPECT_EQ(provider_for("cohere/command-r"), "cohere");
    EXPECT_EQ(provider_for("ollama/llama3"), "ollama");
    EXPECT_EQ(provider_for("bedrock/amazon.titan-embed-text-v2:0"), "bedrock");
    EXPECT_EQ(provider_for("anthropic/claude-sonnet-4-5"), "anthropic");
}

TEST(Registry, ProviderOverrideWinsAndUnknownOverrideIsModelNotFound) {
    EXPECT_EQ(provider_for("llama-3.1-8b-instant", "groq"), "groq");
    EXPECT_EQ(llmgate::detail::route("groq/llama", "groq").model, "llama");
    EXPECT_THROW(provider_for("gpt-4o", "nosuch"), llmgate::ModelNotFoundError);
    EXPECT_THROW(provider_for("", ""), llmgate::InvalidRequestError);
    EXPECT_THROW(provider_for("groq/", ""), llmgate::InvalidRequestError);
}

TEST(Registry, RoutesEveryConfiguredCompatiblePrefixKeepingSlashesInTheId) {
    const std::pair<const char*, const char*> routes[] = {
        {"deepseek/deepseek-reasoner", "deepseek"},
        {"xai/grok-4", "xai"},
        {"openrouter/anthropic/claude-3.5-sonnet", "openrouter"},
        {"together/meta-llama/Llama-3.3-70B-Instruct-Turbo", "together"},
        {"fireworks/accounts/fireworks/models/llama-v3p1-8b-instruct", "fireworks"},
        {"perplexity/sonar-pro", "perplexity"},
        {"cerebras/llama3.1-8b", "cerebras"},
        {"deepinfra/meta-llama/Meta-Llama-3.1-8B-Instruct", "deepinfra"},
        {"vllm/Qwen/Qwen2.5-1.5B-Instruct", "vllm"},
        {"lmstudio/qwen2.5-7b-instruct", "lmstudio"},
        {"llamacpp/local", "llamacpp"},
    };
    for (const auto& [model, provider] : routes) {
        EXPECT_EQ(provider_for(model), provider) << model;
        auto r = llmgate::detail::route(model, "");
        EXPECT_EQ(r.provider->name(), provider) << model;
        EXPECT_EQ(r.model, std::string(model).substr(std::string(provider).size() + 1)) << model;
    }
    EXPECT_EQ(llmgate::detail::route("openrouter/anthropic/claude-3.5-sonnet", "").model, "anthropic/claude-3.5-sonnet");
    // Bare names of those families still go to OpenAI: only the prefix chooses them.
    EXPECT_EQ(provider_for("deepseek-chat"), "openai");
    EXPECT_EQ(provider_for("grok-4"), "openai");
    const auto names = llmgate::providers();
    for (const auto& [model, provider] : routes)
        EXPECT_NE(std::find(names.begin(), names.end(), provider), names.end()) << provider;
}
