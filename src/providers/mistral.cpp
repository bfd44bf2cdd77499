// Mistral: OpenAI-like chat under {MISTRAL_BASE_URL}/v1 with its own names for a few fields.
#include "providers/base_url.hpp"
#include "providers/factories.hpp"
#include "providers/http_errors.hpp"
#include "providers/openai_compatible.hpp"

namespace llmgate::detail {
namespace {

class MistralProvider final : public OpenAICompatibleProvider {
public:
    MistralProvider() : OpenAICompatibleProvider("mistral") {}

protected:
    std::string base_url(const std::string& override_base) const override {
        return pick_base_url(override_base, {"MISTRAL_BASE_URL"}, "https://api.mistral.ai");
    }
    std::string chat_url(const std::string& base, const std::string&) const override { return base + "/v1/chat/completions"; }
    std::string embeddings_url(const std::string& base, const std::string&) const override { return base + "/v1/embeddings"; }
    void add_auth(Headers& headers, const std::string& override_key) const override {
        add_bearer(headers, require_key(override_key, {"MISTRAL_API_KEY"}));
    }
    std::string stream_accept() const override { return "text/event-stream"; }
    // Mistral sends usage on the last chunk unasked and has no stream_options field.
    bool accepts_stream_usage_option(const ChatRequest&) const override { return false; }

    void adapt_chat_body(json& body, const ChatRequest&, bool) const override {
        // Mistral's API validates strictly: unknown fields are a 422, so rename or drop.
        if (body.contains("seed")) {
            body["random_seed"] = body["seed"];
            body.erase("seed");
        }
        body.erase("user");
    }
    void adapt_embed_body(json& body, const EmbedRequest&) const override {
        if (body.contains("dimensions")) {
            body["output_dimension"] = body["dimensions"];
            body.erase("dimensions");
        }
        body.erase("user");
    }
    std::string request_id(const Headers& headers) const override {
        return first_header(headers, {"mistral-correlation-id", "x-request-id", "request-id"});
    }
};

}  // namespace

std::unique_ptr<Provider> make_mistral_provider() { return std::make_unique<MistralProvider>(); }

}  // namespace llmgate::detail
