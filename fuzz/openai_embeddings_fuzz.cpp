// Fuzz target for openai_parse_embeddings (float lists and base64 float32): a response or a llmgate::Error.
// Differential: wherever the simdjson fast path accepts a reply, the full nlohmann mapper must give the same
// embeddings, model and usage (the fast path declines on anything it cannot map identically).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "llmgate/errors.hpp"
#include "providers/openai_compatible.hpp"
#include "providers/openai_fast_embeddings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string body(reinterpret_cast<const char*>(data), size);
    body.reserve(size + 64);  // the padding the transport reserves
    const auto fast = llmgate::detail::openai_parse_embeddings_fast("openai", body);
    try {
        // Below 64 KiB openai_parse_embeddings itself never takes the fast path: this is the full mapper.
        const llmgate::EmbeddingResponse r = llmgate::detail::openai_parse_embeddings("openai", body);
        // Decoded base64 may hold NaN or infinities; serialising them (the CLI's --json) must not throw.
        (void)llmgate::embedding_response_to_json(r).dump();
        if (fast && (fast->embeddings != r.embeddings || fast->model != r.model ||
                     fast->usage.prompt_tokens != r.usage.prompt_tokens ||
                     fast->usage.total_tokens != r.usage.total_tokens))
            std::abort();  // the two paths disagree
    } catch (const llmgate::Error&) {
        if (fast) std::abort();  // the fast path accepted a reply the full mapper rejects
    }
    return 0;
}
