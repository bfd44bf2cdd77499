// NDJSON line framing: lines out whatever the read boundaries, CRLF tolerated, a last unterminated line kept.
#include <gtest/gtest.h>

#include "llmgate/errors.hpp"
#include "transport/ndjson.hpp"

using llmgate::detail::NdjsonParser;

namespace {

std::vector<std::string> frame(const std::vector<std::string>& slices,
                               std::size_t max_line = NdjsonParser::kNoLineLimit) {
    NdjsonParser p(max_line);
    std::vector<std::string> out;
    for (const auto& s : slices) p.feed(s, out);
    p.finish(out);
    return out;
}

}  // namespace

TEST(Ndjson, SplitsOnNewlines) {
    EXPECT_EQ(frame({"{\"a\":1}\n{\"b\":2}\n"}), (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"}));
}

TEST(Ndjson, JoinsLinesSplitAcrossReads) {
    EXPECT_EQ(frame({"{\"a\"", ":1", "}\n{", "\"b\":2}", "\n"}), (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"}));
}

TEST(Ndjson, StripsTheCarriageReturnOfCrlfEndsEvenWhenSplitBetweenCrAndLf) {
    EXPECT_EQ(frame({"{\"a\":1}\r", "\n{\"b\":2}\r\n"}), (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"}));
}

TEST(Ndjson, SkipsBlankLines) {
    EXPECT_EQ(frame({"\n\r\n  \n{\"a\":1}\n\n"}), (std::vector<std::string>{"{\"a\":1}"}));
}

TEST(Ndjson, ReturnsALastLineWithoutNewlineOnlyAtFinish) {
    NdjsonParser p;
    std::vector<std::string> out;
    p.feed("{\"a\":1}\n{\"done\":true}", out);
    EXPECT_EQ(out, (std::vector<std::string>{"{\"a\":1}"}));
    p.finish(out);
    EXPECT_EQ(out, (std::vector<std::string>{"{\"a\":1}", "{\"done\":true}"}));
}

TEST(Ndjson, EmptySlicesChangeNothing) {
    EXPECT_EQ(frame({"", "{\"a\":1}\r", "", "\n", ""}), (std::vector<std::string>{"{\"a\":1}"}));
}

TEST(Ndjson, LineLongerThanTheBoundIsAResponseParseError) {
    NdjsonParser p(16);
    std::vector<std::string> out;
    p.feed("0123456789abcdef\n", out);  // exactly 16: fine
    EXPECT_EQ(out.size(), 1u);
    EXPECT_THROW(p.feed("0123456789abcdefg", out), llmgate::ResponseParseError);
    NdjsonParser q(16);
    q.feed("0123456789", out);
    EXPECT_THROW(q.feed("abcdefg", out), llmgate::ResponseParseError);  // 17 bytes across two reads
}

TEST(Ndjson, CrOfACrlfEndDoesNotCountTowardsTheBound) {
    EXPECT_EQ(frame({"0123456789abcdef\r", "\n"}, 16), (std::vector<std::string>{"0123456789abcdef"}));
}
