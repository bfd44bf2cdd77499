// Safe reads of numbers from untrusted JSON: nlohmann's get<int>() on 1e300 or -5 is undefined or wrong.
#pragma once

#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

namespace llmgate::inline v1::detail {

// A token count: absent, null or non-integer values read as 0; negative ones too (counts cannot be);
// values beyond int64 are clamped.
inline std::int64_t json_count(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end()) return 0;
    if (it->is_number_unsigned()) {
        const auto v = it->get<std::uint64_t>();
        return v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                   ? std::numeric_limits<std::int64_t>::max()
                   : static_cast<std::int64_t>(v);
    }
    if (it->is_number_integer()) return std::max<std::int64_t>(0, it->get<std::int64_t>());
    return 0;
}

// Sum of token counts that saturates instead of overflowing.
inline std::int64_t add_counts(std::int64_t a, std::int64_t b) {
    std::int64_t out = 0;
    return __builtin_add_overflow(a, b, &out) ? std::numeric_limits<std::int64_t>::max() : out;
}

// An array index (choice, tool call, embedding): absent or null gives `fallback`; anything that is not
// an integer in [0, INT_MAX] is a malformed reply (json::type_error, which parsers turn into ResponseParseError).
inline int json_index(const nlohmann::json& j, const char* key, int fallback) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    if ((it->is_number_unsigned() || it->is_number_integer()) && it->get<std::int64_t>() >= 0 &&
        it->get<std::int64_t>() <= std::numeric_limits<int>::max())
        return static_cast<int>(it->get<std::int64_t>());
    throw nlohmann::json::type_error::create(302, std::string("'") + key + "' must be a small non-negative integer",
                                             nullptr);
}

}  // namespace llmgate::detail
