// Finding the JSON value in a model's reply: bare, fenced, or wrapped in prose.
#include <gtest/gtest.h>

#include "structured/json_extraction.hpp"

using llmgate::json;
using llmgate::detail::extract_json;
using llmgate::detail::parse_whole_json;

TEST(JsonExtraction, WholeTextWithWhitespace) {
    EXPECT_EQ(extract_json("  {\"a\": 1}\n"), json::parse(R"({"a":1})"));
    EXPECT_EQ(extract_json("[1,2]"), json::parse("[1,2]"));
    EXPECT_EQ(parse_whole_json("\xEF\xBB\xBF{\"a\":1}"), json::parse(R"({"a":1})"));
}

TEST(JsonExtraction, JsonFencedBlockWithProseAround) {
    const char* reply = "Sure! Here is the movie:\n```json\n{\"title\": \"Alien\", \"year\": 1979}\n```\nEnjoy.";
    EXPECT_EQ(extract_json(reply), json::parse(R"({"title":"Alien","year":1979})"));
}

TEST(JsonExtraction, PrefersTheJsonLabelledFenceOverOthers) {
    const char* reply = "```python\nprint({'x': 1})\n```\n```JSON\n{\"x\": 2}\n```";
    EXPECT_EQ(extract_json(reply), json::parse(R"({"x":2})"));
}

TEST(JsonExtraction, UnlabelledAndOneLineFences) {
    EXPECT_EQ(extract_json("```\n{\"x\": 1}\n```"), json::parse(R"({"x":1})"));
    EXPECT_EQ(extract_json("```{\"x\": 1}```"), json::parse(R"({"x":1})"));
    EXPECT_EQ(extract_json("Result: ```json {\"x\": 1} ```"), json::parse(R"({"x":1})"));
}

TEST(JsonExtraction, UnclosedFenceFromACutOffModelStillYieldsACompleteValue) {
    EXPECT_EQ(extract_json("```json\n{\"x\": 1}\n"), json::parse(R"({"x":1})"));
}

TEST(JsonExtraction, FirstBalancedObjectInProseIgnoringBracesInsideStrings) {
    const char* reply =
        R"(The answer is {"text": "a } tricky { \"quoted\" ] string", "n": [1, {"m": 2}]} — hope it helps {not json})";
    EXPECT_EQ(extract_json(reply), json::parse(R"({"text":"a } tricky { \"quoted\" ] string","n":[1,{"m":2}]})"));
}

TEST(JsonExtraction, SkipsBracketedProseThatIsNotJson) {
    EXPECT_EQ(extract_json("[note: see below] {\"ok\": true}"), json::parse(R"({"ok":true})"));
    EXPECT_EQ(extract_json("{unbalanced [ } then {\"ok\": 1}"), json::parse(R"({"ok":1})"));
}

TEST(JsonExtraction, NothingToFind) {
    EXPECT_FALSE(extract_json("").has_value());
    EXPECT_FALSE(extract_json("   \n").has_value());
    EXPECT_FALSE(extract_json("I cannot help with that.").has_value());
    EXPECT_FALSE(extract_json("{\"a\": 1").has_value());
    EXPECT_FALSE(extract_json("```json\n{oops}\n```").has_value());
    EXPECT_FALSE(parse_whole_json("Here: {\"a\":1}").has_value());
}

TEST(JsonExtraction, ManyStrayBracesStayCheap) {
    std::string reply(200000, '{');
    reply += "{\"a\":1}";
    // Only a bounded number of openings are tried: the value after 200k stray braces is not found,
    // and the call returns promptly instead of scanning quadratically.
    EXPECT_FALSE(extract_json(reply).has_value());
}
