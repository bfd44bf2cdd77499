// MCP authorization (see oauth.hpp). Field names from RFC 9728 (authorization_servers, scopes_supported),
// RFC 8414 (authorization_endpoint, token_endpoint, registration_endpoint, code_challenge_methods_supported,
// token_endpoint_auth_methods_supported), RFC 7591 (client_id, client_secret, token_endpoint_auth_method),
// RFC 6749 / OAuth 2.1 (code, state, access_token, refresh_token, expires_in, error, error_description),
// RFC 7636 (code_verifier, code_challenge, S256) and RFC 8707 (resource).
#include "mcp/oauth.hpp"

#include <curl/curl.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <memory>

#include <vector>

#include "llmgate/errors.hpp"
#include "providers/aws_sigv4.hpp"
#include "transport/http.hpp"
#include "util/base64.hpp"

namespace llmgate::inline v1::mcp::detail {

namespace {

using llmgate::detail::HttpRequest;

ErrorInfo info(std::string message, int status = 0) {
    return ErrorInfo{.provider = "mcp", .status = status, .message = std::move(message)};
}
[[noreturn]] void fail(std::string message, int status = 0) { throw AuthError(info("MCP authorization: " + std::move(message), status)); }

std::string form_escape(std::string_view s) { return llmgate::detail::aws_uri_encode(s); }  // all but -._~

std::string base64url(std::string_view bytes) {
    std::string s = llmgate::detail::base64_encode(bytes);
    for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!s.empty() && s.back() == '=') s.pop_back();
    return s;
}

std::string random_token(std::size_t bytes) {
    std::string raw(bytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size())) != 1)
        fail("no random bytes for PKCE");
    return base64url(raw);
}

std::string s256(std::string_view verifier) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
    return base64url(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

// scheme://host[:port] and the path after it ("" or "/..."), of an http(s) URL.
struct UrlParts {
    std::string origin{}, path{};
};
UrlParts split_url(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) fail("'" + url + "' is not an absolute URL");
    const auto slash = url.find_first_of("/?#", scheme + 3);
    UrlParts p{url.substr(0, slash), slash == std::string::npos ? std::string() : url.substr(slash)};
    if (const auto q = p.path.find_first_of("?#"); q != std::string::npos) p.path.resize(q);
    if (p.path == "/") p.path.clear();
    while (!p.path.empty() && p.path.back() == '/') p.path.pop_back();
    return p;
}

bool has_string(const json& list, const std::string& value) {
    if (!list.is_array()) return false;
    for (const auto& v : list)
        if (v.is_string() && v.get<std::string>() == value) return true;
    return false;
}

std::string str(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

// The auth-params of a Bearer challenge (RFC 6750 section 3): error, scope, resource_metadata...
std::string bearer_challenge_param(const std::string& header, const std::string& name) {
    std::size_t at = 0;
    while ((at = header.find(name, at)) != std::string::npos) {
        const bool starts = at == 0 || header[at - 1] == ' ' || header[at - 1] == ',';
        std::size_t i = at + name.size();
        while (i < header.size() && header[i] == ' ') ++i;
        if (!starts || i >= header.size() || header[i] != '=') {
            at += name.size();
            continue;
        }
        ++i;
        while (i < header.size() && header[i] == ' ') ++i;
        std::string value;
        if (i < header.size() && header[i] == '"') {
            for (++i; i < header.size() && header[i] != '"'; ++i) {
                if (header[i] == '\\' && i + 1 < header.size()) ++i;
                value += header[i];
            }
        } else {
            while (i < header.size() && header[i] != ',' && header[i] != ' ') value += header[i++];
        }
        return value;
    }
    return {};
}

// A query parameter of a URL, decoded; "" when absent.
std::string url_query_param(const std::string& url, const std::string& name) {
    const auto q = url.find('?');
    if (q == std::string::npos) return {};
    std::string query = url.substr(q + 1);
    if (const auto hash = query.find('#'); hash != std::string::npos) query.resize(hash);
    std::size_t start = 0;
    while (start <= query.size()) {
        const auto end = std::min(query.find('&', start), query.size());
        const std::string pair = query.substr(start, end - start);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) == name) {
            std::string value = eq == std::string::npos ? std::string() : pair.substr(eq + 1);
            for (char& c : value) c = c == '+' ? ' ' : c;
            int length = 0;
            char* decoded = curl_easy_unescape(nullptr, value.c_str(), static_cast<int>(value.size()), &length);
            if (decoded == nullptr) return {};
            std::string out(decoded, static_cast<std::size_t>(length));
            curl_free(decoded);
            return out;
        }
        start = end + 1;
    }
    return {};
}

