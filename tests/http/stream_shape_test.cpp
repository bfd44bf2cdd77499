// No silent empty answers (issue 16, part 2), over real HTTP for all nine providers: a stream event of the
// wrong shape is a ResponseParseError naming the field, even when the provider's real end marker follows; a
// stream that reaches its end marker without any content, tool call or finish reason is a ResponseParseError,
// not an empty success; unknown extra fields and the event types a provider documents as ignorable stay
// ignored.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "anthropic_replies.hpp"
#include "bedrock_replies.hpp"
#include "cohere_replies.hpp"
#include "gemini_replies.hpp"
#include "ollama_replies.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
using nlohmann::json;

namespace {

struct Provider {
    std::string name;
    std::string model;
    std::function<void(EnvGuard&, const std::string& base_url)> configure;
};

const Provider kOpenAI{"openai", "gpt-4o-mini", [](EnvGuard& e, const std::string& u) {
                           e.set("OPENAI_API_KEY", "sk-shape");
                           e.set("OPENAI_BASE_URL", u.c_str());
                       }};
const Provider kAzure{"azure", "azure/my-deployment", [](EnvGuard& e, const std::string& u) {
                          e.set("AZURE_OPENAI_API_KEY", "az-shape");
                          e.set("AZURE_OPENAI_ENDPOINT", u.c_str());
                      }};
const Provider kGroq{"groq", "groq/llama-3.1-8b-instant", [](EnvGuard& e, const std::string& u) {
                         e.set("GROQ_API_KEY", "gsk-shape");
                         e.set("GROQ_BASE_URL", u.c_str());
                     }};
const Provider kMistral{"mistral", "mistral/mistral-small-latest", [](EnvGuard& e, const std::string& u) {
                            e.set("MISTRAL_API_KEY", "mi-shape");
                            e.set("MISTRAL_BASE_URL", u.c_str());
                        }};
const Provider kAnthropic{"anthropic", "claude-haiku-4-5", [](EnvGuard& e, const std::string& u) {
                              e.set("ANTHROPIC_API_KEY", "sk-ant-shape");
                              e.set("ANTHROPIC_BASE_URL", u.c_str());
                          }};
const Provider kGemini{"gemini", "gemini/gemini-2.5-flash", [](EnvGuard& e, const std::string& u) {
                           e.set("GEMINI_API_KEY", "AIza-shape");
                           e.set("GEMINI_BASE_URL", u.c_str());
                       }};
const Provider kCohere{"cohere", "cohere/command-a-03-2025", [](EnvGuard& e, const std::string& u) {
                           e.set("COHERE_API_KEY", "co-shape");
                           e.set("COHERE_BASE_URL", u.c_str());
                       }};
const Provider kOllama{"ollama", "ollama/llama3.2",
                       [](EnvGuard& e, const std::string& u) { e.set("OLLAMA_HOST", u.c_str()); }};
const Provider kBedrock{"bedrock", "bedrock/anthropic.claude-3-5-haiku-20241022-v1:0",
                        [](EnvGuard& e, const std::string& u) {
                            e.set("AWS_ACCESS_KEY_ID", "AKIDSHAPE");
                            e.set("AWS_SECRET_ACCESS_KEY", "shape-secret");
                            e.set("AWS_REGION", "us-east-1");
                            e.set("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", u.c_str());
                        }};

// --- each provider's stream, framed as its API frames it, one HTTP chunk per event ---

// "event: <name>\ndata: <json>\n\n": for events whose own "type" is not a string, which the builders cannot frame.
std::string sse_named(const std::string& name, const json& data) {
    return "event: " + name + "\ndata: " + data.dump() + "\n\n";
}

Reply sse_reply(std::vector<std::string> chunks) {
    Reply r;
    r.content_type = "text/event-stream";
    r.chunks = std::move(chunks);
    return r;
}

// OpenAI-compatible: the events as given, then a real finish chunk and [DONE], so only the shape can fail.
Reply openai_stream(const std::vector<json>& events, bool finish = true) {
    std::vector<std::string> chunks;
    for (const auto& e : events) chunks.push_back(openai::sse(e));
    if (finish)
        chunks.push_back(
            openai::sse({{"id", "chatcmpl-1"},
                         {"choices", {{{"index", 0}, {"delta", json::object()}, {"finish_reason", "stop"}}}}}));
    chunks.push_back(openai::sse_done());
    return sse_reply(std::move(chunks));
}
json openai_chunk(json choice) { return {{"id", "chatcmpl-1"}, {"choices", json::array({std::move(choice)})}}; }

// Anthropic: message_start, the events, then message_delta end_turn and message_stop.
Reply anthropic_stream(const std::vector<json>& events, bool finish = true) {
    std::vector<json> all{anthropic::message_start()};
    for (const auto& e : events) all.push_back(e);
    if (finish) all.push_back(anthropic::message_delta("end_turn", {{"output_tokens", 5}}));
    all.push_back({{"type", "message_stop"}});
    return anthropic::event_stream(all);
}
json text_block_start() {
    return {{"type", "content_block_start"}, {"index", 0}, {"content_block", {{"type", "text"}, {"text", ""}}}};
}

// Gemini (no end marker: the body ends): the events, then an event with finishReason STOP.
Reply gemini_stream(const std::vector<json>& events, bool finish = true) {
    std::vector<json> all = events;
    if (finish) all.push_back(gemini::stream_event(json::array(), "STOP", gemini::default_usage()));
    return gemini::event_stream(all);
}
json gemini_candidate(json candidate) { return {{"candidates", json::array({std::move(candidate)})}}; }

// Cohere v2: message-start, the events, then message-end COMPLETE.
Reply cohere_stream(const std::vector<json>& events, bool finish = true) {
    std::vector<std::string> chunks{
        cohere::sse({{"type", "message-start"}, {"id", "c0ffee"}, {"delta", {{"message", {{"role", "assistant"}}}}}})};
    for (const auto& e : events) chunks.push_back(cohere::sse(e));
    if (finish)
        chunks.push_back(cohere::sse(
            {{"type", "message-end"}, {"delta", {{"finish_reason", "COMPLETE"}, {"usage", cohere::usage()}}}}));
    return sse_reply(std::move(chunks));
}
json cohere_content_delta(json content) {
    return {{"type", "content-delta"}, {"index", 0}, {"delta", {{"message", {{"content", std::move(content)}}}}}};
}

// Ollama: the lines, then a done line with done_reason "stop".
Reply ollama_stream(const std::vector<json>& lines, bool finish = true) {
    std::vector<std::string> chunks;
    for (const auto& l : lines) chunks.push_back(ollama::line(l));
    if (finish) chunks.push_back(ollama::line(ollama::done_line("llama3.2", "stop")));
    return ollama::ndjson(std::move(chunks));
}
json ollama_line(json message) { return {{"model", "llama3.2"}, {"message", std::move(message)}, {"done", false}}; }

// Bedrock ConverseStream: messageStart, the events, then messageStop end_turn and metadata.
Reply bedrock_stream(const std::vector<std::pair<std::string, json>>& events, bool finish = true) {
    std::vector<std::string> frames{bedrock::event("messageStart", {{"role", "assistant"}})};
    for (const auto& [type, payload] : events) frames.push_back(bedrock::event(type, payload));
    if (finish) frames.push_back(bedrock::event("messageStop", {{"stopReason", "end_turn"}}));
    frames.push_back(
        bedrock::event("metadata", {{"usage", bedrock::default_usage()}, {"metrics", {{"latencyMs", 9}}}}));
    return bedrock::stream(std::move(frames));
}

// --- the cases ---

// A stream that must fail with ResponseParseError whose message says every one of `says`.
struct FailingStream {
    std::string name;
    Provider provider;
    Reply reply;
    std::vector<std::string> says;
};

void PrintTo(const FailingStream& c, std::ostream* os) { *os << c.name; }

std::vector<FailingStream> wrong_shapes() {
    std::vector<FailingStream> cases;
    // The four OpenAI-compatible providers share one decoder (and its fast path): every shape on each.
    for (const Provider& p : {kOpenAI, kAzure, kGroq, kMistral}) {
        auto add = [&](const std::string& what, Reply r, std::vector<std::string> says) {
            cases.push_back({p.name + "_" + what, p, std::move(r), std::move(says)});
        };
        add("choices_is_a_string", openai_stream({{{"id", "chatcmpl-1"}, {"choices", "oops"}}}),
            {"'choices' must be an array, not string", "\"choices\":\"oops\""});
        add("choice_is_a_string", openai_stream({{{"id", "chatcmpl-1"}, {"choices", {"oops"}}}}),
            {"'choices[]' must be an object, not string"});
        add("delta_is_an_array", openai_stream({openai_chunk({{"index", 0}, {"delta", json::array()}})}),
            {"'delta' must be an object, not array", "\"delta\":[]"});
        add("content_is_a_number", openai_stream({openai_chunk({{"index", 0}, {"delta", {{"content", 42}}}})}),
            {"content must be a string, a list or null", "\"content\":42"});
        add("reasoning_is_a_number", openai_stream({openai_chunk({{"index", 0}, {"delta", {{"reasoning", 7}}}})}),
            {"'reasoning' must be a string, not number"});
        add("tool_calls_is_a_string",
            openai_stream({openai_chunk({{"index", 0}, {"delta", {{"tool_calls", "oops"}}}})}),
            {"'tool_calls' must be an array, not string"});
        add("tool_name_is_a_number",
            openai_stream({openai_chunk(
                {{"index", 0}, {"delta", {{"tool_calls", {{{"index", 0}, {"function", {{"name", 5}}}}}}}}})}),
            {"'name' must be a string, not number"});
        add("finish_reason_is_a_number",
            openai_stream({openai_chunk({{"index", 0}, {"delta", json::object()}, {"finish_reason", 1}})}),
            {"'finish_reason' must be a string, not number"});
        add("usage_is_a_string", openai_stream({{{"id", "chatcmpl-1"}, {"choices", json::array()}, {"usage", "oops"}}}),
            {"'usage' must be an object, not string"});
        add("usage_count_is_a_string",
            openai_stream({{{"id", "chatcmpl-1"}, {"choices", json::array()}, {"usage", {{"prompt_tokens", "ten"}}}}}),
            {"'prompt_tokens' must be a number, not string"});
    }

    auto add = [&](const Provider& p, const std::string& what, Reply r, std::vector<std::string> says) {
        cases.push_back({p.name + "_" + what, p, std::move(r), std::move(says)});
    };
    // Mistral's reasoning models send content as a list of typed parts.
    add(kMistral, "content_part_is_a_number",
        openai_stream(
            {openai_chunk({{"index", 0}, {"delta", {{"content", {{{"type", "text"}, {"text", "a"}}, 42}}}}})}),
        {"'content[]' must be an object, not number"});
    add(kMistral, "content_part_text_is_a_number",
        openai_stream({openai_chunk({{"index", 0}, {"delta", {{"content", {{{"type", "text"}, {"text", 42}}}}}}})}),
        {"'text' must be a string, not number"});
    add(kAnthropic, "type_is_a_number",
        anthropic::raw_stream({anthropic::sse(anthropic::message_start()), sse_named("message_delta", {{"type", 42}}),
                               anthropic::sse(anthropic::message_delta("end_turn", {{"output_tokens", 5}})),
                               anthropic::sse({{"type", "message_stop"}})}),
        {"'type' must be a string, not number"});
    add(kAnthropic, "content_block_is_a_string",
        anthropic_stream({{{"type", "content_block_start"}, {"index", 0}, {"content_block", "oops"}}}),
        {"'content_block' must be an object, not string", "content_block_start"});
    add(kAnthropic, "delta_is_an_array",
        anthropic_stream(
            {text_block_start(), {{"type", "content_block_delta"}, {"index", 0}, {"delta", json::array()}}}),
        {"'delta' must be an object, not array", "content_block_delta"});
    add(kAnthropic, "text_is_a_number",
        anthropic_stream(
            {text_block_start(),
             {{"type", "content_block_delta"}, {"index", 0}, {"delta", {{"type", "text_delta"}, {"text", 42}}}}}),
        {"'text' must be a string, not number"});
    add(kAnthropic, "message_delta_delta_is_a_string",
        anthropic_stream({{{"type", "message_delta"}, {"delta", "oops"}, {"usage", {{"output_tokens", 1}}}}}),
        {"'delta' must be an object, not string", "message_delta"});
    add(kAnthropic, "stop_reason_is_a_number",
        anthropic_stream(
            {{{"type", "message_delta"}, {"delta", {{"stop_reason", 3}}}, {"usage", {{"output_tokens", 1}}}}}),
        {"'stop_reason' must be a string, not number"});
    add(kAnthropic, "usage_is_a_string",
        anthropic_stream({{{"type", "message_delta"}, {"delta", {{"stop_reason", nullptr}}}, {"usage", "oops"}}}),
        {"'usage' must be an object, not string"});
    add(kAnthropic, "usage_count_is_a_string",
        anthropic_stream({{{"type", "message_delta"}, {"delta", {{"stop_reason", nullptr}}}, {"usage", {{"output_tokens", "five"}}}}}),
        {"'output_tokens' must be a number, not string"});

    add(kGemini, "candidates_is_a_string", gemini_stream({{{"candidates", "oops"}}}),
        {"'candidates' must be an array, not string", "\"candidates\":\"oops\""});
    add(kGemini, "content_is_a_string", gemini_stream({gemini_candidate({{"content", "oops"}})}),
        {"'content' must be an object, not string"});
    add(kGemini, "parts_is_an_object", gemini_stream({gemini_candidate({{"content", {{"parts", json::object()}}}})}),
        {"'parts' must be an array, not object"});
    add(kGemini, "text_is_a_number",
        gemini_stream({gemini_candidate({{"content", {{"parts", {{{"text", 42}}}}, {"role", "model"}}}})}),
        {"'text' must be a string, not number"});
    add(kGemini, "function_call_is_a_string",
        gemini_stream({gemini_candidate({{"content", {{"parts", {{{"functionCall", "oops"}}}}}}})}),
        {"'functionCall' must be an object, not string"});
    add(kGemini, "finish_reason_is_a_number",
        gemini_stream({gemini_candidate({{"content", {{"parts", json::array()}}}, {"finishReason", 1}})}),
        {"'finishReason' must be a string, not number"});
    add(kGemini, "usage_metadata_is_a_string", gemini_stream({{{"usageMetadata", "oops"}}}),
        {"'usageMetadata' must be an object, not string"});
    add(kGemini, "usage_count_is_a_string", gemini_stream({{{"usageMetadata", {{"promptTokenCount", "ten"}}}}}),
        {"'promptTokenCount' must be a number, not string"});
    add(kCohere, "usage_count_is_a_string",
        cohere_stream({cohere_content_delta({{"text", "Hi"}}),
                       {{"type", "message-end"},
                        {"delta", {{"finish_reason", "COMPLETE"}, {"usage", {{"tokens", {{"output_tokens", "three"}}}}}}}}},
                      false),
        {"'output_tokens' must be a number, not string"});
    add(kOllama, "usage_count_is_a_string",
        ollama_stream({ollama_line({{"role", "assistant"}, {"content", "Hi"}}),
                       {{"model", "llama3.2"},
                        {"message", {{"role", "assistant"}, {"content", ""}}},
                        {"done", true},
                        {"done_reason", "stop"},
                        {"eval_count", "many"}}},
                      false),
        {"'eval_count' must be a number, not string"});
    add(kBedrock, "usage_count_is_a_string",
        bedrock_stream({{"contentBlockDelta", {{"contentBlockIndex", 0}, {"delta", {{"text", "Hi"}}}}},
                        {"messageStop", {{"stopReason", "end_turn"}}},
                        {"metadata", {{"usage", {{"inputTokens", "ten"}}}}}},
                       false),
        {"'inputTokens' must be a number, not string"});

    add(kCohere, "type_is_a_number",
        sse_reply({cohere::sse({{"type", "message-start"}, {"id", "c0ffee"}}),
                   sse_named("content-delta", {{"type", 42}, {"delta", {{"message", {{"content", {{"text", "x"}}}}}}}}),
                   cohere::sse({{"type", "message-end"}, {"delta", {{"finish_reason", "COMPLETE"}}}})}),
        {"'type' must be a string, not number"});
    add(kCohere, "delta_is_a_string", cohere_stream({{{"type", "content-delta"}, {"index", 0}, {"delta", "oops"}}}),
        {"'delta' must be an object, not string", "content-delta"});
    add(kCohere, "message_is_an_array",
        cohere_stream({{{"type", "content-delta"}, {"index", 0}, {"delta", {{"message", json::array()}}}}}),
        {"'message' must be an object, not array"});
    add(kCohere, "text_is_a_number", cohere_stream({cohere_content_delta({{"text", 42}})}),
        {"'text' must be a string, not number"});
    add(kCohere, "tool_calls_is_a_string",
        cohere_stream(
            {{{"type", "tool-call-start"}, {"index", 0}, {"delta", {{"message", {{"tool_calls", "oops"}}}}}}}),
        {"'tool_calls' must be an object, not string", "tool-call-start"});
    add(kCohere, "finish_reason_is_a_number",
        cohere_stream(
            {cohere_content_delta({{"text", "Hi"}}), {{"type", "message-end"}, {"delta", {{"finish_reason", 1}}}}},
            false),
        {"'finish_reason' must be a string, not number"});

    add(kOllama, "message_is_a_string", ollama_stream({{{"model", "llama3.2"}, {"message", "oops"}, {"done", false}}}),
        {"'message' must be an object, not string", "unexpected stream line shape"});
    add(kOllama, "content_is_a_number", ollama_stream({ollama_line({{"role", "assistant"}, {"content", 42}})}),
        {"content must be a string", "\"content\":42"});
    add(kOllama, "tool_calls_is_a_string",
        ollama_stream({ollama_line({{"role", "assistant"}, {"content", ""}, {"tool_calls", "oops"}})}),
        {"'tool_calls' must be an array, not string"});
    add(kOllama, "tool_call_is_a_string",
        ollama_stream({ollama_line({{"role", "assistant"}, {"content", ""}, {"tool_calls", {"oops"}}})}),
        {"'tool_calls[]' must be an object, not string"});
    add(kOllama, "done_is_a_string",
        ollama_stream(
            {{{"model", "llama3.2"}, {"message", {{"role", "assistant"}, {"content", ""}}}, {"done", "yes"}}}),
        {"'done' must be a boolean, not string"});
    add(kOllama, "done_reason_is_a_number",
        ollama_stream({{{"model", "llama3.2"},
                        {"message", {{"role", "assistant"}, {"content", ""}}},
                        {"done", true},
                        {"done_reason", 1}}},
                      false),
        {"'done_reason' must be a string, not number"});

    add(kBedrock, "delta_is_a_string",
        bedrock_stream({{"contentBlockDelta", {{"contentBlockIndex", 0}, {"delta", "oops"}}}}),
        {"unexpected contentBlockDelta event shape", "'delta' must be an object, not string"});
    add(kBedrock, "text_is_a_number",
        bedrock_stream({{"contentBlockDelta", {{"contentBlockIndex", 0}, {"delta", {{"text", 42}}}}}}),
        {"unexpected contentBlockDelta event shape", "'text' must be a string, not number"});
    add(kBedrock, "tool_use_is_a_string",
        bedrock_stream({{"contentBlockDelta", {{"contentBlockIndex", 0}, {"delta", {{"toolUse", "oops"}}}}}}),
        {"'toolUse' must be an object, not string"});
    add(kBedrock, "start_is_an_array",
        bedrock_stream({{"contentBlockStart", {{"contentBlockIndex", 0}, {"start", json::array()}}}}),
        {"unexpected contentBlockStart event shape", "'start' must be an object, not array"});
    add(kBedrock, "block_index_is_a_string",
        bedrock_stream({{"contentBlockDelta", {{"contentBlockIndex", "x"}, {"delta", {{"text", "Hi"}}}}}}),
        {"'contentBlockIndex' must be a small non-negative integer"});
    add(kBedrock, "stop_reason_is_a_number", bedrock_stream({{"messageStop", {{"stopReason", 1}}}}, false),
        {"unexpected messageStop event shape", "'stopReason' must be a string, not number"});
    add(kBedrock, "usage_is_a_string",
        bedrock_stream({{"contentBlockDelta", {{"contentBlockIndex", 0}, {"delta", {{"text", "Hi"}}}}},
                        {"messageStop", {{"stopReason", "end_turn"}}},
                        {"metadata", {{"usage", "oops"}}}},
                       false),
        {"unexpected metadata event shape", "'usage' must be an object, not string"});
    return cases;
}

// Each provider's end marker reached with no text, tool call or finish reason (only role, usage, pings).
std::vector<FailingStream> unanswered() {
    std::vector<FailingStream> cases;
    for (const Provider& p : {kOpenAI, kAzure, kGroq, kMistral})
        cases.push_back(
            {p.name + "_role_and_usage_then_done",
             p,
             openai_stream({openai_chunk({{"index", 0}, {"delta", {{"role", "assistant"}, {"content", ""}}}}),
                            {{"id", "chatcmpl-1"}, {"choices", json::array()}, {"usage", openai::default_usage()}}},
                           false),
             {"stream reached [DONE] without any content, tool call or finish reason"}});
    cases.push_back(
        {"anthropic_ping_then_message_stop",
         kAnthropic,
         anthropic_stream(
             {{{"type", "ping"}},
              {{"type", "message_delta"}, {"delta", {{"stop_reason", nullptr}}}, {"usage", {{"output_tokens", 0}}}}},
             false),
         {"stream reached message_stop without any content, tool call or finish reason"}});
    // Gemini has no end marker: without a finishReason the body's end is an incomplete reply.
    cases.push_back({"gemini_usage_only_then_body_ends",
                     kGemini,
                     gemini_stream({{{"usageMetadata", gemini::default_usage()}}}, false),
                     {"stream ended before any finishReason"}});
    cases.push_back({"cohere_message_end_without_finish_reason",
                     kCohere,
                     cohere_stream({{{"type", "message-end"}, {"delta", {{"usage", cohere::usage()}}}}}, false),
                     {"stream reached message-end without any content, tool call or finish reason"}});
    cases.push_back(
        {"ollama_done_line_without_done_reason",
         kOllama,
         ollama_stream({ollama_line({{"role", "assistant"}, {"content", ""}}),
                        {{"model", "llama3.2"}, {"message", {{"role", "assistant"}, {"content", ""}}}, {"done", true}}},
                       false),
         {"stream reached its \"done\": true line without any content, tool call or finish reason"}});
    cases.push_back(
        {"bedrock_message_stop_without_stop_reason",
         kBedrock,
         bedrock_stream({{"contentBlockStop", {{"contentBlockIndex", 0}}}, {"messageStop", json::object()}}, false),
         {"stream reached messageStop without any content, tool call or finish reason"}});
    return cases;
}

// A valid stream, with unknown extra fields and event types the provider documents as ignorable. An unknown event
// type is not read at all: even fields a known event would reject ("delta": "oops") are fine there.
struct TolerantStream {
    std::string name;
    Provider provider;
    Reply reply;
    std::string text;
    std::string finish_reason;
};

void PrintTo(const TolerantStream& c, std::ostream* os) { *os << c.name; }

std::vector<TolerantStream> tolerated() {
    std::vector<TolerantStream> cases;
    for (const Provider& p : {kOpenAI, kAzure, kGroq, kMistral}) {
        // Azure's first chunk has empty choices and prompt_filter_results; include_usage ends with a usage-only
        // chunk (choices []); newer fields (obfuscation, service_tier, annotations) are unknown here.
        const json extra_choice = {
            {"index", 0},
            {"logprobs", nullptr},
            {"delta", {{"content", "Hel"}, {"refusal", nullptr}, {"annotations", json::array()}}},
            {"finish_reason", nullptr}};
        cases.push_back(
            {p.name + "_extra_fields_and_usage_only_chunks", p,
             openai_stream(
                 {{{"id", ""}, {"choices", json::array()}, {"prompt_filter_results", {{{"prompt_index", 0}}}}},
                  {{"id", "chatcmpl-1"},
                   {"object", "chat.completion.chunk"},
                   {"system_fingerprint", "fp_1"},
                   {"service_tier", "default"},
                   {"obfuscation", "x1y2"},
                   {"choices", {extra_choice}}},
                  openai_chunk({{"index", 0}, {"delta", {{"content", "lo"}, {"x_future", {{"a", 1}}}}}}),
                  openai_chunk({{"index", 0}, {"delta", json::object()}, {"finish_reason", "stop"}}),
                  {{"id", "chatcmpl-1"}, {"choices", json::array()}, {"usage", openai::default_usage()}}},
                 false),
             "Hello", "stop"});
    }
    cases.push_back(
        {"anthropic_ping_and_unknown_event_types", kAnthropic,
         anthropic_stream(
             {{{"type", "ping"}},
              {{"type", "content_block_start"},
               {"index", 0},
               {"content_block", {{"type", "text"}, {"text", ""}, {"citations", nullptr}}}},
              {{"type", "future_event"}, {"index", "x"}, {"delta", "oops"}},
              {{"type", "content_block_delta"},
               {"index", 0},
               {"delta", {{"type", "text_delta"}, {"text", "Hel"}, {"x_new", 1}}}},
              {{"type", "content_block_delta"}, {"index", 0}, {"delta", {{"type", "future_delta"}, {"n", 2}}}},
              {{"type", "content_block_delta"}, {"index", 0}, {"delta", {{"type", "text_delta"}, {"text", "lo"}}}},
              {{"type", "content_block_stop"}, {"index", 0}},
              {{"type", "ping"}}}),
         "Hello", "stop"});
    cases.push_back(
        {"gemini_usage_only_events_and_extra_fields", kGemini,
         gemini_stream(
             {{{"usageMetadata", gemini::default_usage()}, {"modelVersion", "gemini-2.5-flash"}},
              gemini_candidate({{"content", {{"parts", {{{"text", "Hel"}, {"x_new", true}}}}, {"role", "model"}}},
                                {"safetyRatings", json::array()},
                                {"citationMetadata", json::object()}}),
              {{"candidates", {{{"content", {{"parts", {{{"text", "lo"}}}}}}, {"avgLogprobs", -0.1}}}},
               {"responseId", "r1"},
               {"createTime", "2025-01-01T00:00:00Z"}}}),
         "Hello", "stop"});
    cases.push_back(
        {"cohere_citation_and_unknown_event_types", kCohere,
         cohere_stream({{{"type", "content-start"},
                         {"index", 0},
                         {"delta", {{"message", {{"content", {{"type", "text"}, {"text", ""}}}}}}}},
                        cohere_content_delta({{"text", "Hel"}, {"x_new", 1}}),
                        {{"type", "citation-start"},
                         {"index", 0},
                         {"delta", {{"message", {{"citations", {{"start", 0}, {"end", 3}, {"text", "Hel"}}}}}}}},
                        {{"type", "citation-end"}, {"index", 0}},
                        {{"type", "debug"}, {"prompt", "..."}},
                        {{"type", "future-event"}, {"index", "x"}, {"delta", "oops"}},
                        cohere_content_delta({{"text", "lo"}}),
                        {{"type", "content-end"}, {"index", 0}}}),
         "Hello", "stop"});
    cases.push_back({"ollama_extra_fields", kOllama,
                     ollama_stream({{{"model", "llama3.2"},
                                     {"created_at", "2025-01-01T00:00:00Z"},
                                     {"message", {{"role", "assistant"}, {"content", "Hel"}, {"images", nullptr}}},
                                     {"done", false},
                                     {"x_future", {{"a", 1}}}},
                                    ollama_line({{"role", "assistant"}, {"content", "lo"}})}),
                     "Hello", "stop"});
    cases.push_back(
        {"bedrock_unknown_event_types_and_extra_fields", kBedrock,
         bedrock_stream({{"futureEvent", {{"contentBlockIndex", "x"}, {"delta", "oops"}}},
                         {"contentBlockDelta", {{"contentBlockIndex", 0}, {"delta", {{"text", "Hel"}}}, {"x_new", 2}}},
                         {"contentBlockDelta", {{"contentBlockIndex", 0}, {"delta", {{"text", "lo"}, {"x_new", 3}}}}},
                         {"contentBlockStop", {{"contentBlockIndex", 0}}}}),
         "Hello", "stop"});
    return cases;
}

class StreamShape : public ServerTest {
protected:
    // Streams `model` to the end; the text it said.
    std::string drain(const Provider& p) {
        p.configure(env, server.base_url());
        auto s = stream(p.model, hello());
        std::string text;
        for (const auto& c : s) text += c.delta;
        finish_reason = s.response().finish_reason;
        return text;
    }
    std::string finish_reason;
};

class FailingStreams : public StreamShape, public ::testing::WithParamInterface<FailingStream> {};
class TolerantStreams : public StreamShape, public ::testing::WithParamInterface<TolerantStream> {};

template <class Case>
std::string case_name(const ::testing::TestParamInfo<Case>& info) {
    return info.param.name;
}

}  // namespace

