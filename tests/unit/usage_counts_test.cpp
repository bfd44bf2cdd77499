// Hostile token counts (2^64-1, -5, 1e300) in every usage field of every provider's buffered and streamed
// replies: counts stay non-negative, clamp at int64's maximum and sum without overflowing.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <limits>
#include <string>
#include <vector>

#include "llmgate/errors.hpp"
#include "providers/anthropic.hpp"
#include "providers/bedrock.hpp"
#include "providers/cohere.hpp"
#include "providers/gemini.hpp"
#include "providers/ollama.hpp"
#include "providers/openai_compatible.hpp"
#include "providers/openai_fast_reply.hpp"
#include "transport/aws_eventstream.hpp"
#include "util/json_numbers.hpp"

using namespace llmgate;
using namespace llmgate::detail;

namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

// One hostile value, as it is written in the reply, and what a count read from it must be.
struct Hostile {
    const char* text;
    std::int64_t count;        // an integer count field (json_count)
    std::int64_t float_count;  // a count from an API that types counts as floats (Cohere)
};

// 2^64-1 is beyond int64: clamped. -5 cannot be a count: 0. 1e300 is a float count beyond int64: clamped.
// (A count that is not a number at all is a parse error: usage_counts_http_test.cpp.)
const Hostile kHostile[] = {
    {"18446744073709551615", kMax, kMax},
    {"-5", 0, 0},
    {"1e300", kMax, kMax},
};

// `pattern` with every "N" replaced by the hostile value.
std::string with(std::string pattern, const Hostile& h) {
    for (std::size_t at = pattern.find("\"N\""); at != std::string::npos; at = pattern.find("\"N\"", at))
        pattern.replace(at, 3, h.text);
    return pattern;
}

void expect_usage(const Usage& u, std::int64_t prompt, std::int64_t completion, std::int64_t total, std::int64_t cached,
                  std::int64_t cache_creation, std::int64_t reasoning, const char* where) {
    EXPECT_EQ(u.prompt_tokens, prompt) << where;
    EXPECT_EQ(u.completion_tokens, completion) << where;
    EXPECT_EQ(u.total_tokens, total) << where;
    EXPECT_EQ(u.cached_tokens, cached) << where;
    EXPECT_EQ(u.cache_creation_tokens, cache_creation) << where;
    EXPECT_EQ(u.reasoning_tokens, reasoning) << where;
}

// Every count the same value: sums of it saturate at kMax instead of overflowing.
void expect_all(const Usage& u, std::int64_t c, bool cache_creation, bool reasoning, const char* where) {
    expect_usage(u, c, c, c, c, cache_creation ? c : 0, reasoning ? c : 0, where);
}

template <class Decoder>
std::deque<StreamChunk> decode(Decoder&& d, const std::string& bytes) {
    std::deque<StreamChunk> out;
    d->feed(bytes, out);
    d->finish(out);
    return out;
}

// The usage of the last chunk that carries one.
Usage last_usage(const std::deque<StreamChunk>& chunks) {
    for (auto it = chunks.rbegin(); it != chunks.rend(); ++it)
        if (it->usage) return *it->usage;
    ADD_FAILURE() << "no chunk carries usage";
    return {};
}

}  // namespace

// --- the readers themselves ---

TEST(UsageCounts, ReadersClampAndSaturate) {
    for (const Hostile& h : kHostile) {
        const json j = json::parse(with(R"({"n":"N"})", h));
        EXPECT_EQ(json_count(j, "n"), h.count) << h.text;
        EXPECT_EQ(json_number_count(j, "n"), h.float_count) << h.text;
    }
    EXPECT_EQ(json_number_count(json{{"n", 12.9}}, "n"), 12);
    EXPECT_EQ(json_number_count(json{{"n", -0.5}}, "n"), 0);
    EXPECT_EQ(json_count(json{{"n", nullptr}}, "n"), 0);
    EXPECT_THROW(json_count(json{{"n", "7"}}, "n"), json::type_error);  // a string is not a count
    EXPECT_EQ(add_counts(kMax, 1), kMax);
    EXPECT_EQ(add_counts(kMax, kMax, kMax), kMax);
    EXPECT_EQ(add_counts(1, 2, 3, 4), 10);
}

// --- Anthropic: input, cache read, cache creation, output and thinking tokens ---

