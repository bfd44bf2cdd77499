// USD from usage and a price: the one formula every provider's usage fits, because the adapters normalise
// usage to OpenAI's meaning (cached and cache-write tokens inside prompt_tokens, reasoning inside
// completion_tokens). Counting cached tokens apart from prompt_tokens here would bill them twice (the
// Gemini cache-hit error other libraries made); leaving Anthropic's out of prompt_tokens would bill them
// not at all.
#include <algorithm>

#include "llmgate/batch.hpp"
#include "llmgate/cost.hpp"
#include "llmgate/tools.hpp"

namespace llmgate::inline v1 {
namespace {

constexpr double kPerMillion = 1e-6;

double tokens(std::int64_t n) { return static_cast<double>(std::max<std::int64_t>(0, n)); }

}  // namespace

double cost_of(const Usage& u, const ModelPrice& price) {
    const bool long_context = price.above_tokens > 0 && u.prompt_tokens > price.above_tokens;
    const double input = long_context && price.input_above ? *price.input_above : price.input;
    const double output = long_context && price.output_above ? *price.output_above : price.output;
    double cached = price.cached_input.value_or(input);
    if (long_context && price.cached_input_above) cached = *price.cached_input_above;
    const double write = price.cache_write.value_or(input);
    const double reasoning = long_context ? output : price.reasoning.value_or(output);

    // Counts a provider reports inconsistently (cached > prompt) never make a part negative.
    const std::int64_t cached_n = std::min(u.cached_tokens, u.prompt_tokens);
    const std::int64_t write_n = std::min(u.cache_creation_tokens, u.prompt_tokens - cached_n);
    const std::int64_t plain_in = u.prompt_tokens - cached_n - write_n;
    const std::int64_t reasoning_n = std::min(u.reasoning_tokens, u.completion_tokens);
    const std::int64_t plain_out = u.completion_tokens - reasoning_n;
    return (tokens(plain_in) * input + tokens(cached_n) * cached + tokens(write_n) * write +
            tokens(plain_out) * output + tokens(reasoning_n) * reasoning) *
           kPerMillion;
}

std::optional<double> cost(const CompletionResponse& r) {
    const auto price = price_of(r.provider, r.model);
    if (!price) return std::nullopt;
    return cost_of(r.usage, *price);
}

std::optional<double> cost(const EmbeddingResponse& r) {
    const auto price = price_of(r.provider, r.model);
    if (!price) return std::nullopt;
    Usage input_only = r.usage;
    input_only.completion_tokens = 0;
    input_only.reasoning_tokens = 0;
    return cost_of(input_only, *price);
}

std::optional<double> cost(const BatchResult& batch) {
    double total = 0;
    for (const auto& r : batch.results) {
        if (!r) continue;  // a failed request was not billed by llmgate's count
        const auto c = cost(*r);
        if (!c) return std::nullopt;
        total += *c;
    }
    return total;
}

std::optional<double> cost(const ToolRunResult& run) {
    double total = 0;
    for (const ToolStep& step : run.steps) {
        const auto c = cost(step.response);
        if (!c) return std::nullopt;
        total += *c;
    }
    return total;
}

}  // namespace llmgate::inline v1
