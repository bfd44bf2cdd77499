// Fuzz target for the Responses API's typed SSE stream decoder: bad bytes throw llmgate::Error, cuts change nothing.
#include <cstddef>
#include <cstdint>

#include "providers/openai_responses.hpp"
#include "stream_decoder_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return llmgate::fuzz::check_stream_decoder(data, size, [] {
        return llmgate::detail::make_openai_responses_stream_decoder("openai-responses", "gpt-5-mini");
    });
}
