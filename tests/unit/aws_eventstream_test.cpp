// AWS event stream framing: both CRCs checked, every header type skipped correctly, any read split decodes the same.
#include <gtest/gtest.h>

#include "llmgate/errors.hpp"
#include "transport/aws_eventstream.hpp"

using namespace llmgate::detail;

namespace {

std::string u32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// A frame from a raw headers block (any types), CRCs computed.
std::string raw_frame(const std::string& headers, const std::string& payload) {
    std::string out = u32(static_cast<std::uint32_t>(16 + headers.size() + payload.size())) +
                      u32(static_cast<std::uint32_t>(headers.size()));
    out += u32(crc32_ieee(out));
    out += headers + payload;
    return out + u32(crc32_ieee(out));
}

std::vector<EventStreamMessage> decode_all(const std::vector<std::string_view>& slices) {
    EventStreamDecoder d;
    std::vector<EventStreamMessage> out;
    for (auto s : slices) d.feed(s, out);
    EXPECT_FALSE(d.mid_frame());
    return out;
}

std::string two_frames() {
    return encode_event_stream_message({{":message-type", "event"}, {":event-type", "contentBlockDelta"}},
                                       R"({"contentBlockIndex":0,"delta":{"text":"Hel"}})") +
           encode_event_stream_message({{":message-type", "event"}, {":event-type", "messageStop"}},
                                       R"({"stopReason":"end_turn"})");
}

}  // namespace

TEST(AwsEventStream, Crc32IsTheIeeeChecksum) {
    EXPECT_EQ(crc32_ieee("123456789"), 0xCBF43926u);
    EXPECT_EQ(crc32_ieee(""), 0u);
    EXPECT_EQ(crc32_ieee("6789", crc32_ieee("12345")), 0xCBF43926u);
}

TEST(AwsEventStream, DecodesHeadersAndPayloadOfEachFrame) {
    const std::string bytes = two_frames();
    auto frames = decode_all({bytes});
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0].header(":message-type"), "event");
    EXPECT_EQ(frames[0].header(":event-type"), "contentBlockDelta");
    EXPECT_EQ(frames[0].payload, R"({"contentBlockIndex":0,"delta":{"text":"Hel"}})");
    EXPECT_EQ(frames[1].header(":event-type"), "messageStop");
    EXPECT_EQ(frames[1].header("absent"), "");
}

TEST(AwsEventStream, EncodedFrameHasTheDocumentedLayout) {
    const std::string f = encode_event_stream_message({{"a", "b"}}, "xy");
    // headers: name len 1, "a", type 7, len 0x0001, "b" = 6 bytes; total 16 + 6 + 2 = 24.
    ASSERT_EQ(f.size(), 24u);
    EXPECT_EQ(f.substr(0, 8), u32(24) + u32(6));
    EXPECT_EQ(f.substr(8, 4), u32(crc32_ieee(f.substr(0, 8))));
    EXPECT_EQ(f.substr(12, 6), std::string("\x01"
                                           "a"
                                           "\x07"
                                           "\x00\x01"
                                           "b",
                                           6));
    EXPECT_EQ(f.substr(18, 2), "xy");
    EXPECT_EQ(f.substr(20), u32(crc32_ieee(f.substr(0, 20))));
}

TEST(AwsEventStream, FramesSplitAcrossReadsAtEveryByteBoundaryDecodeTheSame) {
    const std::string bytes = two_frames();
    const auto whole = decode_all({bytes});
    for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
        SCOPED_TRACE(cut);
        const std::string_view v(bytes);
        const auto split = decode_all({v.substr(0, cut), v.substr(cut)});
        ASSERT_EQ(split.size(), whole.size());
        for (std::size_t i = 0; i < whole.size(); ++i) {
            EXPECT_EQ(split[i].headers, whole[i].headers);
            EXPECT_EQ(split[i].payload, whole[i].payload);
        }
    }
    std::vector<std::string_view> bytewise;
    for (std::size_t i = 0; i < bytes.size(); ++i) bytewise.push_back(std::string_view(bytes).substr(i, 1));
    const auto one_by_one = decode_all(bytewise);
    ASSERT_EQ(one_by_one.size(), 2u);
    EXPECT_EQ(one_by_one[1].payload, whole[1].payload);
}

TEST(AwsEventStream, BadPreludeCrcIsResponseParseError) {
    std::string bytes = two_frames();
    bytes[9] ^= 0x01;
    EventStreamDecoder d;
    std::vector<EventStreamMessage> out;
    EXPECT_THROW(d.feed(bytes, out), llmgate::ResponseParseError);
    EXPECT_TRUE(out.empty());
}