namespace {
const char* kAnthropicUsage =
    R"({"input_tokens":"N","cache_read_input_tokens":"N","cache_creation_input_tokens":"N","output_tokens":"N",)"
    R"("output_tokens_details":{"thinking_tokens":"N"}})";
}

TEST(UsageCounts, AnthropicBufferedReply) {
    for (const Hostile& h : kHostile) {
        const std::string body = with(
            std::string(R"({"id":"msg_1","type":"message","role":"assistant","model":"claude-x",)") +
                R"("content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":)" + kAnthropicUsage + "}",
            h);
        expect_all(anthropic_parse_chat(body).usage, h.count, true, true, h.text);
    }
}

TEST(UsageCounts, AnthropicStream) {
    for (const Hostile& h : kHostile) {
        const std::string usage = with(kAnthropicUsage, h);
        const std::string sse =
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"c\","
            "\"usage\":" +
            usage +
            "}}\n\n"
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
            "\"content_block\":{\"type\":\"text\",\"text\":\"hi\"}}\n\n"
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
            "\"usage\":" +
            usage +
            "}\n\n"
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
        expect_all(last_usage(decode(make_anthropic_stream_decoder("claude-x"), sse)), h.count, true, true, h.text);
    }
}

// --- Gemini: prompt, tool-use prompt, thoughts, candidates, cached and total counts ---

namespace {
const char* kGeminiUsage =
    R"({"promptTokenCount":"N","toolUsePromptTokenCount":"N","thoughtsTokenCount":"N","candidatesTokenCount":"N",)"
    R"("cachedContentTokenCount":"N","totalTokenCount":"N"})";
const char* kGeminiReply =
    R"({"candidates":[{"content":{"role":"model","parts":[{"text":"hi"}]},"finishReason":"STOP"}],"usageMetadata":)";
}  // namespace

TEST(UsageCounts, GeminiBufferedReply) {
    for (const Hostile& h : kHostile) {
        const std::string body = with(std::string(kGeminiReply) + kGeminiUsage + "}", h);
        expect_all(gemini_parse_chat("gemini-2.5-flash", body).usage, h.count, false, true, h.text);
    }
}

TEST(UsageCounts, GeminiStream) {
    for (const Hostile& h : kHostile) {
        const std::string sse = "data: " + with(std::string(kGeminiReply) + kGeminiUsage + "}", h) + "\r\n\r\n";
        expect_all(last_usage(decode(make_gemini_stream_decoder("gemini-2.5-flash"), sse)), h.count, false, true,
                   h.text);
    }
}

TEST(UsageCounts, GeminiTotalSaturatesWhenItIsLeftOut) {
    const std::string body = std::string(kGeminiReply) +
                             R"({"promptTokenCount":9223372036854775807,"candidatesTokenCount":9223372036854775807}})";
    const Usage u = gemini_parse_chat("gemini-2.5-flash", body).usage;
    EXPECT_EQ(u.prompt_tokens, kMax);
    EXPECT_EQ(u.completion_tokens, kMax);
    EXPECT_EQ(u.total_tokens, kMax);
}

// --- Cohere: usage.tokens (else usage.billed_units) input and output, cached_tokens; counts typed as floats ---

namespace {
const char* kCohereUsages[] = {
    R"({"tokens":{"input_tokens":"N","output_tokens":"N"},"billed_units":{"input_tokens":1,"output_tokens":1},"cached_tokens":"N"})",
    R"({"billed_units":{"input_tokens":"N","output_tokens":"N"},"cached_tokens":"N"})",
};
}

TEST(UsageCounts, CohereBufferedReply) {
    for (const Hostile& h : kHostile)
        for (const char* usage : kCohereUsages) {
            // Appended, not one + chain: GCC 12 warns falsely (-Warray-bounds) on the chain under the test PCH.
            std::string reply = R"({"id":"c1","finish_reason":"COMPLETE","message":{"role":"assistant",)";
            reply += R"("content":[{"type":"text","text":"hi"}]},"usage":)";
            reply += usage;
            reply += "}";
            const std::string body = with(reply, h);
            expect_all(cohere_parse_chat(body).usage, h.float_count, false, false, h.text);
        }
}

