// The backtracking long-piece encoder and its tables. The idea is the one GitHub's `bpe` crate describes
// (github/rust-gems, crates/bpe/README.md), restated here for tiktoken's merge rule, where a pair merges when
// its concatenated bytes are a token (not only when it is the token's canonical merge):
//
//  1. tiktoken's result for a piece is the only token sequence T of its bytes that tiktoken would give back
//     unchanged, and T is such a sequence exactly when every adjacent pair (a, b) of it is: merging the bytes of
//     a then b gives [a, b]. (Within one token the merges run as they would alone; the first merge across a
//     boundary, if any, already happens in the two-token merge of that boundary's pair.)
//  2. So build T left to right, longest token first, and when a pair fails try the next-shorter token, or undo
//     the previous token. A position from which nothing valid continues is remembered as dead: the prefix that
//     reached it is the only valid encoding of the bytes before it, so no other path can get further from it.
//     Each position is given up at most once, which keeps the search linear in practice. The order in which a
//     position's candidates are tried does not matter for exactness, only that all are tried before it is
//     given up: the previous token, where it repeats, goes first (runs).
//  3. Whether (a, b) merge to [a, b] is decided without merging: a's and b's own merges are replayed backwards
//     from their split tables, latest merge first, and at each state (l, r) of the two parts touching the
//     boundary the pair l+r (a lookup of the span in the text) must not have a rank that tiktoken would pick
//     before the merge that ends the state: a merge on the left side making token X is beaten by a cross pair
//     of rank < X (the left pair is leftmost, so it wins ties), one on the right making Y by rank <= Y.
//
// Step 3 assumes each token's own merge takes ranks in non-decreasing order, so that two tokens' merges
// interleave by rank. Tokens for which that fails are flagged irregular: a piece whose search meets one is
// declined and merged by bpe_merge instead.
#include "tokens/bpe_backtrack.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace llmgate::inline v1::detail {
namespace {

// 5 to 8 bytes as one word: the first four and the last four (overlapping when shorter than 8).
std::uint64_t short_key(const unsigned char* p, std::size_t n) {
    std::uint32_t first, last;
    std::memcpy(&first, p, 4);
    std::memcpy(&last, p + n - 4, 4);
    return first | std::uint64_t{last} << 32;
}
// 3 or 4 bytes as one 32-bit word (a 3-byte key has a zero top byte; the slot's kFour bit tells them apart).
std::uint32_t tiny_key(const unsigned char* p, std::size_t n) {
    if (n == 3) return p[0] | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16;
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}
std::size_t tiny_hash(std::uint32_t key) {
    const std::uint64_t h = (key ^ 0x5BD1E995u) * 0x9E3779B97F4A7C15ull;
    return static_cast<std::size_t>(h >> 32);
}
std::size_t short_hash(std::uint64_t key, std::size_t n) {
    std::uint64_t h = (key ^ (n * 0x9E3779B97F4A7C15ull)) * 0xD6E8FEB86659FD93ull;
    return static_cast<std::size_t>(h ^ (h >> 32));
}

struct OwnMerge {
    bool reachable = false;
    bool regular = true;
    std::uint32_t left = kNoRank, right = kNoRank;
};

// tiktoken's merge of one token's own bytes (tokens are short, so the plain quadratic scan), noting whether it
// ends in that token, the two parts of its last merge, and whether the merged ranks ever fall.
OwnMerge merge_own(const RankTable& t, const BacktrackTables& bt, std::uint32_t rank, std::vector<std::uint32_t>& start,
                   std::vector<std::uint32_t>& token, std::vector<std::uint32_t>& pair) {
    const std::string_view bytes = t.token(rank);
    const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t n = bytes.size();
    OwnMerge m;
    if (n <= 2) {  // a byte, or two bytes that merge at once
        m.reachable = true;
        m.left = n == 1 ? rank : t.byte_rank(s[0]);
        m.right = n == 1 ? rank : t.byte_rank(s[1]);
        return m;
    }
    start.resize(n + 1);
    token.resize(n);
    pair.resize(n);
    for (std::size_t i = 0; i <= n; ++i) start[i] = static_cast<std::uint32_t>(i);
    for (std::size_t i = 0; i < n; ++i) {
        token[i] = t.byte_rank(s[i]);
        pair[i] = i + 1 < n ? bt.pair_rank[std::size_t{s[i]} << 8 | s[i + 1]] : kNoRank;
    }
    std::size_t parts = n;
    std::uint32_t last_rank = 0;
    for (;;) {
        std::size_t best = 0;
        std::uint32_t best_rank = kNoRank;
        for (std::size_t i = 0; i + 1 < parts; ++i)
            if (pair[i] < best_rank) best_rank = pair[i], best = i;
        if (best_rank == kNoRank) break;
        if (best_rank < last_rank) m.regular = false;
        last_rank = best_rank;
        m.left = token[best];
        m.right = token[best + 1];
        token[best] = best_rank;
        start.erase(start.begin() + static_cast<std::ptrdiff_t>(best) + 1);
        token.erase(token.begin() + static_cast<std::ptrdiff_t>(best) + 1);
        pair.erase(pair.begin() + static_cast<std::ptrdiff_t>(best) + 1);
        --parts;
        const auto span_rank = [&](std::size_t first) {  // parts first and first + 1 together
            const std::size_t size = start[first + 2] - start[first];
            return size == n ? rank : bt.rank(t, s + start[first], size);  // the whole token needs no lookup
        };
        pair[best] = best + 1 < parts ? span_rank(best) : kNoRank;
        if (best > 0) pair[best - 1] = span_rank(best - 1);
    }
    m.reachable = parts == 1;  // then the one part is `rank` itself: its bytes are the token's
    return m;
}

// The trie of the reachable tokens, built level by level from the tokens in byte order: the nodes of depth
// d + 1 are the distinct (d + 1)-byte prefixes, met in sorted order, so each node's children come out
// contiguous and in the order of their parents (breadth-first numbering). The same pass finds each token's
// longest reachable strict prefix: the last token met on its path.
void build_trie(const RankTable& t, BacktrackTables& bt) {
    std::vector<std::uint32_t> sorted;
    for (std::uint32_t r = 0; r < t.size(); ++r)
        if (bt.tokens[r].flags & BacktrackTables::kReachable) sorted.push_back(r);
    // Sorted on the first eight bytes as one big-endian number (zero-padded, with the length to order a token
    // before its extensions), comparing whole tokens only on a tie: several times faster than string compares.
    std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed;
    keyed.reserve(sorted.size());
    for (const std::uint32_t r : sorted) {
        const std::string_view bytes = t.token(r);
        std::uint64_t key = 0;
        for (std::size_t i = 0; i < 8; ++i)
            key = key << 8 | (i < bytes.size() ? static_cast<unsigned char>(bytes[i]) : 0u);
        keyed.emplace_back(key, r);
    }
    std::sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
        if (a.first != b.first) return a.first < b.first;
        return t.token(a.second) < t.token(b.second);
    });
    // The tokens' bytes copied in sorted order: each level below reads them in sequence, not all over the table.
    std::string bytes_sorted;
    std::vector<std::uint32_t> offset_sorted(keyed.size() + 1, 0);
    for (std::size_t i = 0; i < keyed.size(); ++i) {
        sorted[i] = keyed[i].second;
        bytes_sorted += t.token(sorted[i]);
        offset_sorted[i + 1] = static_cast<std::uint32_t>(bytes_sorted.size());
    }

    std::vector<std::uint32_t> children(1, 0);  // per node, then turned into first_child
    bt.node_token.assign(1, kNoRank);
    bt.label.assign(1, 0);
    std::vector<std::uint32_t> at(sorted.size(), 0);              // per sorted token: its node at the current depth
    std::vector<std::uint32_t> best_prefix(sorted.size(), kNoRank);  // the last token on its path above that
    std::vector<std::uint32_t> active(sorted.size());
    for (std::uint32_t i = 0; i < active.size(); ++i) active[i] = i;
    for (std::size_t depth = 0; !active.empty(); ++depth) {
        std::vector<std::uint32_t> deeper;
        std::uint32_t last_parent = kNoRank, last_node = 0;
        int last_byte = -1;
        for (const std::uint32_t i : active) {
            const std::uint32_t r = sorted[i];
            const std::string_view bytes =
                std::string_view(bytes_sorted).substr(offset_sorted[i], offset_sorted[i + 1] - offset_sorted[i]);
            const std::uint32_t node = at[i];
            if (bytes.size() == depth) {  // ends here; sorts before the longer tokens it is a prefix of
                bt.node_token[node] = r;
                bt.tokens[r].next_prefix = best_prefix[i];
                continue;
            }
            if (bt.node_token[node] != kNoRank) best_prefix[i] = bt.node_token[node];
            const int byte = static_cast<unsigned char>(bytes[depth]);
            if (node != last_parent || byte != last_byte) {
                last_node = static_cast<std::uint32_t>(bt.node_token.size());
                bt.node_token.push_back(kNoRank);
                bt.label.push_back(static_cast<unsigned char>(byte));
                children.push_back(0);
                ++children[node];
                last_parent = node;
                last_byte = byte;
                if (depth == 0) bt.root_child[byte] = last_node;
            }
            at[i] = last_node;
            deeper.push_back(i);
        }
        active.swap(deeper);
    }
    // Breadth-first order: node p's children follow those of every node before it.
    const std::size_t nodes = bt.node_token.size();
    bt.first_child.assign(nodes + 1, 0);
    bt.first_child[0] = 1;
    for (std::size_t p = 0; p < nodes; ++p) bt.first_child[p + 1] = bt.first_child[p] + children[p];
    bt.nodes = static_cast<std::uint32_t>(nodes);
    bt.depth2.assign(65536, 0);
    for (unsigned first = 0; first < 256; ++first) {
        const std::uint32_t node = bt.root_child[first];
        for (std::uint32_t c = bt.first_child[node]; c < bt.first_child[node + 1]; ++c)
            bt.depth2[first << 8 | bt.label[c]] = c;
    }
    // Each byte's chain c, cc, ccc, ... down the trie, with the longest token so far at each depth.
    for (unsigned c = 0; c < 256; ++c) {
        bt.run_begin[c] = static_cast<std::uint32_t>(bt.run_node.size());
        std::uint32_t node = bt.root_child[c], best = bt.node_token[node];
        for (;;) {
            if (bt.node_token[node] != kNoRank) best = bt.node_token[node];
            bt.run_node.push_back(node);
            bt.run_best.push_back(best);
            std::uint32_t next = 0;
            for (std::uint32_t i = bt.first_child[node]; i < bt.first_child[node + 1]; ++i)
                if (bt.label[i] == c) next = i;
            if (next == 0) break;
            node = next;
        }
    }
    bt.run_begin[256] = static_cast<std::uint32_t>(bt.run_node.size());
}