TEST(AwsEventStream, BadMessageCrcIsResponseParseError) {
    std::string bytes = two_frames();
    bytes[20] ^= 0x40;  // inside the first frame's headers: prelude still fine, message CRC not
    EventStreamDecoder d;
    std::vector<EventStreamMessage> out;
    try {
        d.feed(bytes, out);
        FAIL() << "expected ResponseParseError";
    } catch (const llmgate::ResponseParseError& e) {
        EXPECT_NE(std::string(e.what()).find("message CRC"), std::string::npos);
    }
}

TEST(AwsEventStream, BadCrcInSecondFrameKeepsTheFirst) {
    std::string bytes = two_frames();
    bytes[bytes.size() - 1] ^= 0x01;
    EventStreamDecoder d;
    std::vector<EventStreamMessage> out;
    EXPECT_THROW(d.feed(bytes, out), llmgate::ResponseParseError);
    EXPECT_EQ(out.size(), 1u);
}

TEST(AwsEventStream, EveryHeaderValueTypeIsSkippedCorrectly) {
    std::string h;
    auto name = [&](const std::string& n, int type) {
        h.push_back(static_cast<char>(n.size()));
        h += n;
        h.push_back(static_cast<char>(type));
    };
    name("t", 0);
    name("f", 1);
    name("b", 2), h += "\xff";
    name("s", 3), h += std::string("\x01\x02", 2);
    name("i", 4), h += u32(0xFFFFFFFE);
    name("l", 5), h += u32(0) + u32(42);
    name("bytes", 6), h += std::string("\x00\x03", 2) + std::string("\x00\x01\x02", 3);
    name("str", 7), h += std::string("\x00\x02", 2) + "ok";
    name("ts", 8), h += u32(0) + u32(1000);
    name("uuid", 9), h += std::string(16, 'u');
    name(":event-type", 7), h += std::string("\x00\x08", 2) + "metadata";
    auto frames = decode_all({raw_frame(h, "{}")});
    ASSERT_EQ(frames.size(), 1u);
    const auto& m = frames[0];
    EXPECT_EQ(m.header("t"), "true");
    EXPECT_EQ(m.header("f"), "false");
    EXPECT_EQ(m.header("b"), "-1");
    EXPECT_EQ(m.header("s"), "258");
    EXPECT_EQ(m.header("i"), "-2");
    EXPECT_EQ(m.header("l"), "42");
    EXPECT_EQ(m.header("bytes"), std::string("\x00\x01\x02", 3));
    EXPECT_EQ(m.header("str"), "ok");
    EXPECT_EQ(m.header("ts"), "1000");
    EXPECT_EQ(m.header("uuid"), std::string(16, 'u'));
    EXPECT_EQ(m.header(":event-type"), "metadata");
    EXPECT_EQ(m.payload, "{}");
}

TEST(AwsEventStream, UnknownHeaderTypeAndOverrunningHeaderAreErrors) {
    EventStreamDecoder a;
    std::vector<EventStreamMessage> out;
    EXPECT_THROW(a.feed(raw_frame(std::string("\x01x\x0a", 3), ""), out), llmgate::ResponseParseError);
    EventStreamDecoder b;
    EXPECT_THROW(b.feed(raw_frame(std::string("\x01x\x07\x00\x09"
                                              "ab",
                                              7),
                                  ""),
                        out),
                 llmgate::ResponseParseError);
}

TEST(AwsEventStream, ImpossibleLengthsAreErrorsNotAllocations) {
    for (const auto& [total, headers] :
         std::vector<std::pair<std::uint32_t, std::uint32_t>>{{8, 0}, {0xFFFFFFFFu, 0}, {16, 1}, {20, 5}}) {
        std::string prelude = u32(total) + u32(headers);
        prelude += u32(crc32_ieee(prelude));
        EventStreamDecoder d;
        std::vector<EventStreamMessage> out;
        EXPECT_THROW(d.feed(prelude, out), llmgate::ResponseParseError) << total << "/" << headers;
    }
}

TEST(AwsEventStream, UnfinishedFrameIsReportedAsMidFrame) {
    const std::string bytes = two_frames();
    EventStreamDecoder d;
    std::vector<EventStreamMessage> out;
    d.feed(std::string_view(bytes).substr(0, bytes.size() - 3), out);
    EXPECT_EQ(out.size(), 1u);
    EXPECT_TRUE(d.mid_frame());
    d.feed(std::string_view(bytes).substr(bytes.size() - 3), out);
    EXPECT_EQ(out.size(), 2u);
    EXPECT_FALSE(d.mid_frame());
}
