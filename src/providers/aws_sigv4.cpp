// AWS Signature Version 4: canonical request, string to sign, HMAC key chain, Authorization header.
// Follows @smithy/signature-v4 (the signer of aws-sdk-js-v3) with uriEscapePath on, as for every
// non-S3 service; checked against its output in /work/shared/vectors/aws-sigv4-bedrock.json.
#include "providers/aws_sigv4.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <vector>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace llmgate::inline v1::detail {
namespace {

constexpr const char* kAlgorithm = "AWS4-HMAC-SHA256";

std::string to_hex(const unsigned char* data, std::size_t n) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(kDigits[data[i] >> 4]);
        out.push_back(kDigits[data[i] & 0x0F]);
    }
    return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
         data.size(), out, &len);
    return std::string(reinterpret_cast<const char*>(out), len);
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Header values are trimmed and inner runs of spaces collapsed to one, as the SigV4 spec asks.
std::string canonical_header_value(std::string_view v) {
    std::string out;
    bool space = false;
    for (char c : v) {
        if (c == ' ' || c == '\t') {
            space = !out.empty();
            continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(c);
    }
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

struct UrlParts {
    std::string host;   // as the Host header carries it (port kept unless it is the scheme's default)
    std::string path;   // still percent-encoded, as sent
    std::string query;  // without '?'
};

UrlParts split_url(const std::string& url) {
    UrlParts parts;
    std::string scheme;
    std::size_t pos = url.find("://");
    std::size_t start = 0;
    if (pos != std::string::npos) {
        scheme = lower(url.substr(0, pos));
        start = pos + 3;
    }
    const std::size_t end = url.find_first_of("/?#", start);
    std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (auto at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
    // libcurl leaves the port out of Host when it is the scheme's default; the signature must match.
    const std::size_t colon = authority.rfind(':');
    if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
        const std::string port = authority.substr(colon + 1);
        if ((scheme == "https" && port == "443") || (scheme == "http" && port == "80")) authority.resize(colon);
    }
    parts.host = lower(authority);
    if (end == std::string::npos) return parts;
    std::string rest = url.substr(end);
    if (auto hash = rest.find('#'); hash != std::string::npos) rest.resize(hash);
    if (auto q = rest.find('?'); q != std::string::npos) {
        parts.query = rest.substr(q + 1);
        rest.resize(q);
    }
    parts.path = rest;
    return parts;
}

// Sorted by encoded key then value; each key and value decoded, then encoded the SigV4 way.
std::string canonical_query(const std::string& query) {
    std::vector<std::pair<std::string, std::string>> pairs;
    std::size_t pos = 0;
    while (pos <= query.size() && !query.empty()) {
        std::size_t amp = query.find('&', pos);
        if (amp == std::string::npos) amp = query.size();
        const std::string item = query.substr(pos, amp - pos);
        if (!item.empty()) {
            const std::size_t eq = item.find('=');
            const std::string k = item.substr(0, eq);
            const std::string v = eq == std::string::npos ? "" : item.substr(eq + 1);
            pairs.emplace_back(aws_uri_encode(percent_decode(k)), aws_uri_encode(percent_decode(v)));
        }
        pos = amp + 1;
    }
    std::sort(pairs.begin(), pairs.end());
    std::string out;
    for (const auto& [k, v] : pairs) out += (out.empty() ? "" : "&") + k + "=" + v;
    return out;
}

// Headers the SDK signers leave unsigned: hop-by-hop or rewritten by proxies and the transport.
bool unsignable(const std::string& name) {
    for (const char* n :
         {"authorization", "cache-control", "connection", "expect", "from", "keep-alive", "max-forwards", "pragma",
          "referer", "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id"})
        if (name == n) return true;
    return false;
}

}  // namespace

std::string aws_uri_encode(std::string_view text) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kDigits[c >> 4]);
            out.push_back(kDigits[c & 0x0F]);
        }
    }
    return out;
}

std::string sigv4_canonical_path(std::string_view path) {
    std::vector<std::string_view> segments;
    std::size_t pos = 0;
    while (pos <= path.size()) {
        std::size_t slash = path.find('/', pos);
        if (slash == std::string_view::npos) slash = path.size();
        const std::string_view seg = path.substr(pos, slash - pos);
        if (seg == "..") {
            if (!segments.empty()) segments.pop_back();
        } else if (!seg.empty() && seg != ".") {
            segments.push_back(seg);
        }
        pos = slash + 1;
    }
    std::string out = "/";
    for (std::size_t i = 0; i < segments.size(); ++i) {
        if (i > 0) out += '/';  // appended separately: `"/" + encoded` trips a false -Wrestrict in GCC 12 at -O3
        out += aws_uri_encode(segments[i]);
    }
    if (!segments.empty() && !path.empty() && path.back() == '/') out += "/";
    return out;
}

std::string sha256_hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
    return to_hex(digest, len);
}

std::string sigv4_amz_date_now() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

void sigv4_sign(HttpRequest& request, const AwsCredentials& credentials, const SigV4Scope& scope,
                const std::string& amz_date_in) {
    const std::string amz_date = amz_date_in.empty() ? sigv4_amz_date_now() : amz_date_in;
    const std::string date = amz_date.substr(0, 8);
    const UrlParts url = split_url(request.url);

    set_header(request.headers, "x-amz-date", amz_date);
    if (!credentials.session_token.empty())
        set_header(request.headers, "x-amz-security-token", credentials.session_token);

    std::map<std::string, std::string> signed_headers{{"host", url.host}};
    for (const auto& [name, value] : request.headers) {
        const std::string n = lower(name);
        if (unsignable(n) || n == "host") continue;
        signed_headers[n] = canonical_header_value(value);
    }
    std::string canonical_headers, header_names;
    for (const auto& [n, v] : signed_headers) {
        canonical_headers += n + ":" + v + "\n";
        header_names += (header_names.empty() ? "" : ";") + n;
    }

    const std::string canonical_request = request.method + "\n" + sigv4_canonical_path(url.path) + "\n" +
                                          canonical_query(url.query) + "\n" + canonical_headers + "\n" + header_names +
                                          "\n" + sha256_hex(request.body);
    const std::string credential_scope = date + "/" + scope.region + "/" + scope.service + "/aws4_request";
    const std::string string_to_sign =
        std::string(kAlgorithm) + "\n" + amz_date + "\n" + credential_scope + "\n" + sha256_hex(canonical_request);

    std::string key = hmac_sha256("AWS4" + credentials.secret_access_key, date);
    key = hmac_sha256(key, scope.region);
    key = hmac_sha256(key, scope.service);
    key = hmac_sha256(key, "aws4_request");
    const std::string sig = hmac_sha256(key, string_to_sign);
    const std::string signature = to_hex(reinterpret_cast<const unsigned char*>(sig.data()), sig.size());

    set_header(request.headers, "Authorization",
               std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" + credential_scope +
                   ", SignedHeaders=" + header_names + ", Signature=" + signature);
}

}  // namespace llmgate::detail