// Whether merging the bytes of token a then token b (reachable and regular, adjacent in the text with the
// boundary at `at`) gives [a, b]: their merges replayed backwards, checking the pair across the boundary at
// each state (the header comment, step 3).
// `a_longest`: a is the longest reachable token at its position and every token is reachable, so a's bytes
// followed by any more bytes are no token: while the left part is still all of a, no lookup is needed.
bool valid_pair(const RankTable& t, const BacktrackTables& bt, std::uint32_t a, std::size_t la, std::uint32_t b,
                std::size_t lb, const unsigned char* at, bool a_longest) {
    std::uint32_t limit = kNoRank;  // in the final state any merge across is one tiktoken would make
    // Two runs of the same byte (as in a run of '=' or spaces, where the search meets many such pairs) have
    // runs for every part: their spans' ranks come from the byte's chain, without hashing long spans.
    const bool runs =
        at[-1] == at[0] && bt.unreachable == 0 && (bt.tokens[a].flags & bt.tokens[b].flags & BacktrackTables::kRun);
    bool left_is_a_longest = a_longest;
    for (;;) {
        if (!left_is_a_longest && (runs ? bt.run_rank(at[0], la + lb) : bt.rank(t, at - la, la + lb)) < limit)
            return false;
        const bool a_byte = la == 1, b_byte = lb == 1;
        if (a_byte && b_byte) return true;
        // Undo the later of the two parts' making: the higher rank, and on a tie the right one (tiktoken
        // merges the leftmost of equal ranks first).
        if (!a_byte && (b_byte || a > b)) {
            limit = a;  // a cross pair beats the left-side merge that makes a only with a lower rank
            const BacktrackTables::Split& split = bt.splits[a];
            a = split.right;
            la = split.right_size;
            left_is_a_longest = false;
        } else {
            limit = b + 1;  // and the right-side merge that makes b with a lower or equal one
            const BacktrackTables::Split& split = bt.splits[b];
            b = split.left;
            lb = split.left_size;
        }
    }
}

}  // namespace

