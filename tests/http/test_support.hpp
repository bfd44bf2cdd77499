// Helpers for tests that run the library against the fake provider server.
#pragma once

#include <cstdlib>
#include <unistd.h>  // environ
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "expect_error.hpp"
#include "fake_server.hpp"
#include "llmgate/llmgate.hpp"
#include "openai_replies.hpp"

namespace llmgate::testing {

// Sets (or unsets) environment variables for one test and restores them afterwards.
class EnvGuard {
public:
    EnvGuard() = default;
    EnvGuard(std::initializer_list<std::pair<const char*, const char*>> vars) {
        for (const auto& [k, v] : vars) set(k, v);
    }
    EnvGuard(const EnvGuard&) = delete;
    EnvGuard& operator=(const EnvGuard&) = delete;
    ~EnvGuard() {
        for (const auto& [k, old] : saved_) {
            if (old)
                ::setenv(k.c_str(), old->c_str(), 1);
            else
                ::unsetenv(k.c_str());
        }
    }
    void set(const char* name, const char* value) {
        if (!saved_.count(name)) {
            const char* old = std::getenv(name);
            saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
        }
        if (value)
            ::setenv(name, value, 1);
        else
            ::unsetenv(name);
    }

private:
    std::map<std::string, std::optional<std::string>> saved_;
};

// Every provider's variables cleared, so a developer's real keys never leak into a test.
inline void clear_provider_env(EnvGuard& g) {
    for (const char* v : {"OPENAI_API_KEY",
                          "OPENAI_BASE_URL",
                          "OPENAI_ORG_ID",
                          "OPENAI_PROJECT_ID",
                          "GROQ_API_KEY",
                          "GROQ_BASE_URL",
                          "MISTRAL_API_KEY",
                          "MISTRAL_BASE_URL",
                          "AZURE_OPENAI_API_KEY",
                          "AZURE_OPENAI_ENDPOINT",
                          "AZURE_OPENAI_API_VERSION",
                          "OPENAI_API_VERSION",
                          "AZURE_OPENAI_AD_TOKEN",
                          "ANTHROPIC_API_KEY",
                          "ANTHROPIC_BASE_URL",
                          "GEMINI_API_KEY",
                          "GOOGLE_API_KEY",
                          "GEMINI_BASE_URL",
                          "COHERE_API_KEY",
                          "CO_API_KEY",
                          "COHERE_BASE_URL",
                          "CO_API_URL",
                          "OLLAMA_HOST",
                          "AWS_ACCESS_KEY_ID",
                          "AWS_SECRET_ACCESS_KEY",
                          "AWS_SESSION_TOKEN",
                          "AWS_REGION",
                          "AWS_DEFAULT_REGION",
                          "AWS_ENDPOINT_URL",
                          "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
                          "AWS_ENDPOINT_URL_BEDROCK",
                          "AWS_PROFILE",
                          "OLLAMA_API_KEY",
                          "LLMGATE_MODEL",
                          "ANTHROPIC_AUTH_TOKEN",
                          "GOOGLE_GEMINI_BASE_URL"})
        g.set(v, nullptr);
    // The OpenAI-compatible providers configured in the registry table: every variable under their prefixes
    // (keys, base URLs, OpenRouter's attribution), whatever its exact name.
    std::vector<std::string> configured;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string_view entry(*e);
        for (std::string_view prefix : {"DEEPSEEK_", "XAI_", "OPENROUTER_", "OR_", "TOGETHER", "FIREWORKS_",
                                        "PERPLEXITY", "CEREBRAS_", "DEEPINFRA_", "VLLM_", "HOSTED_VLLM_",
                                        "LM_STUDIO_", "LMSTUDIO_", "LLAMACPP_", "LLAMA_CPP_"})
            if (entry.substr(0, prefix.size()) == prefix) configured.emplace_back(entry.substr(0, entry.find('=')));
    }
    for (const auto& v : configured) g.set(v.c_str(), nullptr);
}

inline std::vector<Message> hello() { return {Message::user("Hello!")}; }

// A test whose every provider variable is cleared (and restored after it): no developer's real key
// reaches it. `env` sets more for the test alone.
class ProviderEnvTest : public ::testing::Test {
protected:
    void SetUp() override { clear_provider_env(env); }

    EnvGuard env;
};

// The usual fixture of an HTTP test: every provider's variables cleared for the test (and restored
// after it), and one fake server. Fixtures derive from it and point their provider at the server.
// TearDown stops the server (joining its handler threads) before any fixture member is destroyed, so a
// handler may use members of a derived fixture, whatever their order.
class ServerTest : public ProviderEnvTest {
protected:
    void TearDown() override { server.stop(); }
    // Sets a provider's key variable and its base-URL variable to this server; `path` is what the
    // provider's real base URL has after the host (OpenAI's "/v1").
    void point_at(const char* key_variable, const char* key, const char* base_variable, const char* path = "") {
        env.set(key_variable, key);
        env.set(base_variable, (server.base_url() + path).c_str());
    }

    FakeServer server;
};

// ServerTest for TEST_P: the parameter is GetParam().
template <class Param>
class ServerTestWithParam : public ServerTest, public ::testing::WithParamInterface<Param> {};

// OpenAI pointed at the fake server with the given key: most cross-provider features (async, batch,
// middleware) are tested over OpenAI's wire format. `path` is the base URL's path ("/v1", as the real
// one has; "" where a test reads the bare server URL).
class OpenAIServerTest : public ServerTest {
protected:
    explicit OpenAIServerTest(std::string key, std::string path = "/v1")
        : key_(std::move(key)), path_(std::move(path)) {}
    void SetUp() override {
        ServerTest::SetUp();
        point_at("OPENAI_API_KEY", key_.c_str(), "OPENAI_BASE_URL", path_.c_str());
    }

private:
    std::string key_, path_;
};

}  // namespace llmgate::testing
