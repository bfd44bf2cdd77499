// Fuzz target for the Anthropic Messages SSE stream decoder: bad bytes throw llmgate::Error, cuts change nothing.
#include <cstddef>
#include <cstdint>

#include "providers/anthropic.hpp"
#include "stream_decoder_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return llmgate::fuzz::check_stream_decoder(
        data, size, [] { return llmgate::detail::make_anthropic_stream_decoder("claude-sonnet-4-5"); });
}
