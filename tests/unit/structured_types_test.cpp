// LLMGATE_STRUCT / LLMGATE_ENUM / LLMGATE_DESCRIBE: the schema they generate and the JSON round trip.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "llmgate/structured.hpp"
#include "structured/json_schema_validator.hpp"

using llmgate::json;

namespace films {

enum class Genre { scifi, drama, comedy };
LLMGATE_ENUM(Genre, scifi, drama, comedy)

struct Person {
    std::string name;
    std::optional<int> born;
};
LLMGATE_STRUCT(Person, name, born)

struct Movie {
    std::string title;
    int year = 0;
    double rating = 0;
    bool released = false;
    Genre genre = Genre::drama;
    std::vector<Person> cast;
    std::optional<std::string> tagline;
    std::optional<Person> director;
    std::vector<std::vector<int>> grid;
};
LLMGATE_STRUCT(Movie, title, year, rating, released, genre, cast, tagline, director, grid)
LLMGATE_DESCRIBE(Movie, {"", "A film"}, {"title", "The film's title"}, {"year", "Year of release"})

struct Node {
    std::string label;
    std::vector<Node> children;
};
LLMGATE_STRUCT(Node, label, children)

struct Tree {
    Node root;
};
LLMGATE_STRUCT(Tree, root)

struct Typo {
    int a = 0;
};
LLMGATE_STRUCT(Typo, a)
LLMGATE_DESCRIBE(Typo, {"b", "no such field"})

}  // namespace films

TEST(StructuredTypes, SchemaOfScalarsEnumsVectorsAndOptionals) {
    const json s = llmgate::json_schema<films::Movie>();
    EXPECT_EQ(s["type"], "object");
    EXPECT_EQ(s["additionalProperties"], false);
    EXPECT_EQ(s["description"], "A film");
    const json& p = s["properties"];
    EXPECT_EQ(p["title"], (json{{"type", "string"}, {"description", "The film's title"}}));
    EXPECT_EQ(p["year"], (json{{"type", "integer"}, {"description", "Year of release"}}));
    EXPECT_EQ(p["rating"], (json{{"type", "number"}}));
    EXPECT_EQ(p["released"], (json{{"type", "boolean"}}));
    EXPECT_EQ(p["genre"], json::parse(R"({"type":"string","enum":["scifi","drama","comedy"]})"));
    EXPECT_EQ(p["cast"]["type"], "array");
    EXPECT_EQ(p["cast"]["items"]["type"], "object");
    EXPECT_EQ(p["cast"]["items"]["required"], json::array({"name"}));
    EXPECT_EQ(p["cast"]["items"]["properties"]["born"], json::parse(R"({"type":["integer","null"]})"));
    EXPECT_EQ(p["tagline"], json::parse(R"({"type":["string","null"]})"));
    EXPECT_EQ(p["director"]["anyOf"][1], (json{{"type", "null"}}));
    EXPECT_EQ(p["director"]["anyOf"][0]["type"], "object");
    EXPECT_EQ(p["grid"], json::parse(R"({"type":"array","items":{"type":"array","items":{"type":"integer"}}})"));
    // Optional fields are not required; everything else is.
    EXPECT_EQ(s["required"], json::parse(R"(["title","year","rating","released","genre","cast","grid"])"));
    EXPECT_FALSE(s.contains("$defs"));
}

TEST(StructuredTypes, RoundTripsThroughJson) {
    films::Movie m{.title = "Alien",
                   .year = 1979,
                   .rating = 8.5,
                   .released = true,
                   .genre = films::Genre::scifi,
                   .cast = {{"Sigourney Weaver", 1949}, {"Ian Holm", std::nullopt}},
                   .tagline = std::nullopt,
                   .director = films::Person{"Ridley Scott", 1937},
                   .grid = {{1, 2}, {}}};
    const json j = m;
    EXPECT_EQ(j["genre"], "scifi");
    EXPECT_TRUE(j["tagline"].is_null());
    EXPECT_TRUE(j["cast"][1]["born"].is_null());
    // What we serialise fits the schema we generate.
    EXPECT_TRUE(llmgate::detail::validate_json(j, llmgate::json_schema<films::Movie>()).empty());

    const auto back = j.get<films::Movie>();
    EXPECT_EQ(back.title, "Alien");
    EXPECT_EQ(back.year, 1979);
    EXPECT_EQ(back.genre, films::Genre::scifi);
    ASSERT_EQ(back.cast.size(), 2u);
    EXPECT_EQ(back.cast[0].born, 1949);
    EXPECT_FALSE(back.cast[1].born.has_value());
    ASSERT_TRUE(back.director.has_value());
    EXPECT_EQ(back.director->name, "Ridley Scott");
    EXPECT_EQ(back.grid, (std::vector<std::vector<int>>{{1, 2}, {}}));
}

