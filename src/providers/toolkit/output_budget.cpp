// A model that spent its whole output budget before producing any output has failed: IncompleteResponseError.
#include "providers/toolkit/output_budget.hpp"

namespace llmgate::inline v1::detail {
namespace {

std::string buffered_message(const OutputBudget& budget, const Usage& usage) {
    std::string m =
        "the model hit " + std::string(budget.name) + " before producing any output (" + std::string(budget.reason);
    if (!budget.hidden_tokens.empty())
        m += "; " + std::to_string(usage.reasoning_tokens) + " " + std::string(budget.hidden_tokens) + " tokens";
    return m + "): raise max_tokens";
}

}  // namespace

bool spent_before_output(const CompletionResponse& reply) {
    return reply.finish_reason == "length" && reply.text().empty() && reply.tool_calls().empty();
}

void check_reply_budget(const CompletionResponse& reply, ErrorInfo where, const OutputBudget& budget) {
    if (!spent_before_output(reply)) return;
    where.message = buffered_message(budget, reply.usage);
    throw IncompleteResponseError(std::move(where), reply.finish_reason, reply.usage);
}

void check_stream_budget(const std::string& provider, const std::string& model, const std::string& finish_reason,
                         bool saw_output, const Usage& usage, const OutputBudget& budget) {
    if (finish_reason != "length" || saw_output) return;
    std::string message = budget.stream_says_as_buffered
                              ? buffered_message(budget, usage)
                              : "the model hit " + std::string(budget.name) + " before producing any output (" +
                                    std::string(budget.reason) + ")";
    throw IncompleteResponseError(
        ErrorInfo{.provider = provider, .model = model, .status = 200, .message = std::move(message)}, finish_reason,
        usage);
}

}  // namespace llmgate::inline v1::detail
