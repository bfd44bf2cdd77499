// Validates a JSON value against the JSON Schema subset structured output uses and users commonly pass.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "llmgate/types.hpp"

namespace llmgate::inline v1::detail {

// Checks `value` against `schema` and returns every mismatch as "<path>: <what>", the path in
// JSONPath style ("$.cast[2].name"); empty means the value fits.
//
// Supported: boolean schemas; type (a name or a list, incl. "null" and "integer" for whole floats);
// enum, const; properties, required, additionalProperties (bool or schema), min/maxProperties;
// items (schema or list), prefixItems, min/maxItems, uniqueItems; min/maxLength (code points);
// minimum, maximum, exclusiveMinimum/exclusiveMaximum (number or draft-4 boolean), multipleOf;
// anyOf, oneOf, allOf, not; $ref to "#", "#/$defs/...", "#/definitions/..." (any JSON pointer into the
// root schema); OpenAPI's "nullable": true. A null value for a property that is not required counts as
// absent (strict provider modes send every property, null for the ones the model leaves out). Keywords it does not know
// (format, pattern, ...) are ignored.
//
// Bounded: nesting past `max_depth` and work past an internal budget are reported as problems instead
// of recursing further, so a hostile schema or value cannot exhaust the stack or the CPU.
std::vector<std::string> validate_json(const json& value, const json& schema, std::size_t max_problems = 64,
                                       int max_depth = 128);

}  // namespace llmgate::detail
