// .env parsing and the rule that real environment variables win over the file.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "util/dotenv.hpp"
#include "llmgate/config.hpp"

using llmgate::detail::parse_dotenv;

TEST(Dotenv, ParsesPlainQuotedAndExportedValues) {
    auto v = parse_dotenv(
        "# comment\n"
        "A=1\n"
        "export B = two words  \n"
        "C=\"quoted # not a comment\"\n"
        "D='single'\n"
        "E=value # trailing comment\n"
        "F=\"line1\\nline2\"\n"
        "bad line\n"
        "G=\n");
    EXPECT_EQ(v["A"], "1");
    EXPECT_EQ(v["B"], "two words");
    EXPECT_EQ(v["C"], "quoted # not a comment");
    EXPECT_EQ(v["D"], "single");
    EXPECT_EQ(v["E"], "value");
    EXPECT_EQ(v["F"], "line1\nline2");
    EXPECT_EQ(v["G"], "");
    EXPECT_EQ(v.count("bad line"), 0u);
}

TEST(Dotenv, QuotedValueMaySpanLines) {
    auto v = parse_dotenv("K=\"a\nb\"\nNEXT=1\n");
    EXPECT_EQ(v["K"], "a\nb");
    EXPECT_EQ(v["NEXT"], "1");
}

TEST(Dotenv, UnterminatedQuoteSkipsOnlyThatLine) {
    auto v = parse_dotenv("K=\"never closed\nNEXT=1\n");
    EXPECT_EQ(v.count("K"), 0u);
    EXPECT_EQ(v["NEXT"], "1");
}

TEST(Dotenv, FileFillsGapsButNeverOverridesTheEnvironment) {
    const auto old = std::filesystem::current_path();
    const auto dir = std::filesystem::temp_directory_path() / ("llmgate-dotenv-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::filesystem::current_path(dir);
    { std::ofstream(".env") << "LLMGATE_TEST_FROM_FILE=file\nLLMGATE_TEST_BOTH=file\n"; }
    ::setenv("LLMGATE_TEST_BOTH", "process", 1);
    llmgate::reload_dotenv();
    EXPECT_EQ(llmgate::getenv("LLMGATE_TEST_FROM_FILE").value_or(""), "file");
    EXPECT_EQ(llmgate::getenv("LLMGATE_TEST_BOTH").value_or(""), "process");
    EXPECT_FALSE(llmgate::getenv("LLMGATE_TEST_ABSENT").has_value());
    // The library reads the file; it does not write into the process environment.
    EXPECT_EQ(std::getenv("LLMGATE_TEST_FROM_FILE"), nullptr);
    std::filesystem::current_path(old);
    std::filesystem::remove_all(dir);
    ::unsetenv("LLMGATE_TEST_BOTH");
    llmgate::reload_dotenv();
}

// Without a .env the lookup of an absent variable skips the file cache's lock; a .env that appears
// later must still be seen after reload_dotenv, and one that goes away must stop being seen.
TEST(Dotenv, ReloadSeesAFileThatAppearsOrGoesAway) {
    const auto old = std::filesystem::current_path();
    const auto dir = std::filesystem::temp_directory_path() / ("llmgate-dotenv-late-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::filesystem::current_path(dir);
    llmgate::reload_dotenv();
    EXPECT_FALSE(llmgate::getenv("LLMGATE_TEST_LATE").has_value());
    { std::ofstream(".env") << "LLMGATE_TEST_LATE=arrived\n"; }
    EXPECT_FALSE(llmgate::getenv("LLMGATE_TEST_LATE").has_value());  // read once, until a reload
    llmgate::reload_dotenv();
    EXPECT_EQ(llmgate::getenv("LLMGATE_TEST_LATE").value_or(""), "arrived");
    std::filesystem::remove(".env");
    llmgate::reload_dotenv();
    EXPECT_FALSE(llmgate::getenv("LLMGATE_TEST_LATE").has_value());
    std::filesystem::current_path(old);
    std::filesystem::remove_all(dir);
    llmgate::reload_dotenv();
}
