// Hand-written scanners for tiktoken's cl100k_base and o200k_base split patterns.
//
// Each function below follows one pattern's alternatives in order, as a backtracking regex engine tries them
// at a position, and returns where the first alternative that matches ends. Where an alternative's own
// backtracking decides the end (a greedy run giving characters back), the comment says how that is computed
// without backtracking. The regex crate's (?i) matched no non-ASCII case fold in tiktoken 1.0.22 ('ſ' is
// not 's' to it), so contractions compare ASCII letters only.
#include "tokens/pretokenize.hpp"

#include <array>
#include <cstdint>

#include "tokens/unicode_classes.hpp"

namespace llmgate::inline v1::detail {
namespace {

struct Char {
    std::uint32_t cp;
    std::uint32_t len;  // bytes
    CharClass cls;
};

constexpr std::array<CharClass, 128> kAsciiClass = [] {
    std::array<CharClass, 128> table{};  // Other
    for (int c = 'A'; c <= 'Z'; ++c) table[c] = CharClass::Upper;
    for (int c = 'a'; c <= 'z'; ++c) table[c] = CharClass::Lower;
    for (int c = '0'; c <= '9'; ++c) table[c] = CharClass::Number;
    for (int c : {'\t', '\n', '\v', '\f', '\r', ' '}) table[c] = CharClass::Space;  // ASCII White_Space
    return table;
}();

bool is_letter(CharClass c) { return c == CharClass::Upper || c == CharClass::Lower || c == CharClass::Caseless; }
// [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] and [\p{Ll}\p{Lm}\p{Lo}\p{M}] of o200k_base.
bool upper_ish(CharClass c) { return c == CharClass::Upper || c == CharClass::Caseless || c == CharClass::Mark; }
bool lower_ish(CharClass c) { return c == CharClass::Lower || c == CharClass::Caseless || c == CharClass::Mark; }
// [^\s\p{L}\p{N}]
bool is_punct(CharClass c) { return c == CharClass::Other || c == CharClass::Mark; }
bool is_newline(std::uint32_t cp) { return cp == '\r' || cp == '\n'; }

class Scanner {
public:
    explicit Scanner(std::string_view text)
        : s_(reinterpret_cast<const unsigned char*>(text.data())), n_(text.size()) {}

    std::size_t size() const { return n_; }

    // The character at byte offset i (< size()); the text is valid UTF-8.
    Char at(std::size_t i) const {
        const std::uint32_t c = s_[i];
        if (c < 0x80) return {c, 1, kAsciiClass[c]};
        std::uint32_t cp;
        std::uint32_t len;
        if (c < 0xE0) {
            cp = ((c & 0x1F) << 6) | (s_[i + 1] & 0x3F);
            len = 2;
        } else if (c < 0xF0) {
            cp = ((c & 0x0F) << 12) | ((s_[i + 1] & 0x3Fu) << 6) | (s_[i + 2] & 0x3F);
            len = 3;
        } else {
            cp = ((c & 0x07) << 18) | ((s_[i + 1] & 0x3Fu) << 12) | ((s_[i + 2] & 0x3Fu) << 6) | (s_[i + 3] & 0x3F);
            len = 4;
        }
        return {cp, len, char_class(cp)};
    }

    // End of the longest run from i of characters whose class satisfies `in`.
    template <class Pred>
    std::size_t run(std::size_t i, Pred in) const {
        while (i < n_) {
            const Char c = at(i);
            if (!in(c.cls)) break;
            i += c.len;
        }
        return i;
    }

    // (?i:'s|'t|'re|'ve|'m|'ll|'d) at i: its end, or 0 when none matches.
    std::size_t contraction_end(std::size_t i) const {
        if (i >= n_ || s_[i] != '\'' || i + 1 >= n_) return 0;
        const auto lower = [&](std::size_t k) { return static_cast<unsigned char>(s_[k] | 0x20); };
        const unsigned char a = lower(i + 1);
        if (a == 's' || a == 't' || a == 'm' || a == 'd') return i + 2;
        if (i + 2 >= n_) return 0;
        const unsigned char b = lower(i + 2);
        if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return i + 3;
        return 0;
    }

    // \p{N}{1,3} from i, where a number starts.
    std::size_t number_end(std::size_t i) const {
        for (int k = 0; k < 3 && i < n_; ++k) {
            const Char c = at(i);
            if (c.cls != CharClass::Number) break;
            i += c.len;
        }
        return i;
    }

    // ` ?[^\s\p{L}\p{N}]+[\r\n]*` at p (o200k's [\r\n/]* is the same: '/' is already in the first run), or 0.
    std::size_t punct_end(std::size_t p, const Char& c0) const {
        std::size_t q = p;
        if (c0.cp == ' ') {
            // ` ?` takes the space if it can; without it the space itself would have to be punctuation.
            q = p + 1;
            if (q >= n_ || !is_punct(at(q).cls)) return 0;
        } else if (!is_punct(c0.cls)) {
            return 0;
        }
        std::size_t e = run(q, is_punct);
        while (e < n_ && (s_[e] == '\r' || s_[e] == '\n')) ++e;
        return e;
    }

