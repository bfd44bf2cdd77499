// Fuzz target for openai_parse_embeddings (float lists and base64 float32): a response or a llmgate::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "llmgate/errors.hpp"
#include "providers/openai_compatible.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    try {
        const llmgate::EmbeddingResponse r = llmgate::detail::openai_parse_embeddings("openai", body);
        // Decoded base64 may hold NaN or infinities; serialising them (the CLI's --json) must not throw.
        (void)llmgate::embedding_response_to_json(r).dump();
    } catch (const llmgate::Error&) {
        // The documented answer to a malformed reply.
    }
    return 0;
}
