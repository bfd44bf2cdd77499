// The backtracking long-piece encoder (src/tokens/bpe_backtrack.cpp) against the exact merge it replaces
// (detail::bpe_merge: tiktoken's merge order, run byte by byte), on millions of bytes of long pieces of the
// kinds that make BPE work hard, in both encodings. The merge itself is checked against tiktoken by
// tokens_test (golden vectors) and by the live differential there.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "llmgate/errors.hpp"
#include "llmgate/tokens.hpp"
#include "tokens/bpe.hpp"
#include "tokens/bpe_backtrack.hpp"

namespace {

using llmgate::detail::RankTable;
using Ids = std::vector<std::uint32_t>;

// The encoding's rank table, rebuilt from its public token bytes (ranks are the ids below the first gap).
std::unique_ptr<RankTable> rank_table(const char* name) {
    const llmgate::Encoding& enc = llmgate::encoding(name);
    std::string bytes;
    std::vector<std::uint32_t> offsets{0};
    for (std::uint32_t id = 0; id < enc.n_vocab(); ++id) {
        std::string_view token;
        try {
            token = enc.token_bytes(id);
        } catch (const llmgate::InvalidRequestError&) {
            break;  // o200k_base's gap at 199998, cl100k_base's at 100256: the special tokens follow
        }
        bytes += token;
        offsets.push_back(static_cast<std::uint32_t>(bytes.size()));
    }
    return std::make_unique<RankTable>(std::move(bytes), std::move(offsets));
}

std::string utf8(char32_t c) {
    std::string s;
    if (c < 0x80) {
        s += static_cast<char>(c);
    } else if (c < 0x800) {
        s += static_cast<char>(0xC0 | (c >> 6));
        s += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        s += static_cast<char>(0xE0 | (c >> 12));
        s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        s += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        s += static_cast<char>(0xF0 | (c >> 18));
        s += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        s += static_cast<char>(0x80 | (c & 0x3F));
    }
    return s;
}

class Differential {
public:
    explicit Differential(const char* name) : name_(name), table_(rank_table(name)) {}

    // One piece: the backtracking encoder must take it (no token of these vocabularies is irregular) and give
    // the merge's ids; bpe_encode (which picks the path) must agree too.
    void check(const std::string& piece, const char* kind) {
        Ids want, got, via_encode;
        llmgate::detail::bpe_merge(*table_, piece, want);
        const bool taken = llmgate::detail::bpe_backtrack(*table_, piece, got);
        EXPECT_TRUE(taken) << name_ << " " << kind << " declined a piece of " << piece.size() << " bytes";
        if (taken && got != want && failures_++ < 5)
            ADD_FAILURE() << name_ << " " << kind << ": " << piece.size() << "-byte piece "
                          << piece.substr(0, 80) << "... differs from the merge";
        llmgate::detail::bpe_encode(*table_, piece, via_encode);
        if (via_encode != want && table_->rank(reinterpret_cast<const unsigned char*>(piece.data()), piece.size()) ==
                                      llmgate::detail::kNoRank)
            ADD_FAILURE() << name_ << " " << kind << ": bpe_encode differs from the merge";
        bytes_ += piece.size();
        ++pieces_;
    }

