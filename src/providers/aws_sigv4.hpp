// AWS Signature Version 4 for JSON POSTs to AWS services (Bedrock Runtime), as the official SDK signers do.
#pragma once

#include <string>
#include <string_view>

#include "transport/http.hpp"

namespace llmgate::inline v1::detail {

struct AwsCredentials {
    std::string access_key_id{};
    std::string secret_access_key{};
    std::string session_token{};  // temporary credentials only; sent and signed as x-amz-security-token
};

struct SigV4Scope {
    std::string region{};
    std::string service{};  // "bedrock" for Bedrock Runtime
};

// Signs `request` (method, url exactly as sent, headers, body) in place: adds x-amz-date,
// x-amz-security-token (when the credentials have one) and Authorization. Every header already on
// the request is signed, except those the SDK signers never sign (user-agent, expect, ...), plus the
// host taken from the URL. `amz_date` is "YYYYMMDDTHHMMSSZ"; empty = now.
void sigv4_sign(HttpRequest& request, const AwsCredentials& credentials, const SigV4Scope& scope,
                const std::string& amz_date = {});

// --- pieces, exposed for tests ---
// The time now as x-amz-date wants it ("20261124T123456Z").
std::string sigv4_amz_date_now();
// RFC 3986 percent-encoding of everything but unreserved characters (A-Z a-z 0-9 - . _ ~), upper-case hex.
std::string aws_uri_encode(std::string_view text);
// The canonical URI of an already-encoded request path: non-S3 services encode each segment once more
// (so "%3A" becomes "%253A"), after dropping empty, "." and ".." segments like @smithy/signature-v4.
std::string sigv4_canonical_path(std::string_view encoded_path);
// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace llmgate::detail
