// Fuzz target for the Ollama NDJSON stream decoder: bad bytes throw llmgate::Error, cuts change nothing.
#include <cstddef>
#include <cstdint>

#include "providers/ollama.hpp"
#include "stream_decoder_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return llmgate::fuzz::check_stream_decoder(
        data, size, [] { return llmgate::detail::make_ollama_stream_decoder("llama3.2"); },
        // A stream that ended without an error ended with its done line, which carries the usage.
        [](const llmgate::fuzz::StreamOutcome& whole) {
            if (!whole.error.empty()) return;
            LLMGATE_FUZZ_CHECK(!whole.chunks.empty());
            LLMGATE_FUZZ_CHECK(whole.chunks.back().usage.has_value());
            LLMGATE_FUZZ_CHECK(!whole.chunks.back().finish_reason.empty());
        });
}
