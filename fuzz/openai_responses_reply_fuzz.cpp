// Fuzz target for openai_responses_parse: any Response body gives a CompletionResponse or a llmgate::Error,
// and the parsed reply can be replayed as the next turn's input items.
#include <cstddef>
#include <cstdint>
#include <string>

#include "llmgate/errors.hpp"
#include "providers/openai_responses.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    try {
        const llmgate::CompletionResponse r = llmgate::detail::openai_responses_parse("openai-responses", body);
        (void)r.text();
        (void)r.reasoning();
        (void)llmgate::response_to_json(r).dump();
        // What a tool loop does next: the reply's message (reasoning items and calls included) sent back.
        if (!r.choices.empty()) {
            llmgate::detail::ChatRequest next{.model = "gpt-5-mini",
                                              .messages = {llmgate::Message::user("hi"), r.choices[0].message}};
            (void)llmgate::detail::openai_responses_body(next, false).dump();
        }
    } catch (const llmgate::Error&) {
        // The documented answer to a malformed reply.
    }
    return 0;
}
