// The JSON Schema validator: each keyword, the JSON paths it reports, its bounds, and what it refuses up front.
#include <gtest/gtest.h>

#include "structured/json_schema_validator.hpp"

using llmgate::json;
using llmgate::detail::validate_json;
using Problems = std::vector<std::string>;

namespace {
Problems check(const char* value, const char* schema) { return validate_json(json::parse(value), json::parse(schema)); }
}  // namespace

TEST(JsonSchemaValidator, AcceptsAMatchingObject) {
    EXPECT_EQ(check(R"({"title":"Alien","year":1979,"tags":["a"]})",
                    R"({"type":"object","properties":{"title":{"type":"string"},"year":{"type":"integer"},
                        "tags":{"type":"array","items":{"type":"string"}}},"required":["title","year"],
                        "additionalProperties":false})"),
              Problems{});
}

TEST(JsonSchemaValidator, ReportsEveryMismatchWithItsPath) {
    const auto p = check(R"({"year":"1979","tags":["a",2],"extra":1,"odd key":true})",
                         R"({"type":"object","properties":{"title":{"type":"string"},"year":{"type":"integer"},
                             "tags":{"type":"array","items":{"type":"string"}},"odd key":{"type":"string"}},
                             "required":["title","year"],"additionalProperties":false})");
    EXPECT_EQ(p, (Problems{"$.title: required property is missing",
                           "$.extra: property is not allowed (additionalProperties is false)",
                           "$[\"odd key\"]: expected string, got boolean", "$.tags[1]: expected string, got integer",
                           "$.year: expected integer, got string"}));
}

TEST(JsonSchemaValidator, TypeListsNullAndWholeFloatsAsIntegers) {
    EXPECT_EQ(check("null", R"({"type":["string","null"]})"), Problems{});
    EXPECT_EQ(check("3", R"({"type":["string","null"]})"), Problems{"$: expected string or null, got integer"});
    EXPECT_EQ(check("2.0", R"({"type":"integer"})"), Problems{});
    EXPECT_EQ(check("2.5", R"({"type":"integer"})"), Problems{"$: expected integer, got number"});
    EXPECT_EQ(check("2", R"({"type":"number"})"), Problems{});
    EXPECT_EQ(check("null", R"({"type":"string","nullable":true})"), Problems{});
}

TEST(JsonSchemaValidator, EnumAndConst) {
    EXPECT_EQ(check(R"("drama")", R"({"enum":["scifi","drama"]})"), Problems{});
    EXPECT_EQ(check(R"("horror")", R"({"enum":["scifi","drama"]})"),
              Problems{R"($: "horror" is not one of ["scifi","drama"])"});
    EXPECT_EQ(check("1", R"({"const":1})"), Problems{});
    EXPECT_EQ(check("2", R"({"const":1})"), Problems{"$: expected 1, got 2"});
}

TEST(JsonSchemaValidator, NumberBoundsBothDrafts) {
    const char* s = R"({"type":"number","minimum":1,"maximum":10})";
    EXPECT_EQ(check("1", s), Problems{});
    EXPECT_EQ(check("0.5", s), Problems{"$: 0.5 is less than minimum 1"});
    EXPECT_EQ(check("11", s), Problems{"$: 11 is greater than maximum 10"});
    EXPECT_EQ(check("0", R"({"exclusiveMinimum":0})"), Problems{"$: 0 is not greater than exclusiveMinimum 0"});
    EXPECT_EQ(check("5", R"({"exclusiveMaximum":5})"), Problems{"$: 5 is not less than exclusiveMaximum 5"});
    EXPECT_EQ(check("0", R"({"minimum":0,"exclusiveMinimum":true})"),
              Problems{"$: 0 is less than or equal to minimum 0"});
    EXPECT_EQ(check("7", R"({"multipleOf":2})"), Problems{"$: 7 is not a multiple of 2"});
    EXPECT_EQ(check("0.3", R"({"multipleOf":0.1})"), Problems{});
}

