// Redis URL parsing: scheme, optional percent-encoded credentials, host (or [IPv6]), port, database number.
#include "redis/url.hpp"

#include <charconv>

#include "llmgate/errors.hpp"

namespace llmgate::inline v1::detail {
namespace {

[[noreturn]] void bad(const std::string& why) {
    throw InvalidRequestError(ErrorInfo{.message = "invalid Redis URL: " + why});
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// %XX decoding of the user and password (a password may hold '@', ':' or '/').
std::string percent_decode(std::string_view s, const char* what) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        const int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
        const int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
        if (hi < 0 || lo < 0) bad(std::string("bad %-escape in the ") + what);
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

int parse_int(std::string_view s, int min, int max, const char* what) {
    int v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < min || v > max)
        bad(std::string(what) + " must be a number from " + std::to_string(min) + " to " + std::to_string(max) +
            ", got '" + std::string(s) + "'");
    return v;
}

}  // namespace

std::string RedisUrl::display() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (tls ? "rediss://" : "redis://") + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/" +
           std::to_string(db);
}

RedisUrl parse_redis_url(std::string_view url) {
    RedisUrl out;
    if (url.rfind("redis://", 0) == 0) {
        url.remove_prefix(8);
    } else if (url.rfind("rediss://", 0) == 0) {
        out.tls = true;
        url.remove_prefix(9);
    } else {
        bad("it must start with redis:// or rediss://");
    }
    // Query and fragment are not used; refuse them rather than read "?db=2" as part of the path.
    if (url.find_first_of("?#") != std::string_view::npos) bad("query strings and fragments are not supported");
    const std::size_t slash = url.find('/');
    std::string_view authority = url.substr(0, slash);
    std::string_view path = slash == std::string_view::npos ? std::string_view() : url.substr(slash + 1);

    // The credentials end at the last '@' (an unescaped '@' in a password is then still read right).
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
        const std::string_view userinfo = authority.substr(0, at);
        authority.remove_prefix(at + 1);
        const std::size_t colon = userinfo.find(':');
        if (colon == std::string_view::npos) {
            // redis://secret@host: the whole userinfo is the password, as redis-cli and redis-py read it.
            out.password = percent_decode(userinfo, "password");
        } else {
            out.user = percent_decode(userinfo.substr(0, colon), "user name");
            out.password = percent_decode(userinfo.substr(colon + 1), "password");
        }
    }
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) bad("unclosed '[' in the host");
        out.host = std::string(authority.substr(1, close - 1));
        const std::string_view rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') bad("unexpected text after the IPv6 address");
            port = rest.substr(1);
            if (port.empty()) bad("empty port");
        }
    } else {
        const std::size_t colon = authority.find(':');
        out.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
            if (port.empty()) bad("empty port");
        }
    }
    if (out.host.empty()) bad("no host");
    for (char c : out.host)
        if (static_cast<unsigned char>(c) <= ' ' || c == '/' || c == '@' || c == '[' || c == ']' ||
            static_cast<unsigned char>(c) >= 0x7f)
            bad("the host contains a character hosts cannot contain");
    if (!port.empty()) out.port = parse_int(port, 1, 65535, "the port");
    if (!path.empty()) out.db = parse_int(path, 0, 1'000'000, "the database");
    return out;
}

}  // namespace llmgate::inline v1::detail
