// The rank table's hash lookup and the two merge loops: a scan for short pieces, blocked keys for long ones
// (the reference and fallback of the backtracking encoder, which takes most long pieces).
#include "tokens/bpe.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "tokens/bpe_backtrack.hpp"

namespace llmgate::inline v1::detail {
namespace {

std::uint64_t load8(const unsigned char* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}
std::uint32_t load4(const unsigned char* p) {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

// memcmp(a, b, n) == 0 without a library call for the short strings tokens are (an 8-byte token is one load).
bool same_bytes(const char* a, const unsigned char* b, std::size_t n) {
    const auto* x = reinterpret_cast<const unsigned char*>(a);
    if (n >= 8) {
        for (std::size_t i = 0; i + 8 <= n; i += 8)
            if (load8(x + i) != load8(b + i)) return false;
        return load8(x + n - 8) == load8(b + n - 8);
    }
    if (n >= 4) return load4(x) == load4(b) && load4(x + n - 4) == load4(b + n - 4);
    for (std::size_t i = 0; i < n; ++i)
        if (x[i] != b[i]) return false;
    return true;
}

// A small multiply-xorshift hash: tokens are short (most under 8 bytes), so it reads the bytes in at most
// a few word loads and never loops per byte. The length is mixed in, so "a" and "a\0" differ.
std::uint64_t hash_bytes(const unsigned char* p, std::size_t n) {
    constexpr std::uint64_t k1 = 0x9E3779B97F4A7C15ull, k2 = 0xD6E8FEB86659FD93ull;
    std::uint64_t h = (n + 1) * k1;
    while (n >= 8) {
        h = (h ^ load8(p)) * k2;
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    if (n >= 4) {
        h ^= load4(p) | (std::uint64_t{load4(p + n - 4)} << 32);
    } else if (n > 0) {
        h ^= p[0] | (std::uint64_t{p[n / 2]} << 8) | (std::uint64_t{p[n - 1]} << 16);
    }
    h *= k2;
    h ^= h >> 32;
    h *= k1;
    h ^= h >> 29;
    return h;
}

// Tiktoken's merge loop as it is: parts in an array, each step finds the lowest pair rank by a scan. Quadratic
// in the piece length, and the fastest way for the short pieces that are nearly all of them.
constexpr std::size_t kShortPiece = 64;

void merge_short(const RankTable& t, const unsigned char* s, std::size_t n, std::vector<std::uint32_t>& out) {
    std::uint32_t start[kShortPiece + 1];  // part i is s[start[i], start[i + 1])
    std::uint32_t token[kShortPiece];      // rank of part i
    std::uint32_t pair[kShortPiece];       // rank of parts i and i + 1 together, or kNoRank
    std::size_t parts = n;
    for (std::size_t i = 0; i <= n; ++i) start[i] = static_cast<std::uint32_t>(i);
    for (std::size_t i = 0; i < n; ++i) {
        token[i] = t.byte_rank(s[i]);
        pair[i] = i + 1 < n ? t.rank(s + i, 2) : kNoRank;
    }
    const auto rank_of_span = [&](std::size_t first, std::size_t last_part) {  // parts first..last_part-1
        return t.rank(s + start[first], start[last_part] - start[first]);
    };
    for (;;) {
        std::size_t best = 0;
        std::uint32_t best_rank = kNoRank;
        for (std::size_t i = 0; i + 1 < parts; ++i)
            if (pair[i] < best_rank) best_rank = pair[i], best = i;  // strict: the leftmost of equals
        if (best_rank == kNoRank) break;
        token[best] = best_rank;
        // Part best + 1 joins part best: shift the rest down by one.
        std::memmove(start + best + 1, start + best + 2, (parts - best - 1) * sizeof start[0]);
        std::memmove(token + best + 1, token + best + 2, (parts - best - 2) * sizeof token[0]);
        std::memmove(pair + best + 1, pair + best + 2, (parts - best - 2) * sizeof pair[0]);
        --parts;
        pair[best] = best + 1 < parts ? rank_of_span(best, best + 2) : kNoRank;
        if (best > 0) pair[best - 1] = rank_of_span(best - 1, best + 1);
    }
    out.insert(out.end(), token, token + parts);
}

// Pair keys: the pair's rank in the high bits, the byte offset of its left part in the low ones, so the smallest
// key is exactly "lowest rank, leftmost first". A piece under 8 KiB (nearly every long piece) fits its keys in
// 31 bits, 18 for a rank and 13 for an offset, and SSE2 compares four of those at once; longer ones use 64 bits.
struct NarrowKeys {
    using Key = std::int32_t;
    static constexpr Key kNone = std::numeric_limits<Key>::max();
    static constexpr int kShift = 13;
};
struct WideKeys {
    using Key = std::int64_t;
    static constexpr Key kNone = std::numeric_limits<Key>::max();
    static constexpr int kShift = 32;
};

// The smallest of n keys, in four independent chains so the compares overlap instead of waiting in line.
template <class Key>
Key min_key(const Key* k, std::size_t n) {
    Key m[4] = {std::numeric_limits<Key>::max(), std::numeric_limits<Key>::max(), std::numeric_limits<Key>::max(),
                std::numeric_limits<Key>::max()};
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (std::size_t lane = 0; lane < 4; ++lane) m[lane] = std::min(m[lane], k[i + lane]);
    for (; i < n; ++i) m[0] = std::min(m[0], k[i]);
    return std::min(std::min(m[0], m[1]), std::min(m[2], m[3]));
}

#if defined(__SSE2__)
template <>
inline std::int32_t min_key(const std::int32_t* k, std::size_t n) {
    const auto min4 = [](__m128i a, __m128i b) {
        const __m128i less = _mm_cmplt_epi32(a, b);
        return _mm_or_si128(_mm_and_si128(less, a), _mm_andnot_si128(less, b));
    };
    __m128i m = _mm_set1_epi32(std::numeric_limits<std::int32_t>::max());
    __m128i m2 = m;  // a second chain, so two compares are in flight
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        m = min4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(k + i)), m);
        m2 = min4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(k + i + 4)), m2);
    }
    m = min4(m, m2);
    for (; i + 4 <= n; i += 4) m = min4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(k + i)), m);
    alignas(16) std::int32_t lanes[4];
    _mm_store_si128(reinterpret_cast<__m128i*>(lanes), m);
    std::int32_t best = std::min(std::min(lanes[0], lanes[1]), std::min(lanes[2], lanes[3]));
    for (; i < n; ++i) best = std::min(best, k[i]);
    return best;
}
#endif

