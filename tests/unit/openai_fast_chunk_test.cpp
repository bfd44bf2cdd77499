// The fast reader of OpenAI stream events (openai_parse_chunk_fast, simdjson): it takes the usual events, gives
// exactly what the decoder's full path gives, and declines (leaving the decision to the full path) whatever is
// unusual or malformed. fuzz/openai_stream_fuzz.cpp checks the same agreement on arbitrary bytes.
#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "llmgate/errors.hpp"
#include "providers/openai_compatible.hpp"
#include "providers/openai_fast_reply.hpp"

using namespace llmgate;
using namespace llmgate::detail;

// Shapes from openai-python types/chat/chat_completion_chunk.py.

TEST(OpenAIFastChunk, ReadsTheUsualEvent) {
    const auto f = openai_parse_chunk_fast(
        R"({"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hel","reasoning_content":"R"},"finish_reason":null,"logprobs":null}]})");
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->id, "c1");
    EXPECT_EQ(f->model, "gpt-4o-mini");
    EXPECT_EQ(f->delta, "Hel");
    EXPECT_EQ(f->reasoning, "R");
    EXPECT_FALSE(f->finish_reason.has_value());
    EXPECT_FALSE(f->usage.has_value());
}

TEST(OpenAIFastChunk, ReadsToolCallFragmentsFinishAndGroqUsage) {
    const auto f = openai_parse_chunk_fast(
        R"({"choices":[{"index":1,"delta":{"content":"ignored"}},{"index":0,"delta":{"tool_calls":[{"index":2,"id":"call_9","function":{"name":"f","arguments":"{\"a\""}}]},"finish_reason":"tool_calls"}],"usage":null,"x_groq":{"usage":{"prompt_tokens":3,"completion_tokens":4}}})");
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->delta, "");
    ASSERT_EQ(f->tool_call_deltas.size(), 1u);
    EXPECT_EQ(f->tool_call_deltas[0].index, 2);
    EXPECT_EQ(f->tool_call_deltas[0].id, "call_9");
    EXPECT_EQ(f->tool_call_deltas[0].arguments, "{\"a\"");
    EXPECT_EQ(f->finish_reason, "tool_calls");
    ASSERT_TRUE(f->usage.has_value());
    EXPECT_EQ(f->usage->total_tokens, 7);
}

TEST(OpenAIFastChunk, DeclinesErrorsPartsAndMalformedEvents) {
    for (const char* data : {R"({"error":{"message":"overloaded"}})",
                             R"({"choices":[{"index":0,"delta":{"content":[{"type":"text","text":"x"}]}}]})",
                             R"({"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"arguments":{"a":1}}}]}}]})",
                             R"({"choices":[{"index":-1}]})", R"({"choices":[)", R"([1,2])"}) {
        SCOPED_TRACE(data);
        EXPECT_FALSE(openai_parse_chunk_fast(data).has_value());
    }
}

TEST(OpenAIFastChunk, DecoderGivesTheSameChunksWithAndWithoutTheFastPath) {
    const std::string sse =
        "data: "
        "{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}"
        "\n\n"
        "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
        "data: "
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"t\",\"function\":{"
        "\"name\":\"f\",\"arguments\":\"{}\"}}]}}]}\n\n"
        "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
        "data: "
        "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}\n\n"
        "data: [DONE]\n\n";
    auto run = [&](bool fast) {
        auto d = make_openai_stream_decoder("openai", "m", fast);
        std::deque<StreamChunk> out;
        d->feed(sse, out);
        d->finish(out);
        return out;
    };
    const auto fast = run(true);
    const auto full = run(false);
    ASSERT_EQ(fast.size(), full.size());
    ASSERT_EQ(fast.size(), 5u);
    for (std::size_t i = 0; i < fast.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(fast[i].id, full[i].id);
        EXPECT_EQ(fast[i].delta, full[i].delta);
        EXPECT_EQ(fast[i].finish_reason, full[i].finish_reason);
        EXPECT_EQ(fast[i].tool_call_deltas.size(), full[i].tool_call_deltas.size());
        EXPECT_EQ(fast[i].tool_calls.size(), full[i].tool_calls.size());
        EXPECT_EQ(fast[i].usage.has_value(), full[i].usage.has_value());
        EXPECT_EQ(fast[i].raw, full[i].raw);
    }
    EXPECT_EQ(fast[3].tool_calls.at(0).arguments, json::object());
    EXPECT_EQ(fast[4].usage->total_tokens, 7);
}

