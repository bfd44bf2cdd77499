// Groq: OpenAI-compatible under {GROQ_BASE_URL}/openai/v1; usage in streams arrives under x_groq.
#include "providers/base_url.hpp"
#include "providers/factories.hpp"
#include "providers/openai_compatible.hpp"

namespace llmgate::detail {
namespace {

class GroqProvider final : public OpenAICompatibleProvider {
public:
    GroqProvider() : OpenAICompatibleProvider("groq") {}

protected:
    std::string base_url(const std::string& override_base) const override {
        return pick_base_url(override_base, {"GROQ_BASE_URL"}, "https://api.groq.com");
    }
    std::string chat_url(const std::string& base, const std::string&) const override {
        return base + "/openai/v1/chat/completions";
    }
    void add_auth(Headers& headers, const std::string& override_key) const override {
        add_bearer(headers, require_key(override_key, {"GROQ_API_KEY"}));
    }
    // Groq rejected stream_options ("property 'stream_options' is unsupported") and reports stream
    // usage on its own in x_groq.usage, which the shared decoder reads.
    bool accepts_stream_usage_option(const ChatRequest&) const override { return false; }
    // llmgate (like the Python library) offers no Groq embeddings.
    bool supports_embeddings() const override { return false; }
};

}  // namespace

std::unique_ptr<Provider> make_groq_provider() { return std::make_unique<GroqProvider>(); }

}  // namespace llmgate::detail
