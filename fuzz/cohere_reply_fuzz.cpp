// Fuzz target for the Cohere v2 buffered parsers: any /v2/chat or /v2/embed body gives a result or a llmgate::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "llmgate/errors.hpp"
#include "providers/cohere.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    try {
        const llmgate::CompletionResponse r = llmgate::detail::cohere_parse_chat(body);
        // What a caller does next with a parsed reply (the CLI's --json among them) must hold up too.
        (void)r.text();
        (void)r.reasoning();
        (void)r.tool_calls();
        (void)llmgate::response_to_json(r).dump();
    } catch (const llmgate::Error&) {
        // The documented answer to a malformed reply.
    }
    try {
        const llmgate::EmbeddingResponse e = llmgate::detail::cohere_parse_embed(body);
        (void)llmgate::embedding_response_to_json(e).dump();
    } catch (const llmgate::Error&) {
    }
    return 0;
}