OAuth::OAuth(std::string resource_url, OAuthOptions options, std::chrono::milliseconds timeout)
    : resource_(std::move(resource_url)), options_(std::move(options)), timeout_(timeout) {
    if (options_.tokens) tokens_ = *options_.tokens;
    client_id_ = options_.client_id;
    client_secret_ = options_.client_secret;
}

std::string OAuth::authorization() const {
    std::lock_guard lock(mu_);
    return tokens_.access_token.empty() ? std::string() : "Bearer " + tokens_.access_token;
}

std::uint64_t OAuth::generation() const {
    std::lock_guard lock(mu_);
    return generation_;
}

void OAuth::challenge(long status, const std::string& www_authenticate, std::uint64_t sent) {
    std::lock_guard flow(flow_mu_);
    if (generation() != sent) return;  // another request got a new token meanwhile: send again with it
    const std::string error = bearer_challenge_param(www_authenticate, "error");
    if (status == 403 && error != "insufficient_scope")
        fail("the server refused the token (HTTP 403" + (error.empty() ? std::string() : ", " + error) + ")", 403);
    // At most three authorizations in all for a session that keeps asking for more scope: a server that is
    // never satisfied must not hold the client in a loop.
    if (status == 403 && ++step_ups_ > 2) fail("the server still wants more scope after 3 authorizations", 403);
    if (status == 401) {
        std::string refresh_token;
        {
            std::lock_guard lock(mu_);
            refresh_token = tokens_.refresh_token;
        }
        if (!refresh_token.empty() && refresh()) return;
    }
    discover(bearer_challenge_param(www_authenticate, "resource_metadata"));
    std::string scope = options_.scope;
    if (scope.empty()) scope = bearer_challenge_param(www_authenticate, "scope");
    if (scope.empty() && resource_metadata_.contains("scopes_supported") && resource_metadata_["scopes_supported"].is_array()) {
        for (const auto& s : resource_metadata_["scopes_supported"])
            if (s.is_string()) scope += (scope.empty() ? "" : " ") + s.get<std::string>();
    }
    if (options_.client_credentials) {
        client_credentials(scope);
        return;
    }
    if (!client_id_.empty() && auth_method_.empty()) {
        // A pre-registered client: authenticate as the server takes it, Basic first (RFC 8414's default).
        const json methods = endpoints_.metadata.is_object()
                                 ? endpoints_.metadata.value("token_endpoint_auth_methods_supported", json::array({"client_secret_basic"}))
                                 : json::array({"client_secret_basic"});
        auth_method_ = client_secret_.empty()                            ? "none"
                       : has_string(methods, "client_secret_basic")       ? "client_secret_basic"
                       : has_string(methods, "client_secret_post")        ? "client_secret_post"
                                                                          : "client_secret_basic";
    }
    if (client_id_.empty()) {
        // A Client ID Metadata Document URL where the server takes one; else dynamic registration.
        if (!options_.client_metadata_url.empty() && endpoints_.metadata.is_object() &&
            endpoints_.metadata.value("client_id_metadata_document_supported", false) == true) {
            client_id_ = options_.client_metadata_url;
            auth_method_ = "none";
        } else {
            register_client();
        }
    }
    authorize(scope);
}

