// What the Responses API's buffered reply and its stream share: reading output items, the finish reason,
// the data a later turn replays, and the errors a 200 reply or event can carry.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "llmgate/types.hpp"

namespace llmgate::inline v1::detail {

// The Responses API's part of a message's provider_data ({"openai_responses": {...}}), or nullptr.
const nlohmann::json* responses_replay_data(const Message& m);

// The array at `key` of an object, or nullptr when it is absent or not an array.
const nlohmann::json* object_at_key_array(const nlohmann::json& j, const char* key);

// A reasoning item's summary texts and reasoning texts appended to `reasoning`, parts separated by a blank
// line (the stream inserts the same separator between parts, so both forms give the same text).
void append_reasoning_text(const nlohmann::json& item, std::string& reasoning);

// What a later turn needs of a reasoning item: id, summary and encrypted_content (response_reasoning_item_param.py).
nlohmann::json reasoning_for_replay(const nlohmann::json& item);

// The unified finish reason of a Response object: incomplete_details.reason max_output_tokens → "length",
// content_filter → "content_filter"; otherwise "tool_calls" when it called tools, else "stop".
std::string responses_finish_reason(const nlohmann::json& response, bool called_tools);

// provider_data for the assistant turn: {"openai_responses": replay} when there is anything to replay, and
// {"refusal": text} where the structured-output layer looks for a refusal; null when neither.
nlohmann::json responses_provider_data(nlohmann::json replay, const std::string& refusal);

// A Response whose status is "failed" (response.error {code, message}), or an `error` stream event
// ({code, message, param}): rate_limit_exceeded → RateLimitError, anything else ProviderAPIError (status 200).
[[noreturn]] void throw_response_failure(const std::string& provider, const std::string& model,
                                         const nlohmann::json& response, const std::string& body);
[[noreturn]] void throw_error_event(const std::string& provider, const std::string& model,
                                    const nlohmann::json& event, const std::string& data);

}  // namespace llmgate::inline v1::detail
