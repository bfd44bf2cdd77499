// Fuzz target for anthropic_parse_chat: any reply body gives a CompletionResponse or a llmgate::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "llmgate/errors.hpp"
#include "providers/anthropic.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    try {
        const llmgate::CompletionResponse r = llmgate::detail::anthropic_parse_chat(body);
        // What a caller does next with a parsed reply (the CLI's --json, replaying it as history) must hold up too.
        (void)r.text();
        (void)r.reasoning();
        (void)llmgate::response_to_json(r).dump();
        if (!r.choices.empty()) {
            llmgate::detail::ChatRequest next{.model = "claude-sonnet-4-5",
                                              .messages = {llmgate::Message::user("hi"), r.choices[0].message}};
            (void)llmgate::detail::anthropic_chat_body(next, false).dump();
        }
    } catch (const llmgate::Error&) {
        // The documented answer to a malformed reply.
    }
    return 0;
}
