// The lean JSON parse (src/util/json_parse.cpp) gives what nlohmann::json::parse gives, for the shapes
// replies have, at every size; large strings come out whole.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "util/json_parse.hpp"

namespace llmgate::detail {
namespace {

using nlohmann::json;

json lean(std::string text) {
    text.reserve(text.size() + 64);
    return parse_json_lean(text, text.capacity());
}

void expect_same_as_nlohmann(const std::string& text) {
    SCOPED_TRACE(text.substr(0, 120));
    const json ours = lean(text);
    const json theirs = json::parse(text, nullptr, false);
    ASSERT_EQ(ours.is_discarded(), theirs.is_discarded());
    if (!theirs.is_discarded()) {
        EXPECT_EQ(ours, theirs);
        EXPECT_EQ(ours.dump(), theirs.dump());
    }
}

TEST(JsonParse, ValuesAndNumberTypesMatchNlohmann) {
    expect_same_as_nlohmann(R"({"a":"b","n":[1,-2,3.5,0,-0,-0.0,1e3,18446744073709551615,18446744073709551616,
        -9223372036854775808,-9223372036854775809,1e308,-2.5E-3,1E+2],"t":true,"f":false,"z":null,"o":{},"e":[]})");
    const json j = lean(R"({"u":5,"s":-5,"d":5.0})");
    EXPECT_TRUE(j["u"].is_number_unsigned());
    EXPECT_TRUE(j["s"].is_number_integer() && !j["s"].is_number_unsigned());
    EXPECT_TRUE(j["d"].is_number_float());
}

// simdjson 3.0.1's On-Demand API misreads numbers of more than 19 digits (0.1 and twenty 1s as 0.00043);
// the lean parse reads them itself, as nlohmann does: 64-bit integers stay integers, the rest strtod's double.
TEST(JsonParse, NumbersOfManyDigitsMatchNlohmann) {
    expect_same_as_nlohmann(R"([0.111111111111111111111111111111111111111111125, 0.1111111111111111111111e3,
        12345678901234567890, 123456789012345678901, -1234567890123456789, -12345678901234567890,
        18446744073709551615, 3.14159265358979323846264338327950288])");
    EXPECT_DOUBLE_EQ(lean("[0.111111111111111111111111]")[0].get<double>(), 0.111111111111111111111111);
    // Underflow is zero (or a subnormal), as strtod gives it; only overflow is refused (TextThatIsNot...).
    expect_same_as_nlohmann("[1e-400, -1e-400, 4.9e-325, 2.5e-320, 1.111111111111111111e3]");
}

// nlohmann ends the input at a NUL byte outside a string and rejects one inside; the lean parse agrees.
TEST(JsonParse, ANulByteIsReadAsNlohmannReadsIt) {
    expect_same_as_nlohmann(std::string("{}\0 x", 5));
    expect_same_as_nlohmann(std::string("{\"a\":\"b\0\"}", 10));
}

TEST(JsonParse, EscapesAndUnicodeMatchNlohmann) {
    expect_same_as_nlohmann(R"(["\u00e9\ud83d\ude00\n\t\"\\\/\b\f\r", "é😀", "\u0000"])");
    EXPECT_EQ(lean(R"(["\ud83d\ude00"])")[0], "\xF0\x9F\x98\x80");
}

TEST(JsonParse, ARepeatedKeyKeepsItsLastValue) { EXPECT_EQ(lean(R"({"a":1,"a":2})")["a"], 2); }

TEST(JsonParse, TextThatIsNotOneJsonValueIsDiscarded) {
    for (const char* bad : {"", " ", "{", "{} x", "{}{}", R"({"a":"\q"})", R"({"a":"\ud800"})", R"({"a":"\udc00"})",
                            R"({"a":"\u12"})", "{\"a\":\"\x01\"}", "{\"a\":\"\xff\"}", R"({"a" "b"})", "[1,]", "{,}",
                            "nul", "[01]", "[-01]", "[1.]", "[.5]", "[1e]", "[-]", "[+1]", "[1e400]"}) {
        EXPECT_TRUE(lean(bad).is_discarded()) << bad;
        expect_same_as_nlohmann(bad);
    }
}

TEST(JsonParse, DeepNestingIsRefusedNotACrash) {
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    EXPECT_TRUE(lean(deep).is_discarded());
    const std::string fine = std::string(100, '[') + std::string(100, ']');
    expect_same_as_nlohmann(fine);
}

TEST(JsonParse, ALargeStringComesOutWhole) {
    std::string big(3 << 20, 'x');
    big[12345] = '"';  // escaped below
    const std::string text = json{{"content", big}, {"tail", 1}}.dump();
    ASSERT_GE(text.size(), kLeanParseFrom);
    const json j = parse_json(text);
    ASSERT_TRUE(j.is_object());
    EXPECT_EQ(j["content"].get_ref<const std::string&>(), big);
    EXPECT_EQ(j["tail"], 1);
}

TEST(JsonParse, BothOverloadsAgreeAcrossTheThreshold) {
    for (std::size_t n : {kLeanParseFrom - 100, kLeanParseFrom + 100}) {
        const std::string text = json{{"s", std::string(n, 'y')}, {"n", -1.5}}.dump();
        const json expected = json::parse(text);
        EXPECT_EQ(parse_json(text), expected);
        EXPECT_EQ(parse_json(std::string_view(text)), expected);
        std::string with_padding = text;
        with_padding.reserve(text.size() + 64);
        EXPECT_EQ(parse_json(with_padding), expected);
    }
}

}  // namespace
}  // namespace llmgate::detail