// RFC 9728 then RFC 8414 / OpenID discovery, once; without protected-resource metadata, the 2025-03-26 rules:
// the MCP server's origin is the authorization server, with /authorize, /token, /register as fallbacks.
void OAuth::discover(const std::string& resource_metadata_url) {
    if (endpoints_.discovered) return;
    const auto get_json = [&](const std::string& url) -> json {
        HttpRequest r;
        r.method = "GET";
        r.url = url;
        r.timeout = timeout_;
        r.provider = "mcp";
        llmgate::detail::set_header(r.headers, "Accept", "application/json");
        try {
            auto reply = llmgate::detail::perform(std::move(r));
            if (reply.status != 200) return nullptr;
            json j = json::parse(reply.body, nullptr, false);
            return j.is_object() ? j : json(nullptr);
        } catch (const ConnectionError&) {
            return nullptr;
        }
    };
    const UrlParts server = split_url(resource_);
    std::vector<std::string> candidates;
    if (!resource_metadata_url.empty()) candidates.push_back(resource_metadata_url);
    if (!server.path.empty()) candidates.push_back(server.origin + "/.well-known/oauth-protected-resource" + server.path);
    candidates.push_back(server.origin + "/.well-known/oauth-protected-resource");
    std::string issuer;
    for (const auto& url : candidates) {
        json prm = get_json(url);
        if (prm.is_object() && prm.contains("authorization_servers") && prm["authorization_servers"].is_array() &&
            !prm["authorization_servers"].empty() && prm["authorization_servers"][0].is_string()) {
            resource_metadata_ = std::move(prm);
            issuer = resource_metadata_["authorization_servers"][0];
            break;
        }
    }
    const bool legacy = issuer.empty();
    if (legacy) issuer = server.origin;
    const UrlParts as = split_url(issuer);
    std::vector<std::string> metadata_urls;
    if (as.path.empty()) {
        metadata_urls = {as.origin + "/.well-known/oauth-authorization-server", as.origin + "/.well-known/openid-configuration"};
    } else {
        metadata_urls = {as.origin + "/.well-known/oauth-authorization-server" + as.path,
                         as.origin + "/.well-known/openid-configuration" + as.path,
                         as.origin + as.path + "/.well-known/openid-configuration"};
    }
    for (const auto& url : metadata_urls) {
        json m = get_json(url);
        if (m.is_object() && m.contains("authorization_endpoint") && m.contains("token_endpoint")) {
            endpoints_.metadata = std::move(m);
            break;
        }
    }
    if (endpoints_.metadata.is_object()) {
        endpoints_.authorization = str(endpoints_.metadata, "authorization_endpoint");
        endpoints_.token = str(endpoints_.metadata, "token_endpoint");
        endpoints_.registration = str(endpoints_.metadata, "registration_endpoint");
    } else if (legacy) {
        endpoints_.authorization = as.origin + "/authorize";
        endpoints_.token = as.origin + "/token";
        endpoints_.registration = as.origin + "/register";
    } else {
        fail("no authorization server metadata for " + issuer);
    }
    endpoints_.discovered = true;
}

void OAuth::register_client() {
    if (endpoints_.registration.empty())
        fail("the authorization server offers no dynamic registration: set OAuthOptions::client_id");
    // The method the server takes, public ("none") first: RFC 8414's default list is client_secret_basic.
    json methods = json::array({"client_secret_basic"});
    if (endpoints_.metadata.is_object() && endpoints_.metadata.contains("token_endpoint_auth_methods_supported"))
        methods = endpoints_.metadata["token_endpoint_auth_methods_supported"];
    std::string method = "none";
    for (const char* m : {"none", "client_secret_basic", "client_secret_post"})
        if (has_string(methods, m)) {
            method = m;
            break;
        }
    json body{{"client_name", options_.client_name},
              {"redirect_uris", json::array({options_.redirect_uri})},
              {"grant_types", json::array({"authorization_code", "refresh_token"})},
              {"response_types", json::array({"code"})},
              {"token_endpoint_auth_method", method}};
    HttpRequest r;
    r.method = "POST";
    r.url = endpoints_.registration;
    r.timeout = timeout_;
    r.provider = "mcp";
    r.body = body.dump();
    llmgate::detail::set_header(r.headers, "Content-Type", "application/json");
    llmgate::detail::set_header(r.headers, "Accept", "application/json");
    auto reply = llmgate::detail::perform(std::move(r));
    json j = json::parse(reply.body, nullptr, false);
    if (reply.status / 100 != 2 || !j.is_object() || str(j, "client_id").empty())
        fail("dynamic client registration failed (HTTP " + std::to_string(reply.status) + ")", static_cast<int>(reply.status));
    client_id_ = str(j, "client_id");
    client_secret_ = str(j, "client_secret");
    auth_method_ = str(j, "token_endpoint_auth_method");
    if (auth_method_.empty()) auth_method_ = client_secret_.empty() ? "none" : (method == "none" ? "client_secret_basic" : method);
}

