// OpenAI: api.openai.com (or OPENAI_BASE_URL), Bearer key, optional organization and project headers.
// "openai" speaks chat completions, and the Responses API for the models that exist only there;
// "openai-responses" speaks the Responses API for every model.
#include "providers/base_url.hpp"
#include "providers/factories.hpp"
#include "providers/openai_compatible.hpp"
#include "providers/openai_responses.hpp"
#include "util/environment.hpp"

namespace llmgate::inline v1::detail {
namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// Structured Outputs (response_format json_schema) arrived with gpt-4o-2024-08-06 and gpt-4o-mini; the
// older families and the first o1 previews take no json_schema. Unknown names (OpenAI-compatible
// servers reached through OPENAI_BASE_URL) are assumed to take it; a 400 makes the structured layer
// step down.
bool takes_json_schema(const std::string& model) {
    for (const char* old : {"gpt-3.5", "gpt-4-", "gpt-4o-2024-05-13", "chatgpt-4o", "o1-mini", "o1-preview"})
        if (starts_with(model, old)) return false;
    return model != "gpt-4";
}

// JSON mode (json_object) needs gpt-3.5-turbo-1106 / gpt-4-turbo or newer; the original gpt-4 and
// the o1 previews reject it.
bool takes_json_object(const std::string& model) {
    for (const char* old : {"gpt-4-0314", "gpt-4-0613", "gpt-4-32k", "o1-mini", "o1-preview"})
        if (starts_with(model, old)) return false;
    return model != "gpt-4";
}

class OpenAIProvider final : public OpenAICompatibleProvider {
public:
    explicit OpenAIProvider(bool responses_api)
        : OpenAICompatibleProvider(responses_api ? "openai-responses" : "openai"), responses_api_(responses_api) {}

    Capabilities capabilities(const std::string& model) const override {
        Capabilities c;
        c.native_schema = takes_json_schema(model);
        c.optional_sent_as_null = c.native_schema;  // openai_response_format(request, true)
        c.json_mode = takes_json_object(model);
        // openai-python types/embedding_create_params.py: "any array must be 2048 dimensions or less".
        c.max_embedding_inputs = 2048;
        c.server_state = uses_responses_api(model);  // previous_response_id
        return c;  // images and image URLs: taken as given (image_url parts, detail included)
    }

protected:
    std::string base_url(const std::string& override_base) const override {
        return pick_base_url(override_base, {"OPENAI_BASE_URL"}, "https://api.openai.com/v1");
    }
    void add_auth(Headers& headers, const std::string& override_key) const override {
        add_bearer(headers, require_key(override_key, {"OPENAI_API_KEY"}));
        if (auto org = first_env({"OPENAI_ORG_ID"})) headers.emplace_back("OpenAI-Organization", *org);
        if (auto project = first_env({"OPENAI_PROJECT_ID"})) headers.emplace_back("OpenAI-Project", *project);
    }
    void adapt_chat_body(json& body, const ChatRequest& request, bool) const override {
        rename_max_tokens(body, request);
        add_prompt_cache_fields(body, request);
    }
    bool adapts_chat_body(const ChatRequest& request, bool) const override {
        return sends_max_completion_tokens(request) || sends_prompt_cache_fields(request);
    }
    // The official SDK asks for base64 (smaller replies) and decodes it; so do we.
    std::string default_encoding_format() const override { return "base64"; }
    bool uses_responses_api(const std::string& model) const override {
        return responses_api_ || openai_responses_only_model(model);
    }

private:
    const bool responses_api_;
};

}  // namespace

std::unique_ptr<Provider> make_openai_provider() { return std::make_unique<OpenAIProvider>(false); }
std::unique_ptr<Provider> make_openai_responses_provider() { return std::make_unique<OpenAIProvider>(true); }

}  // namespace llmgate::inline v1::detail