TEST(UsageCounts, CohereStream) {
    for (const Hostile& h : kHostile)
        for (const char* usage : kCohereUsages) {
            const std::string sse =
                "event: message-start\ndata: {\"id\":\"c1\",\"type\":\"message-start\"}\n\n"
                "event: content-delta\ndata: {\"type\":\"content-delta\",\"index\":0,"
                "\"delta\":{\"message\":{\"content\":{\"text\":\"hi\"}}}}\n\n"
                "event: message-end\ndata: {\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"COMPLETE\","
                "\"usage\":" +
                with(usage, h) + "}}\n\n";
            expect_all(last_usage(decode(make_cohere_stream_decoder("command-a"), sse)), h.float_count, false, false,
                       h.text);
        }
}

TEST(UsageCounts, CohereEmbeddings) {
    for (const Hostile& h : kHostile) {
        const std::string body =
            with(R"({"embeddings":{"float":[[0.5]]},"meta":{"billed_units":{"input_tokens":"N"}}})", h);
        const EmbeddingResponse r = cohere_parse_embed(body);
        EXPECT_EQ(r.usage.prompt_tokens, h.float_count) << h.text;
        EXPECT_EQ(r.usage.total_tokens, h.float_count) << h.text;
    }
}

// --- Ollama: prompt_eval_count and eval_count ---

TEST(UsageCounts, OllamaBufferedReply) {
    for (const Hostile& h : kHostile) {
        const std::string body = with(
            R"({"model":"llama3.2","message":{"role":"assistant","content":"hi"},"done":true,"done_reason":"stop",)"
            R"("prompt_eval_count":"N","eval_count":"N"})",
            h);
        expect_usage(ollama_parse_chat("llama3.2", body).usage, h.count, h.count, h.count, 0, 0, 0, h.text);
    }
}

TEST(UsageCounts, OllamaStream) {
    for (const Hostile& h : kHostile) {
        const std::string ndjson = with(
            "{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"done\":false}\n"
            "{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,"
            "\"done_reason\":\"stop\",\"prompt_eval_count\":\"N\",\"eval_count\":\"N\"}\n",
            h);
        expect_usage(last_usage(decode(make_ollama_stream_decoder("llama3.2"), ndjson)), h.count, h.count, h.count, 0,
                     0, 0, h.text);
    }
}

TEST(UsageCounts, OllamaEmbeddings) {
    for (const Hostile& h : kHostile) {
        EmbedRequest request{.model = "all-minilm", .inputs = {"a"}};
        const EmbeddingResponse r =
            ollama_parse_embed(request, with(R"({"embeddings":[[0.5]],"prompt_eval_count":"N"})", h));
        EXPECT_EQ(r.usage.prompt_tokens, h.count) << h.text;
        EXPECT_EQ(r.usage.total_tokens, h.count) << h.text;
    }
}

// --- Bedrock: inputTokens, outputTokens, totalTokens, cacheReadInputTokens, cacheWriteInputTokens ---

namespace {
const char* kBedrockUsage =
    R"({"inputTokens":"N","outputTokens":"N","totalTokens":"N","cacheReadInputTokens":"N","cacheWriteInputTokens":"N"})";

std::string bedrock_event(const std::string& type, const std::string& payload) {
    return encode_event_stream_message(
        {{":message-type", "event"}, {":event-type", type}, {":content-type", "application/json"}}, payload);
}
}  // namespace

TEST(UsageCounts, BedrockBufferedReply) {
    for (const Hostile& h : kHostile) {
        const std::string body =
            with(std::string(R"({"output":{"message":{"role":"assistant","content":[{"text":"hi"}]}},)") +
                     R"("stopReason":"end_turn","usage":)" + kBedrockUsage + "}",
                 h);
        expect_all(bedrock_parse_converse("anthropic.claude", body).usage, h.count, true, false, h.text);
    }
}

TEST(UsageCounts, BedrockStream) {
    for (const Hostile& h : kHostile) {
        const std::string bytes =
            bedrock_event("messageStart", R"({"role":"assistant"})") +
            bedrock_event("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":"hi"}})") +
            bedrock_event("messageStop", R"({"stopReason":"end_turn"})") +
            bedrock_event("metadata",
                          with(std::string(R"({"usage":)") + kBedrockUsage + R"(,"metrics":{"latencyMs":1}})", h));
        expect_all(last_usage(decode(make_bedrock_stream_decoder("anthropic.claude"), bytes)), h.count, true, false,
                   h.text);
    }
}

