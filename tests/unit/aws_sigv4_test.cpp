// SigV4 signer: every case of the official AWS JS signer's vectors, and the canonical-path rule behind them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "providers/aws_sigv4.hpp"

using namespace llmgate::detail;
using nlohmann::json;

namespace {

// /work/shared/vectors/aws-sigv4-bedrock.json, copied verbatim so the suite needs nothing outside the repo.
const char* const kVectors = R"VECTORS({
 "about": "AWS SigV4 for Bedrock Runtime, produced by the official AWS JS signer (@smithy/signature-v4, uriEscapePath true). Non-S3 services URI-encode every path segment of the already-encoded path once more, so a model id ending in \":0\" is sent as %3A and signed as %253A. The signed headers here are exactly the request headers listed plus host; payload hash is the hex SHA-256 of the body.",
 "cases": [
  {
   "name": "converse_colon_model",
   "input": {
    "method": "POST",
    "url": "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse",
    "region": "us-east-1",
    "service": "bedrock",
    "access_key_id": "AKIDEXAMPLE",
    "secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    "session_token": null,
    "amz_date": "20261124T123456Z",
    "headers": {
     "content-type": "application/json",
     "accept": "application/json"
    },
    "body": "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"What is the capital of France?\"}]}],\"inferenceConfig\":{\"maxTokens\":64}}"
   },
   "expected": {
    "authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261124/us-east-1/bedrock/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date, Signature=d85567e2c9bfa2a22562496115347d8426daa12634bb5a710792c0609746d463",
    "x-amz-date": "20261124T123456Z",
    "x-amz-security-token": null
   }
  },
  {
   "name": "converse_stream_plain_model",
   "input": {
    "method": "POST",
    "url": "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.nova-lite-v1/converse-stream",
    "region": "us-east-1",
    "service": "bedrock",
    "access_key_id": "AKIDEXAMPLE",
    "secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    "session_token": null,
    "amz_date": "20261124T123456Z",
    "headers": {
     "content-type": "application/json",
     "accept": "application/json"
    },
    "body": "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]}"
   },
   "expected": {
    "authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261124/us-east-1/bedrock/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date, Signature=efa1f2697ee7236c7c3c0ca112fc7325e9923573319d429b9641fb481aee167a",
    "x-amz-date": "20261124T123456Z",
    "x-amz-security-token": null
   }
  },
  {
   "name": "invoke_titan_embed",
   "input": {
    "method": "POST",
    "url": "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-embed-text-v2%3A0/invoke",
    "region": "us-east-1",
    "service": "bedrock",
    "access_key_id": "AKIDEXAMPLE",
    "secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    "session_token": null,
    "amz_date": "20261124T123456Z",
    "headers": {
     "content-type": "application/json",
     "accept": "application/json"
    },
    "body": "{\"inputText\":\"Hello\"}"
   },
   "expected": {
    "authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261124/us-east-1/bedrock/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date, Signature=3e51973b2ced11dd5dd7fed7093f3f04a8a6a9705ce7f962e31b91956be5263a",
    "x-amz-date": "20261124T123456Z",
    "x-amz-security-token": null
   }
  },
  {
   "name": "inference_profile_arn",
   "input": {
    "method": "POST",
    "url": "https://bedrock-runtime.us-east-1.amazonaws.com/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-sonnet-4-20250514-v1%3A0/converse",
    "region": "us-east-1",
    "service": "bedrock",
    "access_key_id": "AKIDEXAMPLE",
    "secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    "session_token": null,
    "amz_date": "20261124T123456Z",
    "headers": {
     "content-type": "application/json",
     "accept": "application/json"
    },
    "body": "{\"messages\":[]}"
   },
   "expected": {
    "authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261124/us-east-1/bedrock/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date, Signature=86bb34ec08444e9b6a28a55d3e879a0ed4ede2ce168b5729efd7bf4a3cc53500",
    "x-amz-date": "20261124T123456Z",
    "x-amz-security-token": null
   }
  },
  {
   "name": "with_session_token",
   "input": {
    "method": "POST",
    "url": "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse",
    "region": "us-east-1",
    "service": "bedrock",
    "access_key_id": "AKIDEXAMPLE",
    "secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    "session_token": "FwoGZXIvYXdzEXAMPLETOKEN",
    "amz_date": "20261124T123456Z",
    "headers": {
     "content-type": "application/json",
     "accept": "application/json"
    },
    "body": "{}"
   },
   "expected": {
    "authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261124/us-east-1/bedrock/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date;x-amz-security-token, Signature=51176be062312fbb3f49822d63879b79795a73ae015fd0d342a1d0f948046838",
    "x-amz-date": "20261124T123456Z",
    "x-amz-security-token": "FwoGZXIvYXdzEXAMPLETOKEN"
   }
  }
 ]
}
)VECTORS";

HttpRequest request_from(const json& in) {
    HttpRequest r;
    r.method = in["method"];
    r.url = in["url"];
    for (const auto& [k, v] : in["headers"].items()) r.headers.emplace_back(k, v.get<std::string>());
    r.body = in["body"];
    return r;
}

AwsCredentials credentials_from(const json& in) {
    return AwsCredentials{
        .access_key_id = in["access_key_id"],
        .secret_access_key = in["secret_access_key"],
        .session_token = in["session_token"].is_string() ? in["session_token"].get<std::string>() : ""};
}

}  // namespace

