// Helpers for tests that run the library against the fake provider server.
#pragma once

#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include <gtest/gtest.h>

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
                          "AWS_PROFILE",
                          "OLLAMA_API_KEY",
                          "LLMGATE_MODEL",
                          "ANTHROPIC_AUTH_TOKEN",
                          "GOOGLE_GEMINI_BASE_URL"})
        g.set(v, nullptr);
}

inline std::vector<Message> hello() { return {Message::user("Hello!")}; }

// The usual fixture of an HTTP test: every provider's variables cleared for the test (and restored
// after it), and one fake server. Fixtures derive from it and point their provider at the server.
class ServerTest : public ::testing::Test {
protected:
    void SetUp() override { clear_provider_env(env); }
    // Sets a provider's key variable and its base-URL variable to this server; `path` is what the
    // provider's real base URL has after the host (OpenAI's "/v1").
    void point_at(const char* key_variable, const char* key, const char* base_variable, const char* path = "") {
        env.set(key_variable, key);
        env.set(base_variable, (server.base_url() + path).c_str());
    }

    EnvGuard env;
    FakeServer server;
};

// OpenAI pointed at the fake server with the given key: most cross-provider features (async, batch,
// middleware) are tested over OpenAI's wire format.
class OpenAIServerTest : public ServerTest {
protected:
    explicit OpenAIServerTest(std::string key) : key_(std::move(key)) {}
    void SetUp() override {
        ServerTest::SetUp();
        point_at("OPENAI_API_KEY", key_.c_str(), "OPENAI_BASE_URL", "/v1");
    }

private:
    std::string key_;
};

}  // namespace llmgate::testing
