// Format assertion: small, strict checks of the formats structured-output schemas use.
#include "structured/schema_formats.hpp"

#include <string_view>

#include "structured/ecma_regex.hpp"

namespace llmgate::inline v1::detail {
namespace {

bool digits(std::string_view s, std::size_t at, std::size_t n, int& value) {
    if (at + n > s.size()) return false;
    value = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        value = value * 10 + (s[i] - '0');
    }
    return true;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// RFC 3339 full-date: YYYY-MM-DD with a day that exists.
bool full_date(std::string_view s) {
    int y = 0, m = 0, d = 0;
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    if (!digits(s, 0, 4, y) || !digits(s, 5, 2, m) || !digits(s, 8, 2, d)) return false;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1) return false;
    return d <= days[m - 1] + (m == 2 && leap(y) ? 1 : 0);
}

// RFC 3339 full-time: HH:MM:SS[.frac](Z|+HH:MM|-HH:MM); a leap second (:60) is taken as given.
bool full_time(std::string_view s) {
    int h = 0, m = 0, sec = 0;
    if (s.size() < 9 || s[2] != ':' || s[5] != ':') return false;
    if (!digits(s, 0, 2, h) || !digits(s, 3, 2, m) || !digits(s, 6, 2, sec)) return false;
    if (h > 23 || m > 59 || sec > 60) return false;
    std::size_t i = 8;
    if (i < s.size() && s[i] == '.') {
        const std::size_t start = ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        if (i == start) return false;
    }
    if (i == s.size()) return false;
    if (s[i] == 'Z' || s[i] == 'z') return i + 1 == s.size();
    int oh = 0, om = 0;
    if ((s[i] != '+' && s[i] != '-') || s.size() != i + 6 || s[i + 3] != ':') return false;
    return digits(s, i + 1, 2, oh) && digits(s, i + 4, 2, om) && oh <= 23 && om <= 59;
}

bool ipv4(std::string_view s) {
    int parts = 0;
    std::size_t i = 0;
    while (true) {
        std::size_t start = i;
        int value = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) value = value * 10 + (s[i++] - '0');
        const std::size_t len = i - start;
        if (len == 0 || value > 255 || (len > 1 && s[start] == '0')) return false;
        if (++parts == 4) return i == s.size();
        if (i >= s.size() || s[i] != '.') return false;
        ++i;
    }
}

bool hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool ipv6(std::string_view s) {
    // Groups of 1-4 hex digits, at most one "::", an optional dotted IPv4 tail.
    int groups = 0;
    bool compressed = false;
    std::size_t i = 0;
    if (s.starts_with("::")) {
        compressed = true;
        i = 2;
        if (i == s.size()) return true;
    } else if (s.starts_with(":")) {
        return false;
    }
    while (i < s.size()) {
        std::size_t start = i;
        while (i < s.size() && hex_digit(s[i]) && i - start < 5) ++i;
        if (i < s.size() && s[i] == '.') {  // IPv4 tail: counts as two groups
            if (!ipv4(s.substr(start))) return false;
            groups += 2;
            i = s.size();
            break;
        }
        const std::size_t len = i - start;
        if (len == 0 || len > 4) return false;
        ++groups;
        if (i == s.size()) break;
        if (s[i] != ':') return false;
        ++i;
        if (i < s.size() && s[i] == ':') {
            if (compressed) return false;
            compressed = true;
            ++i;
            if (i == s.size()) break;
        } else if (i == s.size()) {
            return false;  // a trailing single ':'
        }
    }
    return compressed ? groups < 8 : groups == 8;
}

bool hostname(std::string_view s) {
    if (s.empty() || s.size() > 253) return false;
    std::size_t start = 0;
    while (start <= s.size()) {
        const auto dot = s.find('.', start);
        const std::string_view label = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        for (char c : label)
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return true;
}

bool email(std::string_view s) {
    const auto at = s.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == s.size()) return false;
    const std::string_view local = s.substr(0, at);
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
    for (char c : local)
        if (static_cast<unsigned char>(c) <= ' ' || c == '@' || c == '(' || c == ')' || c == ',' || c == ':' ||
            c == ';' || c == '<' || c == '>' || c == '[' || c == ']' || c == '\\' || c == '"')
            return false;
    const std::string_view domain = s.substr(at + 1);
    if (domain.size() > 2 && domain.front() == '[' && domain.back() == ']')
        return ipv4(domain.substr(1, domain.size() - 2));
    return hostname(domain);
}

bool uuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !hex_digit(s[i])) return false;
    }
    return true;
}

// RFC 3986 characters (unreserved, reserved, '%' escapes); `absolute` also wants a scheme.
bool uri(std::string_view s, bool absolute) {
    std::size_t i = 0;
    if (absolute) {
        const auto colon = s.find(':');
        if (colon == std::string_view::npos || colon == 0) return false;
        const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
        if (!alpha(s[0])) return false;
        for (i = 1; i < colon; ++i)
            if (!(alpha(s[i]) || (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' || s[i] == '.')) return false;
    }
    for (; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '%') {
            if (i + 2 >= s.size() || !hex_digit(s[i + 1]) || !hex_digit(s[i + 2])) return false;
            i += 2;
            continue;
        }
        if (static_cast<unsigned char>(c) <= ' ' || static_cast<unsigned char>(c) >= 0x7f) return false;
        if (std::string_view("\"<>\\^`{|}").find(c) != std::string_view::npos) return false;
    }
    return true;
}

bool json_pointer(std::string_view s) {
    if (s.empty()) return true;
    if (s[0] != '/') return false;
    for (std::size_t i = 0; i < s.size(); ++i)
        if (s[i] == '~' && (i + 1 == s.size() || (s[i + 1] != '0' && s[i + 1] != '1'))) return false;
    return true;
}

}  // namespace

bool string_has_format(const std::string& text, const std::string& format) {
    const std::string_view s = text;
    if (format == "date-time") {
        const auto t = s.find_first_of("Tt");
        return t == 10 && full_date(s.substr(0, 10)) && full_time(s.substr(11));
    }
    if (format == "date") return full_date(s);
    if (format == "time") return full_time(s);
    if (format == "email") return email(s);
    if (format == "hostname") return hostname(s);
    if (format == "ipv4") return ipv4(s);
    if (format == "ipv6") return ipv6(s);
    if (format == "uuid") return uuid(s);
    if (format == "uri") return uri(s, true);
    if (format == "uri-reference") return uri(s, false);
    if (format == "json-pointer") return json_pointer(s);
    if (format == "regex") {
        std::string error;
        return cached_regex(text, error) != nullptr;
    }
    return true;
}

}  // namespace llmgate::detail
