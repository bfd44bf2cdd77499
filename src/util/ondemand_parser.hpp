// The simdjson On-Demand parser that the lean JSON parse and the embeddings fast path use: one per thread.
//
// A parser made per document would reach simdjson's implementation singletons on every parse, and those are
// destroyed at process exit while the event loop thread may still be parsing (architecture.md, "exit").
// One made once per thread reaches them only then; later resizing goes through the parser's own
// implementation object, on the heap. Sized for each document while it is parsed, and back to a small
// size afterwards, so a 200 MB reply leaves no buffers behind.
#pragma once

#include <simdjson.h>

#include <cstddef>

namespace llmgate::inline v1::detail {

class OnDemandParser {
public:
    // This thread's parser, with room for `size` bytes; false (operator bool) when that memory cannot be had.
    explicit OnDemandParser(std::size_t size);
    ~OnDemandParser();
    OnDemandParser(const OnDemandParser&) = delete;
    OnDemandParser& operator=(const OnDemandParser&) = delete;

    explicit operator bool() const noexcept { return ok_; }
    simdjson::ondemand::parser& get() noexcept { return parser_; }

private:
    simdjson::ondemand::parser& parser_;
    bool ok_ = false;
};

}  // namespace llmgate::inline v1::detail
