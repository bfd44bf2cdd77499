// Gemini explicit context caching (llmgate/caching.hpp): POST /v1beta/cachedContents, GET and DELETE
// /v1beta/{name} (python-genai caches.py; the cached prompt in generateContent's own shape, gemini_chat_body).
#include "llmgate/caching.hpp"

#include <utility>

#include "llmgate/errors.hpp"
#include "providers/gemini.hpp"
#include "providers/toolkit/adapter_errors.hpp"
#include "providers/toolkit/json_fields.hpp"
#include "providers/toolkit/json_request.hpp"

namespace llmgate::inline v1 {
namespace {

constexpr const char* kProvider = "gemini";

// "gemini/gemini-2.5-flash" → "gemini-2.5-flash": the model as the Gemini adapter names it.
std::string bare_model(const std::string& model) {
    return model.rfind("gemini/", 0) == 0 ? model.substr(7) : model;
}

// A cache name is a resource path of its own ("cachedContents/abc"): anything else would reach another path.
void check_name(const std::string& name) {
    if (name.rfind("cachedContents/", 0) != 0 || name.size() == 15 || name.find_first_of("/?#", 15) != std::string::npos)
        throw InvalidRequestError(ErrorInfo{.provider = kProvider,
                                            .message = "a cached content name is \"cachedContents/<id>\", not \"" +
                                                       name + "\""});
}

detail::HttpRequest request(std::string method, std::string url, const CachedContentOptions& options,
                            const std::string& model) {
    detail::HttpRequest http;
    http.method = std::move(method);
    http.url = std::move(url);
    http.headers.emplace_back("Accept", "application/json");
    http.timeout = detail::call_timeout(options.timeout);
    http.provider = kProvider;
    http.model = model;
    detail::gemini_add_key(http, options.api_key, model);
    return http;
}

detail::HttpResponse send(detail::HttpRequest http, const CachedContentOptions& options, const std::string& model) {
    detail::set_headers(http.headers, options.extra_headers);
    detail::HttpResponse response = detail::perform(std::move(http));
    if (!detail::is_success_status(response.status))
        detail::gemini_raise_error(model, static_cast<int>(response.status), response.headers, response.body);
    return response;
}

// {"name","model","displayName","createTime","updateTime","expireTime","usageMetadata":{"totalTokenCount"}}
CachedContent parse_cached_content(std::string body) {
    const json j = detail::reply_object(kProvider, "", body);
    CachedContent c;
    detail::reading_shape(kProvider, "", body, "cached content", [&] {
        c.name = detail::required_string(j, "name");
        c.model = detail::string_field(j, "model");
        c.display_name = detail::string_field(j, "displayName");
        c.expire_time = detail::string_field(j, "expireTime");
        if (const json* usage = detail::object_field(j, "usageMetadata"))
            c.total_tokens = detail::json_count(*usage, "totalTokenCount");
    });
    c.raw = RawJson::from_text(std::move(body));
    return c;
}

}  // namespace

CachedContent create_cached_content(const std::string& model, Messages messages, const CachedContentOptions& options) {
    const std::string id = bare_model(model);
    if (id.empty()) throw InvalidRequestError(ErrorInfo{.provider = kProvider, .message = "model must not be empty"});
    detail::ChatRequest chat{.model = id, .messages = std::move(messages).take()};
    if (chat.messages.empty())
        throw InvalidRequestError(ErrorInfo{.provider = kProvider, .model = id, .message = "nothing to cache: no messages"});
    chat.options.tools = options.tools;
    chat.options.tool_choice = options.tool_choice;
    // generateContent's own translation of the prompt, so what is cached is exactly what a call would send.
    json prompt = detail::gemini_chat_body(chat);
    json body{{"model", detail::gemini_model_resource(id)}};
    for (const char* key : {"contents", "systemInstruction", "tools", "toolConfig"})
        if (auto it = prompt.find(key); it != prompt.end()) body[key] = std::move(*it);
    if (options.ttl.count() > 0) body["ttl"] = std::to_string(options.ttl.count()) + "s";
    if (!options.display_name.empty()) body["displayName"] = options.display_name;
    detail::HttpRequest http = request("POST", detail::gemini_api_root(options.api_base) + "/cachedContents", options, id);
    http.headers.emplace_back("Content-Type", "application/json");
    http.body = body.dump();
    return parse_cached_content(send(std::move(http), options, id).body);
}

CachedContent get_cached_content(const std::string& name, const CachedContentOptions& options) {
    check_name(name);
    return parse_cached_content(
        send(request("GET", detail::gemini_api_root(options.api_base) + "/" + name, options, ""), options, "").body);
}

void delete_cached_content(const std::string& name, const CachedContentOptions& options) {
    check_name(name);
    send(request("DELETE", detail::gemini_api_root(options.api_base) + "/" + name, options, ""), options, "");
}

}  // namespace llmgate::inline v1
