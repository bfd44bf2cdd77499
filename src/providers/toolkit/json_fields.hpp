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

// Where a string is read from: a buffered reply (its body is kept as raw, so its tree's strings are always
// taken) or a stream event (kept as the chunk's raw, so only large strings are taken).
enum class TextFrom { reply, stream_event };
inline void move_text(nlohmann::json& value, std::string& out, TextFrom from) {
    if (from == TextFrom::reply)
        take_string(value, out);
    else
        read_event_string(value, out);
}

inline nlohmann::json* object_at(nlohmann::json& j, const char* key) {
    return const_cast<nlohmann::json*>(object_at(std::as_const(j), key));
}

// Strict reads of a documented field, for stream events: absent or null means "not sent"; any other type than
// the documented one is the provider's bad data. They throw json::type_error naming the field, which the
// decoders turn into ResponseParseError "unexpected stream event shape ('<key>' must be ...)": a value of the
// wrong type is never read as "not sent", so it cannot become a silently empty answer.
[[noreturn]] inline void wrong_field_type(const char* key, const char* expected, const nlohmann::json& value) {
    throw nlohmann::json::type_error::create(
        302, std::string("'") + key + "' must be " + expected + ", not " + value.type_name(), nullptr);
}

// `value` itself must be an object (a choice, a candidate, a content block); `key` names it in the error.
inline void require_object(const nlohmann::json& value, const char* key) {
    if (!value.is_object()) wrong_field_type(key, "an object", value);
}

// The value at `key` when it has the type `type`; nullptr when `j` is not an object or the value is absent or
// null; json::type_error for any other type.
inline const nlohmann::json* typed_field(const nlohmann::json& j, const char* key, nlohmann::json::value_t type) {
    if (!j.is_object()) return nullptr;
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return nullptr;
    if (it->type() != type) {
        const char* expected = type == nlohmann::json::value_t::object  ? "an object"
                               : type == nlohmann::json::value_t::array ? "an array"
                               : type == nlohmann::json::value_t::string
                                   ? "a string"
                                   : (type == nlohmann::json::value_t::boolean ? "a boolean" : "of another type");
        wrong_field_type(key, expected, *it);
    }
    return &*it;
}
inline const nlohmann::json* object_field(const nlohmann::json& j, const char* key) {
    return typed_field(j, key, nlohmann::json::value_t::object);
}
// The same in a tree the caller may take strings out of.
inline nlohmann::json* object_field(nlohmann::json& j, const char* key) {
    return const_cast<nlohmann::json*>(object_field(std::as_const(j), key));
}
inline const nlohmann::json* array_field(const nlohmann::json& j, const char* key) {
    return typed_field(j, key, nlohmann::json::value_t::array);
}
inline nlohmann::json* array_field(nlohmann::json& j, const char* key) {
    return const_cast<nlohmann::json*>(array_field(std::as_const(j), key));
}
inline nlohmann::json* typed_field(nlohmann::json& j, const char* key, nlohmann::json::value_t type) {
    return const_cast<nlohmann::json*>(typed_field(std::as_const(j), key, type));
}
// The string at `key`, "" when absent or null; json::type_error when it is not a string.
inline std::string string_field(const nlohmann::json& j, const char* key) {
    const nlohmann::json* s = typed_field(j, key, nlohmann::json::value_t::string);
    return s != nullptr ? s->get<std::string>() : std::string();
}
// A field the event cannot do without: json::type_error when it is absent, null or not a string.
inline std::string required_string(const nlohmann::json& j, const char* key) {
    const nlohmann::json* s = typed_field(j, key, nlohmann::json::value_t::string);
    if (s == nullptr) throw nlohmann::json::type_error::create(302, std::string("'") + key + "' is missing", nullptr);
    return s->get<std::string>();
}

// required_string, appending to `out` and moving the string out of the tree as `from` allows (move_text).
inline void read_required_text(nlohmann::json& j, const char* key, std::string& out, TextFrom from) {
    nlohmann::json* s = typed_field(j, key, nlohmann::json::value_t::string);
    if (s == nullptr) throw nlohmann::json::type_error::create(302, std::string("'") + key + "' is missing", nullptr);
    move_text(*s, out, from);
}

}  // namespace llmgate::inline v1::detail
