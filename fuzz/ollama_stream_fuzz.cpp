// Fuzz target for the Ollama NDJSON stream decoder: bad bytes throw llmgate::Error, cuts change nothing.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "chunking.hpp"
#include "fuzz_check.hpp"
#include "llmgate/errors.hpp"
#include "providers/ollama.hpp"

namespace {

struct Outcome {
    std::deque<llmgate::StreamChunk> chunks{};
    std::string error{};  // type name and message of the llmgate::Error thrown, "" when none was
};

// A llmgate::Error is the decoder's documented answer to bad data; any other exception escapes and
// crashes the fuzzer on purpose.
Outcome decode(const std::vector<std::string_view>& slices) {
    Outcome o;
    auto decoder = llmgate::detail::make_ollama_stream_decoder("llama3.2");
    try {
        for (std::string_view slice : slices) decoder->feed(slice, o.chunks);
        decoder->finish(o.chunks);
    } catch (const llmgate::Error& e) {
        o.error = std::string(e.type_name()) + ": " + e.what();
    }
    return o;
}

bool same_usage(const std::optional<llmgate::Usage>& a, const std::optional<llmgate::Usage>& b) {
    if (a.has_value() != b.has_value()) return false;
    if (!a) return true;
    return a->prompt_tokens == b->prompt_tokens && a->completion_tokens == b->completion_tokens &&
           a->total_tokens == b->total_tokens;
}

bool same_chunk(const llmgate::StreamChunk& a, const llmgate::StreamChunk& b) {
    if (a.model != b.model || a.delta != b.delta || a.reasoning != b.reasoning || a.finish_reason != b.finish_reason ||
        !same_usage(a.usage, b.usage) || a.raw != b.raw || a.tool_call_deltas.size() != b.tool_call_deltas.size() ||
        a.tool_calls.size() != b.tool_calls.size())
        return false;
    for (std::size_t i = 0; i < a.tool_calls.size(); ++i) {
        const auto& x = a.tool_calls[i];
        const auto& y = b.tool_calls[i];
        if (x.id != y.id || x.function != y.function || x.arguments_raw != y.arguments_raw) return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const Outcome whole = decode({input});
    // Network reads split a body anywhere: inside a JSON string, inside a UTF-8 sequence, between CR and LF.
    const Outcome pieces = decode(llmgate::fuzz::slices(input));

    LLMGATE_FUZZ_CHECK(whole.error == pieces.error);
    LLMGATE_FUZZ_CHECK(whole.chunks.size() == pieces.chunks.size());
    for (std::size_t i = 0; i < whole.chunks.size(); ++i) LLMGATE_FUZZ_CHECK(same_chunk(whole.chunks[i], pieces.chunks[i]));
    // A stream that ended without an error ended with its done line, which carries the usage.
    if (whole.error.empty()) {
        LLMGATE_FUZZ_CHECK(!whole.chunks.empty());
        LLMGATE_FUZZ_CHECK(whole.chunks.back().usage.has_value());
        LLMGATE_FUZZ_CHECK(!whole.chunks.back().finish_reason.empty());
    }
    return 0;
}
