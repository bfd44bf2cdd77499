// Context windows, fits and trim_to_fit: counted locally, the system prompt and the last message kept, a
// tool call never separated from its results, the trimmed conversation still starting with a user turn.
#include <gtest/gtest.h>

#include "llmgate/llmgate.hpp"

using namespace llmgate;

namespace {

std::string words(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += " hello";  // one cl100k / o200k token each
    return s;
}

TEST(ContextWindow, CommonModelsByTheNamesProvidersUse) {
    const auto mini = context_window("gpt-4o-mini-2024-07-18");
    ASSERT_TRUE(mini);
    EXPECT_EQ(mini->context_tokens, 128000);
    EXPECT_EQ(mini->max_output_tokens, 16384);
    EXPECT_EQ(context_window("claude-haiku-4-5-20251001")->max_output_tokens, 64000);
    EXPECT_EQ(context_window("gemini/gemini-2.5-flash")->context_tokens, 1048576);
    EXPECT_EQ(context_window("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "bedrock")->context_tokens, 200000);
    EXPECT_EQ(context_window("gpt-5")->max_input_tokens, 272000);
    EXPECT_FALSE(context_window("ollama/llama3.2"));
    EXPECT_FALSE(context_window("no-such-model"));
}

TEST(ContextWindow, FitsCountsLocallyWithTheReserve) {
    const std::vector<Message> small{Message::user("hi")};
    EXPECT_TRUE(fits("gpt-4", small));
    const std::vector<Message> big{Message::user(words(8500))};
    EXPECT_FALSE(fits("gpt-4", big));                      // 8,192-token window
    EXPECT_TRUE(fits("gpt-4", {Message::user(words(4000))}));
    EXPECT_FALSE(fits("gpt-4", {Message::user(words(4000))}, 5000));  // the reply would not fit
    EXPECT_THROW(fits("ollama/llama3.2", small), InvalidRequestError);
}

TEST(ContextWindow, TrimDropsOldestTurnsKeepingSystemLastAndToolGroups) {
    std::vector<Message> chat{Message::system("You are terse.")};
    chat.push_back(Message::user("old question" + words(5000)));
    chat.push_back(Message::assistant("old answer" + words(2000)));
    Message call = Message::assistant("");
    call.tool_calls.push_back(ToolCall{.id = "c1", .function = "lookup", .arguments = json::object(), .arguments_raw = "{}"});
    chat.push_back(call);
    chat.push_back(Message::tool("c1", "result" + words(2000)));
    chat.push_back(Message::user("recent question"));
    chat.push_back(Message::assistant("recent answer"));
    chat.push_back(Message::user("last question"));
    ASSERT_FALSE(fits("gpt-4", chat));

    const auto trimmed = trim_to_fit("gpt-4", chat, 1000);
    EXPECT_TRUE(fits("gpt-4", trimmed, 1000));
    EXPECT_EQ(trimmed.front().role, "system");
    EXPECT_EQ(trimmed.back().text(), "last question");
    // The tool call went with its result (both, or neither).
    bool has_call = false, has_result = false;
    for (const auto& m : trimmed) {
        has_call = has_call || !m.tool_calls.empty();
        has_result = has_result || m.role == "tool";
    }
    EXPECT_EQ(has_call, has_result);
    EXPECT_EQ(trimmed[1].role, "user");  // still starts with a user turn
    // Nothing was dropped that did not have to be: the recent turns are there.
    EXPECT_EQ(trimmed[1].text(), "recent question");
}

TEST(ContextWindow, TrimKeepsEverythingThatFitsAndRefusesTheImpossible) {
    const std::vector<Message> chat{Message::system("s"), Message::user("a"), Message::assistant("b"), Message::user("c")};
    EXPECT_EQ(trim_to_fit("gpt-4o", chat, 100).size(), 4u);
    EXPECT_THROW(trim_to_fit("gpt-4", {Message::system("s"), Message::user(words(9000))}, 0), InvalidRequestError);
}

}  // namespace
