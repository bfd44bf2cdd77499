// Redis URLs, the RESP decoder over hiredis's reader, and the cached-reply codec a shared cache stores.
#include <gtest/gtest.h>

#include "expect_error.hpp"
#include "llmgate/errors.hpp"
#include "middleware/cached_reply_codec.hpp"
#include "redis/reply.hpp"
#include "redis/url.hpp"

using namespace llmgate;
using llmgate::detail::parse_redis_url;
using llmgate::testing::expect_error;

TEST(RedisUrl, ReadsHostPortAndDatabase) {
    const auto u = parse_redis_url("redis://cache.internal:6380/2");
    EXPECT_FALSE(u.tls);
    EXPECT_EQ(u.host, "cache.internal");
    EXPECT_EQ(u.port, 6380);
    EXPECT_EQ(u.db, 2);
    EXPECT_TRUE(u.user.empty());
    EXPECT_TRUE(u.password.empty());
    const auto d = parse_redis_url("redis://localhost");
    EXPECT_EQ(d.port, 6379);
    EXPECT_EQ(d.db, 0);
}

TEST(RedisUrl, ReadsUserAndPasswordPercentDecoded) {
    const auto u = parse_redis_url("redis://app:p%40ss%3Aw%2Frd@10.0.0.5:6379/1");
    EXPECT_EQ(u.user, "app");
    EXPECT_EQ(u.password, "p@ss:w/rd");
    EXPECT_EQ(u.host, "10.0.0.5");
    const auto p = parse_redis_url("redis://:only-password@h/0");
    EXPECT_TRUE(p.user.empty());
    EXPECT_EQ(p.password, "only-password");
    const auto bare = parse_redis_url("redis://secret@h");
    EXPECT_EQ(bare.password, "secret");
}

TEST(RedisUrl, RedissMeansTlsAndIpv6HostsAreBracketed) {
    const auto u = parse_redis_url("rediss://[::1]:6390/4");
    EXPECT_TRUE(u.tls);
    EXPECT_EQ(u.host, "::1");
    EXPECT_EQ(u.port, 6390);
    EXPECT_EQ(u.display(), "rediss://[::1]:6390/4");
}

TEST(RedisUrl, DisplayNeverShowsCredentials) {
    const auto u = parse_redis_url("redis://app:hunter2@h:1/0");
    EXPECT_EQ(u.display(), "redis://h:1/0");
}

TEST(RedisUrl, BadUrlsAreInvalidRequestErrorsWithoutThePassword) {
    for (const char* bad : {"http://h:6379", "redis://", "redis://h:0", "redis://h:70000", "redis://h:port",
                            "redis://h/db", "redis://h/-1", "redis://[::1", "redis://h:", "redis://u:p%zz@h",
                            "redis://h?db=1", "redis://:hunter2@/0", "redis://h o"}) {
        const auto e = expect_error<InvalidRequestError>([&] { parse_redis_url(bad); }, bad);
        if (e) {
            EXPECT_EQ(std::string(e->what()).find("hunter2"), std::string::npos) << bad;
        }
    }
}

TEST(RespDecoder, DecodesRepliesAcrossAnySlicing) {
    const std::string bytes = "+OK\r\n:42\r\n$5\r\nhello\r\n$-1\r\n*2\r\n:1\r\n-ERR no\r\n";
    detail::RespDecoder d;
    std::vector<detail::RedisReply> got;
    for (char c : bytes) {
        d.feed(std::string_view(&c, 1));
        while (auto r = d.next()) got.push_back(std::move(*r));
    }
    ASSERT_EQ(got.size(), 5u);
    EXPECT_EQ(got[0].str, "OK");
    EXPECT_EQ(got[1].integer, 42);
    EXPECT_EQ(got[2].str, "hello");
    EXPECT_EQ(got[3].type, detail::RedisReply::Type::nil);
    ASSERT_EQ(got[4].elements.size(), 2u);
    EXPECT_TRUE(got[4].elements[1].is_error());
    detail::RespDecoder bad;
    bad.feed("?what\r\n");
    EXPECT_THROW(bad.next(), std::runtime_error);
}

TEST(RespDecoder, EncodesBinarySafeCommands) {
    EXPECT_EQ(detail::encode_command({"SET", std::string("a\0b", 3), ""}),
              std::string("*3\r\n$3\r\nSET\r\n$3\r\na\0b\r\n$0\r\n\r\n", 28));
}

TEST(CachedReplyCodec, RoundTripsACompletionWithItsToolCallsUsageAndRaw) {
    CompletionResponse r;
    r.id = "chatcmpl-1";
    r.model = "gpt-4o-mini";
    r.provider = "openai";
    Message m = Message::assistant("hi");
    m.reasoning = "thought";
    m.provider_data = {{"sig", "abc"}};
    m.tool_calls.push_back(ToolCall{.id = "call_0", .function = "f", .arguments = {{"x", 1}}, .arguments_raw = R"({"x":1})"});
    r.choices.push_back(Choice{.index = 0, .message = m, .finish_reason = "tool_calls"});
    r.finish_reason = "tool_calls";
    r.usage = Usage{.prompt_tokens = 10, .completion_tokens = 5, .total_tokens = 15, .cached_tokens = 2};
    r.raw = json{{"id", "chatcmpl-1"}};
    r.parsed_json = {{"a", 1}};
    r.structured_strategy = "native";
    const std::string bytes = detail::encode_cached_reply(CachedReply(r));
    EXPECT_EQ(bytes.rfind("llmgate-cache/1\n", 0), 0u);
    const auto back = detail::decode_cached_reply(bytes);
    ASSERT_TRUE(back);
    const auto& c = std::get<CompletionResponse>(*back);
    EXPECT_EQ(c.text(), "hi");
    EXPECT_EQ(c.reasoning(), "thought");
    EXPECT_EQ(c.choices[0].message.provider_data, m.provider_data);
    ASSERT_EQ(c.tool_calls().size(), 1u);
    EXPECT_EQ(c.tool_calls()[0].arguments_raw, R"({"x":1})");
    EXPECT_EQ(c.usage.cached_tokens, 2);
    EXPECT_EQ(c.raw, r.raw);
    EXPECT_EQ(c.parsed_json, r.parsed_json);
    EXPECT_EQ(c.structured_strategy, "native");
}

TEST(CachedReplyCodec, AnotherVersionOrDamagedBytesAreAMiss) {
    EmbeddingResponse e;
    e.embeddings = {{0.5, 0.25}};
    e.model = "text-embedding-3-small";
    const std::string bytes = detail::encode_cached_reply(CachedReply(e));
    ASSERT_TRUE(detail::decode_cached_reply(bytes));
    EXPECT_EQ(std::get<EmbeddingResponse>(*detail::decode_cached_reply(bytes)).embeddings, e.embeddings);
    std::string other = bytes;
    other.replace(0, 16, "llmgate-cache/2\n");
    EXPECT_FALSE(detail::decode_cached_reply(other));
    EXPECT_FALSE(detail::decode_cached_reply(bytes.substr(0, bytes.size() - 3)));
    EXPECT_FALSE(detail::decode_cached_reply("llmgate-cache/1\n{\"k\":\"completion\"}"));
    EXPECT_FALSE(detail::decode_cached_reply(""));
}