// (a) and (b): the stream fails with ResponseParseError from this provider, and the message says what is wrong
// (the field and its wrong type, with the event's own text) or what never came.
TEST_P(FailingStreams, AreAResponseParseErrorThatSaysWhy) {
    const FailingStream& c = GetParam();
    server.enqueue(c.reply);
    auto e = expect_error<ResponseParseError>([&] { drain(c.provider); }, c.name);
    EXPECT_EQ(e->provider(), c.provider.name);
    for (const auto& words : c.says) EXPECT_NE(std::string(e->what()).find(words), std::string::npos) << e->what();
}

INSTANTIATE_TEST_SUITE_P(WrongShapedEvents, FailingStreams, ::testing::ValuesIn(wrong_shapes()),
                         case_name<FailingStream>);
INSTANTIATE_TEST_SUITE_P(EndMarkerWithoutAnswer, FailingStreams, ::testing::ValuesIn(unanswered()),
                         case_name<FailingStream>);

// (c): unknown extra fields and ignorable event types change nothing: the whole text and the finish reason.
TEST_P(TolerantStreams, StillGiveTheWholeAnswer) {
    const TolerantStream& c = GetParam();
    server.enqueue(c.reply);
    EXPECT_EQ(drain(c.provider), c.text);
    EXPECT_EQ(finish_reason, c.finish_reason);
}

INSTANTIATE_TEST_SUITE_P(UnknownFieldsAndEvents, TolerantStreams, ::testing::ValuesIn(tolerated()),
                         case_name<TolerantStream>);