TEST(JsonSchemaValidator, StringLengthCountsCodePoints) {
    EXPECT_EQ(check(R"("héé")", R"({"maxLength":3})"), Problems{});
    EXPECT_EQ(check(R"("ab")", R"({"minLength":3})"), Problems{"$: is 2 characters long, shorter than minLength 3"});
    EXPECT_EQ(check(R"("abcd")", R"({"maxLength":3})"), Problems{"$: is 4 characters long, longer than maxLength 3"});
}

TEST(JsonSchemaValidator, ArrayCountsTuplesAndUniqueness) {
    EXPECT_EQ(check("[1]", R"({"minItems":2})"), Problems{"$: has 1 items, fewer than minItems 2"});
    EXPECT_EQ(check("[1,2,3]", R"({"maxItems":2})"), Problems{"$: has 3 items, more than maxItems 2"});
    EXPECT_EQ(check(R"([1,"a",true])",
                    R"({"prefixItems":[{"type":"integer"},{"type":"string"}],"items":{"type":"boolean"}})"),
              Problems{});
    EXPECT_EQ(check(R"(["a"])", R"({"items":[{"type":"integer"}]})"), Problems{"$[0]: expected integer, got string"});
    EXPECT_EQ(check("[1,2,1]", R"({"uniqueItems":true})"), Problems{"$: items 0 and 2 are equal (uniqueItems)"});
}

TEST(JsonSchemaValidator, AdditionalPropertiesAsASchema) {
    EXPECT_EQ(check(R"({"a":1,"b":"x"})", R"({"additionalProperties":{"type":"integer"}})"),
              Problems{"$.b: expected integer, got string"});
}

TEST(JsonSchemaValidator, AnyOfReportsTheAlternativeWhoseTypeFits) {
    const char* s =
        R"({"anyOf":[{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]},{"type":"null"}]})";
    EXPECT_EQ(check("null", s), Problems{});
    EXPECT_EQ(check(R"({"n":1})", s), Problems{});
    EXPECT_EQ(check(R"({"n":"x"})", s), Problems{"$.n: expected integer, got string"});
    EXPECT_EQ(check("3", s), Problems{"$: matches none of the anyOf alternatives (expected object or null)"});
}

TEST(JsonSchemaValidator, OneOfNeedsExactlyOneAndAllOfNeedsAll) {
    EXPECT_EQ(check("5", R"({"oneOf":[{"type":"integer"},{"type":"number"}]})"),
              Problems{"$: matches 2 of the oneOf alternatives, exactly one allowed"});
    EXPECT_EQ(check("5.5", R"({"oneOf":[{"type":"integer"},{"type":"number"}]})"), Problems{});
    EXPECT_EQ(check("5", R"({"allOf":[{"type":"integer"},{"minimum":6}]})"), Problems{"$: 5 is less than minimum 6"});
    EXPECT_EQ(check("5", R"({"not":{"type":"integer"}})"), Problems{"$: matches the schema under \"not\""});
}

TEST(JsonSchemaValidator, RefsIntoDefsDefinitionsAndRoot) {
    const char* s = R"({"$defs":{"P":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}},
                        "definitions":{"Q":{"type":"integer"}},
                        "type":"object","properties":{"p":{"$ref":"#/$defs/P"},"q":{"$ref":"#/definitions/Q"},
                                                      "self":{"$ref":"#"}}})";
    EXPECT_EQ(check(R"({"p":{"name":"a"},"q":1,"self":{"q":2}})", s), Problems{});
    EXPECT_EQ(check(R"({"p":{},"q":"x","self":{"q":"y"}})", s),
              (Problems{"$.p.name: required property is missing", "$.q: expected integer, got string",
                        "$.self.q: expected integer, got string"}));
}

