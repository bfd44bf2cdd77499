// The official JSON Schema Test Suite (Debian's json-schema-test-suite, draft 7), run through the public
// API: mock/ replies with each test's instance, the test's schema is the response_format, and the verdict
// is the call's: a reply (valid) or StructuredOutputError (invalid).
//
// Files and what is done with them:
//   draft7/*.json except refRemote.json   every test must agree with the suite.
//   refRemote.json                        not run: its schemas $ref http://localhost:1234/, the suite's own
//                                         server; llmgate fetches no remote schemas, so each of those
//                                         schemas must instead be refused up front (InvalidRequestError).
//   optional/bignum.json, optional/zeroTerminatedFloats.json   must agree (number semantics).
//   optional/ecmascript-regex.json, optional/format/<f>.json for the formats llmgate asserts
//                                         must agree with SchemaOptions::assert_format on (format is an
//                                         annotation by default, so these run against the validator).
//   optional/content.json                 not run: contentMediaType / contentEncoding are annotations here
//                                         (as in 2019-09 and later), the file tests them as assertions.
//   optional/format/ idn-email, idn-hostname, iri, iri-reference, relative-json-pointer, uri-template:
//                                         not run: formats llmgate does not assert (accepted as annotations).
// The suite's top-level boolean schemas (boolean_schema.json) go through the public API too: structured
// output sends them as the object schemas that mean the same ({} and {"not": {}}).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "llmgate/llmgate.hpp"
#include "structured/json_schema_validator.hpp"

#ifndef LLMGATE_SCHEMA_TEST_SUITE_DIR
#error "tests/CMakeLists.txt passes LLMGATE_SCHEMA_TEST_SUITE_DIR (json-schema-test-suite's tests/ directory)"
#endif

using namespace llmgate;
namespace fs = std::filesystem;

namespace {

enum class Via { public_api, validator_with_formats };

struct SuiteFile {
    const char* name;  // under tests/draft7, without ".json"
    Via via = Via::public_api;
};

// ctest shows the file's name, not the struct's bytes.
void PrintTo(const SuiteFile& file, std::ostream* os) { *os << file.name; }

const fs::path kDraft7 = fs::path(LLMGATE_SCHEMA_TEST_SUITE_DIR) / "draft7";

json load(const fs::path& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    return json::parse(in);
}

// The suite's verdict for one instance, as a user of completion() sees it.
bool valid_through_api(const json& schema, const json& instance) {
    Options options{.extra = {{"mock_response", instance.dump()}}, .response_format = ResponseFormat{.schema = schema}};
    try {
        const auto reply = completion("mock/schema-suite", {Message::user("the instance, please")}, options);
        EXPECT_EQ(reply.parsed_json, instance);
        return true;
    } catch (const StructuredOutputError&) {
        return false;
    }
}

bool valid_with_formats(const json& schema, const json& instance) {
    return detail::validate_json(instance, schema, detail::SchemaOptions{.assert_format = true}).empty();
}

class JsonSchemaTestSuite : public testing::TestWithParam<SuiteFile> {};

TEST_P(JsonSchemaTestSuite, AgreesOnEveryTest) {
    const fs::path path = kDraft7 / (std::string(GetParam().name) + ".json");
    ASSERT_TRUE(fs::exists(path)) << path << " is missing: install json-schema-test-suite (scripts/install-deps.sh)";
    const json groups = load(path);
    int passed = 0;
    for (const auto& group : groups) {
        for (const auto& test : group["tests"]) {
            const bool expected = test["valid"].get<bool>();
            bool got = false;
            try {
                got = GetParam().via == Via::public_api ? valid_through_api(group["schema"], test["data"])
                                                        : valid_with_formats(group["schema"], test["data"]);
            } catch (const std::exception& e) {
                ADD_FAILURE() << group["description"] << " / " << test["description"] << ": threw " << e.what();
                continue;
            }
            if (got == expected)
                ++passed;
            else
                ADD_FAILURE() << group["description"] << " / " << test["description"] << ": expected "
                              << (expected ? "valid" : "invalid") << "\n  schema   " << group["schema"].dump()
                              << "\n  instance " << test["data"].dump();
        }
    }
    std::cout << GetParam().name << ": " << passed << " tests agree with the suite\n";
    RecordProperty("agreed", passed);
}

// Every keyword file of draft 7 (refRemote.json has its own test below).
const SuiteFile kFiles[] = {
    {"additionalItems"}, {"additionalProperties"}, {"allOf"},       {"anyOf"},         {"boolean_schema"},
    {"const"},           {"contains"},             {"default"},     {"definitions"},   {"dependencies"},
    {"enum"},            {"exclusiveMaximum"},     {"exclusiveMinimum"}, {"if-then-else"}, {"items"},
    {"maxItems"},        {"maxLength"},            {"maxProperties"}, {"maximum"},     {"minItems"},
    {"minLength"},       {"minProperties"},        {"minimum"},     {"multipleOf"},    {"not"},
    {"oneOf"},           {"pattern"},              {"patternProperties"}, {"properties"}, {"propertyNames"},
    {"ref"},             {"required"},             {"type"},        {"uniqueItems"},
    {"optional/bignum"}, {"optional/zeroTerminatedFloats"},
    {"optional/ecmascript-regex", Via::validator_with_formats},
    {"optional/format/date", Via::validator_with_formats},
    {"optional/format/date-time", Via::validator_with_formats},
    {"optional/format/time", Via::validator_with_formats},
    {"optional/format/email", Via::validator_with_formats},
    {"optional/format/hostname", Via::validator_with_formats},
    {"optional/format/ipv4", Via::validator_with_formats},
    {"optional/format/ipv6", Via::validator_with_formats},
    {"optional/format/uri", Via::validator_with_formats},
    {"optional/format/uri-reference", Via::validator_with_formats},
    {"optional/format/json-pointer", Via::validator_with_formats},
    {"optional/format/regex", Via::validator_with_formats},
};

std::string test_name(const testing::TestParamInfo<SuiteFile>& info) {
    std::string name = info.param.name;
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(Draft7, JsonSchemaTestSuite, testing::ValuesIn(kFiles), test_name);

// The remote-reference file needs the suite's server on localhost:1234. llmgate fetches nothing, so
// each of its schemas must be refused before a request is sent, never silently accept or reject values.
TEST(JsonSchemaTestSuiteRemoteRefs, AreRefusedUpFrontWithAReason) {
    const fs::path path = kDraft7 / "refRemote.json";
    ASSERT_TRUE(fs::exists(path)) << path << " is missing: install json-schema-test-suite (scripts/install-deps.sh)";
    int refused = 0;
    for (const auto& group : load(path)) {
        Options options{.extra = {{"mock_response", "{}"}}, .response_format = ResponseFormat{.schema = group["schema"]}};
        try {
            completion("mock/schema-suite", {Message::user("x")}, options);
            ADD_FAILURE() << group["description"] << ": a schema with a remote $ref was accepted";
        } catch (const InvalidRequestError& e) {
            EXPECT_NE(std::string(e.what()).find("fetches no remote schemas"), std::string::npos) << e.what();
            ++refused;
        }
    }
    std::cout << "refRemote: " << refused << " schemas refused up front (their tests are skipped: no network)\n";
}

}  // namespace
