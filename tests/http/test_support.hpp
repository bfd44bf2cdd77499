// Helpers for tests that run the library against the fake provider server.
#pragma once

#include <cstdlib>
#include <map>
#include <optional>
#include <string>

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
    for (const char* v : {"OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "GROQ_API_KEY",
                          "GROQ_BASE_URL", "MISTRAL_API_KEY", "MISTRAL_BASE_URL", "AZURE_OPENAI_API_KEY",
                          "AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_VERSION", "OPENAI_API_VERSION", "AZURE_OPENAI_AD_TOKEN",
                          "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "GEMINI_API_KEY", "GOOGLE_API_KEY", "GEMINI_BASE_URL",
                          "COHERE_API_KEY", "CO_API_KEY", "COHERE_BASE_URL", "CO_API_URL", "OLLAMA_HOST",
                          "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION",
                          "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "OLLAMA_API_KEY", "LLMGATE_MODEL"})
        g.set(v, nullptr);
}

inline std::vector<Message> hello() { return {Message::user("Hello!")}; }

}  // namespace llmgate::testing