TEST(StructuredTypes, MissingOptionalFieldsReadAsEmptyAndMissingRequiredOnesThrow) {
    auto p = json::parse(R"({"name":"Ann"})").get<films::Person>();
    EXPECT_EQ(p.name, "Ann");
    EXPECT_FALSE(p.born.has_value());
    EXPECT_THROW(json::parse(R"({"born":1})").get<films::Person>(), std::exception);
    EXPECT_THROW(json::parse(R"("drama!")").get<films::Genre>(), std::invalid_argument);
}

TEST(StructuredTypes, RecursiveStructsUseRefsInsteadOfEndlessExpansion) {
    const json root = llmgate::json_schema<films::Node>();
    EXPECT_EQ(root["properties"]["children"]["items"], (json{{"$ref", "#"}}));

    const json tree = llmgate::json_schema<films::Tree>();
    EXPECT_EQ(tree["properties"]["root"], (json{{"$ref", "#/$defs/Node"}}));
    EXPECT_EQ(tree["$defs"]["Node"]["properties"]["children"]["items"], (json{{"$ref", "#/$defs/Node"}}));

    const json value = json::parse(R"({"root":{"label":"a","children":[{"label":"b","children":[]}]}})");
    EXPECT_TRUE(llmgate::detail::validate_json(value, tree).empty());
    const json bad = json::parse(R"({"root":{"label":"a","children":[{"label":2,"children":[]}]}})");
    EXPECT_EQ(llmgate::detail::validate_json(bad, tree),
              std::vector<std::string>{"$.root.children[0].label: expected string, got integer"});
}

TEST(StructuredTypes, ResponseFormatCarriesSchemaAndTypeName) {
    const auto f = llmgate::response_format<films::Movie>();
    EXPECT_EQ(f.name, "Movie");
    EXPECT_EQ(f.schema, llmgate::json_schema<films::Movie>());
    EXPECT_TRUE(f.strict);
    EXPECT_EQ(f.strategy, llmgate::StructuredStrategy::automatic);
    EXPECT_EQ(llmgate::ResponseFormat::of<films::Person>("people").name, "people");
    EXPECT_EQ(llmgate::response_format<films::Person>({}, llmgate::StructuredStrategy::prompt).strategy,
              llmgate::StructuredStrategy::prompt);
}

TEST(StructuredTypes, DescriptionOfAnUnknownFieldIsReported) {
    EXPECT_THROW(llmgate::json_schema<films::Typo>(), std::invalid_argument);
}

TEST(StructuredTypes, ParsedThrowsStructuredOutputErrorWithoutAStructuredReplyOrOnBadConversion) {
    llmgate::CompletionResponse r;
    r.provider = "mock";
    EXPECT_THROW(r.parsed<films::Person>(), llmgate::StructuredOutputError);

    r.structured_strategy = "native";
    r.parsed_json = json::parse(R"({"name":"Ann","born":1990})");
    EXPECT_EQ(r.parsed<films::Person>().born, 1990);
    EXPECT_EQ(r.parsed<json>()["name"], "Ann");

    r.parsed_json = json::parse(R"({"name":5})");
    try {
        r.parsed<films::Person>();
        FAIL();
    } catch (const llmgate::StructuredOutputError& e) {
        ASSERT_EQ(e.problems().size(), 1u);
        EXPECT_NE(e.problems()[0].find("$: "), std::string::npos);
    }
}
