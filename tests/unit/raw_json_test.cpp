// RawJson: a reply kept as text reads exactly like the parsed tree it stands for, lazily and thread-safely.
#include <gtest/gtest.h>

#include <atomic>
#include <sstream>
#include <thread>
#include <vector>

#include "llmgate/types.hpp"

using namespace llmgate;

namespace {

// Deliberately not in nlohmann's compact form (spaces, a newline, key order) so dump() can show it is
// the original bytes and not a re-serialisation.
const std::string kReply =
    "{\"object\": \"chat.completion\",\n \"choices\": [{\"index\": 0}], \"id\": \"c-1\", \"n\": 2.5}";

TEST(RawJson, DefaultIsNull) {
    RawJson r;
    EXPECT_TRUE(r.empty());
    EXPECT_TRUE(r.is_null());
    EXPECT_FALSE(r.is_object());
    EXPECT_FALSE(r.is_array());
    EXPECT_TRUE(r.get().is_null());
    EXPECT_EQ(r.dump(), "null");
}

TEST(RawJson, TextParsesToTheSameValueAsEagerParsing) {
    const json eager = json::parse(kReply);
    const RawJson lazy = RawJson::from_text(kReply);
    EXPECT_EQ(lazy.get(), eager);
    EXPECT_TRUE(lazy.is_object());
    EXPECT_EQ(lazy["object"], "chat.completion");
    EXPECT_EQ(lazy["choices"][0]["index"], 0);
    EXPECT_DOUBLE_EQ(lazy["n"].get<double>(), 2.5);
    EXPECT_TRUE(lazy.contains("id"));
    EXPECT_FALSE(lazy.contains("usage"));
    // The inline form compares equal to the text form of the same value.
    EXPECT_EQ(lazy, RawJson(eager));
}

TEST(RawJson, RepeatedReadsReturnTheSameParsedObject) {
    const RawJson r = RawJson::from_text(kReply);
    EXPECT_FALSE(r.empty());        // held text is not empty, before any parse
    EXPECT_EQ(&r.get(), &r.get());  // parsed once, not on every read
}

TEST(RawJson, DumpOfTextIsTheExactOriginalBytes) {
    const RawJson r = RawJson::from_text(kReply);
    (void)r.get();  // reading first must not change what dump() gives back
    EXPECT_EQ(r.dump(), kReply);
    EXPECT_EQ(r.dump(2), json::parse(kReply).dump(2));  // an indent asks for a re-serialisation
    std::ostringstream os;
    os << r;
    EXPECT_EQ(os.str(), kReply);
}

TEST(RawJson, CopiesShareTheTextAndBothReadCorrectly) {
    RawJson a = RawJson::from_text(kReply);
    RawJson b = a;
    EXPECT_EQ(&a.get(), &b.get());  // one shared parse, not two trees
    EXPECT_EQ(b["id"], "c-1");
    EXPECT_EQ(a["id"], "c-1");
    a = RawJson(json{{"other", true}});  // replacing one copy leaves the other intact
    EXPECT_EQ(b["id"], "c-1");
    EXPECT_EQ(a["other"], true);
}

TEST(RawJson, ConcurrentFirstReadsSeeTheSameValue) {
    const RawJson shared = RawJson::from_text(kReply);
    const json expected = json::parse(kReply);
    constexpr int kThreads = 8;
    std::vector<const json*> seen(kThreads, nullptr);
    std::vector<char> equal(kThreads, 0);  // not vector<bool>: its bits share bytes across threads
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&, i] {
            const RawJson mine = shared;  // half read their own copy, half the original
            ready.fetch_add(1);
            while (ready.load() < kThreads) std::this_thread::yield();  // all start the first read together
            const json& v = (i % 2 == 0) ? shared.get() : mine.get();
            seen[static_cast<std::size_t>(i)] = &v;
            equal[static_cast<std::size_t>(i)] = (v == expected);
        });
    }
    for (auto& t : threads) t.join();
    for (int i = 0; i < kThreads; ++i) {
        EXPECT_TRUE(equal[static_cast<std::size_t>(i)]) << "thread " << i;
        EXPECT_EQ(seen[static_cast<std::size_t>(i)], seen[0]) << "thread " << i;
    }
}

