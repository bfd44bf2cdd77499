// Gemini explicit context caching over real HTTP: the cachedContents create / get / delete requests as
// python-genai sends them, the cache's fields read back, a call answering from it, typed errors.
#include <gtest/gtest.h>

#include "gemini_replies.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;

namespace {

const json kCache = json::parse(R"({"name":"cachedContents/abc123","model":"models/gemini-2.5-flash",
    "displayName":"contract","createTime":"2026-12-07T10:00:00Z","updateTime":"2026-12-07T10:00:00Z",
    "expireTime":"2026-12-07T11:00:00Z","usageMetadata":{"totalTokenCount":40213}})");

class GeminiCacheHttp : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        point_at("GEMINI_API_KEY", "AIza-cache-key", "GEMINI_BASE_URL");
    }
    static Reply cache_reply() { return Reply{.body = kCache.dump()}; }
};

}  // namespace

TEST_F(GeminiCacheHttp, CreateSendsThePromptInGenerateContentShape) {
    server.enqueue(cache_reply());
    const CachedContent c = create_cached_content(
        "gemini/gemini-2.5-flash", {Message::system("You review contracts."), Message::user("<the whole contract>")},
        {.ttl = std::chrono::seconds(3600),
         .display_name = "contract",
         .tools = {Tool{.name = "flag_clause", .description = "Flag a clause"}}});
    EXPECT_EQ(c.name, "cachedContents/abc123");
    EXPECT_EQ(c.model, "models/gemini-2.5-flash");
    EXPECT_EQ(c.display_name, "contract");
    EXPECT_EQ(c.expire_time, "2026-12-07T11:00:00Z");
    EXPECT_EQ(c.total_tokens, 40213);

    const auto req = server.last_request();
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.path, "/v1beta/cachedContents");
    EXPECT_EQ(req.header("x-goog-api-key"), "AIza-cache-key");
    EXPECT_EQ(req.query, "");  // the key never goes in the URL
    const json body = req.json();
    EXPECT_EQ(body["model"], "models/gemini-2.5-flash");
    EXPECT_EQ(body["ttl"], "3600s");
    EXPECT_EQ(body["displayName"], "contract");
    EXPECT_EQ(body["systemInstruction"], json::parse(R"({"parts":[{"text":"You review contracts."}]})"));
    EXPECT_EQ(body["contents"], json::parse(R"([{"role":"user","parts":[{"text":"<the whole contract>"}]}])"));
    EXPECT_EQ(body["tools"][0]["functionDeclarations"][0]["name"], "flag_clause");
    EXPECT_FALSE(body.contains("generationConfig"));
}

TEST_F(GeminiCacheHttp, GetDeleteAndAnsweringFromTheCache) {
    server.enqueue(cache_reply());
    EXPECT_EQ(get_cached_content("cachedContents/abc123").total_tokens, 40213);
    EXPECT_EQ(server.last_request().method, "GET");
    EXPECT_EQ(server.last_request().path, "/v1beta/cachedContents/abc123");

    server.enqueue(gemini::text("Clause 4 is unusual."));
    auto r = completion("gemini-2.5-flash", {Message::user("Anything unusual?")},
                        {.prompt_cache = {.gemini_cached_content = "cachedContents/abc123"}});
    EXPECT_EQ(r.text(), "Clause 4 is unusual.");
    EXPECT_EQ(server.last_request().json()["cachedContent"], "cachedContents/abc123");

    server.enqueue(Reply{.body = "{}"});
    delete_cached_content("cachedContents/abc123");
    EXPECT_EQ(server.last_request().method, "DELETE");
    EXPECT_EQ(server.last_request().path, "/v1beta/cachedContents/abc123");
}

TEST_F(GeminiCacheHttp, FailuresAreTyped) {
    server.enqueue(Reply{.status = 400,
                         .body = R"({"error":{"code":400,"message":"Cached content is too small. total_token_count=12, min_total_token_count=1024","status":"INVALID_ARGUMENT"}})"});
    try {
        create_cached_content("gemini-2.5-flash", {Message::user("short")});
        FAIL() << "expected ProviderAPIError";
    } catch (const ProviderAPIError& e) {
        EXPECT_NE(std::string(e.what()).find("too small"), std::string::npos);
        EXPECT_EQ(e.status(), 400);
    }
    server.enqueue(Reply{.status = 404, .body = R"({"error":{"code":404,"message":"not found","status":"NOT_FOUND"}})"});
    EXPECT_THROW(get_cached_content("cachedContents/gone"), ModelNotFoundError);
    server.enqueue(Reply{.body = R"({"model":"models/x"})"});  // no name: not a cache
    EXPECT_THROW(get_cached_content("cachedContents/abc123"), ResponseParseError);

    const std::size_t sent = server.request_count();
    EXPECT_THROW(delete_cached_content("../models/gemini-2.5-flash"), InvalidRequestError);
    EXPECT_THROW(get_cached_content("cachedContents/a/b"), InvalidRequestError);
    EXPECT_THROW(create_cached_content("gemini-2.5-flash", std::vector<Message>{}), InvalidRequestError);
    env.set("GEMINI_API_KEY", nullptr);
    EXPECT_THROW(get_cached_content("cachedContents/abc123"), AuthError);
    EXPECT_EQ(server.request_count(), sent);
}
