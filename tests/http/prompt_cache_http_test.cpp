// Prompt caching controls on the wire: CacheMarker as Anthropic cache_control and Bedrock cachePoint (TTL
// included), automatic breakpoints on the stable prefix within the providers' limit of four, OpenAI's
// prompt_cache_key / retention (chat completions and Responses), Gemini's cachedContent; bad markers
// refused before sending.
#include <gtest/gtest.h>

#include "anthropic_replies.hpp"
#include "bedrock_replies.hpp"
#include "gemini_replies.hpp"
#include "openai_replies.hpp"
#include "openai_responses_replies.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;

namespace {

Tool tool_named(const std::string& name, std::optional<CacheMarker> cache = std::nullopt) {
    return Tool{.name = name, .description = "d", .cache = std::move(cache)};
}

Message marked(Message m, std::string ttl = {}) {
    m.cache = CacheMarker{std::move(ttl)};
    return m;
}

class PromptCacheHttp : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        env.set("ANTHROPIC_API_KEY", "sk-ant-cache");
        env.set("ANTHROPIC_BASE_URL", server.base_url().c_str());
        env.set("AWS_ACCESS_KEY_ID", "AKIDCACHE");
        env.set("AWS_SECRET_ACCESS_KEY", "cache-secret");
        env.set("AWS_REGION", "us-east-1");
        env.set("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", server.base_url().c_str());
        env.set("OPENAI_API_KEY", "sk-cache");
        env.set("OPENAI_BASE_URL", server.base_url().c_str());
        env.set("GEMINI_API_KEY", "AIza-cache");
        env.set("GEMINI_BASE_URL", server.base_url().c_str());
    }
    json sent() { return server.last_request().json(); }
};

const json kEphemeral = {{"type", "ephemeral"}};
const json kEphemeral1h = {{"type", "ephemeral"}, {"ttl", "1h"}};

}  // namespace

TEST_F(PromptCacheHttp, AnthropicTakesMarkersAsCacheControlOnTheMarkedBlocks) {
    server.enqueue(anthropic::message_text("ok"));
    ContentPart doc = ContentPart::text_part("a long document");
    doc.cache = CacheMarker{};
    completion("claude-haiku-4-5",
               {marked(Message::system("You are terse."), "1h"), Message::user({doc, ContentPart::text_part("Summarise.")}),
                Message::assistant("Sure."), marked(Message::user("Shorter."))},
               {.tools = {tool_named("a"), tool_named("b", CacheMarker{"1h"})}});
    const json body = sent();
    EXPECT_EQ(body["system"], json::parse(R"([{"type":"text","text":"You are terse.","cache_control":{"type":"ephemeral","ttl":"1h"}}])"));
    EXPECT_EQ(body["messages"][0]["content"][0]["cache_control"], kEphemeral);
    EXPECT_FALSE(body["messages"][0]["content"][1].contains("cache_control"));
    EXPECT_EQ(body["messages"][1]["content"], "Sure.");
    EXPECT_EQ(body["messages"][2]["content"], json::parse(R"([{"type":"text","text":"Shorter.","cache_control":{"type":"ephemeral"}}])"));
    EXPECT_FALSE(body["tools"][0].contains("cache_control"));
    EXPECT_EQ(body["tools"][1]["cache_control"], kEphemeral1h);
}

