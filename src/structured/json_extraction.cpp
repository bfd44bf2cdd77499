// Extraction of the JSON value from a reply that may wrap it in fences or prose.
#include "structured/json_extraction.hpp"

#include <string>
#include <vector>

namespace llmgate::inline v1::detail {
namespace {

// How many opening brackets are tried as the start of a JSON value before giving up; a reply with
// thousands of stray braces must not cost quadratic time.
constexpr int kMaxCandidates = 32;

bool space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
    if (s.size() >= 3 && s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);  // UTF-8 BOM
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

std::optional<json> parse(std::string_view s) {
    s = trim(s);
    if (s.empty()) return std::nullopt;
    json j = json::parse(s.begin(), s.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return std::nullopt;
    return j;
}

struct Fence {
    std::string_view lang{};
    std::string_view body{};
};

// Every ``` block: the info string after the opening fence, and the text up to the closing fence (or
// the end of the reply, for a model cut off mid-block).
std::vector<Fence> fenced_blocks(std::string_view text) {
    std::vector<Fence> out;
    std::size_t pos = 0;
    while ((pos = text.find("```", pos)) != std::string_view::npos) {
        std::size_t start = pos + 3;
        while (start < text.size() && text[start] == '`') ++start;
        const std::size_t eol = text.find('\n', start);
        Fence f;
        std::size_t body_start;
        if (eol == std::string_view::npos) {
            body_start = start;  // ```{...}``` on one line
        } else {
            f.lang = trim(text.substr(start, eol - start));
            body_start = eol + 1;
            // "```{"a":1}```": the info string is the value itself.
            if (!f.lang.empty() && (f.lang.front() == '{' || f.lang.front() == '[')) {
                f.lang = {};
                body_start = start;
            }
        }
        const std::size_t close = text.find("```", body_start);
        f.body = text.substr(body_start, close == std::string_view::npos ? std::string_view::npos : close - body_start);
        out.push_back(f);
        if (close == std::string_view::npos) break;
        pos = close + 3;
    }
    return out;
}

bool json_lang(std::string_view lang) {
    std::string l(lang);
    for (auto& c : l) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return l == "json" || l == "jsonc" || l == "json5" || l.rfind("json ", 0) == 0;
}

// The end (one past) of the balanced value opening at `open`, honouring strings and escapes; npos
// when the brackets do not balance.
std::size_t balanced_end(std::string_view text, std::size_t open) {
    std::vector<char> closers;
    bool in_string = false;
    bool escaped = false;
    for (std::size_t i = open; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            closers.push_back(c == '{' ? '}' : ']');
        } else if (c == '}' || c == ']') {
            if (closers.empty() || closers.back() != c) return std::string_view::npos;
            closers.pop_back();
            if (closers.empty()) return i + 1;
        }
    }
    return std::string_view::npos;
}

std::optional<json> first_balanced(std::string_view text) {
    int tried = 0;
    for (std::size_t i = 0; i < text.size() && tried < kMaxCandidates; ++i) {
        if (text[i] != '{' && text[i] != '[') continue;
        ++tried;
        const std::size_t end = balanced_end(text, i);
        if (end == std::string_view::npos) continue;
        if (auto j = parse(text.substr(i, end - i))) return j;
    }
    return std::nullopt;
}

}  // namespace

std::optional<json> parse_whole_json(std::string_view text) { return parse(text); }

std::optional<json> extract_json(std::string_view text) {
    if (auto whole = parse(text)) return whole;
    const auto fences = fenced_blocks(text);
    for (int pass = 0; pass < 2; ++pass) {  // blocks labelled json first, then the others
        for (const auto& f : fences) {
            if (json_lang(f.lang) != (pass == 0)) continue;
            if (auto j = parse(f.body)) return j;
            if (auto j = first_balanced(f.body)) return j;
        }
    }
    return first_balanced(text);
}

}  // namespace llmgate::detail
