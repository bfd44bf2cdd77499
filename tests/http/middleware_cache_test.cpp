// CacheMiddleware over real HTTP: hits never reach the server; keys cover what shapes the reply.
#include <gtest/gtest.h>

#include <thread>

#include "llmgate/gate.hpp"
#include "llmgate/middleware/cache.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::openai;

namespace {

class CacheHttp : public OpenAIServerTest {
protected:
    CacheHttp() : OpenAIServerTest("sk-cache-SECRET") {}
    std::shared_ptr<CacheMiddleware> cache = std::make_shared<CacheMiddleware>();
    Options cached() const { return Options{.middleware = {cache}}; }
};

}  // namespace

TEST_F(CacheHttp, SecondIdenticalCallIsAHitThatNeverReachesTheServer) {
    server.route("POST", "/v1/chat/completions", fake::chat_text("cached answer"));
    auto first = completion("gpt-4o-mini", hello(), cached());
    auto second = completion("gpt-4o-mini", hello(), cached());
    EXPECT_FALSE(first.cache_hit);
    EXPECT_TRUE(second.cache_hit);
    EXPECT_EQ(second.text(), "cached answer");
    EXPECT_EQ(second.usage.total_tokens, first.usage.total_tokens);
    EXPECT_EQ(server.request_count(), 1u);
    auto third = acompletion("gpt-4o-mini", hello(), cached()).get();
    EXPECT_TRUE(third.cache_hit);
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(CacheHttp, DifferentMessagesModelOrOptionsMiss) {
    server.route("POST", "/v1/chat/completions", fake::chat_text("x"));
    completion("gpt-4o-mini", hello(), cached());
    completion("gpt-4o-mini", {Message::user("other")}, cached());
    completion("gpt-4o", hello(), cached());
    Options warmer = cached();
    warmer.temperature = 0.9;
    completion("gpt-4o-mini", hello(), warmer);
    Options extra = cached();
    extra.extra = {{"logprobs", true}};
    completion("gpt-4o-mini", hello(), extra);
    EXPECT_EQ(server.request_count(), 5u);
}

TEST_F(CacheHttp, KeyIgnoresTheApiKeyAndHeaders) {
    CompletionRequest a{"gpt-4o-mini", hello(), {.api_key = "sk-one"}};
    CompletionRequest b{"gpt-4o-mini", hello(), {.api_key = "sk-two", .extra_headers = {{"x-secret", "s"}}}};
    EXPECT_EQ(CacheMiddleware::key_for(a), CacheMiddleware::key_for(b));
    EXPECT_EQ(CacheMiddleware::key_for(a).size(), 64u);  // hex SHA-256
    EXPECT_EQ(CacheMiddleware::key_for(a).find("sk-one"), std::string::npos);
    CompletionRequest c = a;
    c.options.max_tokens = 5;
    EXPECT_NE(CacheMiddleware::key_for(a), CacheMiddleware::key_for(c));
}

// `extra` left at its null default means the same as an empty object, so both share one key.
TEST_F(CacheHttp, NullAndEmptyExtraShareAKey) {
    CompletionRequest a{"gpt-4o-mini", hello(), {}};
    CompletionRequest b{"gpt-4o-mini", hello(), {.extra = json::object()}};
    CompletionRequest c{"gpt-4o-mini", hello(), {.extra = {{"logprobs", true}}}};
    EXPECT_EQ(CacheMiddleware::key_for(a), CacheMiddleware::key_for(b));
    EXPECT_NE(CacheMiddleware::key_for(a), CacheMiddleware::key_for(c));
    EXPECT_EQ(CacheMiddleware::key_for(EmbeddingRequest{.model = "text-embedding-3-small", .inputs = {"x"}}),
              CacheMiddleware::key_for(EmbeddingRequest{
                  .model = "text-embedding-3-small", .inputs = {"x"}, .options = {.extra = json::object()}}));
}

TEST_F(CacheHttp, ErrorsAreNotCached) {
    server.enqueue(fake::error(500, "boom", "server_error"));
    server.enqueue(fake::chat_text("recovered"));
    EXPECT_THROW(completion("gpt-4o-mini", hello(), cached()), ProviderAPIError);
    EXPECT_EQ(completion("gpt-4o-mini", hello(), cached()).text(), "recovered");
    EXPECT_EQ(server.request_count(), 2u);
}

TEST_F(CacheHttp, StreamIsStoredWhenItEndsAndReplayedAsChunks) {
    server.enqueue(fake::stream_text({"Hello", " there"}));
    std::string first;
    auto s1 = stream("gpt-4o-mini", hello(), cached());
    for (const auto& c : s1) first += c.delta;
    EXPECT_EQ(first, "Hello there");

    std::string second;
    auto s2 = stream("gpt-4o-mini", hello(), cached());
    for (const auto& c : s2) second += c.delta;
    EXPECT_EQ(second, "Hello there");
    EXPECT_EQ(s2.response().text(), "Hello there");
    EXPECT_EQ(s2.response().usage.total_tokens, s1.response().usage.total_tokens);
    EXPECT_EQ(server.request_count(), 1u);

    // A completion of the same request is answered from the stored stream too.
    EXPECT_TRUE(completion("gpt-4o-mini", hello(), cached()).cache_hit);
    auto s3 = astream("gpt-4o-mini", hello(), cached()).get();
    std::string third;
    for (const auto& c : s3) third += c.delta;
    EXPECT_EQ(third, "Hello there");
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(CacheHttp, AStreamDroppedBeforeItsEndIsNotStored) {
    server.route("POST", "/v1/chat/completions", fake::stream_text({"a", "b", "c"}));
    {
        auto s = stream("gpt-4o-mini", hello(), cached());
        for (const auto& c : s) {
            if (!c.delta.empty()) break;
        }
    }
    auto again = stream("gpt-4o-mini", hello(), cached());  // not a hit: goes to the server
    std::string text;
    for (const auto& c : again) text += c.delta;
    EXPECT_EQ(text, "abc");
    EXPECT_EQ(server.request_count(), 2u);
}

TEST_F(CacheHttp, EmbeddingsAreCachedToo) {
    server.route("POST", "/v1/embeddings", fake::embeddings({{0.5f, 0.25f}}));
    LLMGate gate(MiddlewareList{cache});
    auto a = gate.embed("text-embedding-3-small", "hello");
    auto b = gate.embed("text-embedding-3-small", "hello");
    auto c = gate.aembed("text-embedding-3-small", "hello").get();
    EXPECT_EQ(a.embeddings, b.embeddings);
    EXPECT_EQ(a.embeddings, c.embeddings);
    EXPECT_EQ(server.request_count(), 1u);
}

TEST(InMemoryCacheStore, EvictsTheLeastRecentlyUsedAndExpiresEntries) {
    InMemoryCacheStore store(2);
    CompletionResponse r;
    r.id = "a";
    store.put("a", r, std::chrono::seconds(60));
    r.id = "b";
    store.put("b", r, std::chrono::seconds(60));
    EXPECT_TRUE(store.get("a").has_value());  // a is now the most recently used
    r.id = "c";
    store.put("c", r, std::chrono::seconds(60));
    EXPECT_FALSE(store.get("b").has_value());
    EXPECT_TRUE(store.get("a").has_value());
    EXPECT_TRUE(store.get("c").has_value());
    EXPECT_EQ(store.size(), 2u);

    store.put("short", r, std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    EXPECT_FALSE(store.get("short").has_value());
}

TEST(InMemoryCacheStore, IsSafeUnderConcurrentUse) {
    InMemoryCacheStore store(50);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&store, t] {
            for (int i = 0; i < 2000; ++i) {
                const std::string key = std::to_string((i * 7 + t) % 120);
                if (i % 3 == 0)
                    store.put(key, CompletionResponse{}, std::chrono::seconds(5));
                else
                    (void)store.get(key);
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_LE(store.size(), 50u);
}