TEST_F(PromptCacheHttp, AnthropicAutomaticBreakpointsCoverToolsSystemAndTheConversation) {
    server.enqueue(anthropic::message_text("ok"));
    completion("claude-haiku-4-5", {Message::system("sys"), Message::user("q1"), Message::assistant("a1"), Message::user("q2")},
               {.tools = {tool_named("a"), tool_named("b")}, .prompt_cache = {.automatic = true, .ttl = "1h"}});
    const json body = sent();
    EXPECT_FALSE(body["tools"][0].contains("cache_control"));
    EXPECT_EQ(body["tools"][1]["cache_control"], kEphemeral1h);
    EXPECT_EQ(body["system"][0]["cache_control"], kEphemeral1h);
    EXPECT_EQ(body["messages"][2]["content"][0]["cache_control"], kEphemeral1h);
    EXPECT_EQ(body["messages"][0]["content"], "q1");  // earlier turns untouched

    // Three explicit markers leave room for one automatic breakpoint: the tools, first in the API's order.
    server.enqueue(anthropic::message_text("ok"));
    completion("claude-haiku-4-5",
               {marked(Message::system("s1")), marked(Message::user("q1")), Message::assistant("a1"), marked(Message::user("q2"))},
               {.tools = {tool_named("a")}, .prompt_cache = {.automatic = true}});
    const std::string dumped = sent().dump();
    std::size_t markers = 0;
    for (std::size_t at = dumped.find("cache_control"); at != std::string::npos; at = dumped.find("cache_control", at + 1))
        ++markers;
    EXPECT_EQ(markers, 4u);
    EXPECT_EQ(sent()["tools"][0]["cache_control"], kEphemeral);
}

