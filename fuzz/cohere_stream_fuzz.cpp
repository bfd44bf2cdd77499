// Fuzz target for the Cohere v2 SSE stream decoder: bad bytes throw llmgate::Error, cuts change nothing.
#include <cstddef>
#include <cstdint>

#include "providers/cohere.hpp"
#include "stream_decoder_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return llmgate::fuzz::check_stream_decoder(
        data, size, [] { return llmgate::detail::make_cohere_stream_decoder("command-a-03-2025"); });
}
