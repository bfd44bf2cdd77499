// The lean JSON parse: simdjson On-Demand walks the text, and each value is built once in the json tree.
#include "util/json_parse.hpp"

#include "util/ondemand_parser.hpp"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <locale.h>
#include <string>
#include <memory>

namespace llmgate::inline v1::detail {
namespace {

namespace od = simdjson::ondemand;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
using nlohmann::json;

// Deeper documents are refused (recursion here is one frame per level); no provider reply comes close.
constexpr std::size_t kMaxDepth = 512;

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Four hex digits at p (which has at least 4 bytes left), or -1.
long hex4(const char* p) {
    long v = 0;
    for (int i = 0; i < 4; ++i) {
        const int h = hex_value(p[i]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// A string token as simdjson hands it over (opening quote, body, closing quote, then any whitespace up to
// the next token) unescaped into `out`, which is reserved once for the whole body. simdjson has already
// checked the text is UTF-8 without raw control characters; the escapes are checked here, with
// nlohmann's rules (a \u surrogate must be a proper pair).
bool unescape_string(std::string_view token, std::string& out) {
    while (!token.empty() && token.back() != '"') token.remove_suffix(1);
    if (token.size() < 2 || token.front() != '"') return false;
    const char* p = token.data() + 1;
    const char* const end = token.data() + token.size() - 1;  // the closing quote
    out.reserve(static_cast<std::size_t>(end - p));
    while (p < end) {
        const char* run = p;
        while (p < end && *p != '\\') ++p;
        out.append(run, static_cast<std::size_t>(p - run));
        if (p == end) break;
        if (end - p < 2) return false;
        const char e = p[1];
        p += 2;
        switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                if (end - p < 4) return false;
                long cp = hex4(p);
                if (cp < 0) return false;
                p += 4;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (end - p < 6 || p[0] != '\\' || p[1] != 'u') return false;
                    const long low = hex4(p + 2);
                    if (low < 0xDC00 || low > 0xDFFF) return false;
                    p += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    return false;
                }
                append_utf8(out, static_cast<std::uint32_t>(cp));
                break;
            }
            default:
                return false;
        }
    }
    return true;
}

// A number with nlohmann's types: non-negative integers unsigned, negative ones signed, integers beyond
// 64 bits and everything else double; a float beyond double's range is an error, as nlohmann's "number
// overflow" is. Read from the token with from_chars (correctly rounded, as nlohmann's strtod), never with
// simdjson's On-Demand number readers, which 3.0.1 gets wrong for long mantissas (json_parse.hpp).
bool convert_number(od::value& v, json& out) {
    std::string_view token = v.raw_json_token();
    if (!is_json_number(token)) return false;
    while (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' || token.back() == '\r')
        token.remove_suffix(1);
    if (token.find_first_of(".eE") == std::string_view::npos) {
        if (token.front() == '-') {
            std::int64_t i = 0;
            const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), i);
            if (ec == std::errc() && end == token.data() + token.size()) {
                out = i;
                return true;
            }
        } else {
            std::uint64_t u = 0;
            const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), u);
            if (ec == std::errc() && end == token.data() + token.size()) {
                out = u;
                return true;
            }
        }
    }
    double d = 0;
    if (!read_double(token, d)) return false;
    out = d;
    return true;
}

bool convert(od::value v, json& out, std::size_t depth);

bool convert_object(od::object object, json& out, std::size_t depth) {
    out = json::object();
    for (auto field : object) {
        std::string_view key;
        od::value value;
        if (field.unescaped_key().get(key) != simdjson::SUCCESS) return false;
        if (field.value().get(value) != simdjson::SUCCESS) return false;
        json& slot = out[std::string(key)];  // a repeated key keeps its last value, as nlohmann does
        slot = nullptr;
        if (!convert(value, slot, depth + 1)) return false;
    }
    return true;
}

bool convert_array(od::array array, json& out, std::size_t depth) {
    out = json::array();
    for (auto element : array) {
        od::value value;
        if (element.get(value) != simdjson::SUCCESS) return false;
        out.push_back(nullptr);
        if (!convert(value, out.back(), depth + 1)) return false;
    }
    return true;
}