    const RankTable& table() const { return *table_; }
    std::size_t bytes() const { return bytes_; }
    std::size_t pieces() const { return pieces_; }

private:
    const char* name_;
    std::unique_ptr<RankTable> table_;
    std::size_t bytes_ = 0, pieces_ = 0, failures_ = 0;
};

const char kLetters[] = "abcdefghijklmnopqrstuvwxyz";
const char kPunctuation[] = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

void run_differential(const char* name) {
    Differential d(name);
    const auto& bt = d.table().backtrack_tables();
    std::printf("%s: %u tokens unreachable by their own merge, %u irregular; trie %u nodes; tables %.1f MB, "
                "built in %.0f ms\n",
                name, bt.unreachable, bt.irregular, bt.nodes, static_cast<double>(bt.memory_bytes) / 1e6, bt.build_ms);
    EXPECT_EQ(bt.irregular, 0u) << "a token's own merge ranks fall: pieces with it take the fallback, "
                                   "update the docs' counts";
    EXPECT_LT(bt.memory_bytes, std::size_t{30} << 20);

    std::mt19937_64 rng(0x5EEDu + std::string(name).size());
    const auto below = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
    const auto length = [&](std::size_t lo, std::size_t hi) { return lo + below(hi - lo + 1); };

    // Runs of one byte, every length from 65 to 2,000.
    for (const char c : {'a', ' ', '=', '\n'})
        for (std::size_t n = 65; n <= 2000; ++n) d.check(std::string(n, c), "run");
    // Runs of other bytes, some lengths.
    for (const char c : {'e', 'z', 'Q', '-', '.', '*', '_', '7', '\t', '#', '/', '0'})
        for (int i = 0; i < 60; ++i) d.check(std::string(length(65, 3000), c), "run");
    // Random words of lower-case letters, and of mixed case.
    for (int i = 0; i < 3000; ++i) {
        std::string s;
        const std::size_t n = length(65, 700);
        const bool mixed = i % 2 == 1;
        for (std::size_t k = 0; k < n; ++k) {
            char c = kLetters[below(26)];
            if (mixed && below(3) == 0) c = static_cast<char>(c - 'a' + 'A');
            s += c;
        }
        d.check(s, mixed ? "mixed-case word" : "word");
    }
    // Repeated short patterns.
    const std::vector<std::string> patterns = {"ab",   "aab",  "abb",  "abc", "aaab", "the", "ing", " a",
                                               "=-",   "ab ",  "xyzzy", "ha", "lol",  "0a",  "ab\n", "..-"};
    for (const auto& p : patterns)
        for (int i = 0; i < 40; ++i) {
            std::string s;
            const std::size_t n = length(65, 2000);
            while (s.size() < n) s += p;
            if (below(2) == 0) s.insert(0, std::string(1, kLetters[below(26)]));  // shift the phase
            d.check(s, "pattern");
        }
    // Concatenations of random tokens made of letters, and of any tokens at all.
    std::vector<std::uint32_t> letter_tokens;
    for (std::uint32_t r = 0; r < d.table().size(); ++r) {
        const std::string_view t = d.table().token(r);
        bool letters = true;
        for (const char c : t) letters = letters && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
        if (letters) letter_tokens.push_back(r);
    }
    for (int i = 0; i < 3000; ++i) {
        const bool any = i % 3 == 2;
        std::string s;
        const std::size_t n = length(65, 900);
        while (s.size() < n) {
            const std::uint32_t r = any ? static_cast<std::uint32_t>(below(d.table().size()))
                                        : letter_tokens[below(letter_tokens.size())];
            s += d.table().token(r);
        }
        d.check(s, any ? "any tokens" : "letter tokens");
    }
    // Random bytes of one pre-tokeniser class: punctuation, digits, white space.
    for (int i = 0; i < 1500; ++i) {
        const std::string cls = i % 3 == 0 ? std::string(kPunctuation) : i % 3 == 1 ? "0123456789" : " \t\n\r";
        std::string s;
        const std::size_t n = length(65, 1200);
        // A few symbols per piece, so that runs and repeats occur as well as noise.
        std::string alphabet;
        for (std::size_t k = 1 + below(6); k > 0; --k) alphabet += cls[below(cls.size())];
        for (std::size_t k = 0; k < n; ++k) s += alphabet[below(alphabet.size())];
        d.check(s, "one class");
    }
    // Non-ASCII letters: Cyrillic, Greek, CJK, Latin with accents; random sequences and runs of one letter.
    const std::vector<std::pair<char32_t, char32_t>> blocks = {
        {0x0430, 0x044F}, {0x0410, 0x042F}, {0x03B1, 0x03C9}, {0x4E00, 0x4FFF}, {0x00E0, 0x00FF}, {0x0100, 0x017F},
        {0x3041, 0x3096}, {0xAC00, 0xAD00}};
    for (int i = 0; i < 2400; ++i) {
        const auto [lo, hi] = blocks[below(blocks.size())];
        std::string s;
        const std::size_t n = length(65, 900);
        const bool run = i % 4 == 0;
        const std::string one = utf8(static_cast<char32_t>(lo + below(hi - lo + 1)));
        while (s.size() < n) s += run ? one : utf8(static_cast<char32_t>(lo + below(hi - lo + 1)));
        d.check(s, run ? "non-ASCII run" : "non-ASCII letters");
    }
    std::printf("%s: %zu pieces, %zu bytes compared\n", name, d.pieces(), d.bytes());
    EXPECT_GT(d.bytes(), std::size_t{4'000'000});
}

TEST(BpeBacktrack, MatchesTheExactMergeOnLongPiecesO200k) { run_differential("o200k_base"); }
TEST(BpeBacktrack, MatchesTheExactMergeOnLongPiecesCl100k) { run_differential("cl100k_base"); }

// Short pieces and whole tokens are not what it is for, but its answer must still be the merge's.
TEST(BpeBacktrack, AgreesOnShortPiecesToo) {
    for (const char* name : {"o200k_base", "cl100k_base"}) {
        Differential d(name);
        std::mt19937_64 rng(7);
        for (int i = 0; i < 20000; ++i) {
            std::string s;
            const std::size_t n = 1 + rng() % 64;
            for (std::size_t k = 0; k < n; ++k) s += kLetters[rng() % (i % 2 ? 3 : 26)];
            d.check(s, "short");
        }
    }
}

}  // namespace
