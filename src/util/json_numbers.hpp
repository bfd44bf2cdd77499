// Safe reads of numbers from untrusted JSON: nlohmann's get<int>() on 1e300 or -5 is undefined or wrong.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

namespace llmgate::inline v1::detail {

// A count read from an integer: negative ones read as 0 (counts cannot be); values beyond int64 are clamped.
inline std::int64_t clamp_count(std::int64_t v) { return std::max<std::int64_t>(0, v); }
inline std::int64_t clamp_count(std::uint64_t v) {
    return v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
               ? std::numeric_limits<std::int64_t>::max()
               : static_cast<std::int64_t>(v);
}

// A count that is not a number at all ("ten", an object) is the provider's bad data, never "0 tokens": it
// throws json::type_error naming the field, which the parsers turn into ResponseParseError (usage priced
// as zero would be a silently wrong bill).
[[noreturn]] inline void count_not_a_number(const char* key, const nlohmann::json& value) {
    throw nlohmann::json::type_error::create(
        302, std::string("'") + key + "' must be a number, not " + value.type_name(), nullptr);
}

// A count typed as a float (Cohere types all its counts so; a server may send 12.0): a non-negative one is
// truncated, and clamped beyond int64; negative and NaN read as 0.
inline std::int64_t float_count(double v) {
    if (!(v >= 0)) return 0;
    if (v >= 9223372036854775807.0) return std::numeric_limits<std::int64_t>::max();  // 2^63: beyond int64
    return static_cast<std::int64_t>(v);
}

// A token count: absent or null read as 0 (not sent); negative integers too (counts cannot be); values
// beyond int64 are clamped; floats as float_count; anything that is not a number throws (see above).
inline std::int64_t json_count(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return 0;
    if (it->is_number_unsigned()) return clamp_count(it->get<std::uint64_t>());
    if (it->is_number_integer()) return clamp_count(it->get<std::int64_t>());
    if (it->is_number_float()) return float_count(it->get<double>());
    count_not_a_number(key, *it);
}

// Cohere's counts: the same reading (its floats are the documented type there, not a tolerance).
inline std::int64_t json_number_count(const nlohmann::json& j, const char* key) { return json_count(j, key); }

// Sum of token counts that saturates instead of overflowing.
inline std::int64_t add_counts(std::int64_t a, std::int64_t b) {
    std::int64_t out = 0;
    return __builtin_add_overflow(a, b, &out) ? std::numeric_limits<std::int64_t>::max() : out;
}
template <class... More>
std::int64_t add_counts(std::int64_t a, std::int64_t b, std::int64_t c, More... more) {
    return add_counts(add_counts(a, b), c, more...);
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

}  // namespace llmgate::inline v1::detail
