// Pulls chunks from a Stream one at a time: how a middleware wraps one stream inside another.
#pragma once

#include <memory>
#include <optional>

#include "llmgate/stream.hpp"

namespace llmgate::inline v1::detail {

class StreamPuller {
public:
    // Held behind a pointer: Stream's iterator points at its Stream, which must not move.
    explicit StreamPuller(Stream s) : stream_(std::make_unique<Stream>(std::move(s))) {}

    // The next chunk, nullopt at the stream's verified end; throws what the stream throws.
    std::optional<StreamChunk> next() {
        if (!started_) {
            started_ = true;
            it_ = stream_->begin();
        } else {
            ++it_;
        }
        if (it_ == std::default_sentinel) return std::nullopt;
        return *it_;
    }
    // The inner stream's assembled reply (complete once next() returned nullopt).
    CompletionResponse response() const { return stream_->response(); }

private:
    std::unique_ptr<Stream> stream_;
    Stream::iterator it_{};
    bool started_ = false;
};

// Whether a chunk gives the caller anything of the reply (text, reasoning, tool calls). A stream that
// failed after only empty chunks (a role-only opening delta) has delivered nothing yet, so it can
// still be retried or fall back transparently.
inline bool carries_content(const StreamChunk& c) {
    return !c.delta.empty() || !c.reasoning.empty() || !c.tool_call_deltas.empty() || !c.tool_calls.empty();
}

// A ChunkSource that serves chunks from a list (cache replays).
class ReplayChunkSource final : public ChunkSource {
public:
    explicit ReplayChunkSource(std::vector<StreamChunk> chunks) : chunks_(std::move(chunks)) {}
    std::optional<StreamChunk> next() override {
        if (pos_ >= chunks_.size()) return std::nullopt;
        return std::move(chunks_[pos_++]);
    }

private:
    std::vector<StreamChunk> chunks_;
    std::size_t pos_ = 0;
};

}  // namespace llmgate::detail
