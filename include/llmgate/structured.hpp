// Structured output into C++ types: describe a struct once, get its JSON Schema, its JSON
// (de)serialisation, resp.parsed<T>(), parse<T>() and aparse<T>().
//
//   struct Movie { std::string title; int year = 0; std::optional<double> rating; Genre genre{}; };
//   LLMGATE_ENUM(Genre, scifi, drama)                      // enum class Genre { scifi, drama };
//   LLMGATE_STRUCT(Movie, title, year, rating, genre)      // beside the struct, at namespace scope
//   LLMGATE_DESCRIBE(Movie, {"title", "The film's title"}, {"year", "Year of release"})  // optional
//
//   Movie m = llmgate::parse<Movie>("gpt-4o-mini", messages);
//   auto r = llmgate::completion(model, messages, {.response_format = llmgate::response_format<Movie>()});
//   Movie m2 = r.parsed<Movie>();
//
// Field types: bool, integers, floating point, std::string, enums declared with LLMGATE_ENUM, structs
// declared with LLMGATE_STRUCT, std::vector<T>, std::optional<T> (not required; null accepted) and
// llmgate::json (any value). The macros also define to_json/from_json, so the types work with
// nlohmann::json directly. Users with a schema of their own pass ResponseFormat{.schema = ...} instead.
//
// Note: llmgate::json keeps object keys sorted, so the schema lists properties alphabetically.
#pragma once

#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "llmgate/completion.hpp"
#include "llmgate/errors.hpp"
#include "llmgate/options.hpp"
#include "llmgate/requests.hpp"
#include "llmgate/types.hpp"

namespace llmgate::inline v1 {

// {field name, description} pairs given with LLMGATE_DESCRIBE.
using FieldDescriptions = std::vector<std::pair<std::string_view, std::string_view>>;

namespace detail {

template <class T>
inline constexpr bool is_optional_v = false;
template <class T>
inline constexpr bool is_optional_v<std::optional<T>> = true;
template <class T>
inline constexpr bool is_vector_v = false;
template <class T, class A>
inline constexpr bool is_vector_v<std::vector<T, A>> = true;

// Builds one schema: tracks the structs being expanded so a recursive struct becomes a $ref into
// $defs instead of an endless expansion. Non-template, compiled into the library.
class SchemaBuilder {
public:
    // Starts a struct; returns a {"$ref": ...} when that struct is already being expanded.
    std::optional<json> enter(std::string_view type_name);
    // Finishes the struct begun by enter(): the inline object schema, or a $ref when it is recursive.
    json leave(std::string_view type_name, json properties, std::vector<std::string> required,
               const FieldDescriptions* descriptions);
    // The root schema with $defs attached.
    json finish(json root);

