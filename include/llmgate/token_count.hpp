// How many tokens a conversation is, before sending it: exact where the provider has a counting API
// (Anthropic, Gemini), OpenAI's cookbook convention with the exact local tokeniser for the OpenAI family,
// an estimate elsewhere.
#pragma once

#include <cstdint>
#include <string>

#include "llmgate/arguments.hpp"
#include "llmgate/options.hpp"

namespace llmgate::inline v1 {

struct TokenCount {
    std::int64_t n = 0;
    // True when the provider counted (Anthropic /v1/messages/count_tokens, Gemini :countTokens) or when the
    // OpenAI cookbook convention was applied with the model's own encoding (OpenAI, Azure). False for an
    // estimate: other providers' tokenisers are not OpenAI's, so their counts are o200k_base's.
    bool exact = false;
    // "provider_api" | "openai_cookbook" | "estimate_o200k_base"
    std::string method{};
};

// The prompt tokens of `messages` (and options.tools, options.response_format where the provider counts
// them) for `models` (its first model when a chain). Anthropic and Gemini are asked over HTTP with the
// same request the completion would send (their errors are thrown typed, as a completion's). OpenAI-family
// models are counted locally by OpenAI's cookbook convention (3 tokens per message, 1 per name, 3 to prime
// the reply, and the cookbook's accounting of function definitions): a convention that matches the API's
// prompt_tokens for plain chat, documented in docs/tokens.md. Image parts are not counted.
TokenCount count_tokens(Models models, Messages messages, Options options = {});

}  // namespace llmgate::inline v1
