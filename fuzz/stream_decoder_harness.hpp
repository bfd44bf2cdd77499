// The check every stream-decoder fuzz target makes: bad bytes give a llmgate::Error, and cutting the body
// into arbitrary network reads changes nothing (same chunks, same error).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chunking.hpp"
#include "fuzz_check.hpp"
#include "llmgate/errors.hpp"
#include "providers/stream_decoder.hpp"

namespace llmgate::fuzz {

struct StreamOutcome {
    std::deque<StreamChunk> chunks{};
    std::string error{};  // type name and message of the llmgate::Error thrown, "" when none was
};

// Decodes the slices as one streamed body. A llmgate::Error is the decoder's documented answer to bad
// data; any other exception escapes and crashes the fuzzer on purpose.
template <class MakeDecoder>
StreamOutcome decode_stream(MakeDecoder& make, const std::vector<std::string_view>& slices) {
    StreamOutcome o;
    std::unique_ptr<detail::StreamDecoder> decoder = make();
    try {
        for (std::string_view slice : slices) decoder->feed(slice, o.chunks);
        decoder->finish(o.chunks);
    } catch (const Error& e) {
        o.error = std::string(e.type_name()) + ": " + e.what();
    }
    return o;
}

inline bool same_usage(const std::optional<Usage>& a, const std::optional<Usage>& b) {
    if (a.has_value() != b.has_value()) return false;
    if (!a) return true;
    return a->prompt_tokens == b->prompt_tokens && a->completion_tokens == b->completion_tokens &&
           a->total_tokens == b->total_tokens && a->cached_tokens == b->cached_tokens &&
           a->cache_creation_tokens == b->cache_creation_tokens && a->reasoning_tokens == b->reasoning_tokens;
}

inline bool same_chunk(const StreamChunk& a, const StreamChunk& b) {
    if (a.id != b.id || a.model != b.model || a.delta != b.delta || a.reasoning != b.reasoning ||
        a.finish_reason != b.finish_reason || !same_usage(a.usage, b.usage) || a.raw != b.raw ||
        a.provider_data != b.provider_data || a.tool_call_deltas.size() != b.tool_call_deltas.size() ||
        a.tool_calls.size() != b.tool_calls.size())
        return false;
    for (std::size_t i = 0; i < a.tool_call_deltas.size(); ++i) {
        const auto& x = a.tool_call_deltas[i];
        const auto& y = b.tool_call_deltas[i];
        if (x.index != y.index || x.id != y.id || x.function != y.function || x.arguments != y.arguments) return false;
    }
    for (std::size_t i = 0; i < a.tool_calls.size(); ++i) {
        const auto& x = a.tool_calls[i];
        const auto& y = b.tool_calls[i];
        if (x.id != y.id || x.function != y.function || x.arguments_raw != y.arguments_raw) return false;
    }
    return true;
}

// Runs the common checks, then `extra(whole)` for a provider's own invariants.
template <class MakeDecoder, class Extra>
int check_stream_decoder(const std::uint8_t* data, std::size_t size, MakeDecoder make, Extra extra) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const StreamOutcome whole = decode_stream(make, {input});
    // Network reads split a body anywhere: inside a field name, a UTF-8 sequence, a frame, between CR and LF.
    const StreamOutcome pieces = decode_stream(make, slices(input));

    LLMGATE_FUZZ_CHECK(whole.error == pieces.error);
    LLMGATE_FUZZ_CHECK(whole.chunks.size() == pieces.chunks.size());
    for (std::size_t i = 0; i < whole.chunks.size(); ++i)
        LLMGATE_FUZZ_CHECK(same_chunk(whole.chunks[i], pieces.chunks[i]));
    // Every complete call handed out has argument text (at least "{}"), never an empty string.
    for (const auto& c : whole.chunks)
        for (const auto& tc : c.tool_calls) LLMGATE_FUZZ_CHECK(!tc.arguments_raw.empty());
    extra(whole);
    return 0;
}

template <class MakeDecoder>
int check_stream_decoder(const std::uint8_t* data, std::size_t size, MakeDecoder make) {
    return check_stream_decoder(data, size, std::move(make), [](const StreamOutcome&) {});
}

}  // namespace llmgate::fuzz