TEST_F(PromptCacheHttp, BadMarkersAreRefusedBeforeSending) {
    std::vector<Message> five{marked(Message::system("s")), marked(Message::user("1")), marked(Message::assistant("2")),
                              marked(Message::user("3")), marked(Message::assistant("4")), Message::user("5")};
    EXPECT_THROW(completion("claude-haiku-4-5", five), InvalidRequestError);
    EXPECT_THROW(completion("bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", five), InvalidRequestError);
    EXPECT_THROW(completion("claude-haiku-4-5", {marked(Message::user("x"), "2h")}), InvalidRequestError);
    EXPECT_THROW(completion("claude-haiku-4-5", hello(), {.prompt_cache = {.automatic = true, .ttl = "forever"}}),
                 InvalidRequestError);
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(PromptCacheHttp, BedrockTakesMarkersAsCachePointBlocksAfterTheMarkedContent) {
    server.enqueue(bedrock::converse_text("ok"));
    completion("bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0",
               {marked(Message::system("sys"), "1h"), marked(Message::user("long context")), Message::assistant("a"),
                Message::user("q")},
               {.tools = {tool_named("a", CacheMarker{})}});
    const json body = sent();
    EXPECT_EQ(body["system"], json::parse(R"([{"text":"sys"},{"cachePoint":{"type":"default","ttl":"1h"}}])"));
    EXPECT_EQ(body["messages"][0]["content"], json::parse(R"([{"text":"long context"},{"cachePoint":{"type":"default"}}])"));
    EXPECT_EQ(body["messages"][2]["content"].size(), 1u);
    EXPECT_EQ(body["toolConfig"]["tools"][1], json::parse(R"({"cachePoint":{"type":"default"}})"));

    server.enqueue(bedrock::converse_text("ok"));
    completion("bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", {Message::system("sys"), Message::user("q")},
               {.tools = {tool_named("a")}, .prompt_cache = {.automatic = true}});
    const json automatic = sent();
    EXPECT_EQ(automatic["toolConfig"]["tools"].back(), json::parse(R"({"cachePoint":{"type":"default"}})"));
    EXPECT_EQ(automatic["system"].back(), json::parse(R"({"cachePoint":{"type":"default"}})"));
    EXPECT_EQ(automatic["messages"][0]["content"].back(), json::parse(R"({"cachePoint":{"type":"default"}})"));
}

TEST_F(PromptCacheHttp, OpenAIGetsItsCacheKeyAndRetentionOnBothAPIs) {
    server.enqueue(openai::chat_text("ok"));
    completion("gpt-4o-mini", hello(), {.prompt_cache = {.key = "tenant-42", .retention = "24h"}});
    EXPECT_EQ(sent()["prompt_cache_key"], "tenant-42");
    EXPECT_EQ(sent()["prompt_cache_retention"], "24h");

    server.enqueue(openai::chat_text("ok"));
    completion("gpt-4o-mini", hello());
    EXPECT_FALSE(sent().contains("prompt_cache_key"));

    server.enqueue(openai_responses::reply(openai_responses::response(json::array({openai_responses::message_item("ok")}))));
    completion("openai-responses/gpt-4.1", hello(), {.prompt_cache = {.key = "tenant-42"}});
    EXPECT_EQ(sent()["prompt_cache_key"], "tenant-42");

    // Before gpt-5.6 OpenAI caches by itself: markers (Anthropic's, Bedrock's) send it no unknown fields.
    server.enqueue(openai::chat_text("ok"));
    completion("gpt-4o-mini", {marked(Message::user("x"))}, {.prompt_cache = {.automatic = true}});
    EXPECT_EQ(sent().dump().find("cache"), std::string::npos);
}

const json kBreakpoint = {{"mode", "explicit"}};

TEST_F(PromptCacheHttp, OpenAIFrom56OnTakesMarkersAsExplicitBreakpointsOnContentBlocks) {
    server.enqueue(openai::chat_text("ok"));
    ContentPart doc = ContentPart::text_part("a long document");
    doc.cache = CacheMarker{};
    completion("gpt-5.6",
               {marked(Message::system("You are terse.")), Message::user({doc, ContentPart::text_part("Summarise.")}),
                Message::assistant("Sure."), Message::user("Shorter.")},
               {.tools = {tool_named("a", CacheMarker{})},
                .prompt_cache = {.ttl = "30m", .mode = "explicit"}});
    const json body = sent();
    // The marked text message becomes one text part carrying the breakpoint (chat_completion_content_part_text_param.py).
    EXPECT_EQ(body["messages"][0]["content"],
              json::parse(R"([{"type":"text","text":"You are terse.","prompt_cache_breakpoint":{"mode":"explicit"}}])"));
    EXPECT_EQ(body["messages"][1]["content"][0]["prompt_cache_breakpoint"], kBreakpoint);
    EXPECT_FALSE(body["messages"][1]["content"][1].contains("prompt_cache_breakpoint"));
    EXPECT_EQ(body["messages"][2]["content"], "Sure.");  // unmarked messages are unchanged
    EXPECT_EQ(body["messages"][3]["content"], "Shorter.");
    EXPECT_EQ(body["tools"][0].dump().find("cache"), std::string::npos);  // never on tool definitions
    EXPECT_EQ(body["prompt_cache_options"], json::parse(R"({"mode":"explicit","ttl":"30m"})"));
}

TEST_F(PromptCacheHttp, OpenAIAutomaticBreakpointsEndTheSystemPromptAndTheConversation) {
    server.enqueue(openai::chat_text("ok"));
    completion("gpt-5.7-mini", {Message::system("Rules."), Message::user("Q1"), Message::assistant("A1"), Message::user("Q2")},
               {.prompt_cache = {.automatic = true}});
    const json body = sent();
    EXPECT_EQ(body["messages"][0]["content"][0]["prompt_cache_breakpoint"], kBreakpoint);
    EXPECT_EQ(body["messages"][1]["content"], "Q1");
    EXPECT_EQ(body["messages"][2]["content"], "A1");
    EXPECT_EQ(body["messages"][3]["content"][0]["prompt_cache_breakpoint"], kBreakpoint);
    EXPECT_FALSE(body.contains("prompt_cache_options"));  // no mode or OpenAI ttl asked for
}

TEST_F(PromptCacheHttp, OpenAIResponsesPutsBreakpointsOnInputPartsAndKeepsAMarkedSystemPromptAsInput) {
    server.enqueue(openai_responses::reply(openai_responses::response(json::array({openai_responses::message_item("ok")}))));
    ContentPart image = ContentPart::image_from_url("https://example.com/a.png");
    image.cache = CacheMarker{};
    completion("openai-responses/gpt-5.6", {marked(Message::system("You are terse.")), Message::user({image, ContentPart::text_part("What is it?")})},
               {.prompt_cache = {.mode = "implicit"}});
    const json body = sent();
    EXPECT_FALSE(body.contains("instructions"));  // `instructions` takes no breakpoint
    EXPECT_EQ(body["input"][0],
              json::parse(R"({"role":"system","content":[{"type":"input_text","text":"You are terse.","prompt_cache_breakpoint":{"mode":"explicit"}}]})"));
    EXPECT_EQ(body["input"][1]["content"][0]["type"], "input_image");
    EXPECT_EQ(body["input"][1]["content"][0]["prompt_cache_breakpoint"], kBreakpoint);
    EXPECT_FALSE(body["input"][1]["content"][1].contains("prompt_cache_breakpoint"));
    EXPECT_EQ(body["prompt_cache_options"], json::parse(R"({"mode":"implicit"})"));

    // Unmarked, the system prompt is `instructions` as before.
    server.enqueue(openai_responses::reply(openai_responses::response(json::array({openai_responses::message_item("ok")}))));
    completion("openai-responses/gpt-5.6", {Message::system("You are terse."), Message::user("Hi")});
    EXPECT_EQ(sent()["instructions"], "You are terse.");
}

TEST_F(PromptCacheHttp, OpenAIModelsBefore56GetNoBreakpointsAndABadModeIsRefused) {
    for (const char* model : {"gpt-5.5", "gpt-5", "gpt-4o-mini", "gpt-4.1", "o3"}) {
        server.enqueue(openai::chat_text("ok"));
        completion(model, {marked(Message::system("S")), Message::user("x")}, {.prompt_cache = {.automatic = true}});
        EXPECT_EQ(sent().dump().find("prompt_cache_breakpoint"), std::string::npos) << model;
        EXPECT_EQ(sent()["messages"][0]["content"], "S") << model;
    }
    const auto before = server.request_count();
    expect_error<InvalidRequestError>([&] { completion("gpt-5.6", hello(), {.prompt_cache = {.mode = "sometimes"}}); });
    EXPECT_EQ(server.request_count(), before);
}

TEST_F(PromptCacheHttp, AzureDeploymentsNamedAfterA56ModelGetBreakpointsToo) {
    env.set("AZURE_OPENAI_API_KEY", "az-cache");
    env.set("AZURE_OPENAI_ENDPOINT", server.base_url().c_str());
    server.enqueue(openai::chat_text("ok"));
    completion("azure/gpt-5.6", {marked(Message::user("x"))});
    EXPECT_EQ(sent()["messages"][0]["content"][0]["prompt_cache_breakpoint"], kBreakpoint);
}

TEST_F(PromptCacheHttp, GeminiAnswersFromANamedCachedContent) {
    server.enqueue(gemini::text("ok"));
    completion("gemini-2.5-flash", hello(), {.prompt_cache = {.gemini_cached_content = "cachedContents/abc123"}});
    EXPECT_EQ(sent()["cachedContent"], "cachedContents/abc123");
}

TEST(PromptCacheJson, DictMessagesCarryCacheControlAsMarkers) {
    const auto messages = messages_from_json(json::parse(R"([
        {"role":"system","content":"sys","cache_control":{"type":"ephemeral","ttl":"1h"}},
        {"role":"user","content":[{"type":"text","text":"doc","cache_control":{"type":"ephemeral"}},{"type":"text","text":"q"}]}])"));
    ASSERT_TRUE(messages[0].cache.has_value());
    EXPECT_EQ(messages[0].cache->ttl, "1h");
    const auto& parts = std::get<std::vector<ContentPart>>(messages[1].content);
    EXPECT_TRUE(parts[0].cache.has_value());
    EXPECT_FALSE(parts[1].cache.has_value());
    EXPECT_THROW(messages_from_json(json::parse(R"([{"role":"user","content":"x","cache_control":"yes"}])")),
                 InvalidRequestError);
}
