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
    int offset = 0;  // minutes east of UTC
    if (s[i] == 'Z' || s[i] == 'z') {
        if (i + 1 != s.size()) return false;
    } else {
        int oh = 0, om = 0;
        if ((s[i] != '+' && s[i] != '-') || s.size() != i + 6 || s[i + 3] != ':') return false;
        if (!digits(s, i + 1, 2, oh) || !digits(s, i + 4, 2, om) || oh > 23 || om > 59) return false;
        offset = (s[i] == '+' ? 1 : -1) * (oh * 60 + om);
    }
    // A leap second only ever ends a UTC day: 23:59:60Z, or the same instant in another offset.
    if (sec == 60) return ((h * 60 + m - offset) % 1440 + 1440) % 1440 == 23 * 60 + 59;
    return true;
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

bool unreserved_or_sub_delim(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("-._~!$&'()*+,;=").find(c) != std::string_view::npos;
}

// Every character is one of `allowed` (besides unreserved and sub-delims) or a %XX escape.
bool uri_chars(std::string_view s, std::string_view allowed) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%') {
            if (i + 2 >= s.size() || !hex_digit(s[i + 1]) || !hex_digit(s[i + 2])) return false;
            i += 2;
        } else if (!unreserved_or_sub_delim(s[i]) && allowed.find(s[i]) == std::string_view::npos) {
            return false;
        }
    }
    return true;
}

// RFC 3986 authority: [userinfo "@"] host [":" port], host an IP literal in brackets or a reg-name.
bool authority(std::string_view a) {
    if (const auto at = a.find('@'); at != std::string_view::npos) {
        if (!uri_chars(a.substr(0, at), ":")) return false;
        a = a.substr(at + 1);
    }
    std::string_view host = a;
    std::string_view port;
    if (a.starts_with("[")) {
        const auto close = a.find(']');
        if (close == std::string_view::npos || !ipv6(a.substr(1, close - 1))) return false;
        host = {};
        if (close + 1 < a.size()) {
            if (a[close + 1] != ':') return false;
            port = a.substr(close + 2);
        }
    } else if (const auto colon = a.rfind(':'); colon != std::string_view::npos) {
        host = a.substr(0, colon);
        port = a.substr(colon + 1);
    }
    for (char c : port)
        if (c < '0' || c > '9') return false;
    return uri_chars(host, "");
}

// RFC 3986 URI (`absolute`: a scheme is required) or URI-reference.
bool uri(std::string_view s, bool absolute) {
    if (const auto hash = s.find('#'); hash != std::string_view::npos) {
        if (!uri_chars(s.substr(hash + 1), ":@/?")) return false;
        s = s.substr(0, hash);
    }
    if (const auto q = s.find('?'); q != std::string_view::npos) {
        if (!uri_chars(s.substr(q + 1), ":@/?")) return false;
        s = s.substr(0, q);
    }
    const auto colon = s.find(':');
    bool has_scheme = colon != std::string_view::npos && colon > 0 && s.substr(0, colon).find('/') == std::string_view::npos;
    if (has_scheme) {
        const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
        if (!alpha(s[0])) return false;
        for (std::size_t i = 1; i < colon; ++i)
            if (!(alpha(s[i]) || (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' || s[i] == '.')) return false;
        s = s.substr(colon + 1);
    } else if (absolute) {
        return false;
    } else if (colon != std::string_view::npos && s.substr(0, colon).find('/') == std::string_view::npos) {
        return false;  // a relative-path reference's first segment may not hold ':'
    }
    if (s.starts_with("//")) {
        const auto slash = s.find('/', 2);
        if (!authority(s.substr(2, slash == std::string_view::npos ? std::string_view::npos : slash - 2))) return false;
        s = slash == std::string_view::npos ? std::string_view() : s.substr(slash);
    }
    return uri_chars(s, ":@/");
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