void OAuth::authorize(const std::string& scope) {
    if (!options_.authorize) fail("the server needs authorization and OAuthOptions::authorize is not set", 401);
    // PKCE is required; a server whose metadata does not list S256 does not do it (the spec: refuse). Without
    // metadata at all (the 2025-03-26 fallback endpoints) there is no list to check.
    if (endpoints_.metadata.is_object() && !has_string(endpoints_.metadata.value("code_challenge_methods_supported", json()), "S256"))
        fail("the authorization server does not offer PKCE with S256");
    const std::string verifier = random_token(32);  // 43 characters
    const std::string state = random_token(16);
    std::string url = endpoints_.authorization + (endpoints_.authorization.find('?') == std::string::npos ? "?" : "&");
    url += "response_type=code&client_id=" + form_escape(client_id_) + "&redirect_uri=" + form_escape(options_.redirect_uri) +
           "&code_challenge=" + s256(verifier) + "&code_challenge_method=S256&state=" + state +
           "&resource=" + form_escape(resource_);
    if (!scope.empty()) url += "&scope=" + form_escape(scope);
    const std::string back = options_.authorize(url);
    if (const std::string error = url_query_param(back, "error"); !error.empty())
        fail("the authorization server answered " + error + ": " + url_query_param(back, "error_description"), 401);
    if (url_query_param(back, "state") != state) fail("the redirect's state does not match the request's", 401);
    const std::string code = url_query_param(back, "code");
    if (code.empty()) fail("the redirect carries no code", 401);
    take_tokens(token_request("grant_type=authorization_code&code=" + form_escape(code) +
                              "&redirect_uri=" + form_escape(options_.redirect_uri) + "&code_verifier=" + verifier));
}

void OAuth::client_credentials(const std::string& scope) {
    if (client_id_.empty()) fail("the client_credentials grant needs OAuthOptions::client_id");
    std::string form = "grant_type=client_credentials";
    if (!scope.empty()) form += "&scope=" + form_escape(scope);
    if (!options_.private_key_pem.empty()) {
        auth_method_ = "private_key_jwt";
        form += "&client_assertion_type=" + form_escape("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") +
                "&client_assertion=" + client_assertion();
    } else if (client_secret_.empty()) {
        fail("the client_credentials grant needs OAuthOptions::client_secret or private_key_pem");
    } else {
        json methods = endpoints_.metadata.is_object() ? endpoints_.metadata.value("token_endpoint_auth_methods_supported", json())
                                                       : json();
        auth_method_ = has_string(methods, "client_secret_post") && !has_string(methods, "client_secret_basic")
                           ? "client_secret_post"
                           : "client_secret_basic";
    }
    take_tokens(token_request(std::move(form)));
}