TEST(RawJson, IndexingAbsentKeysOrWrongTypesGivesNullWithoutAsserting) {
    const RawJson obj = RawJson::from_text(R"({"a":1})");
    EXPECT_TRUE(obj["missing"].is_null());
    EXPECT_TRUE(obj[std::size_t{0}].is_null());  // an object is not an array
    const RawJson arr = RawJson(json::array({1, 2}));
    EXPECT_EQ(arr[1], 2);
    EXPECT_TRUE(arr[2].is_null());    // out of range
    EXPECT_TRUE(arr["a"].is_null());  // an array is not an object
    EXPECT_FALSE(arr.contains("a"));
    const RawJson scalar = RawJson(json("text"));
    EXPECT_TRUE(scalar["a"].is_null());
    EXPECT_TRUE(scalar[std::size_t{0}].is_null());
    EXPECT_TRUE(RawJson()["a"].is_null());
}

TEST(RawJson, TextThatIsNotJsonReadsAsNull) {
    const RawJson r = RawJson::from_text("not json {");
    EXPECT_TRUE(r.is_null());
    EXPECT_TRUE(r["a"].is_null());
    EXPECT_EQ(r.dump(), "not json {");  // still the bytes as received
}

TEST(RawJson, InlineValueAndNullAssignmentBehaveLikeJson) {
    json j{{"type", "message-end"}};
    StreamChunk c;
    c.raw = std::move(j);  // the adapters' stream path: stored inline
    EXPECT_EQ(c.raw["type"], "message-end");
    EXPECT_EQ(c.raw.dump(), R"({"type":"message-end"})");
    const json& as_json = c.raw;  // converts to const json& for code that wants the tree
    EXPECT_EQ(as_json.at("type"), "message-end");
    EXPECT_FALSE(c.raw.empty());
    c.raw = nullptr;
    EXPECT_TRUE(c.raw.empty());
    EXPECT_TRUE(c.raw.is_null());
}

TEST(RawJson, ReleaseMovesTheValueOutAndLeavesNull) {
    RawJson inline_raw = RawJson(json::array({1}));
    json out = std::move(inline_raw).release();
    EXPECT_EQ(out, json::array({1}));
    EXPECT_TRUE(inline_raw.is_null());  // NOLINT(bugprone-use-after-move): release() documents this state

    RawJson text = RawJson::from_text("[1,2]");
    const RawJson copy = text;
    EXPECT_EQ(std::move(text).release(), json::array({1, 2}));
    EXPECT_EQ(copy.dump(), "[1,2]");  // the shared text is untouched for the other copy
}

TEST(RawJson, IsNoBiggerThanAJsonAndASharedPointer) {
    // json (16 bytes) + shared_ptr (16 bytes): what every held response pays before its text.
    EXPECT_LE(sizeof(RawJson), sizeof(json) + sizeof(std::shared_ptr<int>));
}

}  // namespace

namespace llmgate {
namespace {

// A large reply body handed over by move is kept as that very string (no copy of a 200 MB body: bench 5
// measures that), and reads as any text raw does: the original bytes, one lazy parse, copies sharing it.
TEST(RawJsonLarge, AMovedLargeBodyIsKeptWithoutACopy) {
    std::string body = R"({"big":")" + std::string(100 * 1024, 'x') + R"(","n":1})";
    body.reserve(body.size() + 64);
    const std::string expected = body;
    const RawJson raw = RawJson::from_text(std::move(body));
    const std::string dumped = raw.dump();
    EXPECT_EQ(dumped, expected);
    const RawJson copy = raw;
    EXPECT_EQ(copy["n"], 1);
    EXPECT_EQ(raw["big"].get_ref<const std::string&>().size(), 100u * 1024u);
    EXPECT_EQ(&raw.get(), &copy.get());  // one parse, shared
    const std::string small = R"({"a":1})";
    EXPECT_EQ(RawJson::from_text(std::string(small)).dump(), small);
}

}  // namespace
}  // namespace llmgate
