// OpenAI: api.openai.com (or OPENAI_BASE_URL), Bearer key, optional organization and project headers.
#include "core/environment.hpp"
#include "providers/base_url.hpp"
#include "providers/factories.hpp"
#include "providers/openai_compatible.hpp"

namespace llmgate::detail {
namespace {

class OpenAIProvider final : public OpenAICompatibleProvider {
public:
    OpenAIProvider() : OpenAICompatibleProvider("openai") {}

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
        // o-series and gpt-5 models reject max_tokens; they count hidden reasoning in max_completion_tokens.
        if (is_reasoning_model(request.model) && body.contains("max_tokens")) {
            body["max_completion_tokens"] = body["max_tokens"];
            body.erase("max_tokens");
        }
    }
    // The official SDK asks for base64 (smaller replies) and decodes it; so do we.
    std::string default_encoding_format() const override { return "base64"; }
};

}  // namespace

std::unique_ptr<Provider> make_openai_provider() { return std::make_unique<OpenAIProvider>(); }

}  // namespace llmgate::detail