TEST(UsageCounts, BedrockTitanEmbeddings) {
    for (const Hostile& h : kHostile) {
        EmbeddingResponse out;
        out.model = "amazon.titan-embed-text-v2:0";
        // Two replies, as for two texts: the counts add up and saturate.
        bedrock_parse_titan_embedding(with(R"({"embedding":[0.5],"inputTextTokenCount":"N"})", h), out);
        bedrock_parse_titan_embedding(with(R"({"embedding":[0.5],"inputTextTokenCount":"N"})", h), out);
        EXPECT_EQ(out.usage.prompt_tokens, h.count) << h.text;
        EXPECT_EQ(out.usage.total_tokens, h.count) << h.text;
    }
}

// --- OpenAI and the compatible family (Azure, Groq, Mistral share the mapper): prompt, completion, total,
// cached and reasoning tokens ---

namespace {
const char* kOpenAIUsage =
    R"({"prompt_tokens":"N","completion_tokens":"N","total_tokens":"N","prompt_tokens_details":{"cached_tokens":"N"},)"
    R"("completion_tokens_details":{"reasoning_tokens":"N"}})";
const char* kOpenAIReply =
    R"({"id":"c","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":)";
const char* kCompatible[] = {"openai", "azure", "groq", "mistral"};

// What every OpenAI-format usage must read as.
void expect_openai(const Usage& u, const Hostile& h, const std::string& where) {
    // A total that reads 0 (negative, non-integer) falls back to the sum of the other two, which are 0 too.
    expect_all(u, h.count, false, true, where.c_str());
}
}  // namespace

TEST(UsageCounts, OpenAICompatibleBufferedReply) {
    for (const Hostile& h : kHostile) {
        const std::string body = with(std::string(kOpenAIReply) + kOpenAIUsage + "}", h);
        for (const char* provider : kCompatible) {
            expect_openai(openai_parse_chat(provider, body).usage, h, std::string(provider) + " " + h.text);
            expect_openai(openai_parse_chat_full(provider, body).usage, h, std::string(provider) + " full " + h.text);
        }
    }
}

TEST(UsageCounts, OpenAIFastReplyPath) {
    for (const Hostile& h : kHostile) {
        const std::string body = with(std::string(kOpenAIReply) + kOpenAIUsage + "}", h);
        const auto fast = openai_parse_chat_fast("openai", body);
        ASSERT_TRUE(fast.has_value()) << h.text;
        expect_openai(fast->usage, h, std::string("fast reply ") + h.text);
        const auto chunk =
            openai_parse_chunk_fast(with(std::string(R"({"choices":[],"usage":)") + kOpenAIUsage + "}", h));
        ASSERT_TRUE(chunk.has_value() && chunk->usage.has_value()) << h.text;
        expect_openai(*chunk->usage, h, std::string("fast chunk ") + h.text);
    }
}

TEST(UsageCounts, OpenAICompatibleStream) {
    for (const Hostile& h : kHostile) {
        const std::string usage = with(kOpenAIUsage, h);
        const std::string sse =
            "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n"
            "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            "data: {\"id\":\"c\",\"choices\":[],\"usage\":" +
            usage +
            "}\n\n"
            "data: [DONE]\n\n";
        for (const char* provider : kCompatible)
            for (bool fast_path : {true, false})
                expect_openai(last_usage(decode(make_openai_stream_decoder(provider, "m", fast_path), sse)), h,
                              std::string(provider) + (fast_path ? " fast " : " full ") + h.text);
    }
}

TEST(UsageCounts, GroqStreamUsageUnderXGroq) {
    for (const Hostile& h : kHostile) {
        const std::string sse =
            "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},"
            "\"finish_reason\":\"stop\"}],\"x_groq\":{\"usage\":" +
            with(kOpenAIUsage, h) + "}}\n\ndata: [DONE]\n\n";
        for (bool fast_path : {true, false})
            expect_openai(last_usage(decode(make_openai_stream_decoder("groq", "llama", fast_path), sse)), h,
                          std::string(fast_path ? "fast " : "full ") + h.text);
    }
}

TEST(UsageCounts, OpenAICompatibleEmbeddings) {
    for (const Hostile& h : kHostile) {
        const std::string body =
            with(R"({"data":[{"index":0,"embedding":[0.5]}],"usage":{"prompt_tokens":"N","total_tokens":"N"}})", h);
        for (const char* provider : kCompatible) {
            const EmbeddingResponse r = openai_parse_embeddings(provider, body);
            EXPECT_EQ(r.usage.prompt_tokens, h.count) << provider << " " << h.text;
            EXPECT_EQ(r.usage.total_tokens, h.count) << provider << " " << h.text;
        }
    }
}
