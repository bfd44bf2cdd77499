// A fast mapper for the usual OpenAI chat-completion reply, on simdjson instead of an nlohmann::json tree.
//
// Why: parsing the reply into an nlohmann tree was the largest single cost of a call on our side (about
// as much as all of libcurl's work for the request). simdjson validates and parses the same bytes in a
// small fraction of that, with no allocation per value.
//
// It handles the shape nearly every reply has (string or null content, tool calls with string
// arguments, reasoning fields, refusal, usage with its details). For anything else, and for every
// malformed reply, it declines and the full mapper (openai_parse_chat_full) decides, so the result and the
// errors are exactly those of the full mapper: fuzz/openai_fast_reply_fuzz.cpp checks that both agree.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llmgate/types.hpp"

namespace llmgate::inline v1::detail {

// The mapped reply (without `raw`), or nullopt when the full mapper must decide.
std::optional<CompletionResponse> openai_parse_chat_fast(const std::string& provider, std::string_view body);

// What one chat.completion.chunk event says about the first choice, before the stream decoder applies
// it to its own state (tool-call assembly, the finish reason and usage it remembers).
struct OpenAIChunkFields {
    std::string id{};
    std::string model{};
    std::string delta{};
    std::string reasoning{};
    std::vector<ToolCallDelta> tool_call_deltas{};
    std::optional<std::string> finish_reason{};
    std::optional<Usage> usage{};  // "usage", else Groq's "x_groq.usage"
};

// The event's fields, or nullopt when the decoder's full path must decide (an "error" event, content
// parts, arguments that are not a string, anything malformed).
std::optional<OpenAIChunkFields> openai_parse_chunk_fast(std::string_view data);

}  // namespace llmgate::detail