std::uint32_t BacktrackTables::tiny_rank(const unsigned char* p, std::size_t n) const noexcept {
    const std::uint32_t key = tiny_key(p, n);
    const std::uint32_t four = n == 4 ? kFour : 0;
    for (std::size_t i = tiny_hash(key) & tiny_mask;; i = (i + 1) & tiny_mask) {
        const TinySlot slot = tiny_slots[i];
        if (slot.rank == kNoRank) return kNoRank;
        if (slot.key == key && (slot.rank & kFour) == four) return slot.rank & ~kFour;
    }
}

std::uint32_t BacktrackTables::short_rank(const unsigned char* p, std::size_t n) const noexcept {
    const std::uint64_t key = short_key(p, n);
    for (std::size_t i = short_hash(key, n) & short_mask;; i = (i + 1) & short_mask) {
        const ShortSlot& slot = short_slots[i];
        if (slot.rank == kNoRank) return kNoRank;
        if (slot.key == key && slot.size == n) return slot.rank;
    }
}

BacktrackTables::Match BacktrackTables::longest_prefix(const unsigned char* p, std::size_t n) const noexcept {
    const unsigned char first_byte = p[0];
    std::uint32_t node = root_child[first_byte];
    Match best{node_token[node], 1};
    if (n < 2) return best;
    std::size_t k = 2;
    if (n > 2 && p[1] == first_byte && p[2] == first_byte) {
        // A run of one byte (spaces, '=', a letter): jump down the chain of that byte's nodes instead of
        // searching children one level at a time, after measuring the run eight bytes at a time.
        const std::size_t chain = run_begin[first_byte + 1] - run_begin[first_byte];  // c^chain is the deepest node
        const std::size_t limit = std::min(n, chain + 1);
        std::size_t m = 3;
        const std::uint64_t all = 0x0101010101010101ull * first_byte;
        for (; m + 8 <= limit; m += 8) {
            std::uint64_t v;
            std::memcpy(&v, p + m, 8);
            if (v != all) break;
        }
        while (m < limit && p[m] == first_byte) ++m;
        const std::size_t depth = std::min(m, chain);
        node = run_node[run_begin[first_byte] + depth - 1];
        best.token = run_best[run_begin[first_byte] + depth - 1];
        best.size = tokens[best.token].size;
        if (m > chain) return best;  // the run goes on where the chain ends
        k = depth;  // p[k] ends the run (or the piece)
    } else if (const std::uint32_t two = depth2[std::size_t{first_byte} << 8 | p[1]]; two != 0) {
        node = two;
        if (node_token[node] != kNoRank) best = Match{node_token[node], 2};
    } else {
        return best;
    }
    for (; k < n; ++k) {
        const std::uint32_t first = first_child[node], end = first_child[node + 1];
        const unsigned char c = p[k];
        std::uint32_t i = first;
        if (end - first <= 8) {
            while (i < end && label[i] < c) ++i;
        } else {
            i = static_cast<std::uint32_t>(std::lower_bound(label.data() + first, label.data() + end, c) - label.data());
        }
        if (i == end || label[i] != c) break;
        node = i;
        if (node_token[node] != kNoRank) best = Match{node_token[node], static_cast<std::uint32_t>(k + 1)};
    }
    return best;
}

