// Builders for OpenAI Responses API replies (POST /v1/responses): Response objects and the typed SSE events,
// shaped as openai-python's types/responses/ describe them.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fake_server.hpp"

namespace llmgate::testing::openai_responses {

// {input_tokens:12, input_tokens_details:{cached_tokens:4, cache_write_tokens:0}, output_tokens:7,
//  output_tokens_details:{reasoning_tokens:3}, total_tokens:19}
nlohmann::json default_usage();

// Output items.
nlohmann::json message_item(const std::string& text, const std::string& id = "msg_fake0001");
nlohmann::json function_call_item(const std::string& call_id, const std::string& name, const std::string& arguments);
// A reasoning item with one summary_text part and an encrypted_content blob.
nlohmann::json reasoning_item(const std::string& id, const std::string& summary, const std::string& encrypted);

// A Response object (status "completed" unless told) with these output items.
nlohmann::json response(nlohmann::json output, const std::string& model = "gpt-5-mini",
                        nlohmann::json usage = default_usage(), const std::string& status = "completed",
                        nlohmann::json incomplete_details = nullptr);
Reply reply(nlohmann::json response_object);

// One typed SSE event: "event: <type>\ndata: <json with sequence_number>\n\n".
std::string event(const nlohmann::json& data);

// The event stream of a response whose output is `output`, produced the way the API streams it: created,
// in_progress, then per item output_item.added, its deltas (text pieces of each message item split in
// `pieces_per_text` parts; reasoning summaries as summary_text deltas; arguments in two delta halves),
// output_item.done; then response.completed (or .incomplete when `final_response` says so).
Reply stream(const nlohmann::json& final_response, int pieces_per_text = 2);

}  // namespace llmgate::testing::openai_responses
