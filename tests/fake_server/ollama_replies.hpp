// Builders for Ollama native-API replies (/api/chat buffered and NDJSON-streamed, /api/embed, errors).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fake_server.hpp"

namespace llmgate::testing::ollama {

// A stream:false /api/chat reply: message {role, content[, thinking]}, done:true, done_reason and the
// duration/count metrics Ollama sends (prompt_eval_count, eval_count).
Reply chat_text(const std::string& text, const std::string& model = "llama3.2", const std::string& done_reason = "stop",
                int prompt_eval_count = 26, int eval_count = 298, const std::string& thinking = "");

// A stream:false reply calling tools. Arguments are JSON OBJECTS, as Ollama sends them; with_ids adds
// the "call_xxxxxxxx" ids recent servers generate (older ones send none). done_reason stays "stop".
Reply chat_tool_calls(const std::vector<std::pair<std::string, nlohmann::json>>& name_and_arguments,
                      const std::string& model = "llama3.2", bool with_ids = false);

// One NDJSON line: compact JSON and "\n".
std::string line(const nlohmann::json& object);
// A non-final stream line {model, created_at, message:{role:"assistant", content[, thinking][, tool_calls]},
// done:false}.
nlohmann::json delta_line(const std::string& model, const std::string& content, const std::string& thinking = "",
                          nlohmann::json tool_calls = nullptr);
// The final stream line: empty message, done:true, done_reason and the metrics.
nlohmann::json done_line(const std::string& model, const std::string& done_reason = "stop", int prompt_eval_count = 26,
                         int eval_count = 282);

// An application/x-ndjson reply, one HTTP chunk per element.
Reply ndjson(std::vector<std::string> chunks);

// Streamed text: one line per thinking piece, one per content piece, then (unless send_done is false)
// the done:true line carrying the counts.
Reply stream_text(const std::vector<std::string>& pieces, const std::string& model = "llama3.2", bool send_done = true,
                  const std::vector<std::string>& thinking_pieces = {});

// Streamed tool calls as Ollama sends them: each call complete in its own line (arguments an object),
// then the done line (done_reason "stop").
Reply stream_tool_calls(const std::vector<std::pair<std::string, nlohmann::json>>& name_and_arguments,
                        const std::string& model = "llama3.2");

// Some text lines, then an {"error": "..."} line, as Ollama reports a failure after the 200 went out.
Reply stream_error_midway(const std::vector<std::string>& pieces, const std::string& message,
                          const std::string& model = "llama3.2");

// Ollama's error body {"error": "..."} with the given status.
Reply error(int status, const std::string& message);
// The 404 Ollama sends for a model that is not pulled: "model '<name>' not found".
Reply model_not_found(const std::string& model);

// A /api/embed reply {model, embeddings:[[...]], total_duration, load_duration, prompt_eval_count}.
Reply embeddings(const std::vector<std::vector<double>>& vectors, const std::string& model = "nomic-embed-text",
                 int prompt_eval_count = 8);

// Status 200 with a JSON body cut off mid-object.
Reply malformed_json();

}  // namespace llmgate::testing::ollama
