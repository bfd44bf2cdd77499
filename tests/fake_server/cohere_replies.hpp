// Builders for Cohere v2 wire replies (chat, SSE streams, tool calls, embed, errors) in the real API's shapes.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fake_server.hpp"

namespace llmgate::testing::cohere {

// The request-id header every reply carries (Cohere's gateway sends x-debug-trace-id).
inline constexpr const char* kTraceId = "5d2fb8c1e0a94e5f9e0c2b7a6d4f3e21";

// usage as /v2/chat sends it: billed_units (what was charged) and tokens (what the model read/wrote).
nlohmann::json usage(int input_tokens = 71, int output_tokens = 3, int billed_input = 5, int billed_output = 3);

// A /v2/chat reply with message.content = [{type:"text", text}].
Reply chat_text(const std::string& text, const std::string& finish_reason = "COMPLETE",
                nlohmann::json usage_block = usage());

// A /v2/chat reply with a thinking block before the text (reasoning models).
Reply chat_thinking(const std::string& thinking, const std::string& text);

// A /v2/chat reply that calls tools: message.tool_plan, message.tool_calls [{id, type:function,
// function:{name, arguments}}], finish_reason TOOL_CALL. Ids are "<name>_<index>fk0q".
Reply chat_tool_calls(const std::vector<std::pair<std::string, std::string>>& name_and_arguments_json,
                      const std::string& tool_plan = "I will look this up.");

// One SSE event as Cohere frames it: "event: <type>\ndata: <compact json>\n\n".
std::string sse(const nlohmann::json& event);

// A text/event-stream: message-start, content-start, one content-delta per piece, content-end,
// message-end (finish_reason, usage); send_end=false leaves message-end out.
Reply stream_text(const std::vector<std::string>& pieces, bool send_end = true,
                  const std::string& finish_reason = "COMPLETE");

// A stream with a thinking content block (index 0) before the text block (index 1).
Reply stream_thinking(const std::vector<std::string>& thinking, const std::vector<std::string>& text);

// A streamed tool-call reply: tool-plan-delta events, then per call tool-call-start (id, name,
// arguments ""), one tool-call-delta per argument fragment, tool-call-end; message-end TOOL_CALL.
Reply stream_tool_calls(
    const std::string& tool_plan,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& name_and_argument_fragments);

// A Cohere error body {"message": "..."} with the trace-id header; add retry-after yourself.
Reply error(int status, const std::string& message);

// A /v2/embed reply (response_type embeddings_by_type): embeddings.float, texts, meta.billed_units.
Reply embeddings(const std::vector<std::vector<double>>& vectors, const std::vector<std::string>& texts);

// Status 200 with a JSON body cut off mid-object.
Reply malformed_json();

}  // namespace llmgate::testing::cohere