TEST(OpenAIFastChunk, DeclinesMalformedValuesEvenInFieldsItDoesNotRead) {
    // A malformed value in a field the reader does not need, trailing content, an unclosed value, a wrong type,
    // a string with a bad escape or a raw control character: the full path reports each.
    for (const char* data : {R"({"id":"c","created":12x,"choices":[]})",
                             R"({"id":"c","logprobs":nul,"choices":[]})",
                             R"({"id":"c","system_fingerprint":"a\qb","choices":[]})",
                             R"({"id":"c","extra":{"deep":[1,2,tru]},"choices":[]})",
                             R"({"id":"c","choices":[]} {"id":"d"})",
                             R"({"id":"c","choices":[]}x)",
                             R"({"id":"c","choices":[{"index":0,"delta":{"content":"a"}})",
                             R"({"choices":[{"index":0,"delta":{"content":"a"}},{"delta":{"content":"b"}}]})",
                             R"({"choices":[{"index":0,"finish_reason":7}]})",
                             R"({"choices":[{"index":1.0}]})",
                             R"({"choices":[{"index":99999999999}]})",
                             R"({"choices":[],"usage":{"prompt_tokens":"ten"}})",
                             "{\"id\":\"c\",\"x\":\"a\tb\",\"choices\":[]}",  // a raw tab in a string
                             R"({"choices":"oops"})", R"("just a string")"}) {
        SCOPED_TRACE(data);
        EXPECT_FALSE(openai_parse_chunk_fast(data).has_value());
    }
}

TEST(OpenAIFastChunk, KeepsTheLastOfADuplicatedKeyAsNlohmannDoes) {
    const auto f = openai_parse_chunk_fast(
        R"({"id":"c","i\u0064":"d","choices":[{"index":0,"delta":{"content":"a","content":"b"}}]})");
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->id, "d");  // an escaped spelling is the same key
    EXPECT_EQ(f->delta, "b");
    const json full = json::parse(R"({"id":"c","i\u0064":"d"})");
    EXPECT_EQ(full["id"], "d");
}

TEST(OpenAIFastChunk, ReadsEscapedStringsWhitespaceAndFieldsInAnyOrder) {
    const auto f = openai_parse_chunk_fast(
        " {\"choices\" : [ {\"finish_reason\":\"stop\",\"delta\":{\"reasoning\":\"b\",\"reasoning_content\":\"a\","
        "\"content\":\"x\\u00e9\"},\"index\":0} ] , \"id\":\"c9\", \"usage\":null,"
        "\"x_groq\":{\"usage\":{\"completion_tokens\":2,\"prompt_tokens\":1e1}}}\n ");
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->id, "c9");
    EXPECT_EQ(f->delta, "x\xc3\xa9");
    EXPECT_EQ(f->reasoning, "ab");  // reasoning_content first, whatever the order on the wire
    EXPECT_EQ(f->finish_reason, "stop");
    ASSERT_TRUE(f->usage.has_value());
    EXPECT_EQ(f->usage->prompt_tokens, 10);
    EXPECT_EQ(f->usage->total_tokens, 12);
}

TEST(OpenAIFastChunk, ReadsCountsAsTheFullPathDoes) {
    struct Case {
        const char* count;
        std::int64_t expected;
        bool fast;  // false: the reader declines and the full path reads it
    };
    // simdjson 3.0.1 refuses integers beyond 64 bits (BIGINT_ERROR), so those go to the full path, which reads
    // them as floats, as nlohmann keeps them.
    for (const Case c : {Case{"7", 7, true}, Case{"-5", 0, true}, Case{"12.9", 12, true},
                         Case{"18446744073709551615", INT64_MAX, true}, Case{"1e300", INT64_MAX, true},
                         Case{"null", 0, true}, Case{"99999999999999999999999", INT64_MAX, false}}) {
        SCOPED_TRACE(c.count);
        const std::string data = std::string(R"({"choices":[],"usage":{"prompt_tokens":)") + c.count + "}}";
        const Usage full = openai_parse_usage(json::parse(data)["usage"]);
        EXPECT_EQ(full.prompt_tokens, c.expected);
        const auto f = openai_parse_chunk_fast(data);
        ASSERT_EQ(f.has_value(), c.fast);
        if (!c.fast) continue;
        ASSERT_TRUE(f->usage.has_value());
        EXPECT_EQ(f->usage->prompt_tokens, c.expected);
    }
}