// A dangling or remote $ref makes the schema unusable: every value is refused with the reason, and
// schema_problems (what structured output checks before sending) names the place in the schema.
TEST(JsonSchemaValidator, UnresolvableRefsRefuseTheSchema) {
    EXPECT_EQ(check("1", R"({"$ref":"#/$defs/Missing"})"),
              Problems{R"($: the schema cannot be used: #/$ref: cannot resolve "#/$defs/Missing": the JSON pointer )"
                       R"(names nothing in the schema)"});
    const auto remote = llmgate::detail::schema_problems(json::parse(R"({"items":{"$ref":"https://example.com/s.json"}})"));
    ASSERT_EQ(remote.size(), 1u);
    EXPECT_EQ(remote[0].rfind("#/items/$ref: cannot resolve \"https://example.com/s.json\"", 0), 0u) << remote[0];
    EXPECT_NE(remote[0].find("fetches no remote schemas"), std::string::npos);
}

TEST(JsonSchemaValidator, BooleanSchemasAndUnknownKeywords) {
    EXPECT_EQ(check("1", "true"), Problems{});
    EXPECT_EQ(check("1", "false"), Problems{"$: no value is allowed here (schema false)"});
    // format is an annotation unless asked for; unknown keywords are annotations.
    EXPECT_EQ(check(R"("x")", R"({"type":"string","format":"email","x-note":1})"), Problems{});
}

// A malformed keyword would otherwise be ignored and change the verdict silently: the schema is refused.
TEST(JsonSchemaValidator, MalformedKeywordsRefuseTheSchema) {
    const auto p = llmgate::detail::schema_problems(
        json::parse(R"({"required":"a","properties":[],"minimum":"x","nullable":"yes","uniqueItems":1})"));
    EXPECT_EQ(p, (Problems{"#/minimum: must be a number, got \"x\"", "#/uniqueItems: must be true or false, got 1",
                           "#/required: must be an array of property names, got \"a\"",
                           "#/properties: must be an object of schemas"}));
    EXPECT_EQ(check(R"({"a":1})", R"({"minimum":"x"})"),
              Problems{R"($: the schema cannot be used: #/minimum: must be a number, got "x")"});
}

TEST(JsonSchemaValidator, SelfReferenceLoopIsBounded) {
    EXPECT_EQ(check("1", R"({"$ref":"#"})"), Problems{R"($: $ref "#" loops back to itself without reaching a value)"});
    // Mutual recursion through allOf (2020-12: $ref beside other keywords) ends the same way.
    const auto p = check("1", R"({"$schema":"https://json-schema.org/draft/2020-12/schema",
        "$defs":{"a":{"allOf":[{"$ref":"#/$defs/b"}]},"b":{"$ref":"#/$defs/a","type":"integer"}},"$ref":"#/$defs/a"})");
    ASSERT_FALSE(p.empty());
    EXPECT_NE(p[0].find("loops back"), std::string::npos) << p[0];
}

TEST(JsonSchemaValidator, DeepValueIsBounded) {
    std::string deep(5000, '[');
    deep += std::string(5000, ']');
    const auto p = validate_json(
        json::parse(deep),
        json::parse(R"({"$defs":{"A":{"type":"array","items":{"$ref":"#/$defs/A"}}},"$ref":"#/$defs/A"})"));
    ASSERT_EQ(p.size(), 1u);
    EXPECT_NE(p[0].find("nesting deeper than"), std::string::npos);
}

TEST(JsonSchemaValidator, ExponentialAnyOfStopsAtTheWorkBudget) {
    // 30 levels of anyOf whose first branch always fails deep down: 2^30 visits without a budget.
    // Written with $refs so the schema itself stays small.
    json defs = json::object();
    defs["L0"] = json{{"type", "integer"}};
    for (int i = 1; i <= 30; ++i) {
        const json prev = json{{"$ref", "#/$defs/L" + std::to_string(i - 1)}};
        defs["L" + std::to_string(i)] =
            json{{"anyOf", json::array({json{{"allOf", json::array({prev, json{{"type", "string"}}})}}, prev})}};
    }
    const json schema = json{{"$defs", defs}, {"$ref", "#/$defs/L30"}};
    const auto p = validate_json(json("x"), schema);
    ASSERT_FALSE(p.empty());
    EXPECT_NE(p.back().find("too much work"), std::string::npos);
}

TEST(JsonSchemaValidator, ProblemCountIsCapped) {
    json value = json::array();
    for (int i = 0; i < 1000; ++i) value.push_back("x");
    EXPECT_EQ(validate_json(value, json::parse(R"({"items":{"type":"integer"}})"), 10).size(), 10u);
}

// OpenAI's strict mode makes llmgate send optional properties as required-and-nullable, so the model
// answers null for what it leaves out; with optional_null_is_absent (set only for such replies) the
// caller's own schema (property optional, type string) accepts that, while null for a required property
// is still a mismatch. Without it, null is a value like any other, as JSON Schema says.
TEST(JsonSchemaValidator, NullForAnOptionalPropertyCountsAsAbsentOnlyWhenAsked) {
    const json schema = json::parse(R"({"type":"object","properties":{"name":{"type":"string"},
        "nickname":{"type":"string"}},"required":["name"]})");
    const llmgate::detail::SchemaOptions strict_reply{.optional_null_is_absent = true};
    EXPECT_TRUE(validate_json(json::parse(R"({"name":"Ada","nickname":null})"), schema, strict_reply).empty());
    const auto problems = validate_json(json::parse(R"({"name":null})"), schema, strict_reply);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("$.name"), std::string::npos);
    EXPECT_EQ(validate_json(json::parse(R"({"name":"Ada","nickname":null})"), schema),
              Problems{"$.nickname: expected string, got null"});
}

// --- 2020-12 keywords structured-output APIs use (the draft-7 suite does not cover them) ---

TEST(JsonSchemaValidator2020, PrefixItemsThenItemsForTheRest) {
    const char* s = R"({"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array",
        "prefixItems":[{"type":"string"},{"type":"integer"}],"items":{"type":"boolean"}})";
    EXPECT_EQ(check(R"(["a",1,true,false])", s), Problems{});
    EXPECT_EQ(check(R"(["a"])", s), Problems{});  // shorter than the tuple is fine
    EXPECT_EQ(check(R"([1,"x",true,3])", s),
              (Problems{"$[0]: expected string, got integer", "$[1]: expected integer, got string",
                        "$[3]: expected boolean, got integer"}));
    EXPECT_EQ(check(R"(["a",1,true])", R"({"prefixItems":[{"type":"string"},{"type":"integer"}],"items":false})"),
              Problems{"$: has 3 items, more than the 2 the schema lists"});
}

TEST(JsonSchemaValidator2020, DefsRefsAndAnchors) {
    const char* s = R"({"$schema":"https://json-schema.org/draft/2020-12/schema",
        "$defs":{"name":{"$anchor":"name","type":"string","minLength":1},
                 "person":{"type":"object","properties":{"name":{"$ref":"#name"},
                           "friends":{"type":"array","items":{"$ref":"#/$defs/person"}}},"required":["name"]}},
        "$ref":"#/$defs/person"})";
    EXPECT_EQ(check(R"({"name":"Ada","friends":[{"name":"Bob","friends":[]}]})", s), Problems{});
    EXPECT_EQ(check(R"({"name":"Ada","friends":[{"name":""}]})", s),
              Problems{"$.friends[0].name: is 0 characters long, shorter than minLength 1"});
}