BacktrackTables build_backtrack_tables(const RankTable& t) {
    const auto started = std::chrono::steady_clock::now();
    BacktrackTables bt;
    const std::uint32_t count = t.size();
    bt.tokens.resize(count);
    bt.splits.resize(count);
    for (std::uint32_t r = 0; r < count; ++r) {
        if (t.token(r).size() > 0xFFFF) throw std::length_error("a token of over 65,535 bytes");
        bt.tokens[r].size = static_cast<std::uint16_t>(t.token(r).size());
    }
    bt.pair_rank.assign(65536, kNoRank);
    for (std::uint32_t r = 0; r < count; ++r)
        if (const std::string_view bytes = t.token(r); bytes.size() == 2)
            bt.pair_rank[std::size_t{static_cast<unsigned char>(bytes[0])} << 8 | static_cast<unsigned char>(bytes[1])] = r;
    std::size_t tinies = 0, shorts = 0;
    for (std::uint32_t r = 0; r < count; ++r) {
        const std::size_t size = t.token(r).size();
        tinies += size >= 3 && size <= 4;
        shorts += size >= 5 && size <= 8;
    }
    if (count >= BacktrackTables::kFour) throw std::length_error("over 2^31 tokens");
    std::size_t capacity = 1;
    while (capacity < 2 * tinies) capacity <<= 1;  // load <= 1/2: short probe runs
    bt.tiny_slots.assign(capacity, BacktrackTables::TinySlot{});
    bt.tiny_mask = capacity - 1;
    capacity = 1;
    while (capacity < 2 * shorts) capacity <<= 1;  // load <= 1/2 (2/3 made a word's encoding ~8% slower)
    bt.short_slots.assign(capacity, BacktrackTables::ShortSlot{});
    bt.short_mask = capacity - 1;
    for (std::uint32_t r = 0; r < count; ++r) {
        const std::string_view bytes = t.token(r);
        const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
        if (bytes.size() >= 3 && bytes.size() <= 4) {
            const std::uint32_t key = tiny_key(p, bytes.size());
            std::size_t i = tiny_hash(key) & bt.tiny_mask;
            while (bt.tiny_slots[i].rank != kNoRank) i = (i + 1) & bt.tiny_mask;
            bt.tiny_slots[i] = BacktrackTables::TinySlot{key, r | (bytes.size() == 4 ? BacktrackTables::kFour : 0)};
        } else if (bytes.size() >= 5 && bytes.size() <= 8) {
            const std::uint64_t key = short_key(p, bytes.size());
            std::size_t i = short_hash(key, bytes.size()) & bt.short_mask;
            while (bt.short_slots[i].rank != kNoRank) i = (i + 1) & bt.short_mask;
            bt.short_slots[i] = BacktrackTables::ShortSlot{key, r, static_cast<std::uint32_t>(bytes.size())};
        }
    }
    std::vector<std::uint32_t> start, token, pair;
    for (std::uint32_t r = 0; r < count; ++r) {
        const OwnMerge m = merge_own(t, bt, r, start, token, pair);
        if (!m.reachable) {
            ++bt.unreachable;
            continue;
        }
        BacktrackTables::Token& info = bt.tokens[r];
        info.flags = BacktrackTables::kReachable;
        const std::string_view bytes = t.token(r);
        if (bytes.size() >= 2 && bytes.find_first_not_of(bytes[0]) == std::string_view::npos)
            info.flags |= BacktrackTables::kRun;
        if (!m.regular) {
            info.flags |= BacktrackTables::kIrregular;
            ++bt.irregular;
        }
        bt.splits[r] = BacktrackTables::Split{m.left, m.right, bt.tokens[m.left].size, bt.tokens[m.right].size};
    }
    build_trie(t, bt);
    bt.memory_bytes = sizeof bt + bt.tokens.capacity() * sizeof(BacktrackTables::Token) +
                      bt.splits.capacity() * sizeof(BacktrackTables::Split) +
                      (bt.first_child.capacity() + bt.node_token.capacity() + bt.depth2.capacity() +
                                   bt.pair_rank.capacity() + bt.run_node.capacity() + bt.run_best.capacity()) *
                                      sizeof(std::uint32_t) +
                      bt.label.capacity() +
                      bt.short_slots.capacity() * sizeof(BacktrackTables::ShortSlot) +
                      bt.tiny_slots.capacity() * sizeof(BacktrackTables::TinySlot);
    bt.build_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    return bt;
}

