// The OpenAI-compatible providers described by a registry line alone (DeepSeek, xAI, OpenRouter, Together,
// Fireworks, Perplexity, Cerebras, DeepInfra, vLLM, LM Studio, llama.cpp): their variables, base URL and
// quirks come from the line's CompatibleSpec; everything else is the shared OpenAI wire format.
#include <span>

#include "providers/base_url.hpp"
#include "providers/compatible_spec.hpp"
#include "providers/factories.hpp"
#include "providers/openai_compatible.hpp"
#include "providers/toolkit/api_key.hpp"
#include "util/environment.hpp"

namespace llmgate::inline v1::detail {
namespace {

// The set entries of a registry line's variable list.
std::span<const char* const> listed(const EnvVariables& variables) {
    std::size_t n = 0;
    while (n < variables.size() && variables[n] != nullptr) ++n;
    return {variables.data(), n};
}

// The first set variable of `variables`, if any.
std::optional<std::string> first_listed_env(const EnvVariables& variables) {
    for (const char* v : listed(variables))
        if (auto value = first_env({v})) return value;
    return std::nullopt;
}

// A turn's reasoning goes back only where a tool call needs it (DeepSeek thinking mode: "the reasoning_content
// of an assistant turn that performed a tool call must be passed back in all subsequent requests"); every
// other turn's reasoning stays out, as the shared format sends none.
bool replays_reasoning(const Message& m) {
    return m.role == "assistant" && !m.tool_calls.empty() && !m.reasoning.empty();
}

class ConfiguredCompatibleProvider final : public OpenAICompatibleProvider {
public:
    ConfiguredCompatibleProvider(const char* name, const CompatibleSpec& spec)
        : OpenAICompatibleProvider(name), spec_(spec) {}

    // Structured output as OpenAI sends it: response_format json_schema (strict, so optional properties
    // travel as nullable) where the line allows it, else json_object. A model that rejects the mode
    // answers 400 and the structured layer steps down.
    Capabilities capabilities(const std::string&) const override {
        Capabilities c;
        c.native_schema = spec_.quirks.json_schema;
        c.optional_sent_as_null = c.native_schema;
        c.json_mode = true;
        return c;
    }

protected:
    std::string base_url(const std::string& override_base) const override {
        if (!override_base.empty()) return strip_trailing_slashes(override_base);
        if (auto v = first_listed_env(spec_.base_variables)) return strip_trailing_slashes(std::move(*v));
        return spec_.default_base;
    }

    void add_auth(Headers& headers, const std::string& override_key) const override {
        const auto variables = listed(spec_.key_variables);
        // A local server started without --api-key takes requests with no Authorization header at all.
        std::string key =
            spec_.quirks.key_required ? require_key(override_key, variables) : find_key(override_key, variables);
        if (!key.empty()) add_bearer(headers, key);
        if (spec_.quirks.openrouter_attribution) add_openrouter_attribution(headers);
    }

    // openrouter.ai/docs/app-attribution: HTTP-Referer (the app's URL) and X-Title (its name), both
    // optional; the variable names are LiteLLM's (OR_SITE_URL, OR_APP_NAME) and their long forms.
    static void add_openrouter_attribution(Headers& headers) {
        if (auto site = first_env({"OPENROUTER_SITE_URL", "OR_SITE_URL"})) headers.emplace_back("HTTP-Referer", *site);
        if (auto app = first_env({"OPENROUTER_APP_NAME", "OR_APP_NAME"})) headers.emplace_back("X-Title", *app);
    }

    bool supports_embeddings() const override { return spec_.quirks.embeddings; }
    bool supports_model_listing() const override { return spec_.quirks.model_listing; }
    bool stream_ends_with_done() const override { return spec_.quirks.stream_done_marker; }
    bool accepts_stream_usage_option(const ChatRequest&) const override { return spec_.quirks.stream_usage_option; }

    void adapt_chat_body(json& body, const ChatRequest& request, bool) const override {
        if (!spec_.quirks.tool_call_reasoning_replayed) return;
        json& messages = body["messages"];  // one per request message, in order (openai_chat_body)
        for (std::size_t i = 0; i < request.messages.size() && i < messages.size(); ++i)
            if (replays_reasoning(request.messages[i])) messages[i]["reasoning_content"] = request.messages[i].reasoning;
    }
    bool adapts_chat_body(const ChatRequest& request, bool) const override {
        if (!spec_.quirks.tool_call_reasoning_replayed) return false;
        for (const Message& m : request.messages)
            if (replays_reasoning(m)) return true;
        return false;
    }

private:
    CompatibleSpec spec_;
};

}  // namespace

std::unique_ptr<Provider> make_configured_compatible_provider(const char* name, const CompatibleSpec& spec) {
    return std::make_unique<ConfiguredCompatibleProvider>(name, spec);
}

}  // namespace llmgate::inline v1::detail
