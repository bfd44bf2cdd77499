// UTF-8 validity, for text the caller hands us: JSON text must be UTF-8, so a request carrying invalid
// bytes could never be encoded (nlohmann::json::dump throws on it) and is refused up front instead.
#pragma once

#include <string_view>

namespace llmgate::detail {

// RFC 3629 UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view s) noexcept;

}  // namespace llmgate::detail
