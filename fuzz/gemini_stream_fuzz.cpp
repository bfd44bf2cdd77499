// Fuzz target for the Gemini SSE stream decoder: bad bytes throw llmgate::Error, cuts change nothing.
#include <cstddef>
#include <cstdint>

#include "providers/gemini.hpp"
#include "stream_decoder_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return llmgate::fuzz::check_stream_decoder(
        data, size, [] { return llmgate::detail::make_gemini_stream_decoder("gemini-2.5-flash"); });
}
