// A stand-in for a third-party image host (a second fake server) and what it serves, for the tests of
// client-side image fetching (Gemini, Bedrock, Ollama take images only as bytes).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "fake_server.hpp"

namespace llmgate::testing::image_host {

// The first bytes of a PNG (NUL and high bytes included, so nothing text-shaped survives by accident),
// and their base64 computed independently of the library (Python's base64.b64encode).
inline const std::string kPngBytes = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\x01\xff\xfe", 20);
inline constexpr const char* kPngBase64 = "iVBORw0KGgoAAAANSUhEUgAB//4=";

inline Reply image(const std::string& bytes = kPngBytes, const std::string& content_type = "image/png") {
    Reply r;
    r.content_type = content_type;
    r.body = bytes;
    return r;
}

inline Reply status(int code, const std::string& body = "nope", const std::string& content_type = "text/plain") {
    Reply r;
    r.status = code;
    r.content_type = content_type;
    r.body = body;
    return r;
}

inline Reply redirect(const std::string& location, int code = 302) {
    Reply r = status(code, "", "text/plain");
    r.headers = {{"Location", location}};
    return r;
}

// The image host must see a plain anonymous GET: no provider credential and none of the caller's headers.
inline void expect_anonymous_get(const RecordedRequest& req) {
    EXPECT_EQ(req.method, "GET");
    EXPECT_EQ(req.body, "");
    for (const char* h : {"authorization", "x-api-key", "x-goog-api-key", "api-key", "x-amz-date",
                          "x-amz-security-token", "x-amz-content-sha256", "x-secret", "cookie"})
        EXPECT_EQ(req.header(h), "") << "header " << h << " reached the image host";
    EXPECT_EQ(req.header("accept"), "image/*");
}

}  // namespace llmgate::testing::image_host
