// Fuzz target for validate_json: any schema and value give a bounded list of "$..." problems, never a
// crash, a throw or unbounded recursion.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "structured/json_schema_validator.hpp"

namespace {

using llmgate::json;

void check(const json& value, const json& schema) {
    const auto problems = llmgate::detail::validate_json(value, schema, 16);
    LLMGATE_FUZZ_CHECK(problems.size() <= 16);
    for (const auto& p : problems) LLMGATE_FUZZ_CHECK(!p.empty() && p[0] == '$');
}

}  // namespace

// No catch: the validator reports every problem in its result, so any exception is a bug.
// Input: one JSON document. [schema, value] checks value against schema; anything else is checked
// against itself as a schema and against a typical generated object schema.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) return 0;
    if (j.is_array() && j.size() == 2) check(j[1], j[0]);
    check(j, j);
    static const json movie = json::parse(R"({"type":"object","additionalProperties":false,
        "properties":{"title":{"type":"string","minLength":1},"year":{"type":"integer","minimum":1888},
                      "genre":{"type":"string","enum":["scifi","drama"]},
                      "cast":{"type":"array","items":{"$ref":"#/$defs/Person"},"maxItems":50},
                      "rating":{"anyOf":[{"type":"number","exclusiveMaximum":10},{"type":"null"}]}},
        "required":["title","year","genre","cast","rating"],
        "$defs":{"Person":{"type":"object","properties":{"name":{"type":"string"},
                 "friends":{"type":"array","items":{"$ref":"#/$defs/Person"}}},"required":["name"]}}})");
    check(j, movie);
    // Validating against `true` accepts everything.
    LLMGATE_FUZZ_CHECK(llmgate::detail::validate_json(j, json(true)).empty());
    return 0;
}