// Draft 7 (and no $schema): $ref replaces its siblings. 2019-09 and later: they apply as well.
TEST(JsonSchemaValidator2020, RefSiblingsApplyFrom2019On) {
    const char* draft7 = R"({"definitions":{"s":{"type":"string"}},"$ref":"#/definitions/s","maxLength":2})";
    const char* modern = R"({"$schema":"https://json-schema.org/draft/2020-12/schema",
        "$defs":{"s":{"type":"string"}},"$ref":"#/$defs/s","maxLength":2})";
    EXPECT_EQ(check(R"("long")", draft7), Problems{});
    EXPECT_EQ(check(R"("long")", modern), Problems{"$: is 4 characters long, longer than maxLength 2"});
    EXPECT_EQ(check("1", modern), Problems{"$: expected string, got integer"});
}

TEST(JsonSchemaValidator2020, DependentRequiredDependentSchemasAndContainsBounds) {
    const char* deps = R"({"dependentRequired":{"card":["billing"]},
        "dependentSchemas":{"vip":{"required":["tier"]}}})";
    EXPECT_EQ(check(R"({"card":1,"billing":2,"vip":true,"tier":1})", deps), Problems{});
    EXPECT_EQ(check(R"({"card":1,"vip":true})", deps),
              (Problems{"$.billing: required property is missing (\"card\" is present and depends on it)",
                        "$.tier: required property is missing"}));
    const char* counted = R"({"contains":{"type":"integer"},"minContains":2,"maxContains":3})";
    EXPECT_EQ(check(R"([1,"a",2])", counted), Problems{});
    EXPECT_EQ(check(R"([1,"a"])", counted), Problems{"$: 1 items fit \"contains\", fewer than 2"});
    EXPECT_EQ(check("[1,2,3,4]", counted), Problems{"$: 4 items fit \"contains\", more than maxContains 3"});
    EXPECT_EQ(check(R"(["a"])", R"({"contains":{"type":"integer"},"minContains":0})"), Problems{});
}

