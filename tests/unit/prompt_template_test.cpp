// PromptTemplate: variables filled from json, maps and LLMGATE_STRUCTs; missing and unused values are
// typed errors; escaping; partial application; the JSON and text formats and files; to_text round trip.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>

#include "llmgate/llmgate.hpp"

using namespace llmgate;

namespace prompt_template_test {
struct Article {
    std::string language;
    std::string text;
};
LLMGATE_STRUCT(Article, language, text)
}  // namespace prompt_template_test

namespace {
using prompt_template_test::Article;

const PromptTemplate kSummarise{{"system", "You answer in {{language}}."}, {"user", "Summarise: {{ text }}"}};

TEST(PromptTemplate, RendersFromJsonMapAndStruct) {
    EXPECT_EQ(kSummarise.variables(), (std::vector<std::string>{"language", "text"}));
    const auto a = kSummarise.render({{"language", "French"}, {"text", "Hi"}});
    ASSERT_EQ(a.size(), 2u);
    EXPECT_EQ(a[0].role, "system");
    EXPECT_EQ(a[0].text(), "You answer in French.");
    EXPECT_EQ(a[1].role, "user");
    EXPECT_EQ(a[1].text(), "Summarise: Hi");

    const std::map<std::string, std::string> values{{"language", "German"}, {"text", "Hallo"}};
    EXPECT_EQ(kSummarise.render(values)[1].text(), "Summarise: Hallo");
    EXPECT_EQ(kSummarise.render(Article{"Dutch", "Hoi"})[0].text(), "You answer in Dutch.");
}

TEST(PromptTemplate, NonStringValuesAreInsertedAsJson) {
    PromptTemplate t{{"user", "n={{n}} ok={{ok}} list={{list}}"}};
    EXPECT_EQ(t.render({{"n", 3}, {"ok", true}, {"list", {1, 2}}})[0].text(), "n=3 ok=true list=[1,2]");
}

TEST(PromptTemplate, MissingAndUnusedValuesAreTypedErrors) {
    try {
        kSummarise.render({{"language", "French"}, {"txt", "typo"}});
        FAIL() << "expected PromptTemplateError";
    } catch (const PromptTemplateError& e) {
        EXPECT_EQ(e.missing(), std::vector<std::string>{"text"});
        EXPECT_EQ(e.unused(), std::vector<std::string>{"txt"});
        EXPECT_NE(std::string(e.what()).find("text"), std::string::npos);
        EXPECT_EQ(std::string(e.type_name()), "PromptTemplateError");
    }
    EXPECT_THROW(kSummarise.render(), PromptTemplateError);
    EXPECT_THROW(kSummarise.render(json::array()), InvalidRequestError);  // PromptTemplateError is one
}

TEST(PromptTemplate, EscapedBracesAreLiteralAndValuesAreNeverReparsed) {
    PromptTemplate t{{"user", "Write \\{{name}} literally, then {{name}}."}};
    EXPECT_EQ(t.variables(), std::vector<std::string>{"name"});
    EXPECT_EQ(t.render({{"name", "{{x}}"}})[0].text(), "Write {{name}} literally, then {{x}}.");
    // A lone "}}" or "{" is text.
    EXPECT_EQ(PromptTemplate({{"user", "a } b }} c { d"}}).render()[0].text(), "a } b }} c { d");
}

TEST(PromptTemplate, BadTemplatesAreRejectedWhenBuilt) {
    EXPECT_THROW(PromptTemplate({{"user", "Hello {{name"}}), PromptTemplateError);
    EXPECT_THROW(PromptTemplate({{"user", "Hello {{ }}"}}), PromptTemplateError);
    EXPECT_THROW(PromptTemplate({{"user", "Hello {{two words}}"}}), PromptTemplateError);
    EXPECT_THROW(PromptTemplate({{"robot", "Hello"}}), PromptTemplateError);
}

TEST(PromptTemplate, PartialApplicationLeavesTheRest) {
    const PromptTemplate french = kSummarise.partial({{"language", "French"}});
    EXPECT_EQ(french.variables(), std::vector<std::string>{"text"});
    EXPECT_EQ(french.render({{"text", "Bonjour"}})[0].text(), "You answer in French.");
    EXPECT_EQ(french.render({{"text", "Bonjour"}})[1].text(), "Summarise: Bonjour");
    EXPECT_THROW(kSummarise.partial({{"nope", 1}}), PromptTemplateError);
    // The original is unchanged.
    EXPECT_EQ(kSummarise.variables().size(), 2u);
}

TEST(PromptTemplate, JsonAndTextFormatsAndFiles) {
    const auto from_json = PromptTemplate::from_json(
        json{{"messages", {{{"role", "system"}, {"content", "Be {{tone}}."}}, {{"role", "user"}, {"content", "{{q}}"}}}}});
    EXPECT_EQ(from_json.variables(), (std::vector<std::string>{"tone", "q"}));
    EXPECT_THROW(PromptTemplate::from_json(json{{{"role", "user"}}}), PromptTemplateError);

    const auto from_text = PromptTemplate::from_text(
        "### system\nBe {{tone}}.\n\n### user\nLine one\n\\### not a header\n{{q}}\n");
    const auto m = from_text.render({{"tone", "brief"}, {"q", "Why?"}});
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m[0].text(), "Be brief.");
    EXPECT_EQ(m[1].text(), "Line one\n### not a header\nWhy?");
    EXPECT_THROW(PromptTemplate::from_text("hello\n### user\nx"), PromptTemplateError);
    EXPECT_THROW(PromptTemplate::from_text("### wizard\nx"), PromptTemplateError);
    EXPECT_THROW(PromptTemplate::from_text(""), PromptTemplateError);

    // to_text reads back as the same template.
    const auto again = PromptTemplate::from_text(from_text.to_text());
    EXPECT_EQ(again.render({{"tone", "brief"}, {"q", "Why?"}})[1].text(), m[1].text());
    const PromptTemplate braces{{"user", "a \\{{b}} {{c}}"}};
    EXPECT_EQ(PromptTemplate::from_text(braces.to_text()).render({{"c", 1}})[0].text(), "a {{b}} 1");

    const std::string path = ::testing::TempDir() + "llmgate_prompt_test.txt";
    {
        std::ofstream f(path);
        f << "### user\nHello {{who}}\n";
    }
    EXPECT_EQ(PromptTemplate::from_file(path).render({{"who", "you"}})[0].text(), "Hello you");
    const std::string json_path = ::testing::TempDir() + "llmgate_prompt_test.json";
    {
        std::ofstream f(json_path);
        f << R"([{"role": "user", "content": "Hi {{who}}"}])";
    }
    EXPECT_EQ(PromptTemplate::from_file(json_path).render({{"who", "all"}})[0].text(), "Hi all");
    std::remove(path.c_str());
    std::remove(json_path.c_str());
    EXPECT_THROW(PromptTemplate::from_file("/nonexistent/prompt.txt"), PromptTemplateError);
}

TEST(PromptTemplate, RenderedMessagesWorkWithCompletion) {
    const auto r = completion("mock/t", kSummarise.render({{"language", "English"}, {"text", "cats"}}));
    EXPECT_EQ(r.text(), "Mock reply to: Summarise: cats");
}

}  // namespace
