// The offline mock/ provider: deterministic replies, streams, tool calls, errors and embeddings.
#include <gtest/gtest.h>

#include "llmgate/llmgate.hpp"

using namespace llmgate;

TEST(MockProvider, EchoesTheLastUserMessageDeterministically) {
    auto a = completion("mock/m", {Message::user("Hello!")});
    auto b = completion("mock/m", {Message::user("Hello!")});
    EXPECT_EQ(a.text(), "Mock reply to: Hello!");
    EXPECT_EQ(a.text(), b.text());
    EXPECT_EQ(a.provider, "mock");
    EXPECT_EQ(a.model, "m");
    EXPECT_EQ(a.finish_reason, "stop");
    EXPECT_GT(a.usage.total_tokens, 0);
    EXPECT_EQ(a.usage.total_tokens, a.usage.prompt_tokens + a.usage.completion_tokens);
}

TEST(MockProvider, ReturnsScriptedTextAndToolCalls) {
    auto r = completion("mock/m", {Message::user("x")}, {.extra = {{"mock_response", "scripted"}}});
    EXPECT_EQ(r.text(), "scripted");
    auto t = completion("mock/m", {Message::user("x")},
                        {.extra = {{"mock_tool_calls", json::array({{{"name", "f"}, {"arguments", {{"a", 1}}}}})}}});
    ASSERT_EQ(t.tool_calls().size(), 1u);
    EXPECT_EQ(t.tool_calls()[0].function, "f");
    EXPECT_EQ(t.tool_calls()[0].arguments["a"], 1);
    EXPECT_EQ(t.finish_reason, "tool_calls");
}

TEST(MockProvider, RequiredToolChoiceCallsToolWithSchemaShapedArguments) {
    Tool weather{.name = "get_weather",
                 .parameters = {{"type", "object"},
                                {"properties", {{"city", {{"type", "string"}}}, {"days", {{"type", "integer"}}}}},
                                {"required", {"city"}}}};
    auto r = completion("mock/m", {Message::user("weather?")}, {.tools = {weather}, .tool_choice = "required"});
    ASSERT_EQ(r.tool_calls().size(), 1u);
    EXPECT_EQ(r.tool_calls()[0].arguments, (json{{"city", "mock"}}));
}

TEST(MockProvider, StreamsWordsThatReassembleToTheReply) {
    auto s = stream("mock/m", {Message::user("one two three")});
    std::string text;
    int n = 0;
    std::optional<Usage> usage;
    for (const auto& c : s) {
        text += c.delta;
        if (c.usage) usage = c.usage;
        ++n;
    }
    EXPECT_EQ(text, "Mock reply to: one two three");
    EXPECT_GT(n, 3);
    ASSERT_TRUE(usage.has_value());
    EXPECT_EQ(s.response().text(), text);
    EXPECT_EQ(s.response().finish_reason, "stop");
}

TEST(MockProvider, MaxTokensCutsTheReplyWithFinishReasonLength) {
    auto r = completion("mock/m", {Message::user("a b c d e f")}, {.max_tokens = 3});
    EXPECT_EQ(r.finish_reason, "length");
    EXPECT_EQ(r.text(), "Mock reply to:");
}

TEST(MockProvider, NoRoomForAnyOutputIsAnIncompleteResponse) {
    EXPECT_THROW(completion("mock/m", {Message::user("x")}, {.max_tokens = 0}), IncompleteResponseError);
}

TEST(MockProvider, ScriptedErrorsAreTyped) {
    EXPECT_THROW(completion("mock/m", {Message::user("x")}, {.extra = {{"mock_error", "rate_limit"}}}), RateLimitError);
    EXPECT_THROW(completion("mock/m", {Message::user("x")}, {.extra = {{"mock_error", "auth"}}}), AuthError);
    EXPECT_THROW(completion("mock/m", {Message::user("x")}, {.extra = {{"mock_error", "provider"}}}), ProviderAPIError);
}

TEST(MockProvider, AsyncCompletesOnTheEventLoop) {
    auto f = acompletion("mock/m", {Message::user("async")});
    EXPECT_EQ(f.get().text(), "Mock reply to: async");
    auto e = acompletion("mock/m", {Message::user("x")}, {.extra = {{"mock_error", "auth"}}});
    EXPECT_THROW(e.get(), AuthError);
}

TEST(MockProvider, EmbeddingsAreDeterministicUnitVectors) {
    auto a = embed("mock/e", std::vector<std::string>{"hello", "world"});
    ASSERT_EQ(a.embeddings.size(), 2u);
    EXPECT_EQ(a.embeddings[0].size(), 16u);
    EXPECT_NE(a.embeddings[0], a.embeddings[1]);
    EXPECT_EQ(embed("mock/e", "hello").embeddings[0], a.embeddings[0]);
    double norm = 0;
    for (double x : a.embeddings[0]) norm += x * x;
    EXPECT_NEAR(norm, 1.0, 1e-9);
    EXPECT_EQ(embed("mock/e", "x", {.dimensions = 4}).embeddings[0].size(), 4u);
    EXPECT_EQ(aembed("mock/e", "hello").get().embeddings[0], a.embeddings[0]);
}

TEST(Facade, RejectsEmptyMessagesAndToolTurnsWithoutId) {
    EXPECT_THROW(completion("mock/m", std::vector<Message>{}), InvalidRequestError);
    EXPECT_THROW(completion("mock/m", {Message{.role = "tool", .content = "42"}}), InvalidRequestError);
    EXPECT_THROW(acompletion("mock/m", std::vector<Message>{}).get(), InvalidRequestError);
    EXPECT_THROW(embed("mock/e", std::vector<std::string>{}), InvalidRequestError);
}

TEST(Facade, AcceptsMessagesInTheOpenAIDictShape) {
    json msgs = json::array({{{"role", "system"}, {"content", "s"}}, {{"role", "user"}, {"content", "dict shape"}}});
    EXPECT_EQ(completion("mock/m", msgs).text(), "Mock reply to: dict shape");
    EXPECT_THROW(completion("mock/m", json{{"role", "user"}}), InvalidRequestError);
    EXPECT_THROW(completion("mock/m", json::array({{{"content", "no role"}}})), InvalidRequestError);
}
