// A model that spent its whole output budget before producing any output has failed: IncompleteResponseError.
#pragma once

#include <string>
#include <string_view>

#include "llmgate/errors.hpp"
#include "llmgate/types.hpp"

namespace llmgate::inline v1::detail {

// How a provider names its budget and says it ran out, for the error's message.
struct OutputBudget {
    std::string_view name;    // the request field that set it: "max_tokens", "maxOutputTokens", ...
    std::string_view reason;  // how the reply said so: "finish_reason \"length\"", "stopReason \"max_tokens\"", ...
    // The hidden tokens the buffered message counts ("thinking", "reasoning"), or "" for none.
    std::string_view hidden_tokens = {};
    // Whether a stream's error uses the buffered reply's wording too (Anthropic's does).
    bool stream_says_as_buffered = false;
};

// A buffered reply that stopped for its budget ("length") with no text and no tool call.
bool spent_before_output(const CompletionResponse& reply);

// For a buffered reply: finish_reason "length" with no text and no tool call throws IncompleteResponseError
// with the reply's usage, `where` (provider, model, status, request id) and the message "the model hit
// <name> before producing any output (<reason>[; <n> <hidden_tokens> tokens]): raise max_tokens".
void check_reply_budget(const CompletionResponse& reply, ErrorInfo where, const OutputBudget& budget);

// For a stream that ended cleanly: the unified `finish_reason` "length" without any output seen throws
// IncompleteResponseError with `usage` (status 200): "the model hit <name> before producing any output
// (<reason>)", or the buffered wording when `stream_says_as_buffered`.
void check_stream_budget(const std::string& provider, const std::string& model, const std::string& finish_reason,
                         bool saw_output, const Usage& usage, const OutputBudget& budget);

}  // namespace llmgate::inline v1::detail
