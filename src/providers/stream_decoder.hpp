// Turns a provider's streamed body bytes into StreamChunks; plus the tool-call assembler they share.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "llmgate/types.hpp"

namespace llmgate::inline v1::detail {

class StreamDecoder {
public:
    virtual ~StreamDecoder() = default;
    // Consumes a slice of the body; appends any complete chunks. Throws llmgate::Error on bad data
    // or on an error event sent by the provider mid-stream.
    virtual void feed(std::string_view bytes, std::deque<StreamChunk>& out) = 0;
    // The body ended cleanly. Throws ResponseParseError if the provider's end-of-stream marker never came, or
    // came after no text, no tool call and no finish reason (no answer is never an empty success).
    virtual void finish(std::deque<StreamChunk>& out) = 0;
};

// Collects tool-call fragments by index into complete calls, in index order. Fragments of different
// indexes never mix, whatever order they arrive in.
class ToolCallAssembler {
public:
    void add(const ToolCallDelta& d);
    bool empty() const { return calls_.empty(); }
    // The assembled calls. Empty argument strings become "{}" (a call with no arguments); arguments
    // that are not valid JSON keep their raw text and parse to null.
    std::vector<ToolCall> build() const;

private:
    struct Partial {
        std::string id, function, arguments;
    };
    std::map<int, Partial> calls_{};
};

}  // namespace llmgate::inline v1::detail