const BacktrackTables& RankTable::backtrack_tables() const {
    std::call_once(backtrack_once_,
                   [this] { backtrack_ = std::make_unique<const BacktrackTables>(build_backtrack_tables(*this)); });
    return *backtrack_;
}

bool bpe_backtrack(const RankTable& t, std::string_view piece, std::vector<std::uint32_t>& out) {
    const auto* s = reinterpret_cast<const unsigned char*>(piece.data());
    const std::size_t n = piece.size();
    if (n == 0) return true;
    const BacktrackTables& bt = t.backtrack_tables();
    const std::size_t base = out.size();
    // The search's arrays live per thread and are reused, so that a piece of a few hundred bytes does not pay
    // three allocations (a tenth of its time); pieces over 64 KiB get arrays of their own, so that one huge
    // piece does not leave megabytes behind in every thread that saw it.
    struct Scratch {
        std::vector<std::uint64_t> dead;
        std::vector<BacktrackTables::Match> longest;
        std::vector<std::uint32_t> sizes;
    };
    thread_local Scratch shared_scratch;
    Scratch own_scratch;
    Scratch& scratch = n <= (std::size_t{1} << 16) ? shared_scratch : own_scratch;
    // Bit p: no valid encoding of the piece has a token boundary at byte p (a dead end, found once).
    std::vector<std::uint64_t>& dead = scratch.dead;
    dead.assign(n / 64 + 1, 0);
    const auto is_dead = [&](std::size_t p) { return (dead[p >> 6] >> (p & 63)) & 1u; };
    // The longest reachable token at each position, once found: a search can come back to a position.
    using Match = BacktrackTables::Match;
    std::vector<Match>& longest = scratch.longest;
    longest.assign(n, Match{kNoRank, 0});
    const auto longest_at = [&](std::size_t p) {
        if (longest[p].token == kNoRank) longest[p] = bt.longest_prefix(s + p, n - p);
        return longest[p];
    };
    const auto next_shorter = [&](std::uint32_t token) {  // the next candidate after `token`, or kNoRank
        const std::uint32_t next = bt.tokens[token].next_prefix;
        return Match{next, next == kNoRank ? 0u : bt.tokens[next].size};
    };
    const bool all_reachable = bt.unreachable == 0;
    const bool any_irregular = bt.irregular != 0;
    // Long pieces repeat the same pairs (a run of one letter is one or two tokens over and over), and a pair's
    // validity depends only on its two tokens: a direct-mapped cache spares replaying their merges. It lives
    // per thread so that a call does not clear it: a generation number per call makes older entries misses.
    struct CachedPair {
        std::uint64_t pair = 0;
        std::uint32_t generation = 0;  // 0: never written
        bool valid = false;
    };
    thread_local std::array<CachedPair, 1024> cache_storage{};
    thread_local std::uint32_t generation_counter = 0;
    if (++generation_counter == 0) {  // wrapped: entries of 2^32 calls ago could pass for this call's
        cache_storage.fill(CachedPair{});
        generation_counter = 1;
    }
    // Thread-locals are looked up once: in a shared library each access can be a call.
    CachedPair* const cache = cache_storage.data();
    const std::uint32_t generation = generation_counter;
    const auto pair_ok = [&](Match a, Match b, std::size_t at) {
        const bool a_longest = all_reachable && longest[at - a.size].token == a.token;
        // Short pairs replay in a step or two and rarely repeat within a piece: the cache would cost more
        // than it saves (a cache line per probe, in L1 only half the time on a random word).
        if (a.size + b.size <= 6) return valid_pair(t, bt, a.token, a.size, b.token, b.size, s + at, a_longest);
        const std::uint64_t key = std::uint64_t{a.token} << 32 | b.token;
        CachedPair& slot = cache[(key * 0x9E3779B97F4A7C15ull) >> 54];
        if (slot.generation != generation || slot.pair != key) {
            slot = CachedPair{key, generation, valid_pair(t, bt, a.token, a.size, b.token, b.size, s + at, a_longest)};
        }
        return slot.valid;
    };

    // The tokens so far, with their sizes (out holds the ids from `base` on).
    std::vector<std::uint32_t>& sizes = scratch.sizes;
    sizes.clear();
    sizes.reserve(n);  // at most one token per byte: no regrowth
    const auto top = [&] { return Match{out.back(), sizes.back()}; };

    // The candidates at a position are the reachable tokens that are prefixes of the rest, longest first;
    // except that the previous token, when it repeats here, goes before all of them: in runs and repeated
    // patterns a token mostly follows itself, and longest-first would explore several wrong lengths at each
    // boundary (1,000 '=' in o200k_base: 548 tokens pushed for 16 kept). Any order is exact as long as every
    // candidate is tried before a position is given up.
    std::uint32_t repeat = kNoRank;  // the previous token when it repeats at pos, else kNoRank
    bool on_repeat = false;          // the candidate is that repeat, tried out of order
    const auto repeat_at = [&](std::size_t p) -> std::uint32_t {
        if (sizes.empty()) return kNoRank;
        const std::size_t la = sizes.back();
        const unsigned char* prev = s + p - la;
        return la >= 2 && la <= n - p && prev[0] == s[p] && prev[la - 1] == s[p + la - 1] &&
                       std::memcmp(prev, s + p, la) == 0
                   ? out.back()
                   : kNoRank;
    };
    const auto chain_from = [&](Match c) {  // c, or the next shorter candidate, skipping the repeat
        while (c.token != kNoRank && c.token == repeat) c = next_shorter(c.token);
        return c;
    };
    const auto arrive = [&](std::size_t p) {  // the first candidate at p
        repeat = repeat_at(p);
        on_repeat = repeat != kNoRank;
        return on_repeat ? top() : longest_at(p);
    };

    std::size_t pos = 0;
    Match candidate = arrive(0);
    while (pos < n) {
        const std::size_t end = pos + candidate.size;
        bool ok = !is_dead(end);
        if (ok && !sizes.empty()) {
            const Match before = top();
            if (any_irregular &&
                ((bt.tokens[before.token].flags | bt.tokens[candidate.token].flags) & BacktrackTables::kIrregular)) {
                out.resize(base);
                return false;
            }
            ok = pair_ok(before, candidate, pos);
        }
        if (ok) {
            out.push_back(candidate.token);
            sizes.push_back(candidate.size);
            pos = end;
            if (pos < n) candidate = arrive(pos);
            continue;
        }
        candidate = chain_from(on_repeat ? longest_at(pos) : next_shorter(candidate.token));
        on_repeat = false;
        while (candidate.token == kNoRank) {  // no token continues validly from pos: give up the token before it
            dead[pos >> 6] |= std::uint64_t{1} << (pos & 63);
            if (sizes.empty()) {  // cannot happen (tiktoken's own result is a valid sequence); be safe
                return false;
            }
            const Match last = top();
            out.pop_back();
            sizes.pop_back();
            pos -= last.size;
            // Back at an earlier position, with its previous token on top again: resume its candidates after
            // `last` (after the repeat comes the whole longest-first chain).
            repeat = repeat_at(pos);
            candidate = chain_from(last.token == repeat ? longest_at(pos) : next_shorter(last.token));
        }
    }
    return true;
}

}  // namespace llmgate::inline v1::detail
