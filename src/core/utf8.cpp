#include "core/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace llmgate::detail {

// Our own validator, not simdjson's validate_utf8: that one dispatches through simdjson's static
// implementation objects, which the C++ runtime destroys at exit while the event loop thread may still
// be finishing a transfer (building its error runs this): "pure virtual method called". Text checked
// here is short (a request's fields, an error's message), and ASCII goes eight bytes at a time.
bool is_valid_utf8(std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* const end = p + s.size();
    while (p < end) {
        if (end - p >= 8) {
            std::uint64_t word;
            std::memcpy(&word, p, sizeof word);
            if ((word & 0x8080808080808080ULL) == 0) {
                p += 8;
                continue;
            }
        }
        const unsigned char c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        // RFC 3629 table 3-7: the lead byte fixes the length and the range of the first continuation
        // byte (which rules out overlong forms, surrogates and code points above U+10FFFF).
        std::size_t continuation = 0;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            continuation = 1;
        } else if (c == 0xE0) {
            continuation = 2;
            lo = 0xA0;
        } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
            continuation = 2;
        } else if (c == 0xED) {
            continuation = 2;
            hi = 0x9F;
        } else if (c == 0xF0) {
            continuation = 3;
            lo = 0x90;
        } else if (c >= 0xF1 && c <= 0xF3) {
            continuation = 3;
        } else if (c == 0xF4) {
            continuation = 3;
            hi = 0x8F;
        } else {
            return false;  // a continuation byte with no lead, C0/C1 (overlong), or F5..FF
        }
        if (static_cast<std::size_t>(end - p) <= continuation) return false;  // cut short
        if (p[1] < lo || p[1] > hi) return false;
        for (std::size_t k = 2; k <= continuation; ++k)
            if ((p[k] & 0xC0) != 0x80) return false;
        p += continuation + 1;
    }
    return true;
}

}  // namespace llmgate::detail
