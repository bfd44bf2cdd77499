// Fuzz target for the Gemini reply parsers (generateContent, embeddings, error bodies): a result or a llmgate::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "llmgate/errors.hpp"
#include "providers/gemini.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    try {
        const llmgate::CompletionResponse r = llmgate::detail::gemini_parse_chat("gemini-2.5-flash", body);
        (void)r.text();
        (void)r.reasoning();
        (void)r.tool_calls();
        (void)llmgate::response_to_json(r).dump();
        // A parsed reply goes back as history in the next turn: that must hold up too (thoughtSignature replay).
        llmgate::detail::ChatRequest next;
        next.model = "gemini-2.5-flash";
        next.messages = {llmgate::Message::user("hi")};
        for (const auto& c : r.choices) next.messages.push_back(c.message);
        for (const auto& tc : r.tool_calls()) next.messages.push_back(llmgate::Message::tool(tc.id, "{}"));
        (void)llmgate::detail::gemini_chat_body(next).dump();
    } catch (const llmgate::Error&) {
        // The documented answer to a malformed reply.
    }
    for (bool single : {true, false}) {
        try {
            (void)llmgate::detail::gemini_parse_embeddings("gemini-embedding-001", body, single);
        } catch (const llmgate::Error&) {
        }
    }
    (void)llmgate::detail::gemini_retry_delay(body);
    try {
        llmgate::detail::gemini_raise_error("gemini-2.5-flash", 400, {}, body);
    } catch (const llmgate::Error&) {
        // Always throws; only the type matters.
    }
    return 0;
}
