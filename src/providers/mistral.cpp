// Mistral: OpenAI-like chat under {MISTRAL_BASE_URL}/v1 with its own names for a few fields.
#include "providers/base_url.hpp"
#include "providers/factories.hpp"
#include "providers/http_errors.hpp"
#include "providers/openai_compatible.hpp"

namespace llmgate::inline v1::detail {
namespace {

// mistralai/client-python extra/utils/_pydantic_helper.py rec_strict_json_schema: for strict mode
// every object schema without its own additionalProperties gets additionalProperties:false (unlike
// OpenAI, optional properties may stay optional).
void close_objects(json& node, int depth) {
    if (depth > 64) return;
    if (node.is_array()) {
        for (auto& sub : node) close_objects(sub, depth + 1);
        return;
    }
    if (!node.is_object()) return;
    if (node.value("type", json()) == "object" && !node.contains("additionalProperties"))
        node["additionalProperties"] = false;
    for (auto& [key, sub] : node.items())
        if (key != "enum" && key != "const" && key != "default" && key != "examples") close_objects(sub, depth + 1);
}

// models/responseformat.py + models/jsonschema.py: {type: json_schema, json_schema: {name, schema,
// strict, description?}} or {type: json_object}.
json mistral_response_format(const ChatRequest& request) {
    json format = openai_response_format(request, false);
    if (format.is_null() || format["type"] != "json_schema") return format;
    const ResponseFormat& rf = *request.options.response_format;
    json& spec = format["json_schema"];
    spec["strict"] = rf.strict;
    if (rf.strict) close_objects(spec["schema"], 0);
    return format;
}

// models/imageurlchunk.py: image_url is a string or {url, detail}. The plain string is what the
// Python llmgate sends; the object form is kept only when a detail must travel with it.
void plain_image_urls(json& messages) {
    for (auto& m : messages) {
        auto content = m.find("content");
        if (content == m.end() || !content->is_array()) continue;
        for (auto& part : *content) {
            if (part.value("type", json()) != "image_url") continue;
            json& image = part["image_url"];
            if (image.is_object() && !image.contains("detail") && image.contains("url")) image = json(image["url"]);
        }
    }
}

class MistralProvider final : public OpenAICompatibleProvider {
public:
    MistralProvider() : OpenAICompatibleProvider("mistral") {}

    // Custom structured outputs (json_schema) and JSON mode on its chat models; vision models take
    // image URLs and data: URIs.
    Capabilities capabilities(const std::string&) const override {
        Capabilities c;
        c.native_schema = true;
        c.json_mode = true;
        return c;
    }

protected:
    std::string base_url(const std::string& override_base) const override {
        return pick_base_url(override_base, {"MISTRAL_BASE_URL"}, "https://api.mistral.ai");
    }
    std::string chat_url(const std::string& base, const std::string&) const override {
        return base + "/v1/chat/completions";
    }
    std::string embeddings_url(const std::string& base, const std::string&) const override {
        return base + "/v1/embeddings";
    }
    std::string models_url(const std::string& base) const override { return base + "/v1/models"; }
    void add_auth(Headers& headers, const std::string& override_key) const override {
        add_bearer(headers, require_key(override_key, {"MISTRAL_API_KEY"}));
    }
    std::string stream_accept() const override { return "text/event-stream"; }
    // Mistral sends usage on the last chunk unasked and has no stream_options field.
    bool accepts_stream_usage_option(const ChatRequest&) const override { return false; }

    void adapt_chat_body(json& body, const ChatRequest& request, bool) const override {
        if (body.contains("response_format")) body["response_format"] = mistral_response_format(request);
        plain_image_urls(body["messages"]);
        // Mistral's API validates strictly: unknown fields are a 422, so rename or drop.
        if (body.contains("seed")) {
            body["random_seed"] = body["seed"];
            body.erase("seed");
        }
        body.erase("user");
    }
    bool adapts_chat_body(const ChatRequest&, bool) const override { return true; }
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
