// Safe reads of fields from a provider's untrusted reply JSON: strings, sub-objects and token counts.
#pragma once

#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "util/json_numbers.hpp"  // json_count, json_number_count, add_counts, json_index

namespace llmgate::inline v1::detail {

// The string at `key`; "" when `j` is not an object, the key is absent, or its value is not a string.
inline std::string string_or_empty(const nlohmann::json& j, const char* key) {
    if (!j.is_object()) return {};
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The object at `key`, or nullptr when `j` is not an object or the value is absent or not an object.
inline const nlohmann::json* object_at(const nlohmann::json& j, const char* key) {
    if (!j.is_object()) return nullptr;
    auto it = j.find(key);
    return it != j.end() && it->is_object() ? &*it : nullptr;
}

// Appends the string `value` holds to `out`, taking its buffer when `out` is still empty: a reply's text
// (possibly hundreds of MB) then exists once, in the answer, instead of once in the parsed tree and once
// more in the answer. `value` is left an empty string. Throws json::type_error when it is not a string.
inline void take_string(nlohmann::json& value, std::string& out) {
    auto& s = value.get_ref<std::string&>();
    if (out.empty())
        out = std::move(s);
    else
        out += s;
    s.clear();
}

// A stream chunk keeps its provider event as `raw`. Text fields from this size on are moved out of the
// event into the chunk's delta (the raw event keeps them as ""), so a huge streamed answer is held once;
// smaller ones are copied and the raw event stays whole.
inline constexpr std::size_t kEventTextMovedFrom = 64 * 1024;

// Appends an event's string field to `out`: copied, or moved when it is at least kEventTextMovedFrom long.
inline void read_event_string(nlohmann::json& value, std::string& out) {
    if (value.get_ref<const std::string&>().size() >= kEventTextMovedFrom)
        take_string(value, out);
    else
        out += value.get_ref<const std::string&>();
}

inline nlohmann::json* object_at(nlohmann::json& j, const char* key) {
    return const_cast<nlohmann::json*>(object_at(std::as_const(j), key));
}

}  // namespace llmgate::inline v1::detail
