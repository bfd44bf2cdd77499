#include "core/utf8.hpp"

#include <simdjson.h>

namespace llmgate::detail {

// simdjson's validator: the same rules as nlohmann's serializer, checked many bytes at a time.
bool is_valid_utf8(std::string_view s) noexcept { return simdjson::validate_utf8(s.data(), s.size()); }

}  // namespace llmgate::detail
