// Azure OpenAI: {AZURE_OPENAI_ENDPOINT}/openai/deployments/{deployment}/...?api-version=, `api-key` header.
// "azure-responses": the Responses API on Azure's v1 surface, {endpoint}/openai/v1/responses, where the
// deployment name goes in the body's `model` and no api-version is sent (Azure OpenAI "Responses API" docs).
#include <curl/curl.h>

#include "llmgate/errors.hpp"
#include "providers/base_url.hpp"
#include "providers/factories.hpp"
#include "providers/http_errors.hpp"
#include "providers/openai_compatible.hpp"
#include "util/environment.hpp"

namespace llmgate::inline v1::detail {
namespace {

// The Python library's documented default; override with AZURE_OPENAI_API_VERSION.
constexpr const char* kDefaultApiVersion = "2024-02-01";

std::string api_version() {
    if (auto v = first_env({"AZURE_OPENAI_API_VERSION", "OPENAI_API_VERSION"})) return *v;
    return kDefaultApiVersion;
}

std::string escape_segment(const std::string& s) {
    char* e = curl_easy_escape(nullptr, s.c_str(), static_cast<int>(s.size()));
    std::string out = e != nullptr ? e : s;
    curl_free(e);
    return out;
}

class AzureProvider final : public OpenAICompatibleProvider {
public:
    explicit AzureProvider(bool responses_api)
        : OpenAICompatibleProvider(responses_api ? "azure-responses" : "azure"), responses_api_(responses_api) {}

    // The model is a deployment name, so only the api-version decides: response_format json_schema
    // arrived in 2024-08-01-preview (and the 2024-10-21 GA); the default 2024-02-01 has json_object only.
    Capabilities capabilities(const std::string&) const override {
        Capabilities c;
        c.native_schema = api_version() >= "2024-08-01";
        c.optional_sent_as_null = c.native_schema;  // the OpenAI request shape, strict mode included
        c.json_mode = true;
        c.max_embedding_inputs = 2048;  // as OpenAI's embeddings endpoint
        if (responses_api_) c.native_schema = c.optional_sent_as_null = c.server_state = true;
        return c;
    }

protected:
    std::string base_url(const std::string& override_base) const override {
        std::string endpoint = pick_base_url(override_base, {"AZURE_OPENAI_ENDPOINT"}, "");
        if (endpoint.empty())
            throw InvalidRequestError(ErrorInfo{
                .provider = "azure", .message = "no Azure endpoint: set AZURE_OPENAI_ENDPOINT or pass api_base"});
        return endpoint;
    }
    std::string deployment_url(const std::string& base, const std::string& deployment, const char* op) const {
        return base + "/openai/deployments/" + escape_segment(deployment) + "/" + op +
               "?api-version=" + escape_segment(api_version());
    }
    std::string chat_url(const std::string& base, const std::string& deployment) const override {
        return deployment_url(base, deployment, "chat/completions");
    }
    std::string embeddings_url(const std::string& base, const std::string& deployment) const override {
        return deployment_url(base, deployment, "embeddings");
    }
    // Models - List (Azure OpenAI data-plane REST): the resource's base models, not its deployments.
    std::string models_url(const std::string& base) const override {
        return base + "/openai/models?api-version=" + escape_segment(api_version());
    }
    void add_auth(Headers& headers, const std::string& override_key) const override {
        if (override_key.empty()) {
            // As in the official SDK, an Entra ID token wins over a key when both are configured.
            if (auto token = first_env({"AZURE_OPENAI_AD_TOKEN"})) {
                add_bearer(headers, *token);
            } else if (auto key = first_env({"AZURE_OPENAI_API_KEY"})) {
                headers.emplace_back("api-key", *key);
            } else {
                (void)require_key("", {"AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN"});
            }
            return;
        }
        headers.emplace_back("api-key", override_key);
    }
    // stream_options arrived in api-version 2024-09-01-preview; older versions reject it.
    bool accepts_stream_usage_option(const ChatRequest&) const override { return api_version() >= "2024-09-01"; }
    void adapt_chat_body(json& body, const ChatRequest& request, bool) const override {
        rename_max_tokens(body, request);
        add_prompt_cache_fields(body, request);
    }
    bool adapts_chat_body(const ChatRequest& request, bool) const override {
        return sends_max_completion_tokens(request) || sends_prompt_cache_fields(request);
    }
    std::string default_encoding_format() const override { return "base64"; }
    std::string request_id(const Headers& headers) const override {
        return first_header(headers, {"apim-request-id", "x-request-id", "x-ms-request-id"});
    }
    bool uses_responses_api(const std::string&) const override { return responses_api_; }
    std::string responses_url(const std::string& base) const override { return base + "/openai/v1/responses"; }

private:
    const bool responses_api_;
};

}  // namespace

std::unique_ptr<Provider> make_azure_provider() { return std::make_unique<AzureProvider>(false); }
std::unique_ptr<Provider> make_azure_responses_provider() { return std::make_unique<AzureProvider>(true); }

}  // namespace llmgate::inline v1::detail
