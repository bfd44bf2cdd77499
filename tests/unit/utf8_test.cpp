// is_valid_utf8 (src/util/utf8.cpp) against RFC 3629's table and against simdjson's validator as an
// oracle, on every short sequence and on random text.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include <simdjson.h>

#include "util/utf8.hpp"

using llmgate::detail::is_valid_utf8;

TEST(Utf8, AcceptsWellFormedTextOfEveryLength) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("plain ASCII, longer than eight bytes"));
    EXPECT_TRUE(is_valid_utf8("é 日本 🙂 \x7f"));
    EXPECT_TRUE(is_valid_utf8("\xc2\x80"));          // U+0080, the smallest two-byte form
    EXPECT_TRUE(is_valid_utf8("\xe0\xa0\x80"));      // U+0800
    EXPECT_TRUE(is_valid_utf8("\xed\x9f\xbf"));      // U+D7FF, just below the surrogates
    EXPECT_TRUE(is_valid_utf8("\xee\x80\x80"));      // U+E000, just above them
    EXPECT_TRUE(is_valid_utf8("\xf0\x90\x80\x80"));  // U+10000
    EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF, the last code point
}

TEST(Utf8, RefusesEveryKindOfMalformedSequence) {
    EXPECT_FALSE(is_valid_utf8("\x80"));              // a continuation byte with no lead
    EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
    EXPECT_FALSE(is_valid_utf8("\xc1\xbf"));          // overlong
    EXPECT_FALSE(is_valid_utf8("\xe0\x9f\xbf"));      // overlong three-byte form
    EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // U+D800, a surrogate
    EXPECT_FALSE(is_valid_utf8("\xf0\x8f\xbf\xbf"));  // overlong four-byte form
    EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
    EXPECT_FALSE(is_valid_utf8("\xf5\x80\x80\x80"));  // no such lead byte
    EXPECT_FALSE(is_valid_utf8("\xff"));
    EXPECT_FALSE(is_valid_utf8("caf\xc3"));                   // cut short at the end
    EXPECT_FALSE(is_valid_utf8("\xe6\x97"));                  // cut short
    EXPECT_FALSE(is_valid_utf8("\xe6\x97x"));                 // a continuation replaced by ASCII
    EXPECT_FALSE(is_valid_utf8("12345678\xe6\x97\xa5\xff"));  // bad byte after the ASCII fast path
}

// Every sequence of up to three bytes from a set that covers each boundary of the table, at every
// offset after an ASCII run (so the eight-byte fast path hands over at each position).
TEST(Utf8, AgreesWithSimdjsonOnEveryShortSequence) {
    const unsigned char edges[] = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf,
                                   0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff};
    std::size_t checked = 0;
    for (std::size_t prefix = 0; prefix < 10; prefix += 3) {
        for (unsigned char a : edges)
            for (unsigned char b : edges)
                for (unsigned char c : edges) {
                    std::string s(prefix, 'x');
                    s += static_cast<char>(a);
                    s += static_cast<char>(b);
                    s += static_cast<char>(c);
                    for (std::size_t len = prefix; len <= s.size(); ++len) {
                        const std::string_view v(s.data(), len);
                        ASSERT_EQ(is_valid_utf8(v), simdjson::validate_utf8(v.data(), v.size())) << "bytes: " << len;
                        ++checked;
                    }
                }
    }
    EXPECT_GT(checked, 100000u);
}

TEST(Utf8, AgreesWithSimdjsonOnRandomText) {
    std::mt19937 rng(12345);
    const std::string pieces[] = {
        "a", "hello ", "é", "日本", "🙂", "\x80", "\xc3", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\n"};
    for (int round = 0; round < 20000; ++round) {
        std::string s;
        const int n = static_cast<int>(rng() % 24);
        for (int k = 0; k < n; ++k) {
            // Mostly valid pieces, so that valid texts are common too.
            const std::size_t pick = rng() % 100 < 90 ? rng() % 5 : 5 + rng() % 5;
            s += pieces[pick];
        }
        ASSERT_EQ(is_valid_utf8(s), simdjson::validate_utf8(s.data(), s.size())) << s;
    }
}
