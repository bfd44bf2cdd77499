// URI-reference resolution for $id / $ref (RFC 3986 section 5.4's examples and schema-style bases).
#include <gtest/gtest.h>

#include "structured/uri_reference.hpp"

using llmgate::detail::percent_decode;
using llmgate::detail::resolve_uri;

TEST(UriReference, ResolvesRfc3986Examples) {
    const char* base = "http://a/b/c/d;p?q";
    EXPECT_EQ(resolve_uri(base, "g"), "http://a/b/c/g");
    EXPECT_EQ(resolve_uri(base, "./g"), "http://a/b/c/g");
    EXPECT_EQ(resolve_uri(base, "g/"), "http://a/b/c/g/");
    EXPECT_EQ(resolve_uri(base, "/g"), "http://a/g");
    EXPECT_EQ(resolve_uri(base, "//g"), "http://g");
    EXPECT_EQ(resolve_uri(base, "?y"), "http://a/b/c/d;p?y");
    EXPECT_EQ(resolve_uri(base, "#s"), "http://a/b/c/d;p?q#s");
    EXPECT_EQ(resolve_uri(base, "../g"), "http://a/b/g");
    EXPECT_EQ(resolve_uri(base, "../../../g"), "http://a/g");
    EXPECT_EQ(resolve_uri(base, "g;x=1/../y"), "http://a/b/c/y");
    EXPECT_EQ(resolve_uri(base, "urn:x:y"), "urn:x:y");
}

TEST(UriReference, SchemaIdentifiers) {
    EXPECT_EQ(resolve_uri("", "#/definitions/a"), "#/definitions/a");
    EXPECT_EQ(resolve_uri("http://localhost:1234/tree", "node"), "http://localhost:1234/node");
    EXPECT_EQ(resolve_uri("http://x.y/root.json", "#foo"), "http://x.y/root.json#foo");
    EXPECT_EQ(resolve_uri("urn:uuid:deadbeef-1234", "#/$defs/a"), "urn:uuid:deadbeef-1234#/$defs/a");
}

TEST(UriReference, PercentDecoding) {
    std::string out;
    EXPECT_TRUE(percent_decode("/percent%25field", out));
    EXPECT_EQ(out, "/percent%field");
    EXPECT_FALSE(percent_decode("/bad%2", out));
    EXPECT_FALSE(percent_decode("/bad%zz", out));
}
