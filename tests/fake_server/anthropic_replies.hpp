// Builders for Anthropic Messages API wire replies (messages, SSE event streams, error bodies).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fake_server.hpp"

namespace llmgate::testing::anthropic {

// The request-id header value every builder sends (Anthropic's ids look like "req_011C...").
inline constexpr const char* kRequestId = "req_011CTestAnthropic";

// {input_tokens:10, output_tokens:5} plus zero cache fields, as the API reports them.
nlohmann::json default_usage();

// A complete "message" object with the given content blocks.
Reply message(nlohmann::json content, const std::string& stop_reason = "end_turn",
              nlohmann::json usage = default_usage(), const std::string& model = "claude-sonnet-4-5-20250929");

// A message with one text block.
Reply message_text(const std::string& text, const std::string& model = "claude-sonnet-4-5-20250929",
                   const std::string& stop_reason = "end_turn", nlohmann::json usage = default_usage());

// A message that calls tools: optional leading text, then one tool_use block per call with ids
// "toolu_01", "toolu_02", ...; stop_reason "tool_use".
Reply message_tool_use(const std::vector<std::pair<std::string, nlohmann::json>>& name_and_input,
                       const std::string& text = "");

// One SSE event as Anthropic frames it: "event: <type>\ndata: <compact json>\n\n".
std::string sse(const nlohmann::json& event);
// The message_start event (empty content, usage with output_tokens 1 as the API sends).
nlohmann::json message_start(const std::string& model = "claude-sonnet-4-5-20250929",
                             nlohmann::json usage = {{"input_tokens", 10}, {"output_tokens", 1}});
// message_delta with a stop_reason and cumulative usage.
nlohmann::json message_delta(const std::string& stop_reason, nlohmann::json usage);

// A text/event-stream reply of the given events, one HTTP chunk per event.
Reply event_stream(const std::vector<nlohmann::json>& events);
// Same, with raw pre-framed SSE text per HTTP chunk.
Reply raw_stream(std::vector<std::string> chunks);

// message_start, a ping, one text block streamed in pieces, message_delta (end_turn), message_stop
// (left out when send_stop is false).
Reply stream_text(const std::vector<std::string>& pieces, const std::string& model = "claude-sonnet-4-5-20250929",
                  bool send_stop = true);

// Streamed tool calls: per call a tool_use content_block_start (input {}), then one input_json_delta
// per fragment (none for an empty list), content_block_stop; stop_reason "tool_use".
Reply stream_tool_use(const std::vector<std::pair<std::string, std::vector<std::string>>>& name_and_fragments);

// Anthropic's error body {"type":"error","error":{"type","message"}} with a request-id header; add
// retry-after to r.headers yourself.
Reply error(int status, const std::string& type, const std::string& message);

// Status 200 with a JSON body cut off mid-object.
Reply malformed_json();

}  // namespace llmgate::testing::anthropic
