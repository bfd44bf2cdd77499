// Groq: OpenAI-compatible under {GROQ_BASE_URL}/openai/v1; usage in streams arrives under x_groq.
#include "providers/base_url.hpp"
#include "providers/factories.hpp"
#include "providers/openai_compatible.hpp"
#include "providers/toolkit/reasoning.hpp"

namespace llmgate::inline v1::detail {
namespace {

// console.groq.com/docs/structured-outputs: json_schema on these models only; strict:true
// (constrained decoding) on the GPT-OSS ones, best-effort (strict:false) on the others.
bool strict_schema_model(const std::string& model) { return model.rfind("openai/gpt-oss-", 0) == 0; }
bool json_schema_model(const std::string& model) {
    if (strict_schema_model(model)) return true;
    for (const char* m : {"moonshotai/kimi-k2-instruct", "meta-llama/llama-4-maverick-17b-128e-instruct",
                          "meta-llama/llama-4-scout-17b-16e-instruct"})
        if (model.rfind(m, 0) == 0) return true;
    return false;
}

// groq-python types/chat/completion_create_params.py: reasoning_effort is "none" | "default" on qwen3 models
// (reasoning off, or on) and "low" | "medium" | "high" on openai/gpt-oss-* (which cannot turn it off).
bool qwen3_model(const std::string& model) { return model.rfind("qwen/qwen3", 0) == 0 || model.rfind("qwen3", 0) == 0; }
bool gpt_oss_model(const std::string& model) { return model.rfind("openai/gpt-oss", 0) == 0; }

// The unified effort in the values this model family takes; other models get it as spelled.
std::string groq_reasoning_effort(const std::string& model, Effort effort) {
    if (qwen3_model(model)) return effort == Effort::none ? "none" : "default";
    if (gpt_oss_model(model) && (effort == Effort::none || effort == Effort::minimal)) return "low";
    return effort_name(effort);
}

class GroqProvider final : public OpenAICompatibleProvider {
public:
    GroqProvider() : OpenAICompatibleProvider("groq") {}

    // Other models take JSON Object Mode (response_format json_object) only.
    Capabilities capabilities(const std::string& model) const override {
        Capabilities c;
        c.native_schema = json_schema_model(model);
        c.optional_sent_as_null = c.native_schema && strict_schema_model(model);  // see adapt_chat_body
        c.json_mode = true;
        return c;  // images: image_url parts (with detail) on its vision models (Llama 4 Scout / Maverick)
    }

protected:
    std::string base_url(const std::string& override_base) const override {
        return pick_base_url(override_base, {"GROQ_BASE_URL"}, "https://api.groq.com");
    }
    std::string chat_url(const std::string& base, const std::string&) const override {
        return base + "/openai/v1/chat/completions";
    }
    std::string models_url(const std::string& base) const override { return base + "/openai/v1/models"; }
    void add_auth(Headers& headers, const std::string& override_key) const override {
        add_bearer(headers, require_key(override_key, {"GROQ_API_KEY"}));
    }
    // Groq rejected stream_options ("property 'stream_options' is unsupported") and reports stream
    // usage on its own in x_groq.usage, which the shared decoder reads.
    bool accepts_stream_usage_option(const ChatRequest&) const override { return false; }
    void adapt_chat_body(json& body, const ChatRequest& request, bool) const override {
        // Strict mode is rejected on models without constrained decoding: best-effort there.
        if (body.contains("response_format"))
            body["response_format"] = openai_response_format(request, strict_schema_model(request.model));
        const Reasoning r = requested_reasoning(request.options);
        if (!r.requested()) return;
        body["reasoning_effort"] = groq_reasoning_effort(request.model, effort_or_budget(r));
        // qwen3 puts its reasoning inside <think> tags in the content unless asked for "parsed", which moves it to
        // message.reasoning (read as the unified reasoning). gpt-oss sends message.reasoning by default and takes
        // include_reasoning instead; the two fields are mutually exclusive, so a caller's own choice in extra wins.
        const json& extra = request.options.extra;
        const bool caller_chose =
            extra.is_object() && (extra.contains("reasoning_format") || extra.contains("include_reasoning"));
        if (qwen3_model(request.model) && !r.off() && !caller_chose) body["reasoning_format"] = "parsed";
    }
    bool adapts_chat_body(const ChatRequest& request, bool) const override {
        return request.structured != StructuredMode::none || requested_reasoning(request.options).requested();
    }
    // llmgate (like the Python library) offers no Groq embeddings.
    bool supports_embeddings() const override { return false; }
};

}  // namespace

std::unique_ptr<Provider> make_groq_provider() { return std::make_unique<GroqProvider>(); }

}  // namespace llmgate::detail