    static json nullable(json schema);  // also accepts null
    static json array_of(json items);
    static json scalar(const char* type);
    static json enum_of(const std::vector<std::string_view>& names);

private:
    std::vector<std::string> stack_{};
    std::vector<std::string> recursive_{};
    json defs_ = json::object();
};

// Strings of an LLMGATE_ENUM, in declaration order.
template <class E>
using EnumNames = std::vector<std::pair<E, std::string_view>>;

[[noreturn]] void throw_enum_error(std::string_view type_name, const json& value);
[[noreturn]] void throw_missing_field(std::string_view field);
[[noreturn]] void throw_not_structured(const CompletionResponse& r);
[[noreturn]] void throw_conversion_failed(const CompletionResponse& r, const char* what);

template <class E>
std::string_view enum_to_string(const EnumNames<E>& names, E value) {
    for (const auto& [v, n] : names)
        if (v == value) return n;
    return {};
}

template <class E>
E enum_from_json(const EnumNames<E>& names, std::string_view type_name, const json& j) {
    if (j.is_string()) {
        const auto& s = j.get_ref<const std::string&>();
        for (const auto& [v, n] : names)
            if (n == s) return v;
    }
    throw_enum_error(type_name, j);
}

template <class E>
json enum_schema(const EnumNames<E>& names) {
    std::vector<std::string_view> strings;
    strings.reserve(names.size());
    for (const auto& entry : names) strings.push_back(entry.second);
    return SchemaBuilder::enum_of(strings);
}

// The descriptions a user gave with LLMGATE_DESCRIBE (found by ADL), or none.
template <class T>
const FieldDescriptions* descriptions_of() {
    if constexpr (requires(const T* p) { llmgate_descriptions(p); })
        return &llmgate_descriptions(static_cast<const T*>(nullptr));
    else
        return nullptr;
}

template <class T>
json schema_of(SchemaBuilder& b) {
    if constexpr (std::is_same_v<T, bool>)
        return SchemaBuilder::scalar("boolean");
    else if constexpr (std::is_integral_v<T>)
        return SchemaBuilder::scalar("integer");
    else if constexpr (std::is_floating_point_v<T>)
        return SchemaBuilder::scalar("number");
    else if constexpr (std::is_same_v<T, std::string>)
        return SchemaBuilder::scalar("string");
    else if constexpr (std::is_same_v<T, json>)
        return json::object();  // any value
    else if constexpr (is_optional_v<T>)
        return SchemaBuilder::nullable(schema_of<typename T::value_type>(b));
    else if constexpr (is_vector_v<T>)
        return SchemaBuilder::array_of(schema_of<typename T::value_type>(b));
    else {
        static_assert(
            requires(SchemaBuilder & sb, const T* p) { llmgate_schema(sb, p); },
            "llmgate: declare this type with LLMGATE_STRUCT or LLMGATE_ENUM");
        return llmgate_schema(b, static_cast<const T*>(nullptr));
    }
}

// JSON -> C++ for one field value; optional and vector handled here so null and missing work.
template <class T>
void read_value(const json& j, T& out) {
    if constexpr (is_optional_v<T>) {
        if (j.is_null()) {
            out.reset();
        } else {
            typename T::value_type v{};
            read_value(j, v);
            out = std::move(v);
        }
    } else if constexpr (is_vector_v<T>) {
        if (!j.is_array()) throw std::invalid_argument("expected an array, got " + std::string(j.type_name()));
        out.clear();
        out.reserve(j.size());
        for (const auto& e : j) {
            typename T::value_type v{};
            read_value(e, v);
            out.push_back(std::move(v));
        }
    } else if constexpr (std::is_same_v<T, json>) {
        out = j;
    } else {
        j.get_to(out);
    }
}

template <class T>
void write_value(json& j, const T& v) {
    if constexpr (is_optional_v<T>) {
        if (v)
            write_value(j, *v);
        else
            j = nullptr;
    } else if constexpr (is_vector_v<T>) {
        j = json::array();
        for (const auto& e : v) write_value(j.emplace_back(), e);
    } else {
        j = v;
    }
}

template <class T>
void read_field(const json& object, const char* name, T& out) {
    const auto it = object.find(name);
    if (it == object.end()) {
        if constexpr (is_optional_v<T>) {
            out.reset();
            return;
        } else {
            throw_missing_field(name);
        }
    }
    read_value(*it, out);
}

template <class T>
void schema_field(SchemaBuilder& b, json& properties, std::vector<std::string>& required, const char* name) {
    properties[name] = schema_of<T>(b);
    if constexpr (!is_optional_v<T>) required.emplace_back(name);
}

}  // namespace detail

// The JSON Schema of T (an LLMGATE_STRUCT type, usually).
template <class T>
json json_schema() {
    detail::SchemaBuilder b;
    json root = detail::schema_of<T>(b);
    return b.finish(std::move(root));
}

// The schema name a type gets by default: the name given to LLMGATE_STRUCT / LLMGATE_ENUM.
template <class T>
std::string schema_name() {
    if constexpr (requires(const T* p) { llmgate_type_name(p); })
        return std::string(llmgate_type_name(static_cast<const T*>(nullptr)));
    else
        return "response";
}

// Options::response_format for T: {.response_format = llmgate::response_format<Movie>()}.
template <class T>
ResponseFormat response_format(std::string name = {}, StructuredStrategy strategy = StructuredStrategy::automatic) {
    ResponseFormat f;
    f.schema = json_schema<T>();
    f.name = name.empty() ? schema_name<T>() : std::move(name);
    f.strategy = strategy;
    return f;
}

template <class T>
ResponseFormat ResponseFormat::of(std::string name) {
    return response_format<T>(std::move(name));
}

template <class T>
T CompletionResponse::parsed() const {
    if (structured_strategy.empty()) detail::throw_not_structured(*this);
    try {
        T value{};
        detail::read_value(parsed_json, value);
        return value;
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        detail::throw_conversion_failed(*this, e.what());
    }
}

// completion() with options.response_format set to T's schema (unless the caller gave one), returning
// the validated reply as T. Throws StructuredOutputError when the reply does not fit.
template <class T>
T parse(Models models, Messages messages, Options options = {}) {
    if (!options.response_format) options.response_format = response_format<T>();
    return completion(std::move(models), std::move(messages), std::move(options)).template parsed<T>();
}

namespace detail {
// The handler that turns a structured reply into the value of an aparse<T> future.
template <class T>
Callback<CompletionResponse> fulfil_parsed(std::shared_ptr<std::promise<T>> promise) {
    return [promise = std::move(promise)](std::exception_ptr err, CompletionResponse resp) {
        if (err) {
            promise->set_exception(err);
            return;
        }
        try {
            promise->set_value(resp.template parsed<T>());
        } catch (...) {
            promise->set_exception(std::current_exception());
        }
    };
}
}  // namespace detail

// Asynchronous parse, on the shared event loop like acompletion; the future holds T, or the typed
// llmgate::Error (StructuredOutputError when the reply does not fit).
template <class T>
std::future<T> aparse(Models models, Messages messages, Options options = {}) {
    if (!options.response_format) options.response_format = response_format<T>();
    auto promise = std::make_shared<std::promise<T>>();
    std::future<T> future = promise->get_future();
    acompletion(std::move(models), std::move(messages), std::move(options), detail::fulfil_parsed(promise));
    return future;
}

}  // namespace llmgate::inline v1