// RFC 7523 section 3: iss and sub the client id, aud the authorization server (its issuer), a short life and a
// unique jti; signed with the caller's key. An ECDSA signature goes out as the raw r || s JWS wants (RFC 7518).
std::string OAuth::client_assertion() const {
    const std::string& alg = options_.signing_algorithm;
    if (alg != "ES256" && alg != "RS256") fail("signing_algorithm must be ES256 or RS256, not " + alg);
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::string audience = endpoints_.metadata.is_object() ? str(endpoints_.metadata, "issuer") : std::string();
    if (audience.empty()) audience = endpoints_.token;
    const json header{{"alg", alg}, {"typ", "JWT"}};
    const json claims{{"iss", client_id_}, {"sub", client_id_}, {"aud", audience}, {"iat", now},
                      {"exp", now + 300},  {"jti", random_token(16)}};
    const std::string signing_input = base64url(header.dump()) + "." + base64url(claims.dump());

    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(options_.private_key_pem.data(),
                                                                  static_cast<int>(options_.private_key_pem.size())),
                                                  &BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr, &EVP_PKEY_free);
    if (!key) fail("private_key_pem is not a PEM private key");
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    std::size_t length = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size()) != 1)
        fail("could not sign the client assertion with private_key_pem");
    std::string signature(length, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) != 1)
        fail("could not sign the client assertion with private_key_pem");
    signature.resize(length);
    if (alg == "ES256") {
        const auto* der = reinterpret_cast<const unsigned char*>(signature.data());
        std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(signature.size())),
                                                                &ECDSA_SIG_free);
        if (!sig) fail("the key did not give an ECDSA signature: ES256 needs a P-256 key");
        std::string raw(64, '\0');
        if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), reinterpret_cast<unsigned char*>(raw.data()), 32) != 32 ||
            BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32) != 32)
            fail("the ECDSA signature does not fit ES256: ES256 needs a P-256 key");
        signature = std::move(raw);
    }
    return signing_input + "." + base64url(signature);
}

bool OAuth::refresh() {
    std::string refresh_token;
    {
        std::lock_guard lock(mu_);
        refresh_token = tokens_.refresh_token;
    }
    if (endpoints_.token.empty()) discover("");
    try {
        json reply = token_request("grant_type=refresh_token&refresh_token=" + form_escape(refresh_token));
        if (!reply.contains("refresh_token")) reply["refresh_token"] = refresh_token;  // kept when not rotated
        take_tokens(reply);
        return true;
    } catch (const AuthError&) {
        return false;  // expired or revoked: authorize again
    }
}

json OAuth::token_request(std::string form) {
    form += "&resource=" + form_escape(resource_);
    HttpRequest r;
    r.method = "POST";
    r.url = endpoints_.token;
    r.timeout = timeout_;
    r.provider = "mcp";
    if (auth_method_ == "private_key_jwt") {
        if (form.find("client_assertion=") == std::string::npos)
            form += "&client_assertion_type=" + form_escape("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") +
                    "&client_assertion=" + client_assertion();
    } else if (auth_method_ == "client_secret_basic" && !client_secret_.empty()) {
        llmgate::detail::set_header(r.headers, "Authorization",
                                    "Basic " + llmgate::detail::base64_encode(form_escape(client_id_) + ":" + form_escape(client_secret_)));
    } else {
        form += "&client_id=" + form_escape(client_id_);
        if (!client_secret_.empty()) form += "&client_secret=" + form_escape(client_secret_);
    }
    r.body = std::move(form);
    llmgate::detail::set_header(r.headers, "Content-Type", "application/x-www-form-urlencoded");
    llmgate::detail::set_header(r.headers, "Accept", "application/json");
    auto reply = llmgate::detail::perform(std::move(r));
    json j = json::parse(reply.body, nullptr, false);
    if (reply.status != 200 || !j.is_object() || str(j, "access_token").empty()) {
        const std::string error = j.is_object() ? str(j, "error") : std::string();
        fail("the token request failed (HTTP " + std::to_string(reply.status) + (error.empty() ? "" : ", " + error) + ")",
             static_cast<int>(reply.status));
    }
    return j;
}

void OAuth::take_tokens(const json& reply) {
    OAuthTokens t;
    t.access_token = str(reply, "access_token");
    t.refresh_token = str(reply, "refresh_token");
    t.scope = str(reply, "scope");
    if (auto e = reply.find("expires_in"); e != reply.end() && e->is_number() && e->get<double>() > 0)
        t.expires_at = std::chrono::system_clock::now() + std::chrono::seconds(static_cast<long long>(e->get<double>()));
    {
        std::lock_guard lock(mu_);
        tokens_ = t;
        ++generation_;
    }
    if (options_.on_tokens) options_.on_tokens(t);
}

}  // namespace llmgate::inline v1::mcp::detail
