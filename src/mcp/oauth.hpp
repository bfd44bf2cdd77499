// MCP authorization for the Streamable HTTP transport: what a client does when the server answers 401 (or 403
// insufficient_scope), per the MCP spec's authorization section (2025-06-18 / 2025-11-25, with the 2025-03-26
// fallbacks): RFC 9728 protected-resource metadata, RFC 8414 / OpenID authorization-server metadata, RFC 7591
// dynamic registration, OAuth 2.1 authorization code + PKCE (S256) with the RFC 8707 resource, refresh.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "llmgate/mcp.hpp"

namespace llmgate::inline v1::mcp::detail {

// What a server sends during authorization, read (exported for fuzz/mcp_oauth_fuzz.cpp): one auth-param of a
// WWW-Authenticate Bearer challenge (RFC 6750: quoted or token), and one query parameter of the URL the
// authorization server redirected back to, percent-decoded. "" when absent.
std::string bearer_challenge_param(const std::string& www_authenticate, const std::string& name);
std::string url_query_param(const std::string& url, const std::string& name);

class OAuth {
public:
    OAuth(std::string resource_url, OAuthOptions options, std::chrono::milliseconds timeout);

    // "Bearer <token>", or "" before the first token.
    std::string authorization() const;
    // Bumped by every new token: a request sent with an older one is simply sent again.
    std::uint64_t generation() const;
    // A request sent with token `generation` got `status` (401 or 403) with this WWW-Authenticate header:
    // gets a token it can be sent again with (refresh, or the whole flow). AuthError when there is none.
    void challenge(long status, const std::string& www_authenticate, std::uint64_t generation);

private:
    struct Endpoints {
        std::string authorization{}, token{}, registration{};
        json metadata{};
        bool discovered = false;
    };
    void discover(const std::string& resource_metadata_url);
    void register_client();
    void authorize(const std::string& scope);
    bool refresh();
    void client_credentials(const std::string& scope);
    std::string client_assertion() const;  // the private_key_jwt JWT for the token endpoint
    void take_tokens(const json& reply);
    json token_request(std::string form);

    const std::string resource_;
    OAuthOptions options_;
    const std::chrono::milliseconds timeout_;

    mutable std::mutex mu_;  // the token and its generation
    OAuthTokens tokens_{};
    std::uint64_t generation_ = 0;

    std::mutex flow_mu_;  // one authorization at a time; the rest below is used under it
    Endpoints endpoints_{};
    json resource_metadata_{};
    std::string client_id_{}, client_secret_{}, auth_method_{};
    int step_ups_ = 0;
};

}  // namespace llmgate::inline v1::mcp::detail
