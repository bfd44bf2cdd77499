// Fuzz target for openai_parse_chat: any reply body gives a CompletionResponse or a llmgate::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "llmgate/errors.hpp"
#include "providers/openai_compatible.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    try {
        const llmgate::CompletionResponse r = llmgate::detail::openai_parse_chat("openai", body);
        // What a caller does next with a parsed reply (the CLI's --json among them) must hold up too.
        (void)r.text();
        (void)r.reasoning();
        (void)r.tool_calls();
        (void)llmgate::response_to_json(r).dump();
    } catch (const llmgate::Error&) {
        // The documented answer to a malformed reply.
    }
    return 0;
}
