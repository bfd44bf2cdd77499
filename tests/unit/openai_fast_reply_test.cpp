// The fast OpenAI reply mapper: it takes the usual replies, gives exactly what the full mapper gives, and
// declines (leaving the decision to the full mapper) whatever is unusual or malformed.
// fuzz/openai_fast_reply_fuzz.cpp checks the same agreement on arbitrary bytes.
#include <gtest/gtest.h>

#include <deque>

#include "llmgate/errors.hpp"
#include "providers/openai_compatible.hpp"
#include "providers/openai_fast_reply.hpp"

using namespace llmgate;
using namespace llmgate::detail;

namespace {

// A reply in the shape openai-python's ChatCompletion describes, with every field the mapper reads.
const std::string kFull = R"({
  "id": "chatcmpl-9", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
  "system_fingerprint": "fp_1", "service_tier": "default",
  "choices": [
    {"index": 0, "finish_reason": "tool_calls", "logprobs": null,
     "message": {"role": "assistant", "content": "Let me check.", "refusal": null, "annotations": [],
                 "reasoning_content": "R1 ", "reasoning": "R2",
                 "tool_calls": [
                   {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}},
                   {"id": "call_2", "type": "function", "function": {"name": "noop", "arguments": ""}}]}},
    {"index": 1, "finish_reason": "stop", "message": {"role": "assistant", "content": null, "refusal": "I can't"}}],
  "usage": {"prompt_tokens": 12, "completion_tokens": 30, "total_tokens": 42,
            "prompt_tokens_details": {"cached_tokens": 8, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 20, "accepted_prediction_tokens": 0}}
})";

}  // namespace

TEST(OpenAIFastReply, MapsEveryFieldLikeTheFullMapper) {
    const auto fast = openai_parse_chat_fast("openai", kFull);
    ASSERT_TRUE(fast.has_value());
    const CompletionResponse full = openai_parse_chat_full("openai", kFull);

    EXPECT_EQ(fast->id, "chatcmpl-9");
    EXPECT_EQ(fast->model, "gpt-4o-mini");
    EXPECT_EQ(fast->provider, "openai");
    EXPECT_EQ(fast->finish_reason, "tool_calls");
    ASSERT_EQ(fast->choices.size(), 2u);
    const Message& m = fast->choices[0].message;
    EXPECT_EQ(m.text(), "Let me check.");
    EXPECT_EQ(m.reasoning, "R1 R2");
    ASSERT_EQ(m.tool_calls.size(), 2u);
    EXPECT_EQ(m.tool_calls[0].id, "call_1");
    EXPECT_EQ(m.tool_calls[0].function, "get_weather");
    EXPECT_EQ(m.tool_calls[0].arguments, (json{{"city", "Paris"}}));
    EXPECT_EQ(m.tool_calls[1].arguments_raw, "{}");
    EXPECT_EQ(fast->choices[1].index, 1);
    EXPECT_EQ(fast->choices[1].message.provider_data, (json{{"refusal", "I can't"}}));
    EXPECT_EQ(fast->usage.total_tokens, 42);
    EXPECT_EQ(fast->usage.cached_tokens, 8);
    EXPECT_EQ(fast->usage.reasoning_tokens, 20);

    // And the same as the full mapper, field by field.
    EXPECT_EQ(response_to_json(*fast), response_to_json(full));
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(fast->choices[i].message.reasoning, full.choices[i].message.reasoning);
        EXPECT_EQ(fast->choices[i].message.provider_data, full.choices[i].message.provider_data);
        EXPECT_EQ(fast->choices[i].message.role, full.choices[i].message.role);
    }
    EXPECT_EQ(fast->usage.cached_tokens, full.usage.cached_tokens);
    EXPECT_EQ(fast->usage.reasoning_tokens, full.usage.reasoning_tokens);
}

