// What the batch API files share: sending a call with the adapter's auth and typed errors, JSONL, ids, times.
#include <ctime>

#include "llmgate/errors.hpp"
#include "providers/batch/batch_api.hpp"
#include "providers/toolkit/adapter_errors.hpp"
#include "providers/toolkit/json_request.hpp"

namespace llmgate::inline v1::detail {

const BatchApi* openai_batch_api();
const BatchApi* anthropic_batch_api();
const BatchApi* gemini_batch_api();

const BatchApi* batch_api_for(const std::string& provider) {
    if (provider == "openai" || provider == "openai-responses" || provider == "azure") return openai_batch_api();
    if (provider == "anthropic") return anthropic_batch_api();
    if (provider == "gemini") return gemini_batch_api();
    return nullptr;
}

HttpRequest batch_call(const BatchEndpoint& at, std::string method, std::string url) {
    HttpRequest http;
    http.method = std::move(method);
    http.url = std::move(url);
    for (const auto& [name, value] : at.probe.headers) {
        std::string lower;
        for (char c : name) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
        if (lower == "content-type" || lower == "accept" || lower == "content-length") continue;
        http.headers.emplace_back(name, value);
    }
    http.headers.emplace_back("Accept", "application/json");
    http.provider = at.provider->name();
    http.model = at.model;
    http.timeout = at.probe.timeout;
    http.cancel = at.probe.cancel;
    return http;
}

HttpResponse batch_send(const BatchEndpoint& at, HttpRequest http) {
    const ProviderBatchOptions& options = at.options;
    set_headers(http.headers, options.extra_headers);
    http.timeout = call_timeout(options.timeout);
    if (options.cancel) http.cancel = options.cancel;
    http.max_response_bytes = options.max_response_bytes;
    HttpResponse response = perform(std::move(http));
    if (!is_success_status(response.status)) at.provider->batch_error(at.model, response);
    return response;
}

std::vector<nlohmann::json> batch_jsonl_objects(const std::string& provider, const std::string& what,
                                                const std::string& text) {
    std::vector<nlohmann::json> out;
    std::size_t start = 0;
    std::size_t number = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        start = end + 1;
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_object())
            parse_failure(provider, "", what + " line " + std::to_string(number) + " is not a JSON object", line);
        out.push_back(std::move(j));
    }
    return out;
}

void check_batch_id(const std::string& provider, const std::string& id, const std::string& prefix) {
    bool ok = id.size() > prefix.size() && id.compare(0, prefix.size(), prefix) == 0 && id.size() <= 256;
    for (std::size_t i = prefix.size(); ok && i < id.size(); ++i) {
        const char c = id[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
             c == '.';
    }
    if (!ok || id.find("..") != std::string::npos)
        throw InvalidRequestError(ErrorInfo{
            .provider = provider,
            .message = "not a " + provider + " batch id: \"" + id + "\"" +
                       (prefix.empty() ? std::string() : " (expected \"" + prefix + "<id>\")")});
}

std::string rfc3339_from_unix(std::int64_t seconds) {
    if (seconds <= 0) return {};
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    if (gmtime_r(&t, &tm) == nullptr) return {};
    char buf[32];
    if (std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) return {};
    return buf;
}

}  // namespace llmgate::inline v1::detail
