// The tail every HTTP adapter's request building shares: a JSON POST with its labels, timeout, headers and body.
#include "providers/toolkit/json_request.hpp"

namespace llmgate::inline v1::detail {

std::chrono::milliseconds call_timeout(std::chrono::milliseconds requested) {
    return requested.count() > 0 ? requested : std::chrono::milliseconds(600000);
}

HttpRequest json_post(const std::string& provider, const std::string& model, std::chrono::milliseconds timeout,
                      JsonPost post, std::size_t extra_headers) {
    HttpRequest http;
    http.url = std::move(post.url);
    http.provider = provider;
    http.model = model;
    http.timeout = call_timeout(timeout);
    http.streaming = post.streaming;
    // Built once per request: room for the adapter's headers and the caller's, so the list never regrows.
    http.headers.reserve(2 + post.auth_headers + extra_headers);
    http.headers.emplace_back("Content-Type", "application/json");
    http.headers.emplace_back("Accept", std::string(post.accept));
    return http;
}

void finish_json_request(HttpRequest& http, const std::map<std::string, std::string>& extra_headers,
                         nlohmann::json body, const nlohmann::json& extra) {
    for (const auto& [k, v] : extra.items()) body[k] = v;
    finish_json_request(http, extra_headers, body);
}

void finish_json_request(HttpRequest& http, const std::map<std::string, std::string>& extra_headers,
                         const nlohmann::json& body) {
    set_headers(http.headers, extra_headers);
    http.body = body.dump();
}

}  // namespace llmgate::inline v1::detail