// Keywords that would change the verdict and are not implemented refuse the schema; annotations pass.
TEST(JsonSchemaValidator2020, UnsupportedKeywordsAreRefusedNotIgnored) {
    using llmgate::detail::schema_problems;
    EXPECT_EQ(schema_problems(json::parse(R"({"properties":{"a":{"unevaluatedProperties":false}}})")),
              Problems{"#/properties/a/unevaluatedProperties: unevaluatedProperties is not supported by llmgate's "
                       "validator (see docs/structured-output.md)"});
    EXPECT_EQ(schema_problems(json::parse(R"({"$dynamicRef":"#node"})")).size(), 1u);
    // A property *named* like a keyword is not the keyword.
    EXPECT_EQ(schema_problems(json::parse(R"({"properties":{"unevaluatedItems":{"type":"string"}}})")), Problems{});
    EXPECT_EQ(schema_problems(json::parse(R"({"title":"t","description":"d","examples":[1],"x-extra":{}})")),
              Problems{});
}

// --- pattern / patternProperties: ECMA-262 regexes, searched (not anchored), cost bounded ---

TEST(JsonSchemaValidatorRegex, PatternIsSearchedAnywhere) {
    EXPECT_EQ(check(R"("xxabcxx")", R"({"pattern":"abc"})"), Problems{});
    EXPECT_EQ(check(R"("abd")", R"({"pattern":"^ab[c-e]$"})"), Problems{});
    EXPECT_EQ(check(R"("abx")", R"({"pattern":"^ab[c-e]$"})"),
              Problems{R"($: "abx" does not match the pattern "^ab[c-e]$")"});
    EXPECT_EQ(check("12", R"({"pattern":"^a"})"), Problems{});  // pattern applies to strings only
}

TEST(JsonSchemaValidatorRegex, PatternPropertiesAndAdditionalProperties) {
    const char* s = R"({"properties":{"id":{"type":"integer"}},"patternProperties":{"^x-":{"type":"string"}},
        "additionalProperties":false})";
    EXPECT_EQ(check(R"({"id":1,"x-a":"b"})", s), Problems{});
    EXPECT_EQ(check(R"({"id":1,"x-a":2,"other":3})", s),
              (Problems{"$.other: property is not allowed (additionalProperties is false)",
                        "$[\"x-a\"]: expected string, got integer"}));
}

TEST(JsonSchemaValidatorRegex, EcmaSemantics) {
    // \d and \w are ASCII in ECMA-262; \s includes Unicode white space; $ is the very end.
    EXPECT_FALSE(check(R"("৪২")", R"({"pattern":"^\\d+$"})").empty());
    EXPECT_EQ(check(R"("৪২")", R"({"pattern":"^\\p{digit}+$"})"), Problems{});
    EXPECT_EQ(check("\"\u00a0\"", R"({"pattern":"^\\s$"})"), Problems{});
    EXPECT_FALSE(check(R"("abc\n")", R"({"pattern":"^abc$"})").empty());
    EXPECT_EQ(check(R"("😀")", R"({"pattern":"^.$"})"), Problems{});  // one code point, not four bytes
}

TEST(JsonSchemaValidatorRegex, InvalidRegexesAreRefusedUpFront) {
    using llmgate::detail::schema_problems;
    const auto p = schema_problems(json::parse(R"({"properties":{"a":{"pattern":"(unclosed"}}})"));
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].rfind(R"(#/properties/a/pattern: "(unclosed" is not a valid regex: )", 0), 0u) << p[0];
    // PCRE2 syntax that ECMA-262 does not have is not quietly given PCRE2's meaning.
    EXPECT_EQ(schema_problems(json::parse(R"({"pattern":"a\\Z"})")),
              Problems{R"(#/pattern: "a\\Z" is not a valid regex: \Z is not an ECMA-262 escape)"});
    EXPECT_EQ(schema_problems(json::parse(R"({"patternProperties":{"(?i)x":true}})")).size(), 1u);
}

TEST(JsonSchemaValidatorRegex, CatastrophicBacktrackingEndsWithAProblem) {
    std::string subject(40, 'a');
    subject += "!";
    const auto p = validate_json(json(subject), json::parse(R"({"pattern":"^(a+)+$"})"));
    ASSERT_EQ(p.size(), 1u);
    EXPECT_NE(p[0].find("needs too much work to match"), std::string::npos) << p[0];
}

// --- $ref resolution ---

TEST(JsonSchemaValidatorRefs, EscapedPointersIdsAndRecursion) {
    EXPECT_EQ(check(R"({"t":1,"s":2,"p":3})",
                    R"({"a~b":{"type":"integer"},"c/d":{"type":"integer"},"e%f":{"type":"integer"},
                        "properties":{"t":{"$ref":"#/a~0b"},"s":{"$ref":"#/c~1d"},"p":{"$ref":"#/e%25f"}}})"),
              Problems{});
    // Identifiers resolve relative to the nearest $id, including mutual recursion between resources.
    const char* tree = R"({"$id":"http://example.com/tree","type":"object","properties":{"nodes":{"type":"array",
        "items":{"$ref":"node"}}},"definitions":{"node":{"$id":"http://example.com/node","type":"object",
        "properties":{"value":{"type":"number"},"subtree":{"$ref":"tree"}},"required":["value"]}}})";
    EXPECT_EQ(check(R"({"nodes":[{"value":1,"subtree":{"nodes":[{"value":2}]}}]})", tree), Problems{});
    EXPECT_EQ(check(R"({"nodes":[{"value":1,"subtree":{"nodes":[{"value":"x"}]}}]})", tree),
              Problems{"$.nodes[0].subtree.nodes[0].value: expected number, got string"});
    // Draft 7's location-independent identifier.
    EXPECT_EQ(check("\"x\"", R"({"definitions":{"a":{"$id":"#int","type":"integer"}},"$ref":"#int"})"),
              Problems{"$: expected integer, got string"});
}

TEST(JsonSchemaValidatorRefs, TheDraft7MetaSchemaIsKnown) {
    const char* s = R"({"$ref":"http://json-schema.org/draft-07/schema#"})";
    EXPECT_EQ(check(R"({"type":"string","minLength":1})", s), Problems{});
    EXPECT_FALSE(check(R"({"type":12})", s).empty());
}

TEST(JsonSchemaValidatorFormat, AnnotationByDefaultAssertionWhenAsked) {
    const json schema = json::parse(R"({"format":"date"})");
    const llmgate::detail::SchemaOptions assert_format{.assert_format = true};
    EXPECT_TRUE(validate_json(json("2024-02-30"), schema).empty());
    EXPECT_EQ(validate_json(json("2024-02-30"), schema, assert_format),
              Problems{R"($: "2024-02-30" is not a valid date)"});
    EXPECT_TRUE(validate_json(json("2024-02-29"), schema, assert_format).empty());
    EXPECT_TRUE(validate_json(json("anything"), json::parse(R"({"format":"x-custom"})"), assert_format).empty());
}
