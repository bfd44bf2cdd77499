// ECMA-262 regular expressions for JSON Schema, run by PCRE2 under match limits, with a shared cache.
//
// Why PCRE2: Debian's libpcre2 is maintained, already on every machine, takes options that bring its
// syntax close to ECMA-262 (\uHHHH and \u{...} escapes, `$` only at the very end, `[]` / `[^]`), and
// has match, depth and heap limits, so a catastrophic pattern such as (a+)+$ ends with an error
// instead of running for minutes. std::regex has none of those limits and recurses per character.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "structured/ecma_regex.hpp"

#include <pcre2.h>

#include <mutex>
#include <unordered_map>

namespace llmgate::inline v1::detail {
namespace {

// Backtracking steps, nested backtracking frames and heap (KiB) one search may use. A pattern
// matched against a reply's strings takes far fewer; only exponential backtracking reaches them.
constexpr std::uint32_t kMatchLimit = 200000;
constexpr std::uint32_t kDepthLimit = 10000;
constexpr std::uint32_t kHeapLimitKiB = 16384;
constexpr std::size_t kCacheSize = 512;

// ECMA-262 WhiteSpace and LineTerminator, which `\s` matches there (PCRE2 without UCP: ASCII only).
constexpr std::string_view kEcmaSpaces = R"(\t\n\x0b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff)";
// ECMA-262's `.`: anything but a LineTerminator.
constexpr std::string_view kEcmaDot = R"([^\n\r\u2028\u2029])";

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The letters that may follow a backslash in ECMA-262 `u` mode; any other letter is a syntax error
// there, but has a meaning of its own in PCRE2 (\A, \Z, \h, \R, \K, \Q, ...).
bool ecma_escape_letter(char c) { return std::string_view("bBcdDfknpPrsStuvwWx").find(c) != std::string_view::npos; }

// ECMA-262 names General_Category values long or short (\p{Letter}, \p{gc=Lu}, \p{digit}); PCRE2
// 10.42 takes only the short ones, bare (\p{L}, \p{Lu}, \p{Nd}).
std::string_view general_category(std::string_view name) {
    static constexpr std::pair<std::string_view, std::string_view> kLong[] = {
        {"Letter", "L"}, {"Cased_Letter", "L&"}, {"LC", "L&"}, {"Uppercase_Letter", "Lu"},
        {"Lowercase_Letter", "Ll"}, {"Titlecase_Letter", "Lt"}, {"Modifier_Letter", "Lm"}, {"Other_Letter", "Lo"},
        {"Mark", "M"}, {"Combining_Mark", "M"}, {"Nonspacing_Mark", "Mn"}, {"Spacing_Mark", "Mc"},
        {"Enclosing_Mark", "Me"}, {"Number", "N"}, {"Decimal_Number", "Nd"}, {"digit", "Nd"},
        {"Letter_Number", "Nl"}, {"Other_Number", "No"}, {"Punctuation", "P"}, {"punct", "P"},
        {"Connector_Punctuation", "Pc"}, {"Dash_Punctuation", "Pd"}, {"Open_Punctuation", "Ps"},
        {"Close_Punctuation", "Pe"}, {"Initial_Punctuation", "Pi"}, {"Final_Punctuation", "Pf"},
        {"Other_Punctuation", "Po"}, {"Symbol", "S"}, {"Math_Symbol", "Sm"}, {"Currency_Symbol", "Sc"},
        {"Modifier_Symbol", "Sk"}, {"Other_Symbol", "So"}, {"Separator", "Z"}, {"Space_Separator", "Zs"},
        {"Line_Separator", "Zl"}, {"Paragraph_Separator", "Zp"}, {"Other", "C"}, {"Control", "Cc"},
        {"cntrl", "Cc"}, {"Format", "Cf"}, {"Surrogate", "Cs"}, {"Private_Use", "Co"}, {"Unassigned", "Cn"}};
    for (const auto& [long_name, short_name] : kLong)
        if (name == long_name) return short_name;
    return name;
}

// The body of \p{...} in PCRE2's spelling.
std::string unicode_property(std::string_view body) {
    if (const auto eq = body.find('='); eq != std::string_view::npos) {
        const std::string_view key = body.substr(0, eq);
        if (key == "General_Category" || key == "gc") return std::string(general_category(body.substr(eq + 1)));
        return std::string(body);  // Script=..., Script_Extensions=...: PCRE2 spells them the same
    }
    return std::string(general_category(body));
}

}  // namespace

std::string ecma_to_pcre2(std::string_view p, std::string& error) {
    error.clear();
    std::string out;
    out.reserve(p.size() + 16);
    bool in_class = false;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        if (c == '\\') {
            if (i + 1 == p.size()) {
                error = "the pattern ends with a lone backslash";
                return {};
            }
            const char e = p[++i];
            if (is_ascii_letter(e) && !ecma_escape_letter(e)) {
                error = std::string("\\") + e + " is not an ECMA-262 escape";
                return {};
            }
            if ((e == 'p' || e == 'P') && i + 1 < p.size() && p[i + 1] == '{') {
                const auto close = p.find('}', i + 2);
                if (close == std::string_view::npos) {
                    error = std::string("\\") + e + "{ without a closing }";
                    return {};
                }
                out += std::string("\\") + e + "{" + unicode_property(p.substr(i + 2, close - i - 2)) + "}";
                i = close;
            } else if (e == 's') {
                out += in_class ? std::string(kEcmaSpaces) : "[" + std::string(kEcmaSpaces) + "]";
            } else if (e == 'S' && !in_class) {
                out += "[^" + std::string(kEcmaSpaces) + "]";
            } else if (e == 'v') {
                out += R"(\x0b)";  // ECMA: the VT character; PCRE2: any vertical white space
            } else {
                out += c;
                out += e;
            }
            continue;
        }
        if (in_class) {
            if (c == ']') in_class = false;
            out += c;
            continue;
        }
        if (c == '[') {
            in_class = true;
            out += c;
            // ECMA-262: a `]` right after `[` or `[^` closes the class (`[]` matches nothing, `[^]` anything).
            if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
            if (i + 1 < p.size() && p[i + 1] == ']') {
                out += p[++i];
                in_class = false;
            }
            continue;
        }
        if (c == '.') {
            out += kEcmaDot;
            continue;
        }
        if (c == '(' && i + 1 < p.size() && p[i + 1] == '?') {
            // ECMA-262 groups: (?: (?= (?! (?<= (?<! (?<name>; PCRE2 has many more ((?i), (?>, (?R), ...).
            const std::string_view rest = p.substr(i + 2);
            const bool ecma = rest.starts_with(":") || rest.starts_with("=") || rest.starts_with("!") ||
                              rest.starts_with("<=") || rest.starts_with("<!") ||
                              (rest.size() > 1 && rest[0] == '<' && (is_ascii_letter(rest[1]) || rest[1] == '_' ||
                                                                     rest[1] == '$'));
            if (!ecma) {
                error = "(?" + std::string(rest.substr(0, 1)) + " is not an ECMA-262 group";
                return {};
            }
        }
        out += c;
    }
    return out;
}

