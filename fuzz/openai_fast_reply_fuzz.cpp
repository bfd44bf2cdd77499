// Differential fuzz target for the fast OpenAI reply mapper: whenever it accepts a body, the full
// nlohmann mapper must accept it too and give the same response, field for field. (Declining is always
// allowed: the full mapper then decides.)
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "llmgate/errors.hpp"
#include "providers/openai_compatible.hpp"
#include "providers/openai_fast_reply.hpp"

namespace {

using namespace llmgate;

bool same_usage(const Usage& a, const Usage& b) {
    return a.prompt_tokens == b.prompt_tokens && a.completion_tokens == b.completion_tokens &&
           a.total_tokens == b.total_tokens && a.cached_tokens == b.cached_tokens &&
           a.cache_creation_tokens == b.cache_creation_tokens && a.reasoning_tokens == b.reasoning_tokens;
}

bool same_call(const ToolCall& a, const ToolCall& b) {
    return a.id == b.id && a.type == b.type && a.function == b.function && a.arguments_raw == b.arguments_raw &&
           a.arguments == b.arguments;
}

// Replies map content to a string; parts (which have no ==) would be a mismatch in themselves.
bool same_content(const Message& a, const Message& b) {
    const auto* x = std::get_if<std::string>(&a.content);
    const auto* y = std::get_if<std::string>(&b.content);
    return x != nullptr && y != nullptr && *x == *y;
}

bool same_message(const Message& a, const Message& b) {
    if (a.role != b.role || !same_content(a, b) || a.reasoning != b.reasoning || a.provider_data != b.provider_data ||
        a.tool_call_id != b.tool_call_id || a.name != b.name || a.tool_calls.size() != b.tool_calls.size())
        return false;
    for (std::size_t i = 0; i < a.tool_calls.size(); ++i)
        if (!same_call(a.tool_calls[i], b.tool_calls[i])) return false;
    return true;
}

bool same_response(const CompletionResponse& a, const CompletionResponse& b) {
    if (a.id != b.id || a.model != b.model || a.provider != b.provider || a.finish_reason != b.finish_reason ||
        !same_usage(a.usage, b.usage) || a.choices.size() != b.choices.size())
        return false;
    for (std::size_t i = 0; i < a.choices.size(); ++i) {
        const Choice& x = a.choices[i];
        const Choice& y = b.choices[i];
        if (x.index != y.index || x.finish_reason != y.finish_reason || !same_message(x.message, y.message))
            return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    const auto fast = llmgate::detail::openai_parse_chat_fast("openai", body);
    if (!fast) return 0;
    try {
        const CompletionResponse full = llmgate::detail::openai_parse_chat_full("openai", body);
        LLMGATE_FUZZ_CHECK(same_response(*fast, full));
    } catch (const llmgate::Error&) {
        LLMGATE_FUZZ_CHECK(!"the fast mapper accepted a reply the full mapper rejects");
    }
    return 0;
}
