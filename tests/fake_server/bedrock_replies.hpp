// Builders for AWS Bedrock Runtime wire replies: Converse JSON, ConverseStream binary event-stream frames,
// InvokeModel embeddings, and AWS error bodies with their x-amzn-ErrorType / x-amzn-RequestId headers.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fake_server.hpp"

namespace llmgate::testing::bedrock {

constexpr const char* kRequestId = "7d3f4c1e-2b9a-4e8f-9c1d-0a1b2c3d4e5f";

// {inputTokens:10, outputTokens:5, totalTokens:15}
nlohmann::json default_usage();

// A Converse reply: output.message.content blocks, stopReason, usage, metrics.
Reply converse(nlohmann::json content, const std::string& stop_reason = "end_turn",
               nlohmann::json usage = default_usage());
Reply converse_text(const std::string& text, const std::string& stop_reason = "end_turn",
                    nlohmann::json usage = default_usage());
// toolUse blocks with ids "tooluse_0", "tooluse_1", ...; stopReason "tool_use"; optional leading text.
Reply converse_tool_use(const std::vector<std::pair<std::string, nlohmann::json>>& name_and_input,
                        const std::string& text = "");

// --- ConverseStream: application/vnd.amazon.eventstream ---
// One binary frame with string headers, both CRC32s computed (own table implementation, independent
// of the library's).
std::string frame(const std::vector<std::pair<std::string, std::string>>& headers, const std::string& payload);
// An event frame (:message-type event, :event-type, :content-type application/json); the payload gets
// Bedrock's "p" padding field.
std::string event(const std::string& event_type, nlohmann::json payload);
// An exception frame (:message-type exception, :exception-type) with {"message": ...}.
std::string exception(const std::string& exception_type, const std::string& message);
// A stream reply: one HTTP chunk per element.
Reply stream(std::vector<std::string> frames, bool drop_connection = false);
// messageStart, contentBlockDelta per piece, contentBlockStop, messageStop, metadata (unless left out).
std::vector<std::string> text_frames(const std::vector<std::string>& pieces,
                                     const std::string& stop_reason = "end_turn", bool send_stop = true,
                                     bool send_metadata = true);
Reply stream_text(const std::vector<std::string>& pieces, const std::string& stop_reason = "end_turn");
// Per tool: contentBlockStart with toolUse {toolUseId "tooluse_<i>", name}, one delta per input fragment,
// contentBlockStop; then messageStop "tool_use" and metadata. Text first when given.
Reply stream_tool_use(const std::vector<std::pair<std::string, std::vector<std::string>>>& name_and_fragments,
                      const std::string& text = "");

// --- errors and embeddings ---
// AWS restJson1 error: {"message": ...} with x-amzn-ErrorType
// "<type>:http://internal.amazon.com/coral/com.amazon.bedrock/".
Reply error(int status, const std::string& error_type, const std::string& message);
Reply titan_embedding(const std::vector<float>& vector, int input_tokens = 3);
// Cohere on Bedrock: {"embeddings": [[...]]} (v3, embeddings_floats) or {"embeddings": {"float": [[...]]}} (v4).
Reply cohere_embeddings(const std::vector<std::vector<float>>& vectors, bool by_type = false);
Reply malformed_json();

}  // namespace llmgate::testing::bedrock
