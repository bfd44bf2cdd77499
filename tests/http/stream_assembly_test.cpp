// Stream assembly over real HTTP: many events arriving in one read are all handed out, in order, and
// response() keeps the raw JSON of the last event (the Stream moves each chunk's raw aside instead of
// copying it, and HttpChunkSource decodes a large read in slices).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::openai;

namespace {

class StreamAssembly : public OpenAIServerTest {
protected:
    StreamAssembly() : OpenAIServerTest("sk-test-assembly") {}
};

// 3,000 events written as one HTTP chunk: far more than one decode slice, so a single read is decoded
// piece by piece; every delta must still come out once and in order.
TEST_F(StreamAssembly, ManyEventsInOneReadAreAllHandedOutInOrder) {
    std::vector<std::string> pieces;
    std::string expected;
    for (int i = 0; i < 3000; ++i) {
        pieces.push_back(std::to_string(i) + ",");
        expected += pieces.back();
    }
    Reply r = fake::stream_text(pieces);
    std::string joined;
    for (const auto& c : r.chunks) joined += c;
    ASSERT_GT(joined.size(), 64u * 1024u);
    r.chunks = {joined};
    server.enqueue(r);

    auto s = stream("gpt-4o-mini", hello());
    std::string text;
    std::size_t deltas = 0;
    for (const auto& c : s) {
        if (!c.delta.empty()) ++deltas;
        text += c.delta;
    }
    EXPECT_EQ(deltas, pieces.size());
    EXPECT_EQ(text, expected);
    EXPECT_EQ(s.response().text(), expected);
}

// A caller slower than the server: the server writes megabytes at once while the loop body sleeps, so
// the transport holds the rest back in the socket (it pauses libcurl past 64 KiB not yet taken) and
// resumes on the next read. Every delta still arrives once and in order, and the held-back bytes count
// once against max_response_bytes (a cap just above the stream's size is not hit).
TEST_F(StreamAssembly, ACallerSlowerThanTheServerGetsEveryDeltaInOrder) {
    std::vector<std::string> pieces;
    std::string expected;
    for (int i = 0; i < 20000; ++i) {
        pieces.push_back(std::to_string(i) + ",");
        expected += pieces.back();
    }
    Reply r = fake::stream_text(pieces);
    std::string joined;
    for (const auto& c : r.chunks) joined += c;
    ASSERT_GT(joined.size(), 2u * 1024u * 1024u);
    r.chunks = {joined};
    server.enqueue(r);

    Options options;
    options.max_response_bytes = joined.size() + 4096;  // the chunked framing's few bytes, and no more
    auto s = stream("gpt-4o-mini", hello(), options);
    std::string text;
    std::size_t deltas = 0;
    for (const auto& c : s) {
        if (deltas == 1 || deltas == 5000) std::this_thread::sleep_for(std::chrono::milliseconds(200));
        if (!c.delta.empty()) ++deltas;
        text += c.delta;
    }
    EXPECT_EQ(deltas, pieces.size());
    EXPECT_EQ(text, expected);
    EXPECT_EQ(s.response().text(), expected);
}

// The same through astream: the event loop's stream holds back past 1 MiB not yet taken, and the bytes
// it is handed again after resuming count once against max_response_bytes.
TEST_F(StreamAssembly, AnAsyncCallerSlowerThanTheServerGetsEveryDeltaInOrder) {
    std::vector<std::string> pieces;
    std::string expected;
    for (int i = 0; i < 40000; ++i) {
        pieces.push_back(std::to_string(i) + ",");
        expected += pieces.back();
    }
    Reply r = fake::stream_text(pieces);
    std::string joined;
    for (const auto& c : r.chunks) joined += c;
    ASSERT_GT(joined.size(), 4u * 1024u * 1024u);
    r.chunks = {joined};
    server.enqueue(r);

    Options options;
    options.max_response_bytes = joined.size() + 4096;
    Stream s = astream("gpt-4o-mini", hello(), options).get();
    std::string text;
    std::size_t deltas = 0;
    for (const auto& c : s) {
        if (deltas == 1 || deltas == 10000) std::this_thread::sleep_for(std::chrono::milliseconds(200));
        if (!c.delta.empty()) ++deltas;
        text += c.delta;
    }
    EXPECT_EQ(deltas, pieces.size());
    EXPECT_EQ(text, expected);
}

// response().raw is the raw JSON of the newest event: while iterating, the chunk being looked at; after
// the loop, the last event (here the usage-only event that include_usage adds).
TEST_F(StreamAssembly, ResponseRawIsTheNewestEvent) {
    server.enqueue(fake::stream_text({"Hel", "lo"}));
    auto s = stream("gpt-4o-mini", hello());
    json last_raw;
    for (const auto& c : s) {
        EXPECT_EQ(s.response().raw, c.raw);
        last_raw = c.raw;
    }
    ASSERT_TRUE(last_raw.is_object());
    EXPECT_TRUE(last_raw.contains("usage"));
    EXPECT_EQ(s.response().raw, last_raw);
    EXPECT_EQ(s.response().text(), "Hello");
}

}  // namespace

namespace {

// response() while iterating is everything received so far, the chunk being looked at included; the
// Stream takes each chunk's text only once the caller has moved past it (so a large answer is not held
// twice while the caller reads it), and the caller's chunk still holds its delta meanwhile.
TEST_F(StreamAssembly, ResponseSoFarIncludesTheChunkBeingLookedAt) {
    server.enqueue(fake::stream_text({"Hel", "lo", " world"}));
    auto s = stream("gpt-4o-mini", hello());
    std::string so_far;
    for (const auto& c : s) {
        so_far += c.delta;
        EXPECT_EQ(s.response().text(), so_far);
    }
    EXPECT_EQ(s.response().text(), "Hello world");
    EXPECT_EQ(s.response().text(), "Hello world");  // response() leaves the stream as it was
}

}  // namespace
