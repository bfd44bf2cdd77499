// Fuzz target for the OpenAI-compatible SSE stream decoder: bad bytes throw llmgate::Error, cuts change nothing.
#include <cstddef>
#include <cstdint>

#include "providers/openai_compatible.hpp"
#include "stream_decoder_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return llmgate::fuzz::check_stream_decoder(
        data, size, [] { return llmgate::detail::make_openai_stream_decoder("openai", "gpt-4o-mini"); });
}
