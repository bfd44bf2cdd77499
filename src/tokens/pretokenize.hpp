// The pre-tokeniser: splits text into the pieces tiktoken's regex would, before BPE runs on each piece.
#pragma once

#include <cstddef>
#include <string_view>

namespace llmgate::inline v1::detail {

// Which of tiktoken's two patterns (data/tiktoken/README.md quotes them); both are hand-written scanners
// here that reproduce the regex's leftmost-first, backtracking semantics alternative by alternative.
enum class SplitPattern { Cl100k, O200k };

// End (byte offset) of the piece that starts at `pos` (< text.size()) of valid UTF-8 `text`. Every
// position starts a piece of at least one character, so pieces partition the text.
std::size_t next_piece_end(SplitPattern pattern, std::string_view text, std::size_t pos) noexcept;

}  // namespace llmgate::inline v1::detail
