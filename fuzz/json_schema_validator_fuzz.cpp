// Fuzz target for validate_json and schema_problems: any schema and value give a bounded list of "$..."
// problems in bounded time (pathological $ref cycles and regexes included), never a crash or a throw.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "structured/json_schema_validator.hpp"

namespace {

using llmgate::json;
using llmgate::detail::SchemaOptions;

// Far above what any input needs (milliseconds), far below a hang: the validator's work budget and
// PCRE2's match limits are what keep each call short; this catches the day one of them stops working.
constexpr auto kMaxCallTime = std::chrono::seconds(10);

void check(const json& value, const json& schema, const SchemaOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    const auto problems = llmgate::detail::validate_json(value, schema, options);
    LLMGATE_FUZZ_CHECK(std::chrono::steady_clock::now() - start < kMaxCallTime);
    LLMGATE_FUZZ_CHECK(problems.size() <= options.max_problems);
    for (const auto& p : problems) LLMGATE_FUZZ_CHECK(!p.empty() && p[0] == '$');
    // A schema refused up front refuses every value: it never silently accepts one.
    if (!llmgate::detail::schema_problems(schema).empty()) LLMGATE_FUZZ_CHECK(!problems.empty());
}

void check(const json& value, const json& schema) {
    check(value, schema, SchemaOptions{.max_problems = 16});
    check(value, schema, SchemaOptions{.max_problems = 4, .optional_null_is_absent = true, .assert_format = true});
}

}  // namespace

// No catch: the validator reports every problem in its result, so any exception is a bug.
// Input: one JSON document. [schema, value] checks value against schema; [schema, value, value...]
// each value; anything else is checked against itself as a schema and against a typical generated
// object schema.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) return 0;
    if (j.is_array() && j.size() >= 2)
        for (std::size_t i = 1; i < j.size() && i < 8; ++i) check(j[i], j[0]);
    check(j, j);
    static const json movie = json::parse(R"({"type":"object","additionalProperties":false,
        "properties":{"title":{"type":"string","minLength":1,"pattern":"^\\S"},"year":{"type":"integer","minimum":1888},
                      "genre":{"type":"string","enum":["scifi","drama"]},
                      "cast":{"type":"array","items":{"$ref":"#/$defs/Person"},"maxItems":50},
                      "rating":{"anyOf":[{"type":"number","exclusiveMaximum":10},{"type":"null"}]}},
        "patternProperties":{"^x-":{"type":"string"}},
        "required":["title","year","genre","cast","rating"],
        "$defs":{"Person":{"type":"object","properties":{"name":{"type":"string"},
                 "friends":{"type":"array","items":{"$ref":"#/$defs/Person"}}},"required":["name"]}}})");
    check(j, movie);
    // Validating against `true` accepts everything.
    LLMGATE_FUZZ_CHECK(llmgate::detail::validate_json(j, json(true)).empty());
    return 0;
}