TEST(AwsSigV4, SignerMatchesEveryVector) {
    const json vectors = json::parse(kVectors);
    ASSERT_EQ(vectors["cases"].size(), 5u);
    for (const auto& c : vectors["cases"]) {
        SCOPED_TRACE(c["name"].get<std::string>());
        const json& in = c["input"];
        HttpRequest r = request_from(in);
        sigv4_sign(r, credentials_from(in), SigV4Scope{.region = in["region"], .service = in["service"]},
                   in["amz_date"]);
        EXPECT_EQ(find_header(r.headers, "authorization"), c["expected"]["authorization"].get<std::string>());
        EXPECT_EQ(find_header(r.headers, "x-amz-date"), c["expected"]["x-amz-date"].get<std::string>());
        const json& token = c["expected"]["x-amz-security-token"];
        EXPECT_EQ(find_header(r.headers, "x-amz-security-token"), token.is_string() ? token.get<std::string>() : "");
    }
}

TEST(AwsSigV4, InferenceProfileArnIsSignedWithEachSegmentEncodedTwice) {
    EXPECT_EQ(sigv4_canonical_path(
                  "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.x-v1%3A0/converse"),
              "/model/arn%253Aaws%253Abedrock%253Aus-east-1%253A123456789012%253Ainference-profile%252Fus.x-v1%253A0/"
              "converse");
}

TEST(AwsSigV4, SessionTokenIsSentAndSigned) {
    const json vectors = json::parse(kVectors);
    const json& c = vectors["cases"][4];
    ASSERT_EQ(c["name"], "with_session_token");
    HttpRequest r = request_from(c["input"]);
    sigv4_sign(r, credentials_from(c["input"]), SigV4Scope{.region = "us-east-1", .service = "bedrock"},
               "20261124T123456Z");
    EXPECT_EQ(find_header(r.headers, "x-amz-security-token"), "FwoGZXIvYXdzEXAMPLETOKEN");
    EXPECT_NE(find_header(r.headers, "authorization").find("x-amz-date;x-amz-security-token"), std::string::npos);
}

TEST(AwsSigV4, CanonicalPathDropsDotSegmentsAndKeepsTheRoot) {
    EXPECT_EQ(sigv4_canonical_path(""), "/");
    EXPECT_EQ(sigv4_canonical_path("/"), "/");
    EXPECT_EQ(sigv4_canonical_path("/a/./b/../c//d/"), "/a/c/d/");
    EXPECT_EQ(sigv4_canonical_path("/a b/%20"), "/a%20b/%2520");
}

TEST(AwsSigV4, UriEncodeKeepsOnlyUnreservedCharacters) {
    EXPECT_EQ(aws_uri_encode("aZ09-._~"), "aZ09-._~");
    EXPECT_EQ(aws_uri_encode("a:b/c d+é"), "a%3Ab%2Fc%20d%2B%C3%A9");
}

TEST(AwsSigV4, UnsignableHeadersAreLeftOutAndPortStaysInHost) {
    HttpRequest a;
    a.url = "http://127.0.0.1:8080/model/m/converse";
    a.headers = {{"Content-Type", "application/json"}, {"User-Agent", "x"}, {"Expect", ""}};
    sigv4_sign(a, AwsCredentials{.access_key_id = "AK", .secret_access_key = "SK", .session_token = {}},
               SigV4Scope{.region = "us-east-1", .service = "bedrock"}, "20261124T123456Z");
    const std::string auth = find_header(a.headers, "authorization");
    EXPECT_NE(auth.find("SignedHeaders=content-type;host;x-amz-date,"), std::string::npos) << auth;
    // Same request on another port: host is signed, so the signature changes.
    HttpRequest b = a;
    b.url = "http://127.0.0.1:8081/model/m/converse";
    b.headers = {{"Content-Type", "application/json"}};
    sigv4_sign(b, AwsCredentials{.access_key_id = "AK", .secret_access_key = "SK", .session_token = {}},
               SigV4Scope{.region = "us-east-1", .service = "bedrock"}, "20261124T123456Z");
    EXPECT_NE(find_header(b.headers, "authorization"), auth);
}

TEST(AwsSigV4, DefaultPortIsLeftOutOfHostLikeLibcurlSendsIt) {
    auto sign = [](const std::string& url) {
        HttpRequest r;
        r.url = url;
        sigv4_sign(r, AwsCredentials{.access_key_id = "AK", .secret_access_key = "SK", .session_token = {}},
                   SigV4Scope{.region = "us-east-1", .service = "bedrock"}, "20261124T123456Z");
        return find_header(r.headers, "authorization");
    };
    EXPECT_EQ(sign("https://bedrock-runtime.us-east-1.amazonaws.com:443/model/m/converse"),
              sign("https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse"));
}

TEST(AwsSigV4, Sha256OfEmptyBodyIsTheWellKnownDigest) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(AwsSigV4, AmzDateNowHasTheBasicIsoFormat) {
    const std::string d = sigv4_amz_date_now();
    ASSERT_EQ(d.size(), 16u);
    EXPECT_EQ(d[8], 'T');
    EXPECT_EQ(d.back(), 'Z');
}
