// Fuzz target for the OpenAI-compatible SSE stream decoder: bad bytes throw llmgate::Error, cuts change
// nothing, and the fast path (simdjson, src/providers/openai_fast_reply.cpp) gives exactly what the full
// path gives: same chunks, same error.
#include <cstddef>
#include <cstdint>

#include "providers/openai_compatible.hpp"
#include "stream_decoder_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return llmgate::fuzz::check_stream_decoder(
        data, size, [] { return llmgate::detail::make_openai_stream_decoder("openai", "gpt-4o-mini"); },
        [&](const llmgate::fuzz::StreamOutcome& fast) {
            auto make_full = [] { return llmgate::detail::make_openai_stream_decoder("openai", "gpt-4o-mini", false); };
            const std::string_view input(reinterpret_cast<const char*>(data), size);
            const llmgate::fuzz::StreamOutcome full = llmgate::fuzz::decode_stream(make_full, {input});
            LLMGATE_FUZZ_CHECK(fast.error == full.error);
            LLMGATE_FUZZ_CHECK(fast.chunks.size() == full.chunks.size());
            for (std::size_t i = 0; i < fast.chunks.size(); ++i)
                LLMGATE_FUZZ_CHECK(llmgate::fuzz::same_chunk(fast.chunks[i], full.chunks[i]));
        });
}
