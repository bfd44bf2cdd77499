// The long-piece encoder: tiktoken's merge result found by "longest token first, undo when BPE would not have
// made this pair", in time linear in the piece instead of one queue operation per byte.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "tokens/bpe.hpp"

namespace llmgate::inline v1::detail {

// What the encoder needs to know about every token, computed once per rank table (RankTable::backtrack_tables)
// by merging each token's own bytes exactly as tiktoken would.
struct BacktrackTables {
    // What the search reads about a candidate token, in one 8-byte record (separate arrays cost up to one
    // cache miss each per candidate on a random word).
    struct Token {
        // The longest reachable token that is a strict prefix of this one; kNoRank for single bytes.
        std::uint32_t next_prefix = kNoRank;
        std::uint16_t size = 0;  // bytes
        std::uint8_t flags = 0;
    };
    // The two parts of the last merge that makes a token from its bytes, with their sizes, so that replaying
    // a merge backwards reads one record per step (for a single byte: itself twice). Reachable tokens only.
    struct Split {
        std::uint32_t left = kNoRank, right = kNoRank;
        std::uint16_t left_size = 0, right_size = 0;
    };
    // kReachable: merging the token's bytes gives exactly [t] (else tiktoken never emits t inside a longer
    // piece). kIrregular: that merge's ranks are not non-decreasing (the pair check assumes they are).
    // kRun: the token is one byte repeated (its sub-tokens are runs of that byte too).
    static constexpr std::uint8_t kReachable = 1, kIrregular = 2, kRun = 4;
    std::vector<Token> tokens;
    std::vector<Split> splits;

    // A trie of the reachable tokens' bytes, nodes in breadth-first order so the children of node i are the
    // nodes [first_child[i], first_child[i + 1]), with their bytes in `label` in increasing order.
    std::vector<std::uint32_t> first_child;  // nodes + 1 entries
    std::vector<std::uint32_t> node_token;   // the reachable token spelled by the path to the node, or kNoRank
    std::vector<unsigned char> label;        // the byte on the edge into the node
    std::uint32_t root_child[256] = {};      // the root's children, direct (every byte is a token)
    // Per byte c, the nodes of c, cc, ccc, ... while they exist: run_node[run_begin[c] + k - 1] is c^k, and
    // run_best there the longest reachable token among c^1 .. c^k (runs are long pieces' commonest kind).
    std::vector<std::uint32_t> run_node, run_best;
    std::uint32_t run_begin[257] = {};
    std::vector<std::uint32_t> depth2;       // 65,536 entries: the node of two bytes (first << 8 | second), or 0
    // The rank of every two-byte string (first << 8 | second), or kNoRank: the most frequent lookup of all.
    std::vector<std::uint32_t> pair_rank;
    // Tokens of 5 to 8 bytes by their bytes packed in one word (first four | last four << 32, which with the
    // length determines them): one probe sequence and no trip to the token bytes, where RankTable::rank needs
    // three cache lines. Open addressing, load <= 1/2.
    struct ShortSlot {
        std::uint64_t key = 0;
        std::uint32_t rank = kNoRank;  // kNoRank: empty
        std::uint32_t size = 0;
    };
    std::vector<ShortSlot> short_slots;
    std::size_t short_mask = 0;
    // Tokens of 3 or 4 bytes, the commonest spans in a word's pair checks, in 8-byte slots (the bytes as one
    // 32-bit key; rank | kFour for 4 bytes, kNoRank when empty): about 1 MB, so mostly in the L2 cache.
    static constexpr std::uint32_t kFour = 0x80000000u;
    struct TinySlot {
        std::uint32_t key = 0;
        std::uint32_t rank = kNoRank;
    };
    std::vector<TinySlot> tiny_slots;
    std::size_t tiny_mask = 0;

    // For docs and tests: tokens that merging their own bytes does not give back, tokens whose merge ranks
    // fall somewhere, trie nodes, heap bytes, and how long the build took.
    std::uint32_t unreachable = 0, irregular = 0, nodes = 0;
    std::size_t memory_bytes = 0;
    double build_ms = 0;

    // The longest reachable token that is a prefix of p[0, n), n >= 1, and its size.
    struct Match {
        std::uint32_t token;
        std::uint32_t size;
    };
    Match longest_prefix(const unsigned char* p, std::size_t n) const noexcept;
    // The rank of the n >= 2 bytes at p, or kNoRank.
    std::uint32_t rank(const RankTable& t, const unsigned char* p, std::size_t n) const noexcept {
        if (n == 2) return pair_rank[std::size_t{p[0]} << 8 | p[1]];
        if (n <= 4) return tiny_rank(p, n);
        return n <= 8 ? short_rank(p, n) : t.rank(p, n);
    }
    std::uint32_t tiny_rank(const unsigned char* p, std::size_t n) const noexcept;
    std::uint32_t short_rank(const unsigned char* p, std::size_t n) const noexcept;
    // The rank of byte c repeated n >= 1 times, when every token is reachable (then the trie holds them all).
    std::uint32_t run_rank(unsigned char c, std::size_t n) const noexcept {
        return n <= run_begin[c + 1] - run_begin[c] ? node_token[run_node[run_begin[c] + n - 1]] : kNoRank;
    }
};

// Builds the tables for `ranks` (every single byte must be a token): ~50 ms for cl100k_base, ~120 ms for
// o200k_base on the 2-core development machine, mostly merging every token's own bytes and building the trie.
BacktrackTables build_backtrack_tables(const RankTable& ranks);

// Appends to `out` the ids tiktoken's merge gives for `piece` (the same as bpe_merge) and returns true; or
// returns false with `out` unchanged when the piece would involve an irregular token, which the caller then
// merges with bpe_merge. Meant for pieces over 64 bytes; correct for any non-empty piece.
bool bpe_backtrack(const RankTable& ranks, std::string_view piece, std::vector<std::uint32_t>& out);

}  // namespace llmgate::inline v1::detail
