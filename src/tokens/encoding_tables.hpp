// What one encoding is made of: its split pattern, its rank table and its special tokens.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "tokens/bpe.hpp"
#include "tokens/pretokenize.hpp"

namespace llmgate::inline v1::detail {

struct SpecialToken {
    std::string_view text;
    std::uint32_t id;
};

struct EncodingTables {
    std::string_view name;
    SplitPattern pattern;
    RankTable ranks;
    std::vector<SpecialToken> specials;
    std::uint32_t n_vocab;
};

}  // namespace llmgate::inline v1::detail
