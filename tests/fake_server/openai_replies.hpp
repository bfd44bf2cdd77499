// Builders for OpenAI-compatible wire replies (chat, streaming, tool calls, embeddings, errors).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fake_server.hpp"

namespace llmgate::testing::openai {

// The usage block chat_text sends unless told otherwise.
nlohmann::json default_usage();  // {prompt_tokens:10, completion_tokens:5, total_tokens:15}

// A complete chat.completion object with one assistant text message.
Reply chat_text(const std::string& text, const std::string& model = "gpt-4o-mini", std::string finish_reason = "stop",
                nlohmann::json usage = default_usage());

// A chat.completion whose message refuses a structured-output request: content null and the
// refusal text in message.refusal, as OpenAI sends it for response_format json_schema.
Reply chat_refusal(const std::string& refusal, const std::string& model = "gpt-4o-mini");

// A chat.completion whose message calls tools: ids "call_0", "call_1", ...; arguments are
// JSON text, sent as a string exactly as OpenAI does.
Reply chat_tool_calls(const std::vector<std::pair<std::string, std::string>>& name_and_arguments_json,
                      const std::string& model = "gpt-4o-mini");

// Server-sent-event framing: "data: <compact json>\n\n" and the "data: [DONE]\n\n" terminator.
std::string sse(const nlohmann::json& event);
std::string sse_done();

// A text/event-stream of chat.completion.chunk events, one HTTP chunk per event: a role delta,
// one content delta per piece, a finish_reason "stop" delta, then optionally a usage-only
// event (choices: []) and [DONE].
Reply stream_text(const std::vector<std::string>& pieces, const std::string& model = "gpt-4o-mini",
                  bool include_usage = true, bool send_done = true);

// A streamed tool-call reply: per call, a delta carrying index/id/type/name with empty
// arguments, then one delta per argument fragment; finish_reason "tool_calls"; usage; [DONE].
Reply stream_tool_calls(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& name_and_argument_fragments,
    const std::string& model = "gpt-4o-mini");

// An OpenAI error body {"error":{message,type,param:null,code}}; add retry-after to
// r.headers yourself for 429s.
Reply error(int status, const std::string& message, const std::string& type = "invalid_request_error",
            const std::string& code = "");

// An embeddings list; with base64 each embedding is the base64 of little-endian float32s,
// as OpenAI sends for encoding_format "base64".
Reply embeddings(const std::vector<std::vector<float>>& vectors, const std::string& model = "text-embedding-3-small",
                 bool base64 = false);

// Status 200 with a JSON body cut off mid-array.
Reply malformed_json();

}  // namespace llmgate::testing::openai
