// count_tokens: Anthropic and Gemini ask their counting APIs (the request checked on the fake server), the
// OpenAI family counts locally by the cookbook convention, other providers get a marked estimate.
#include <gtest/gtest.h>

#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;

namespace {

class CountTokensHttp : public ServerTest {};

Tool weather_tool() {
    return Tool{.name = "get_weather",
                .description = "Get the weather.",
                .parameters = {{"type", "object"},
                               {"properties",
                                {{"city", {{"type", "string"}, {"description", "City name"}}},
                                 {"unit", {{"type", "string"}, {"enum", {"celsius", "fahrenheit"}}}}}},
                               {"required", {"city"}}}};
}

TEST_F(CountTokensHttp, AnthropicAsksCountTokensWithTheMessagesBody) {
    point_at("ANTHROPIC_API_KEY", "sk-ant-count", "ANTHROPIC_BASE_URL");
    server.enqueue(Reply{.body = R"({"input_tokens": 42})"});
    const TokenCount c = count_tokens("claude-haiku-4-5", {Message::system("Be brief."), Message::user("Hi")},
                                      {.max_tokens = 100, .temperature = 0.5, .tools = {weather_tool()}});
    EXPECT_EQ(c.n, 42);
    EXPECT_TRUE(c.exact);
    EXPECT_EQ(c.method, "provider_api");
    const RecordedRequest r = server.last_request();
    EXPECT_EQ(r.path, "/v1/messages/count_tokens");
    EXPECT_EQ(r.header("x-api-key"), "sk-ant-count");
    EXPECT_EQ(r.header("anthropic-version"), "2023-06-01");
    const json body = r.json();
    EXPECT_EQ(body["model"], "claude-haiku-4-5");
    EXPECT_EQ(body["system"], "Be brief.");
    EXPECT_EQ(body["messages"][0], (json{{"role", "user"}, {"content", "Hi"}}));
    EXPECT_EQ(body["tools"][0]["name"], "get_weather");
    for (const char* absent : {"max_tokens", "temperature", "stream"}) EXPECT_FALSE(body.contains(absent)) << absent;
}

TEST_F(CountTokensHttp, GeminiAsksCountTokensWithTheWholeRequest) {
    point_at("GEMINI_API_KEY", "AIza-count", "GEMINI_BASE_URL");
    server.enqueue(Reply{.body = R"({"totalTokens": 17, "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 17}]})"});
    const TokenCount c = count_tokens("gemini/gemini-2.5-flash", {Message::system("Be brief."), Message::user("Hi")});
    EXPECT_EQ(c.n, 17);
    EXPECT_TRUE(c.exact);
    const RecordedRequest r = server.last_request();
    EXPECT_EQ(r.path, "/v1beta/models/gemini-2.5-flash:countTokens");
    EXPECT_EQ(r.header("x-goog-api-key"), "AIza-count");
    const json inner = r.json()["generateContentRequest"];
    EXPECT_EQ(inner["model"], "models/gemini-2.5-flash");
    EXPECT_EQ(inner["contents"][0]["parts"][0]["text"], "Hi");
    EXPECT_EQ(inner["systemInstruction"]["parts"][0]["text"], "Be brief.");
}

TEST_F(CountTokensHttp, CountingErrorsAreTyped) {
    point_at("ANTHROPIC_API_KEY", "sk-ant-count", "ANTHROPIC_BASE_URL");
    server.enqueue(Reply{.status = 401,
                         .body = R"({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}})"});
    EXPECT_THROW(count_tokens("claude-haiku-4-5", {Message::user("Hi")}), AuthError);
    server.enqueue(Reply{.body = R"({"tokens": 3})"});
    EXPECT_THROW(count_tokens("claude-haiku-4-5", {Message::user("Hi")}), ResponseParseError);
    EXPECT_THROW(count_tokens("claude-haiku-4-5", std::vector<Message>{}), InvalidRequestError);
}

TEST_F(CountTokensHttp, OpenAIFamilyCountsLocallyByTheCookbookConvention) {
    // No server involved: 3 per message + "user" (1) + "hi" (1) + 3 to prime the reply.
    const TokenCount one = count_tokens("gpt-4o-mini", {Message::user("hi")});
    EXPECT_EQ(one.n, 8);
    EXPECT_TRUE(one.exact);
    EXPECT_EQ(one.method, "openai_cookbook");
    EXPECT_EQ(server.request_count(), 0u);

    const std::vector<Message> chat{Message::system("You are a helpful assistant."), Message::user("What is 2+2?")};
    const Encoding& enc = encoding("o200k_base");
    const auto by_hand = static_cast<std::int64_t>(3 + enc.count("system") + enc.count("You are a helpful assistant.") +
                                                   3 + enc.count("user") + enc.count("What is 2+2?") + 3);
    EXPECT_EQ(count_tokens("gpt-4o", chat).n, by_hand);

    // Tool definitions are counted; the two encodings use the cookbook's own constants.
    const TokenCount with_tools = count_tokens("gpt-4o", chat, {.tools = {weather_tool()}});
    EXPECT_GT(with_tools.n, by_hand + 12);
    const TokenCount gpt4 = count_tokens("gpt-4", chat, {.tools = {weather_tool()}});
    EXPECT_TRUE(gpt4.exact);
    EXPECT_NE(gpt4.n, with_tools.n);
}

TEST_F(CountTokensHttp, OtherProvidersGetAMarkedEstimate) {
    point_at("MISTRAL_API_KEY", "mi-count", "MISTRAL_BASE_URL");
    const TokenCount c = count_tokens("mistral/mistral-small-latest", {Message::user("hi")});
    EXPECT_FALSE(c.exact);
    EXPECT_EQ(c.method, "estimate_o200k_base");
    EXPECT_EQ(c.n, 8);
    EXPECT_EQ(server.request_count(), 0u);
}

}  // namespace
