// Base64 round trips and rejection of bad input.
#include <gtest/gtest.h>

#include "util/base64.hpp"

using llmgate::detail::base64_decode;
using llmgate::detail::base64_encode;

TEST(Base64, EncodesRfc4648Vectors) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, DecodesWithAndWithoutPadding) {
    EXPECT_EQ(base64_decode("Zm9vYmE=").value(), "fooba");
    EXPECT_EQ(base64_decode("Zm9vYmE").value(), "fooba");
    EXPECT_EQ(base64_decode("Zm9v\nYmFy").value(), "foobar");
}

TEST(Base64, RejectsInvalidInput) {
    EXPECT_FALSE(base64_decode("Zm9v!").has_value());
    EXPECT_FALSE(base64_decode("Z").has_value());
    EXPECT_FALSE(base64_decode("Zg==Zg").has_value());
}

TEST(Base64, RoundTripsAllByteValues) {
    std::string bytes;
    for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
    EXPECT_EQ(base64_decode(base64_encode(bytes)).value(), bytes);
}
