// What the middleware that wrap streams share: whether a chunk carries content, and a replayed stream.
#pragma once

#include <memory>
#include <optional>

#include "llmgate/stream.hpp"

namespace llmgate::inline v1::detail {

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

}  // namespace llmgate::inline v1::detail
