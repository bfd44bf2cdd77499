// What a call cost, in USD, from its usage and a dated price table of the common models of every provider.
//
//   auto r = llmgate::completion("gpt-4o-mini", messages);
//   if (auto usd = llmgate::cost(r)) std::cout << *usd << " USD\n";   // nullopt: no price for the model
//
// Usage is llmgate's (llmgate/types.hpp): prompt_tokens includes cached_tokens and cache_creation_tokens on
// every provider (the adapters normalise Anthropic's and Bedrock's separate counts into it), and
// completion_tokens includes reasoning_tokens. So the bill is, per million tokens:
//   (prompt - cached - cache_creation) × input + cached × cached_input + cache_creation × cache_write
//   + (completion - reasoning) × output + reasoning × (reasoning price, else output)
// A model with a long-context tier (Gemini 2.5 Pro, Claude Sonnet 4/4.5 with the 1M context) bills the
// whole request at the higher rates when its prompt is over the tier's threshold, as those providers do.
// See docs/cost.md for the table's sources and date.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llmgate/types.hpp"

namespace llmgate::inline v1 {

struct BatchResult;    // llmgate/batch.hpp
struct ToolRunResult;  // llmgate/tools.hpp

// USD per million tokens. An unset cached / cache-write / reasoning price bills those tokens as input /
// input / output.
struct ModelPrice {
    double input = 0;
    double output = 0;
    std::optional<double> cached_input{};
    std::optional<double> cache_write{};
    std::optional<double> reasoning{};
    // Long-context tier: when prompt_tokens > above_tokens (and above_tokens > 0), these replace the rates
    // above for the whole request.
    std::int64_t above_tokens = 0;
    std::optional<double> input_above{};
    std::optional<double> output_above{};
    std::optional<double> cached_input_above{};
};

// The price of `model` on `provider` ("openai", "anthropic", ...; empty = told by the model string), or
// nullopt when neither the built-in table nor an override has it. Names are matched as providers return
// them: a date suffix ("gpt-4o-mini-2024-07-18", "claude-haiku-4-5-20251001"), "-latest", Gemini's
// "models/", Bedrock's region prefixes ("us.", "eu.", "global.") and a provider prefix ("groq/...") are
// all understood. Azure deployments are priced by the model the reply names (OpenAI's list prices).
std::optional<ModelPrice> price_of(std::string_view provider, std::string_view model);

// Overrides, at run time, for every thread: a price for one model (provider may be empty: any provider).
void set_price(std::string_view provider, std::string_view model, ModelPrice price);
// Loads overrides from JSON: {"<provider>/<model>" or "<model>": {"input": 2.5, "output": 10,
// "cached_input": 1.25, "cache_write": 3.75, "reasoning": 10, "above_tokens": 200000, "input_above": 5,
// "output_above": 15, "cached_input_above": 2.5}} (per million tokens). Throws InvalidRequestError naming
// the entry when it is malformed; nothing is applied then.
void load_prices(const json& prices);
void load_prices_file(const std::string& path);
// Forgets every override (the built-in table stays).
void clear_price_overrides();
// The date the built-in table was last checked against the providers' price pages ("2026-12-07").
std::string_view price_table_date();

// USD for `usage` at `price`.
double cost_of(const Usage& usage, const ModelPrice& price);
// USD for one reply (its provider and model decide the price), or nullopt when the model has no price.
std::optional<double> cost(const CompletionResponse& response);
// USD for embeddings (input tokens only).
std::optional<double> cost(const EmbeddingResponse& response);
// The sum over every reply of a batch / every step of a tool run; nullopt if any reply has no price
// (never a partial sum presented as the total).
std::optional<double> cost(const BatchResult& batch);
std::optional<double> cost(const ToolRunResult& run);

}  // namespace llmgate::inline v1