// ---- macros -------------------------------------------------------------------------------------

#define LLMGATE_DETAIL_TO_JSON(f) ::llmgate::detail::write_value(llmgate_j[#f], llmgate_v.f);
#define LLMGATE_DETAIL_FROM_JSON(f) ::llmgate::detail::read_field(llmgate_j, #f, llmgate_v.f);
#define LLMGATE_DETAIL_SCHEMA(f) \
    ::llmgate::detail::schema_field<decltype(llmgate_self::f)>(llmgate_b, llmgate_props, llmgate_required, #f);
#define LLMGATE_DETAIL_ENUM_ENTRY(e) {llmgate_enum::e, #e},

// Declares a struct's fields (up to 63) for JSON Schema and JSON conversion. Put it at namespace scope
// in the struct's namespace, after the struct and after the types its fields use.
#define LLMGATE_STRUCT(Type, ...)                                                                                 \
    [[maybe_unused]] inline constexpr std::string_view llmgate_type_name(const Type*) { return #Type; }           \
    inline void to_json(::nlohmann::json& llmgate_j, const Type& llmgate_v) {                                     \
        llmgate_j = ::nlohmann::json::object();                                                                   \
        NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(LLMGATE_DETAIL_TO_JSON, __VA_ARGS__))                            \
    }                                                                                                             \
    inline void from_json(const ::nlohmann::json& llmgate_j, Type& llmgate_v) {                                   \
        if (!llmgate_j.is_object())                                                                               \
            throw std::invalid_argument(std::string(#Type ": expected an object, got ") + llmgate_j.type_name()); \
        NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(LLMGATE_DETAIL_FROM_JSON, __VA_ARGS__))                          \
    }                                                                                                             \
    inline ::nlohmann::json llmgate_schema(::llmgate::detail::SchemaBuilder& llmgate_b, const Type*) {            \
        using llmgate_self = Type;                                                                                \
        if (auto llmgate_ref = llmgate_b.enter(#Type)) return *llmgate_ref;                                       \
        ::nlohmann::json llmgate_props = ::nlohmann::json::object();                                              \
        std::vector<std::string> llmgate_required;                                                                \
        NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(LLMGATE_DETAIL_SCHEMA, __VA_ARGS__))                             \
        return llmgate_b.leave(#Type, std::move(llmgate_props), std::move(llmgate_required),                      \
                               ::llmgate::detail::descriptions_of<Type>());                                       \
    }

// Declares an enum's values (up to 63) as a JSON string enum: enum class Genre { scifi, drama };
// LLMGATE_ENUM(Genre, scifi, drama) makes Genre::scifi <-> "scifi".
#define LLMGATE_ENUM(Type, ...)                                                                          \
    [[maybe_unused]] inline constexpr std::string_view llmgate_type_name(const Type*) { return #Type; }  \
    inline const ::llmgate::detail::EnumNames<Type>& llmgate_enum_names(const Type*) {                   \
        using llmgate_enum = Type;                                                                       \
        static const ::llmgate::detail::EnumNames<Type> names{                                           \
            NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(LLMGATE_DETAIL_ENUM_ENTRY, __VA_ARGS__))};          \
        return names;                                                                                    \
    }                                                                                                    \
    inline void to_json(::nlohmann::json& llmgate_j, const Type& llmgate_v) {                            \
        llmgate_j = ::llmgate::detail::enum_to_string(llmgate_enum_names(&llmgate_v), llmgate_v);        \
    }                                                                                                    \
    inline void from_json(const ::nlohmann::json& llmgate_j, Type& llmgate_v) {                          \
        llmgate_v = ::llmgate::detail::enum_from_json(llmgate_enum_names(&llmgate_v), #Type, llmgate_j); \
    }                                                                                                    \
    inline ::nlohmann::json llmgate_schema(::llmgate::detail::SchemaBuilder&, const Type* llmgate_p) {   \
        return ::llmgate::detail::enum_schema(llmgate_enum_names(llmgate_p));                            \
    }

// Field descriptions, written into the schema's "description" of each property:
// LLMGATE_DESCRIBE(Movie, {"title", "The film's title"}, {"year", "Year of release"})
#define LLMGATE_DESCRIBE(Type, ...)                                                \
    inline const ::llmgate::FieldDescriptions& llmgate_descriptions(const Type*) { \
        static const ::llmgate::FieldDescriptions d{__VA_ARGS__};                  \
        return d;                                                                  \
    }
