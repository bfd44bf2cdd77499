// Builds the human-readable what() of llmgate errors from their structured fields.
#include "llmgate/errors.hpp"

#include "core/utf8.hpp"

namespace llmgate {
namespace {

// Length of the well-formed UTF-8 sequence starting at s[i] (RFC 3629: no overlongs, no surrogates,
// nothing above U+10FFFF), or 0 when the bytes there are not one.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = byte(i);
    if (c < 0x80) return 1;
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) len = 3, lo = 0xA0;
    else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) len = 3;
    else if (c == 0xED) len = 3, hi = 0x9F;
    else if (c == 0xF0) len = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) len = 4, hi = 0x8F;
    else return 0;
    if (i + len > s.size()) return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < len; ++k)
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
    return len;
}

// Provider bodies end up in error messages. A reply cut mid-character, or sent in another encoding, must
// not make the error itself unusable: nlohmann::json::dump throws on invalid UTF-8, and logs and
// terminals garble it. Each byte that does not start a well-formed sequence becomes U+FFFD.
void make_valid_utf8(std::string& s) {
    if (detail::is_valid_utf8(s)) return;  // the usual case: nothing to do, no copy
    std::string out;
    out.reserve(s.size() + 16);
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t n = utf8_sequence(s, i);
        if (n == 0) {
            out.append("\xEF\xBF\xBD");
            ++i;
        } else {
            out.append(s, i, n);
            i += n;
        }
    }
    s = std::move(out);
}

ErrorInfo with_valid_utf8(ErrorInfo info) {
    for (std::string* field : {&info.provider, &info.model, &info.request_id, &info.message, &info.error_type, &info.body})
        make_valid_utf8(*field);
    return info;
}

// Appended piece by piece (no `a + b` temporaries): GCC 12 at -O3 reports a false -Wrestrict inside
// libstdc++ for `(cond ? "" : " ") + std::string(...)`, which breaks -Werror Release builds.
std::string describe(const ErrorInfo& info) {
    std::string prefix;
    if (!info.provider.empty()) prefix.append(info.provider);
    if (info.status != 0) {
        if (!prefix.empty()) prefix.push_back(' ');
        prefix.append("HTTP ");
        prefix.append(std::to_string(info.status));
    }
    if (!info.request_id.empty()) {
        if (!prefix.empty()) prefix.append(", ");
        prefix.append("request ");
        prefix.append(info.request_id);
    }
    std::string out;
    out.reserve(prefix.size() + info.message.size() + 16);
    if (!prefix.empty()) {
        out.push_back('[');
        out.append(prefix);
        out.append("] ");
    }
    if (info.message.empty())
        out.append("unknown error");
    else
        out.append(info.message);
    return out;
}

}  // namespace

Error::Error(ErrorInfo info) : Error(with_valid_utf8(std::move(info)), 0) {}

Error::Error(ErrorInfo&& valid, int) : std::runtime_error(describe(valid)), info_(std::move(valid)) {}

}  // namespace llmgate
