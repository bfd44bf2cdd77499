// Counting a conversation locally by OpenAI's cookbook convention, message by message (the count is a sum,
// so trim_to_fit counts each message once).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "llmgate/tokens.hpp"
#include "llmgate/types.hpp"

namespace llmgate::inline v1::detail {

inline constexpr std::int64_t kReplyPriming = 3;  // <|start|>assistant<|message|>

struct LocalCounter {
    const Encoding* encoding;
    bool exact;  // the model's own encoding (OpenAI family), not an o200k estimate
};

// The encoding for `model_id` on `provider` (its own for the OpenAI family, else o200k_base as an estimate).
LocalCounter local_counter(const std::string& provider, const std::string& model_id);
// One message: 3 + its role, text, tool-call id, calls, and 1 + its name.
std::int64_t message_tokens(const Encoding& enc, const Message& m);
// Function definitions, by the cookbook's num_tokens_for_tools.
std::int64_t definitions_tokens(const Encoding& enc, const std::vector<Tool>& tools);
// Messages + definitions + the reply priming.
std::int64_t local_count(const LocalCounter& counter, const std::vector<Message>& messages, const std::vector<Tool>& tools);

}  // namespace llmgate::inline v1::detail