TEST(OpenAIFastReply, LastDuplicateKeyWinsAsInTheFullMapper) {
    const std::string body =
        R"({"id":"a","id":"b","choices":[{"message":{"content":"x","content":"y"}}],"usage":{"prompt_tokens":1,"prompt_tokens":5}})";
    const auto fast = openai_parse_chat_fast("openai", body);
    ASSERT_TRUE(fast.has_value());
    EXPECT_EQ(fast->id, "b");
    EXPECT_EQ(fast->text(), "y");
    EXPECT_EQ(fast->usage.prompt_tokens, 5);
    EXPECT_EQ(openai_parse_chat_full("openai", body).id, "b");
}

TEST(OpenAIFastReply, CountsFollowTheFullMappersRules) {
    // Negative and fractional counts read 0; a count beyond int64 is clamped; total falls back to the sum.
    const std::string body =
        R"({"choices":[],"usage":{"prompt_tokens":18446744073709551615,"completion_tokens":-3,"total_tokens":2.5}})";
    const auto fast = openai_parse_chat_fast("openai", body);
    ASSERT_TRUE(fast.has_value());
    const CompletionResponse full = openai_parse_chat_full("openai", body);
    EXPECT_EQ(fast->usage.prompt_tokens, full.usage.prompt_tokens);
    EXPECT_EQ(fast->usage.completion_tokens, 0);
    EXPECT_EQ(fast->usage.total_tokens, full.usage.total_tokens);
}

TEST(OpenAIFastReply, DeclinesWhatOnlyTheFullMapperReads) {
    // Content parts (Mistral's reasoning models) and arguments sent as an object (some compatible servers).
    const std::string parts =
        R"({"choices":[{"message":{"content":[{"type":"thinking","thinking":[{"type":"text","text":"hm"}]},{"type":"text","text":"Hi"}]}}]})";
    EXPECT_FALSE(openai_parse_chat_fast("openai", parts).has_value());
    EXPECT_EQ(openai_parse_chat("openai", parts).text(), "Hi");
    EXPECT_EQ(openai_parse_chat("openai", parts).reasoning(), "hm");

    const std::string object_args =
        R"({"choices":[{"message":{"tool_calls":[{"id":"c","function":{"name":"f","arguments":{"a":1}}}]}}]})";
    EXPECT_FALSE(openai_parse_chat_fast("openai", object_args).has_value());
    EXPECT_EQ(openai_parse_chat("openai", object_args).tool_calls().at(0).arguments, (json{{"a", 1}}));
}

TEST(OpenAIFastReply, DeclinesMalformedRepliesSoTheFullMapperReportsThem) {
    for (const std::string& body :
         {std::string("{\"choices\": ["), std::string("<html>bad gateway</html>"), std::string("{\"id\":\"x\"}"),
          std::string("{\"choices\":[{\"message\":{\"content\":5}}]}"),
          std::string("{\"choices\":[{\"index\":\"zero\"}]}"),
          std::string("{\"choices\":[{\"message\":{\"content\":\"a\"}}]} trailing"),
          std::string("{\"choices\":[{\"message\":{\"content\":\"raw\ncontrol\"}}]}"),
          std::string("{\"choices\":[{\"message\":{\"content\":\"\xff\xfe\"}}]}")}) {
        SCOPED_TRACE(body);
        EXPECT_FALSE(openai_parse_chat_fast("openai", body).has_value());
        EXPECT_THROW(openai_parse_chat("openai", body), ResponseParseError);
    }
}

TEST(OpenAIFastReply, LargeRepliesGoToTheFullMapper) {
    const std::string text(40000, 'x');
    const std::string body = R"({"id":"big","choices":[{"message":{"content":")" + text + R"("}}]})";
    EXPECT_FALSE(openai_parse_chat_fast("openai", body).has_value());
    EXPECT_EQ(openai_parse_chat("openai", body).text(), text);
}

TEST(OpenAIFastReply, ParseChatKeepsTheExactReplyTextAsRaw) {
    const auto r = openai_parse_chat("openai", kFull);
    EXPECT_EQ(r.raw.dump(), kFull);
    EXPECT_EQ(r.raw["id"], "chatcmpl-9");
}
