// Fuzz target for the Bedrock ConverseStream decoder (AWS binary event stream): bad bytes throw llmgate::Error, cuts
// change nothing.
#include <cstddef>
#include <cstdint>

#include "providers/bedrock.hpp"
#include "stream_decoder_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return llmgate::fuzz::check_stream_decoder(data, size, [] {
        return llmgate::detail::make_bedrock_stream_decoder("anthropic.claude-3-5-haiku-20241022-v1:0");
    });
}