// The same merge order for long pieces (a run of 1,000 letters or spaces, a long identifier), without the
// quadratic scan: parts form a linked list over byte offsets, each offset has its pair key, and the keys are
// cut into about sqrt(n) blocks that each remember their minimum. A merge changes three keys (the merged part,
// the part it swallowed, its left neighbour); a block is rescanned only when its minimum got worse, and the
// next merge is the smallest block minimum. Scans of short arrays beat a heap or tree here: their loads are
// independent, while each level of a heap or tree waits for the one before (measured on 1,000 identical
// letters: std::priority_queue 146 ns/byte, a min segment tree no faster, a radix heap ~97, 64-bit blocks ~85,
// these blocks of 31-bit keys with the pair cache ~50; docs/performance.md).
template <class Keys>
void merge_long(const RankTable& t, const unsigned char* s, std::size_t n, std::vector<std::uint32_t>& out) {
    using Key = typename Keys::Key;
    constexpr Key kNone = Keys::kNone;
    std::size_t block = 16;
    while (block * block < n) block *= 2;
    const std::size_t blocks = (n + block - 1) / block;
    std::vector<Key> keys(n, kNone), block_min(blocks, kNone);
    std::vector<std::uint32_t> next(n), prev(n), token(n);
    // The rank of two adjacent tokens' bytes depends only on the two ranks, and long pieces repeat the same
    // pairs over and over (a run of one letter, of spaces): a small direct-mapped cache of (left, right) ->
    // rank spares most hashing of bytes that grow with the tokens.
    struct CachedPair {
        std::uint64_t pair = ~std::uint64_t{0};
        std::uint32_t rank = kNoRank;
    };
    std::vector<CachedPair> cache(256);
    const auto pair_key = [&](std::size_t left, std::size_t end) -> Key {
        const std::uint64_t pair = std::uint64_t{token[left]} << 32 | token[next[left]];
        CachedPair& slot = cache[(pair * 0x9E3779B97F4A7C15ull) >> 56];
        if (slot.pair != pair) slot = CachedPair{pair, t.rank(s + left, end - left)};
        return slot.rank == kNoRank ? kNone : static_cast<Key>(Key{static_cast<Key>(slot.rank)} << Keys::kShift | static_cast<Key>(left));
    };
    const auto rescan = [&](std::size_t b) {
        const std::size_t first = b * block;
        block_min[b] = min_key(keys.data() + first, std::min(block, n - first));
    };
    const auto set = [&](std::size_t i, Key k) {
        const Key old = keys[i];
        keys[i] = k;
        const std::size_t b = i / block;
        if (k <= block_min[b])
            block_min[b] = k;
        else if (old == block_min[b])
            rescan(b);
    };
    for (std::size_t i = 0; i < n; ++i) {
        next[i] = static_cast<std::uint32_t>(i + 1);
        prev[i] = static_cast<std::uint32_t>(i - 1);  // wraps for i = 0: never read there
        token[i] = t.byte_rank(s[i]);
    }
    for (std::size_t i = 0; i + 1 < n; ++i) keys[i] = pair_key(i, i + 2);
    for (std::size_t b = 0; b < blocks; ++b) rescan(b);
    constexpr Key kOffsetMask = (Key{1} << Keys::kShift) - 1;
    for (;;) {
        const Key best = min_key(block_min.data(), blocks);
        if (best == kNone) break;
        const auto i = static_cast<std::uint32_t>(best & kOffsetMask);
        const std::uint32_t j = next[i];
        const std::uint32_t k = next[j];  // <= n
        token[i] = static_cast<std::uint32_t>(best >> Keys::kShift);
        next[i] = k;
        set(j, kNone);
        if (k < n) {
            prev[k] = i;
            set(i, pair_key(i, next[k]));
        } else {
            set(i, kNone);
        }
        if (i > 0) {
            const std::uint32_t h = prev[i];
            set(h, pair_key(h, k));
        }
    }
    for (std::size_t i = 0; i < n; i = next[i]) out.push_back(token[i]);
}

}  // namespace

