// The tail every HTTP adapter's request building shares: a JSON POST with its labels, timeout, headers and body.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "transport/http.hpp"

namespace llmgate::inline v1::detail {

// The timeout a call asked for; 0 (none given) is the 600 s the official SDKs use.
std::chrono::milliseconds call_timeout(std::chrono::milliseconds requested);

// What a JSON POST goes to and how its reply is read.
struct JsonPost {
    std::string url;
    std::string_view accept = "application/json";
    bool streaming = false;
    std::size_t auth_headers = 2;  // room reserved for the adapter's own headers (auth, version, ...)
};

// A POST to `post.url` for `model`, labelled `provider` (for errors), with call_timeout(timeout), the
// streaming flag and the headers "Content-Type: application/json" and "Accept: <post.accept>". The adapter
// then appends its own headers (auth, API version) and calls finish_json_request.
HttpRequest json_post(const std::string& provider, const std::string& model, std::chrono::milliseconds timeout,
                      JsonPost post, std::size_t extra_headers = 0);

// The caller's extra headers (each replacing a header of the same name) and the body as text, with the
// caller's `extra` fields set over its top level (they win over the adapter's).
void finish_json_request(HttpRequest& http, const std::map<std::string, std::string>& extra_headers,
                         nlohmann::json body, const nlohmann::json& extra);
// The same for a body the adapter has already merged `extra` into.
void finish_json_request(HttpRequest& http, const std::map<std::string, std::string>& extra_headers,
                         const nlohmann::json& body);

}  // namespace llmgate::inline v1::detail
