// The OpenAI Responses API wire format (POST /v1/responses), behind the same unified types as chat
// completions: request body, buffered reply and typed SSE events. Used by OpenAI and Azure OpenAI
// (OpenAICompatibleProvider::uses_responses_api) for `openai-responses/...`, `azure-responses/...` and the
// models that exist only there. Field names and shapes follow openai-python src/openai/types/responses/.
#pragma once

#include <memory>
#include <string>

#include "providers/provider.hpp"
#include "providers/stream_decoder.hpp"

namespace llmgate::inline v1::detail {

// Models OpenAI serves only on the Responses API (chat completions answers 404 "This model is only
// supported in v1/responses"): the pro reasoning models (o1-pro, o3-pro, gpt-5-pro, gpt-5.x-pro), every
// codex model, the deep-research models and computer-use-preview; dated snapshots included.
bool openai_responses_only_model(const std::string& model);

// Models that reason, and so take `reasoning` and return reasoning items: the o-series, gpt-5 and later
// families, and the Responses-only models above apart from computer-use-preview.
bool openai_responses_reasoning_model(const std::string& model);

// The POST /responses body for `request`, before Options::extra is merged in. Stateless unless the caller
// asks otherwise (store false, the whole conversation sent as input items, reasoning items replayed with
// their encrypted_content); with Options::previous_response_id only the messages after the last assistant
// turn are sent. The first message, when it is a system or developer message, becomes `instructions`.
// Throws InvalidRequestError for what the API cannot take (stop sequences, seed, a role it has no item for).
json openai_responses_body(const ChatRequest& request, bool stream);

// A Response object → the unified response. Output text joined across message items; function_call
// items → tool calls (id = call_id); reasoning summaries and reasoning text → Message::reasoning; the
// reasoning items themselves (id, summary, encrypted_content) kept in provider_data {"openai_responses":
// {"reasoning": [...]}} for the next turn; a refusal in provider_data {"refusal"}. status "incomplete"
// maps to finish_reason "length" / "content_filter"; status "failed" throws ProviderAPIError.
CompletionResponse openai_responses_parse(const std::string& provider, std::string body);

// ResponseUsage → Usage (input_tokens include cached ones, as prompt_tokens does).
Usage openai_responses_usage(const json& usage);

// Decoder for the typed SSE events (response.created … response.completed). The finish chunk carries the
// usage, the assembled tool calls and the provider_data the buffered reply carries.
std::unique_ptr<StreamDecoder> make_openai_responses_stream_decoder(std::string provider, std::string model);

}  // namespace llmgate::inline v1::detail