RankTable::RankTable(std::string bytes, std::vector<std::uint32_t> offsets)
    : bytes_(std::move(bytes)), offsets_(std::move(offsets)) {
    const std::uint32_t count = size();
    std::size_t capacity = 1;
    while (capacity < 2 * std::size_t{count}) capacity <<= 1;  // load factor <= 1/2: short probe runs
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    std::fill(std::begin(byte_ranks_), std::end(byte_ranks_), kNoRank);
    for (std::uint32_t r = 0; r < count; ++r) {
        const std::string_view tok = token(r);
        const auto* p = reinterpret_cast<const unsigned char*>(tok.data());
        const std::uint64_t h = hash_bytes(p, tok.size());
        std::size_t i = h & mask_;
        while (slots_[i].rank != kNoRank) i = (i + 1) & mask_;
        slots_[i] = Slot{r, static_cast<std::uint32_t>(h >> 32)};
        if (tok.size() == 1) byte_ranks_[p[0]] = r;
    }
    for (const std::uint32_t r : byte_ranks_)
        if (r == kNoRank) throw std::logic_error("rank table lacks a single-byte token");
}

std::uint32_t RankTable::rank(const unsigned char* p, std::size_t n) const noexcept {
    const std::uint64_t h = hash_bytes(p, n);
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
        const Slot slot = slots_[i];
        if (slot.rank == kNoRank) return kNoRank;
        if (slot.tag != tag) continue;
        const std::uint32_t begin = offsets_[slot.rank];
        if (offsets_[slot.rank + 1] - begin == n && same_bytes(bytes_.data() + begin, p, n)) return slot.rank;
    }
}

RankTable::~RankTable() = default;

void bpe_merge(const RankTable& table, std::string_view piece, std::vector<std::uint32_t>& out) {
    const auto* s = reinterpret_cast<const unsigned char*>(piece.data());
    const std::size_t n = piece.size();
    if (n == 0) return;
    if (n <= kShortPiece)
        merge_short(table, s, n, out);
    else if (n < (std::size_t{1} << NarrowKeys::kShift) && table.size() < (1u << (31 - NarrowKeys::kShift)))
        merge_long<NarrowKeys>(table, s, n, out);
    else
        merge_long<WideKeys>(table, s, n, out);
}

void bpe_encode(const RankTable& table, std::string_view piece, std::vector<std::uint32_t>& out) {
    const auto* s = reinterpret_cast<const unsigned char*>(piece.data());
    const std::size_t n = piece.size();
    if (n == 1) {
        out.push_back(table.byte_rank(s[0]));
        return;
    }
    if (const std::uint32_t r = table.rank(s, n); r != kNoRank) {
        out.push_back(r);
        return;
    }
    // Short pieces (nearly all of prose) keep tiktoken's scan: it beats anything with tables to consult.
    // Longer ones take the backtracking encoder, which declines the rare piece that would need a token its
    // reasoning does not cover; those, like all long pieces before, take the exact blocked merge.
    if (n > kShortPiece && bpe_backtrack(table, piece, out)) return;
    bpe_merge(table, piece, out);
}

}  // namespace llmgate::inline v1::detail
