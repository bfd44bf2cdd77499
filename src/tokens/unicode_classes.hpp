// The character classes tiktoken's pre-tokeniser patterns distinguish, per Unicode code point (Unicode 16.0).
#pragma once

#include <cstdint>

namespace llmgate::inline v1::detail {

// \p{L} is Upper + Lower + Caseless; o200k's "upper-ish" set [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] is
// Upper + Caseless + Mark and its "lower-ish" set [\p{Ll}\p{Lm}\p{Lo}\p{M}] is Lower + Caseless + Mark.
// Space is the White_Space property (what \s means to Rust's regex crate): U+0085 and U+3000 are, U+FEFF
// and U+200B are not.
enum class CharClass : std::uint8_t {
    Other = 0,     // punctuation, symbols, controls, format, private use, unassigned
    Upper = 1,     // Lu, Lt
    Lower = 2,     // Ll
    Caseless = 3,  // Lm, Lo
    Mark = 4,      // Mn, Mc, Me
    Number = 5,    // Nd, Nl, No
    Space = 6,     // White_Space
};

// Generated tables (unicode_classes.cpp): stage 1 picks a block of 128 code points, stage 2 holds the blocks.
extern const std::uint8_t kCharClassStage1[0x110000 / 128];
extern const std::uint8_t kCharClassStage2[];

inline CharClass char_class(std::uint32_t cp) noexcept {
    return static_cast<CharClass>(kCharClassStage2[kCharClassStage1[cp >> 7] * 128u + (cp & 127u)]);
}

}  // namespace llmgate::inline v1::detail