    // `\s*[\r\n]+|\s+(?!\S)|\s+` at p, where c0 is White_Space.
    std::size_t whitespace_end(std::size_t p) const {
        std::size_t i = p;
        std::size_t last_start = p;    // start of the run's last character
        std::size_t newline_end = 0;  // end of the run's last \r or \n, if any
        while (i < n_) {
            const Char c = at(i);
            if (c.cls != CharClass::Space) break;
            if (is_newline(c.cp)) newline_end = i + c.len;
            last_start = i;
            i += c.len;
        }
        // \s* gives characters back until [\r\n]+ can match: it ends after the run's last newline.
        if (newline_end != 0) return newline_end;
        // \s+(?!\S): at the end of the text the whole run; before a non-space, all but the last character
        // (which then prefixes the next word or punctuation), if that leaves one.
        if (i == n_) return i;
        return last_start > p ? last_start : i;  // else \s+: a single space before a non-space
    }

    // o200k's [A]*[B]+ from q ([A] upper-ish, [B] lower-ish): its end, or 0 when it cannot match.
    std::size_t cased_word_end(std::size_t q) const {
        std::size_t i = q;
        std::size_t last_lower_ish_end = 0;
        while (i < n_) {
            const Char c = at(i);
            if (!upper_ish(c.cls)) break;
            if (lower_ish(c.cls)) last_lower_ish_end = i + c.len;
            i += c.len;
        }
        // [A]* took the longest run; if a Ll follows, [B]+ continues from there.
        if (i < n_ && at(i).cls == CharClass::Lower) return run(i, lower_ish);
        // Otherwise [A]* gives back characters until [B]+ can start: at the run's last character that is
        // also in [B] (Lm, Lo or M), and [B]+ takes just that one (what follows it is Lu/Lt or not in [B]).
        return last_lower_ish_end;
    }

    // o200k's [A]+[B]* from q: its end, or 0.
    std::size_t upper_word_end(std::size_t q) const {
        const std::size_t i = run(q, upper_ish);
        return i == q ? 0 : run(i, lower_ish);
    }

    std::size_t with_contraction(std::size_t e) const {
        const std::size_t c = contraction_end(e);
        return c != 0 ? c : e;
    }

private:
    const unsigned char* s_;
    std::size_t n_;
};

// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
std::size_t cl100k_piece_end(const Scanner& s, std::size_t p) {
    const Char c0 = s.at(p);
    if (const std::size_t e = s.contraction_end(p)) return e;
    if (is_letter(c0.cls)) return s.run(p + c0.len, is_letter);
    if (c0.cls == CharClass::Number) return s.number_end(p);
    const std::size_t p1 = p + c0.len;
    if (!is_newline(c0.cp) && p1 < s.size()) {
        const Char c1 = s.at(p1);
        if (is_letter(c1.cls)) return s.run(p1 + c1.len, is_letter);
    }
    if (const std::size_t e = s.punct_end(p, c0)) return e;
    return s.whitespace_end(p);
}

// [^\r\n\p{L}\p{N}]?[A]*[B]+(?i:'s|...)?|[^\r\n\p{L}\p{N}]?[A]+[B]*(?i:'s|...)?|\p{N}{1,3}|
//  ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
std::size_t o200k_piece_end(const Scanner& s, std::size_t p) {
    const Char c0 = s.at(p);
    if (c0.cls == CharClass::Number) return s.number_end(p);  // no other alternative starts with a number
    const std::size_t p1 = p + c0.len;
    // The optional prefix is tried first (greedy ?), then without it, for each of the two word forms.
    const bool prefix = !is_letter(c0.cls) && !is_newline(c0.cp) && p1 < s.size();
    if (prefix)
        if (const std::size_t e = s.cased_word_end(p1)) return s.with_contraction(e);
    if (const std::size_t e = s.cased_word_end(p)) return s.with_contraction(e);
    if (prefix)
        if (const std::size_t e = s.upper_word_end(p1)) return s.with_contraction(e);
    if (const std::size_t e = s.upper_word_end(p)) return s.with_contraction(e);
    if (const std::size_t e = s.punct_end(p, c0)) return e;
    return s.whitespace_end(p);
}

}  // namespace

std::size_t next_piece_end(SplitPattern pattern, std::string_view text, std::size_t pos) noexcept {
    const Scanner s(text);
    return pattern == SplitPattern::O200k ? o200k_piece_end(s, pos) : cl100k_piece_end(s, pos);
}

}  // namespace llmgate::inline v1::detail
