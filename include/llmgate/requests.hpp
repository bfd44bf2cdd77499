// One call as a value: what middleware sees, what batch() takes, what a cache keys on.
#pragma once

#include <string>
#include <vector>

#include "llmgate/options.hpp"
#include "llmgate/types.hpp"

namespace llmgate::inline v1 {

// completion(model, messages, options) as one value (Python's CompletionRequest).
struct CompletionRequest {
    std::string model{};
    std::vector<Message> messages{};
    Options options{};
};

// embed(model, inputs, options) as one value. `single_input` records that the caller passed one string
// (sent as a string, as the official SDKs do) rather than a list.
struct EmbeddingRequest {
    std::string model{};
    std::vector<std::string> inputs{};
    EmbedOptions options{};
    bool single_input = false;
};

}  // namespace llmgate::inline v1
