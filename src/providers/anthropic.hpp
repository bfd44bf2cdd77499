// The Anthropic Messages API translation (request body, reply, SSE events), exposed for unit tests and fuzzing.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "providers/provider.hpp"
#include "providers/stream_decoder.hpp"

namespace llmgate::inline v1::detail {

// Sent when the caller gives no max_tokens (the API requires the field). LiteLLM's
// DEFAULT_ANTHROPIC_CHAT_MAX_TOKENS; the Python llmgate sends 1024, too small for extended thinking,
// whose budget_tokens must be at least 1024 and below max_tokens.
inline constexpr int kAnthropicDefaultMaxTokens = 4096;

// What Options::reasoning_effort / reasoning_budget_tokens ask of a Claude model, for the Messages API and for
// Bedrock's Claude (`model` without any "anthropic." or region prefix). The rules, per model family, are
// tabled in docs/reasoning.md:
// - adaptive-thinking models (Opus / Sonnet 4.6 and later, every 5-series family, Mythos, Fable): an effort
//   is thinking {type: "adaptive"} with output_config.effort ("minimal" sent as "low");
// - older thinking models: thinking {type: "enabled", budget_tokens} from the budget, else from the effort
//   (toolkit/reasoning.hpp effort_budget), plus output_config.effort where the model takes it (Opus 4.5);
// - "none" or a budget of 0: thinking {type: "disabled"} up to the 4.6 models; nothing for Opus 4.7 and the
//   5-series (which think only when asked, and may refuse "disabled") and for models before Claude 3.7 (which
//   never think); Mythos and Fable, which cannot turn thinking off, get adaptive thinking at effort "low".
// budget_tokens must be at least 1024 and below max_tokens (ThinkingConfigEnabledParam): a caller's budget
// that is not is InvalidRequestError; a budget derived from an effort is cut to half the caller's max_tokens;
// without a caller max_tokens the request's is raised to budget + 4096 when the default would not fit.
struct ClaudeThinking {
    json thinking{};                  // null: send no `thinking`
    std::string effort{};             // "": send no output_config.effort
    std::optional<int> max_tokens{};  // set: the max_tokens the request must carry
};
ClaudeThinking claude_thinking(const Options& options, const std::string& model, const std::string& provider,
                               int default_max_tokens);

// The POST /v1/messages body for `request`, before Options::extra is merged in.
json anthropic_chat_body(const ChatRequest& request, bool stream);

// Whether `model` takes structured outputs (output_config.format): Claude Sonnet 4.5, Opus 4.1,
// Haiku 4.5 and every later model. Claude has no JSON mode without a schema.
bool anthropic_supports_structured_output(const std::string& model);

// A JSON schema rewritten the way anthropic-sdk-python's lib/_parse/_transform.py transform_schema
// prepares one for output_config.format: every object gets additionalProperties:false, oneOf becomes
// anyOf, and keywords the API does not enforce (minimum, maxLength, pattern, ...) are moved into the
// description so the model still reads them. Nesting deeper than 64 levels is left as given.
json anthropic_output_schema(const json& schema);

// A Messages API reply → the unified response (provider "anthropic"). Throws ResponseParseError.
CompletionResponse anthropic_parse_chat(std::string body);

// Anthropic's usage block → unified Usage (prompt_tokens = input + cache_read + cache_creation).
Usage anthropic_parse_usage(const json& usage);

// stop_reason → unified finish reason ("stop", "length", "tool_calls", "content_filter", else as sent).
std::string anthropic_finish_reason(const std::string& stop_reason);

// Decoder for the Messages API's SSE stream (message_start … message_stop). The finish chunk carries
// provider_data {"anthropic":{"content":[thinking / redacted_thinking blocks]}} when there were any.
std::unique_ptr<StreamDecoder> make_anthropic_stream_decoder(std::string model);

}  // namespace llmgate::detail
