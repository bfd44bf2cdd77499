// SSE framing: the WHATWG rules, and slices split at every possible byte.
#include <gtest/gtest.h>

#include "transport/sse.hpp"

using llmgate::detail::SseEvent;
using llmgate::detail::SseParser;

namespace {

std::vector<SseEvent> parse_all(std::string_view bytes) {
    SseParser p;
    std::vector<SseEvent> out;
    p.feed(bytes, out);
    p.finish(out);
    return out;
}

}  // namespace

TEST(SseParser, SplitsEventsOnBlankLines) {
    auto ev = parse_all("data: one\n\ndata: two\n\n");
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev[0].data, "one");
    EXPECT_EQ(ev[1].data, "two");
}

TEST(SseParser, JoinsMultipleDataLinesWithNewline) {
    auto ev = parse_all("data: a\ndata: b\n\n");
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].data, "a\nb");
}

TEST(SseParser, ReadsEventNameAndIgnoresCommentsAndRetry) {
    auto ev = parse_all(": keep-alive\nevent: message_start\nretry: 100\nid: 7\ndata: {}\n\n");
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].event, "message_start");
    EXPECT_EQ(ev[0].id, "7");
    EXPECT_EQ(ev[0].data, "{}");
}

TEST(SseParser, AcceptsCrLfAndBareCrLineEnds) {
    auto crlf = parse_all("data: x\r\n\r\ndata: y\r\n\r\n");
    ASSERT_EQ(crlf.size(), 2u);
    EXPECT_EQ(crlf[1].data, "y");
    auto cr = parse_all("data: x\r\rdata: y\r\r");
    ASSERT_EQ(cr.size(), 2u);
    EXPECT_EQ(cr[0].data, "x");
}

TEST(SseParser, StripsOnlyOneLeadingSpace) {
    auto ev = parse_all("data:  two spaces\n\ndata:none\n\n");
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev[0].data, " two spaces");
    EXPECT_EQ(ev[1].data, "none");
}

TEST(SseParser, EventWithoutDataIsNotDispatched) {
    auto ev = parse_all("event: ping\n\ndata: real\n\n");
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].data, "real");
}

TEST(SseParser, SameEventsWhateverTheSliceBoundaries) {
    const std::string stream =
        "event: a\r\ndata: {\"x\": 1}\r\n\r\ndata: line1\ndata: line2\n\n: c\n\rdata: [DONE]\r\n\r\n";
    const auto whole = parse_all(stream);
    ASSERT_EQ(whole.size(), 3u);
    for (std::size_t cut1 = 0; cut1 <= stream.size(); ++cut1) {
        for (std::size_t cut2 = cut1; cut2 <= stream.size(); cut2 += 3) {
            SseParser p;
            std::vector<SseEvent> out;
            p.feed(std::string_view(stream).substr(0, cut1), out);
            p.feed(std::string_view(stream).substr(cut1, cut2 - cut1), out);
            p.feed(std::string_view(stream).substr(cut2), out);
            p.finish(out);
            ASSERT_EQ(out.size(), whole.size()) << "cuts at " << cut1 << "," << cut2;
            for (std::size_t i = 0; i < out.size(); ++i) {
                EXPECT_EQ(out[i].data, whole[i].data);
                EXPECT_EQ(out[i].event, whole[i].event);
            }
        }
    }
}

TEST(SseParser, FinishDispatchesAnUnterminatedEvent) {
    auto ev = parse_all("data: tail");
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].data, "tail");
}