struct EcmaRegex::Code {
    pcre2_code* code = nullptr;
    pcre2_match_context* limits = nullptr;
    ~Code() {
        pcre2_match_context_free(limits);
        pcre2_code_free(code);
    }
};

EcmaRegex::~EcmaRegex() { delete code_; }

std::shared_ptr<const EcmaRegex> EcmaRegex::compile(std::string_view pattern, std::string& error) {
    const std::string translated = ecma_to_pcre2(pattern, error);
    if (translated.empty() && !error.empty()) return nullptr;

    pcre2_compile_context* ctx = pcre2_compile_context_create(nullptr);
    if (!ctx) {
        error = "out of memory compiling the pattern";
        return nullptr;
    }
    // \u{...} as well as \uHHHH (ECMA-262 `u` mode); ALT_BSUX alone has only the latter.
    pcre2_set_compile_extra_options(ctx, PCRE2_EXTRA_ALT_BSUX);
    // UTF: a JSON string is Unicode text, and `.` / `{n}` count code points. No UCP: in ECMA-262
    // \d, \w and \b are ASCII. MATCH_INVALID_UTF: a string with broken UTF-8 is searched, not an error.
    const std::uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_ALT_BSUX | PCRE2_DOLLAR_ENDONLY |
                                  PCRE2_ALLOW_EMPTY_CLASS;
    int code = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(), options,
                                   &code, &offset, ctx);
    pcre2_compile_context_free(ctx);
    if (!re) {
        PCRE2_UCHAR buffer[256];
        pcre2_get_error_message(code, buffer, sizeof buffer);
        error = reinterpret_cast<const char*>(buffer);
        return nullptr;
    }
    auto owned = std::make_unique<Code>();
    owned->code = re;
    owned->limits = pcre2_match_context_create(nullptr);
    if (!owned->limits) {
        error = "out of memory compiling the pattern";
        return nullptr;
    }
    pcre2_set_match_limit(owned->limits, kMatchLimit);
    pcre2_set_depth_limit(owned->limits, kDepthLimit);
    pcre2_set_heap_limit(owned->limits, kHeapLimitKiB);
    return std::shared_ptr<const EcmaRegex>(new EcmaRegex(owned.release()));
}

EcmaRegex::Match EcmaRegex::search(std::string_view subject) const {
    pcre2_match_data* data = pcre2_match_data_create_from_pattern(code_->code, nullptr);
    if (!data) return Match::too_costly;
    const int rc = pcre2_match(code_->code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0, data,
                               code_->limits);
    pcre2_match_data_free(data);
    if (rc >= 0) return Match::found;
    if (rc == PCRE2_ERROR_NOMATCH) return Match::not_found;
    return Match::too_costly;  // match / depth / heap limit, or out of memory
}

std::shared_ptr<const EcmaRegex> cached_regex(const std::string& pattern, std::string& error) {
    struct Entry {
        std::shared_ptr<const EcmaRegex> regex;
        std::string error;
    };
    static std::mutex mutex;
    static std::unordered_map<std::string, Entry> cache;
    {
        const std::lock_guard lock(mutex);
        if (const auto it = cache.find(pattern); it != cache.end()) {
            error = it->second.error;
            return it->second.regex;
        }
    }
    std::string why;
    auto regex = EcmaRegex::compile(pattern, why);  // outside the lock: a long pattern blocks no one
    const std::lock_guard lock(mutex);
    if (cache.size() >= kCacheSize) cache.clear();  // simple and bounded; schemas rarely have many patterns
    cache.emplace(pattern, Entry{regex, why});
    error = why;
    return regex;
}

}  // namespace llmgate::detail
