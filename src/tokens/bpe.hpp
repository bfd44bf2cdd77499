// Byte-pair encoding of one pre-tokenised piece against a rank table, with tiktoken's merge order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace llmgate::inline v1::detail {

inline constexpr std::uint32_t kNoRank = 0xFFFFFFFFu;

struct BacktrackTables;  // bpe_backtrack.hpp

// Token bytes by rank, and the reverse map bytes -> rank as a flat open-addressing hash table (one probe
// sequence of 8-byte slots; no allocation per lookup, unlike a map of std::string).
class RankTable {
public:
    // `bytes` holds every token's bytes in rank order; token r is bytes[offsets[r], offsets[r + 1]).
    RankTable(std::string bytes, std::vector<std::uint32_t> offsets);
    // Not movable: the long-piece tables below are built lazily behind a once_flag.
    RankTable(const RankTable&) = delete;
    RankTable& operator=(const RankTable&) = delete;
    ~RankTable();

    std::uint32_t size() const noexcept { return static_cast<std::uint32_t>(offsets_.size() - 1); }
    std::string_view token(std::uint32_t rank) const noexcept {
        return std::string_view(bytes_).substr(offsets_[rank], offsets_[rank + 1] - offsets_[rank]);
    }
    // The rank of these bytes, or kNoRank.
    std::uint32_t rank(const unsigned char* p, std::size_t n) const noexcept;
    std::uint32_t byte_rank(unsigned char b) const noexcept { return byte_ranks_[b]; }

    // The tables of the long-piece encoder (bpe_backtrack.hpp): built from this table on the first call, once,
    // safely when many threads ask at once, and kept. Prose never needs them, so they cost nothing until then.
    const BacktrackTables& backtrack_tables() const;

private:
    struct Slot {
        std::uint32_t rank = kNoRank;  // kNoRank: empty
        std::uint32_t tag = 0;         // high half of the hash, to skip most byte comparisons
    };
    std::string bytes_;
    std::vector<std::uint32_t> offsets_;
    std::vector<Slot> slots_;
    std::size_t mask_ = 0;
    std::uint32_t byte_ranks_[256] = {};
    mutable std::once_flag backtrack_once_;
    mutable std::unique_ptr<const BacktrackTables> backtrack_;
};

// Appends the ranks of `piece` to `out`: the whole piece if it is a token, else the result of merging,
// from single bytes, the adjacent pair whose concatenation has the lowest rank (the leftmost among equals)
// until no adjacent pair is a token. Every single byte must be a token of `table`.
void bpe_encode(const RankTable& table, std::string_view piece, std::vector<std::uint32_t>& out);

// The same merge, always run byte by byte (no whole-piece lookup, no backtracking encoder): tiktoken's scan for
// pieces up to 64 bytes, the blocked-keys merge above that. The reference the long-piece encoder is tested
// against, and its fallback.
void bpe_merge(const RankTable& table, std::string_view piece, std::vector<std::uint32_t>& out);

}  // namespace llmgate::inline v1::detail
