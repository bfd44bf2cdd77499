// Options::reasoning_effort / reasoning_budget_tokens read once, in the words every adapter maps from.
// What each provider receives for each value is tabled in docs/reasoning.md; keep the two in step.
#pragma once

#include <optional>
#include <string>

#include "llmgate/options.hpp"

namespace llmgate::inline v1::detail {

enum class Effort { none, minimal, low, medium, high };

// What the caller asked for: an effort, a budget, both or neither (both unset = the model's default).
struct Reasoning {
    std::optional<Effort> effort{};
    std::optional<int> budget{};  // reasoning_budget_tokens, >= 0

    bool requested() const { return effort.has_value() || budget.has_value(); }
    // "none", or a budget of 0: the caller wants no reasoning.
    bool off() const { return budget ? *budget == 0 : effort == Effort::none; }
};

// The two options checked and read. An effort outside "none|minimal|low|medium|high" or a negative budget is
// InvalidRequestError naming the option (dispatch calls this before any adapter runs, so nothing is sent).
Reasoning requested_reasoning(const Options& options, const std::string& provider = {}, const std::string& model = {});

// "none" | "minimal" | "low" | "medium" | "high".
const char* effort_name(Effort effort);

// The token budget an effort stands for where a provider takes only a budget (Anthropic and Bedrock Claude
// before adaptive thinking, Gemini 2.x, Cohere): minimal 1024 (Anthropic's least), low 2048, medium 8192,
// high 24576; none 0.
int effort_budget(Effort effort);

// The effort a budget stands for where a provider takes only levels: 0 none, 1-4095 low, 4096-16383 medium,
// 16384 and more high (never "minimal", which few models take).
Effort budget_effort(int budget);

// The effort to send where a provider takes only levels: the caller's effort, else the budget's.
Effort effort_or_budget(const Reasoning& r);

}  // namespace llmgate::inline v1::detail
