// Validates a JSON value against a JSON Schema (draft 7, plus the 2019-09 / 2020-12 keywords structured
// output uses), as the official JSON Schema Test Suite specifies it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "llmgate/types.hpp"

namespace llmgate::inline v1::detail {

// Supported (docs/structured-output.md has the full list and the draft semantics):
//   boolean schemas; type, enum, const; multipleOf, minimum, maximum, exclusiveMinimum/Maximum (number, or
//   draft-4 boolean); minLength/maxLength (code points), pattern; items (schema or draft-7 tuple),
//   additionalItems, prefixItems, contains, minContains/maxContains, minItems/maxItems, uniqueItems;
//   properties, patternProperties, additionalProperties, required, propertyNames, min/maxProperties,
//   dependencies, dependentRequired, dependentSchemas; allOf, anyOf, oneOf, not, if/then/else;
//   $ref (JSON pointers with ~0 ~1 and %-escapes, $id / $anchor identifiers, recursion), definitions,
//   $defs, the draft-07 meta-schema by its URI; format (an annotation unless assert_format);
//   OpenAPI's "nullable": true.
// $ref: draft-7 semantics (its sibling keywords are ignored) unless "$schema" names 2019-09 or 2020-12,
// where the siblings apply as well.
// Unsupported, so rejected up front by schema_problems: unevaluatedProperties, unevaluatedItems,
// $dynamicRef, $recursiveRef, $ref to any other remote document.
struct SchemaOptions {
    std::size_t max_problems = 64;
    int max_depth = 128;  // nesting of schema and value together
    // Null for a property the schema leaves optional counts as absent. Only right where llmgate sent the
    // provider a strict-mode copy of the schema that made optional properties required-and-nullable.
    bool optional_null_is_absent = false;
    // `format` as an assertion (date-time, date, time, email, hostname, ipv4, ipv6, uuid, uri, regex,
    // json-pointer); by default an annotation, as JSON Schema specifies.
    bool assert_format = false;
};

// Checks `value` against `schema` and returns every mismatch as "<path>: <what>", the path in
// JSONPath style ("$.cast[2].name"); empty means the value fits. A schema that schema_problems rejects
// gives its problems (as "$: ..."), so no value fits it.
//
// Bounded: nesting past max_depth, work past an internal budget, a $ref cycle that never reaches a
// value and a regex past PCRE2's match limit are reported as problems instead of recursing or running
// on, so a hostile schema or value cannot exhaust the stack or the CPU.
std::vector<std::string> validate_json(const json& value, const json& schema, const SchemaOptions& options);
std::vector<std::string> validate_json(const json& value, const json& schema, std::size_t max_problems = 64,
                                       int max_depth = 128);

// What makes `schema` unusable, checked before any request is sent: an unsupported keyword, a $ref
// that cannot be resolved, an invalid regex, a keyword with a malformed value. Empty means usable.
// Each problem names its place in the schema as a JSON pointer ("#/properties/name/pattern: ...").
std::vector<std::string> schema_problems(const json& schema);

}  // namespace llmgate::detail
