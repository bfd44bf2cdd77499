// Stream: an input range of StreamChunk that pulls bytes from the provider only as the caller iterates.
#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <optional>

#include "llmgate/types.hpp"

namespace llmgate::inline v1 {

// Where a Stream's chunks come from: implement it to make a Stream of your own, or to wrap one in a
// middleware (a ChunkSource that holds the inner Stream and pulls inner.next(), changing or observing
// each chunk). Destroying it must release what it holds (an inner stream cancels its transfer).
class ChunkSource {
public:
    virtual ~ChunkSource() = default;
    // The next chunk; nullopt at the (verified) end of the stream. Throws llmgate::Error.
    virtual std::optional<StreamChunk> next() = 0;
};

namespace detail {
using ChunkSource = llmgate::ChunkSource;
class StreamAccumulator;
}  // namespace detail

// for (const auto& chunk : llmgate::stream(model, messages)) std::cout << chunk.delta;
//
// Leaving the loop early (break, exception) and destroying the Stream cancels the transfer.
// After the loop, response() gives the whole reply assembled from the chunks (text, tool calls,
// usage, finish reason). A stream cut off by the provider throws instead of ending quietly.
class Stream {
public:
    explicit Stream(std::unique_ptr<ChunkSource> source);
    Stream(Stream&&) noexcept;
    Stream& operator=(Stream&&) noexcept;
    ~Stream();

    class iterator {
    public:
        using iterator_category = std::input_iterator_tag;
        using value_type = StreamChunk;
        using difference_type = std::ptrdiff_t;
        using pointer = const StreamChunk*;
        using reference = const StreamChunk&;

        iterator() = default;
        reference operator*() const { return *stream_->current_; }
        pointer operator->() const { return &*stream_->current_; }
        iterator& operator++() {
            stream_->advance();
            return *this;
        }
        void operator++(int) { stream_->advance(); }
        friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.at_end(); }

    private:
        friend class Stream;
        explicit iterator(Stream* s) : stream_(s) {}
        bool at_end() const noexcept { return stream_ == nullptr || !stream_->current_.has_value(); }
        Stream* stream_ = nullptr;
    };

    // Single pass: begin() fetches the first chunk; calling it again continues where iteration stopped.
    iterator begin();
    std::default_sentinel_t end() const noexcept { return {}; }

    // The next chunk (a copy of what iteration would show next), nullopt at the verified end: how a
    // ChunkSource wrapping this stream pulls it. Do not mix with iterating the same stream.
    std::optional<StreamChunk> next();

    // Everything received so far, assembled into one response. Complete once iteration has ended.
    CompletionResponse response() const;
    bool finished() const noexcept { return finished_; }

private:
    void advance();

    std::unique_ptr<ChunkSource> source_;
    std::unique_ptr<detail::StreamAccumulator> accumulator_;
    std::optional<StreamChunk> current_;
    bool started_ = false;
    bool finished_ = false;
};

}  // namespace llmgate::inline v1
