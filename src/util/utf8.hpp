// UTF-8 validity, for text the caller hands us: JSON text must be UTF-8, so a request carrying invalid
// bytes could never be encoded (nlohmann::json::dump throws on it) and is refused up front instead.
#pragma once

#include <cstddef>
#include <string_view>

namespace llmgate::inline v1::detail {

// RFC 3629 UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view s) noexcept;

// Length of the well-formed UTF-8 sequence starting at s[i] (i < s.size()), or 0 when the bytes there
// are not one (by the same rules).
std::size_t utf8_sequence(std::string_view s, std::size_t i) noexcept;

}  // namespace llmgate::detail
