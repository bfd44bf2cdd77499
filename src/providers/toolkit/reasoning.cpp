// Options::reasoning_effort / reasoning_budget_tokens read once, in the words every adapter maps from.
#include "providers/toolkit/reasoning.hpp"

#include "providers/toolkit/adapter_errors.hpp"

namespace llmgate::inline v1::detail {

Reasoning requested_reasoning(const Options& o, const std::string& provider, const std::string& model) {
    Reasoning r;
    if (!o.reasoning_effort.empty()) {
        for (Effort e : {Effort::none, Effort::minimal, Effort::low, Effort::medium, Effort::high})
            if (o.reasoning_effort == effort_name(e)) r.effort = e;
        if (!r.effort)
            invalid_request(provider, model,
                            "options.reasoning_effort \"" + o.reasoning_effort +
                                "\" is not one of none, minimal, low, medium, high");
    }
    if (o.reasoning_budget_tokens) {
        if (*o.reasoning_budget_tokens < 0)
            invalid_request(provider, model,
                            "options.reasoning_budget_tokens must be 0 (no reasoning) or more, not " +
                                std::to_string(*o.reasoning_budget_tokens));
        r.budget = *o.reasoning_budget_tokens;
    }
    return r;
}

const char* effort_name(Effort effort) {
    switch (effort) {
        case Effort::none:
            return "none";
        case Effort::minimal:
            return "minimal";
        case Effort::low:
            return "low";
        case Effort::medium:
            return "medium";
        case Effort::high:
            return "high";
    }
    return "medium";
}

int effort_budget(Effort effort) {
    switch (effort) {
        case Effort::none:
            return 0;
        case Effort::minimal:
            return 1024;
        case Effort::low:
            return 2048;
        case Effort::medium:
            return 8192;
        case Effort::high:
            return 24576;
    }
    return 8192;
}

Effort budget_effort(int budget) {
    if (budget <= 0) return Effort::none;
    if (budget < 4096) return Effort::low;
    if (budget < 16384) return Effort::medium;
    return Effort::high;
}

Effort effort_or_budget(const Reasoning& r) {
    if (r.effort) return *r.effort;
    return budget_effort(r.budget.value_or(0));
}

}  // namespace llmgate::inline v1::detail