bool convert(od::value v, json& out, std::size_t depth) {
    if (depth > kMaxDepth) return false;
    od::json_type type;
    if (v.type().get(type) != simdjson::SUCCESS) return false;
    switch (type) {
        case od::json_type::object: {
            od::object object;
            return v.get_object().get(object) == simdjson::SUCCESS && convert_object(object, out, depth);
        }
        case od::json_type::array: {
            od::array array;
            return v.get_array().get(array) == simdjson::SUCCESS && convert_array(array, out, depth);
        }
        case od::json_type::string: {
            const std::string_view token = v.raw_json_token();
            od::raw_json_string consumed;  // moves the iterator past the string
            if (v.get_raw_json_string().get(consumed) != simdjson::SUCCESS) return false;
            std::string s;
            if (!unescape_string(token, s)) return false;
            out = std::move(s);
            return true;
        }
        case od::json_type::number:
            return convert_number(v, out);
        case od::json_type::boolean: {
            bool b = false;
            if (v.get_bool().get(b) != simdjson::SUCCESS) return false;
            out = b;
            return true;
        }
        case od::json_type::null: {
            bool is_null = false;
            if (v.is_null().get(is_null) != simdjson::SUCCESS || !is_null) return false;
            out = nullptr;
            return true;
        }
    }
    return false;
}

json discarded() { return json(json::value_t::discarded); }

}  // namespace

// Whether `token` (trailing whitespace allowed) is a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view token) {
    std::size_t i = 0;
    const std::size_t n = token.size();
    if (i < n && token[i] == '-') ++i;
    if (i >= n || !is_digit(token[i])) return false;
    if (token[i] == '0') {
        ++i;
    } else {
        while (i < n && is_digit(token[i])) ++i;
    }
    if (i < n && token[i] == '.') {
        ++i;
        if (i >= n || !is_digit(token[i])) return false;
        while (i < n && is_digit(token[i])) ++i;
    }
    if (i < n && (token[i] == 'e' || token[i] == 'E')) {
        ++i;
        if (i < n && (token[i] == '+' || token[i] == '-')) ++i;
        if (i >= n || !is_digit(token[i])) return false;
        while (i < n && is_digit(token[i])) ++i;
    }
    while (i < n && (token[i] == ' ' || token[i] == '\t' || token[i] == '\n' || token[i] == '\r')) ++i;
    return i == n;
}

bool read_double(std::string_view token, double& out) {
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' || token.back() == '\r'))
        token.remove_suffix(1);
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), out);
    if (ec == std::errc::result_out_of_range && end == token.data() + token.size()) {
        // from_chars refuses underflow as well as overflow; nlohmann takes strtod's answer and refuses only
        // an infinite one. strtod_l in the "C" locale, so a caller's setlocale cannot change the decimal point.
        static const locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", nullptr);
        const std::string text(token);
        out = strtod_l(text.c_str(), nullptr, c_locale);
        return std::isfinite(out);
    }
    return ec == std::errc() && end == token.data() + token.size() && std::isfinite(out);
}

json parse_json_lean(std::string_view text, std::size_t capacity) {
    // nlohmann's lexer takes a NUL byte outside a string for the end of the input (and one inside a string
    // for an error); simdjson reads on. No real reply holds one: such a text gets nlohmann's own answer.
    if (std::memchr(text.data(), '\0', text.size()) != nullptr) return json::parse(text, nullptr, false);
    OnDemandParser parser(text.size());
    if (!parser) return json::parse(text, nullptr, false);  // no memory for simdjson's index: the slow way
    od::document doc;
    if (parser.get().iterate(simdjson::padded_string_view(text.data(), text.size(), capacity)).get(doc) !=
        simdjson::SUCCESS)
        return discarded();
    json out;
    od::json_type type;
    if (doc.type().get(type) != simdjson::SUCCESS) return discarded();
    bool ok = false;
    if (type == od::json_type::object) {
        od::object object;
        ok = doc.get_object().get(object) == simdjson::SUCCESS && convert_object(object, out, 1);
    } else if (type == od::json_type::array) {
        od::array array;
        ok = doc.get_array().get(array) == simdjson::SUCCESS && convert_array(array, out, 1);
    } else {
        return json::parse(text, nullptr, false);  // a bare scalar: never large enough to matter
    }
    if (!ok) return discarded();
    // Anything but whitespace after the value is an error (simdjson's "past the end" is the good answer).
    const char* rest = nullptr;
    if (doc.current_location().get(rest) == simdjson::SUCCESS) return discarded();
    return out;
}

json parse_json(const std::string& text) {
    if (text.size() < kLeanParseFrom) return json::parse(text, nullptr, false);
    if (text.capacity() - text.size() >= simdjson::SIMDJSON_PADDING) return parse_json_lean(text, text.capacity());
    return parse_json(std::string_view(text));
}

json parse_json(std::string_view text) {
    if (text.size() < kLeanParseFrom) return json::parse(text, nullptr, false);
    std::string padded;
    padded.reserve(text.size() + simdjson::SIMDJSON_PADDING);
    padded.assign(text);
    return parse_json_lean(padded, padded.capacity());
}

}  // namespace llmgate::inline v1::detail
