// Safe reads of fields from a provider's untrusted reply JSON: strings, sub-objects and token counts.
#pragma once

#include <string>

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

}  // namespace llmgate::inline v1::detail
