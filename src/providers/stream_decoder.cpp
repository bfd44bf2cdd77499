// Assembles streamed tool-call fragments into complete tool calls.
#include "providers/stream_decoder.hpp"

#include "llmgate/errors.hpp"

namespace llmgate::inline v1::detail {

void stream_cut_short(const std::string& provider, const std::string& model, std::string_view missing_end) {
    throw ResponseParseError(
        ErrorInfo{.provider = provider,
                  .model = model,
                  .status = 200,
                  .message = "stream ended " + std::string(missing_end) + ": the reply is incomplete"});
}

void check_budget_not_spent(const std::string& provider, const std::string& model, const std::string& finish_reason,
                            bool saw_output, const Usage& usage, std::string_view budget, std::string_view reason) {
    if (finish_reason != "length" || saw_output) return;
    throw IncompleteResponseError(ErrorInfo{.provider = provider,
                                            .model = model,
                                            .status = 200,
                                            .message = "the model hit " + std::string(budget) +
                                                       " before producing any output (" + std::string(reason) + ")"},
                                  finish_reason, usage);
}

void ToolCallAssembler::add(const ToolCallDelta& d) {
    Partial& p = calls_[d.index];
    if (!d.id.empty()) p.id = d.id;
    if (p.function.empty()) p.function = d.function;  // some servers repeat the name on every fragment
    p.arguments += d.arguments;
}

std::vector<ToolCall> ToolCallAssembler::build() const {
    std::vector<ToolCall> out;
    out.reserve(calls_.size());
    for (const auto& [index, p] : calls_) {
        ToolCall tc;
        tc.id = p.id;
        tc.function = p.function;
        tc.arguments_raw = p.arguments.empty() ? "{}" : p.arguments;
        tc.arguments = json::parse(tc.arguments_raw, nullptr, false);
        if (tc.arguments.is_discarded()) tc.arguments = nullptr;
        out.push_back(std::move(tc));
    }
    return out;
}

}  // namespace llmgate::detail
