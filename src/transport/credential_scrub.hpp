// Keeps a request's own credentials out of what its error reply becomes. Some providers echo the key
// they were sent ("Incorrect API key provided: sk-..."); that text would otherwise reach exception
// messages and logs. Scrubbed: bearer tokens and every API-key header llmgate's adapters send.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "transport/http.hpp"

namespace llmgate::inline v1::detail {

inline std::vector<std::string> credential_values(const Headers& request_headers) {
    std::vector<std::string> out;
    for (const char* name : {"authorization", "x-api-key", "api-key", "x-goog-api-key", "x-amz-security-token"}) {
        std::string v = find_header(request_headers, name);
        if (std::string_view(name) == "authorization") {
            // "Bearer <token>"; AWS SigV4's Authorization holds only a derived signature and the key id.
            if (v.rfind("Bearer ", 0) == 0)
                v = v.substr(7);
            else if (v.rfind("AWS4-", 0) == 0)
                continue;
        }
        if (v.size() >= 8) out.push_back(std::move(v));  // shorter values would scrub ordinary words
    }
    return out;
}

inline void scrub_credentials(const std::vector<std::string>& secrets, std::string& text) {
    for (const auto& s : secrets)
        for (std::size_t at = text.find(s); at != std::string::npos; at = text.find(s, at + 10))
            text.replace(at, s.size(), "[REDACTED]");
}

// What the transport does to every buffered reply before handing it over: an error reply loses the
// credentials its own request sent. Done here, once, so no caller has to copy the keys up front.
inline void scrub_error_reply(const Headers& request_headers, long status, std::string& body) {
    if (!is_success_status(status) && !body.empty()) scrub_credentials(credential_values(request_headers), body);
}

}  // namespace llmgate::detail
