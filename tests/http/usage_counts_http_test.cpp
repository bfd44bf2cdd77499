// Token counts of the wrong type (issue 16): a reply whose usage says "prompt_tokens": "ten" is the provider's
// bad data and a ResponseParseError naming the field, on every provider, buffered here (streamed in
// stream_shape_test.cpp); never an answer that costs 0 tokens. Counts sent as floats (12.0) still read.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "anthropic_replies.hpp"
#include "bedrock_replies.hpp"
#include "cohere_replies.hpp"
#include "gemini_replies.hpp"
#include "ollama_replies.hpp"
#include "openai_responses_replies.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
using nlohmann::json;

namespace {

struct Case {
    std::string name;
    std::string model;
    std::function<void(EnvGuard&, const std::string&)> configure;
    std::function<Reply()> reply;  // a good reply, whose count at `count` the test replaces
    std::string count;             // JSON pointer to one usage count
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::vector<Case> cases() {
    const auto env2 = [](const char* key, const char* key_value, const char* url_var) {
        return [=](EnvGuard& e, const std::string& u) {
            e.set(key, key_value);
            e.set(url_var, u.c_str());
        };
    };
    return {
        {"openai", "gpt-4o-mini", env2("OPENAI_API_KEY", "sk-u", "OPENAI_BASE_URL"), [] { return openai::chat_text("Hi"); },
         "/usage/prompt_tokens"},
        {"azure", "azure/dep", env2("AZURE_OPENAI_API_KEY", "az-u", "AZURE_OPENAI_ENDPOINT"),
         [] { return openai::chat_text("Hi"); }, "/usage/completion_tokens"},
        {"groq", "groq/llama-3.1-8b-instant", env2("GROQ_API_KEY", "gsk-u", "GROQ_BASE_URL"),
         [] { return openai::chat_text("Hi"); }, "/usage/total_tokens"},
        {"mistral", "mistral/mistral-small-latest", env2("MISTRAL_API_KEY", "mi-u", "MISTRAL_BASE_URL"),
         [] { return openai::chat_text("Hi"); }, "/usage/prompt_tokens"},
        {"openai_responses", "openai-responses/gpt-5-mini", env2("OPENAI_API_KEY", "sk-u", "OPENAI_BASE_URL"),
         [] { return openai_responses::reply(openai_responses::response({openai_responses::message_item("Hi")})); },
         "/usage/input_tokens"},
        {"anthropic", "claude-haiku-4-5", env2("ANTHROPIC_API_KEY", "sk-ant-u", "ANTHROPIC_BASE_URL"),
         [] { return anthropic::message_text("Hi"); }, "/usage/output_tokens"},
        {"gemini", "gemini/gemini-2.5-flash", env2("GEMINI_API_KEY", "AIza-u", "GEMINI_BASE_URL"),
         [] { return gemini::text("Hi"); }, "/usageMetadata/promptTokenCount"},
        {"cohere", "cohere/command-a-03-2025", env2("COHERE_API_KEY", "co-u", "COHERE_BASE_URL"),
         [] { return cohere::chat_text("Hi"); }, "/usage/tokens/input_tokens"},
        {"ollama", "ollama/llama3.2", [](EnvGuard& e, const std::string& u) { e.set("OLLAMA_HOST", u.c_str()); },
         [] { return ollama::chat_text("Hi"); }, "/eval_count"},
        {"bedrock", "bedrock/anthropic.claude-3-5-haiku-20241022-v1:0",
         [](EnvGuard& e, const std::string& u) {
             e.set("AWS_ACCESS_KEY_ID", "AKIDUSAGE");
             e.set("AWS_SECRET_ACCESS_KEY", "usage-secret");
             e.set("AWS_REGION", "us-east-1");
             e.set("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", u.c_str());
         },
         [] { return bedrock::converse_text("Hi"); }, "/usage/inputTokens"},
    };
}

// The good reply with its count at `pointer` replaced by `value`.
Reply with_count(const Case& c, const json& value) {
    Reply r = c.reply();
    json body = json::parse(r.body);
    const json::json_pointer at(c.count);
    EXPECT_TRUE(body.contains(at)) << c.name << ": the builder's reply has no " << c.count;
    body[at] = value;
    r.body = body.dump();
    return r;
}

std::string field_of(const std::string& pointer) { return pointer.substr(pointer.rfind('/') + 1); }

class UsageCounts : public ServerTest, public ::testing::WithParamInterface<Case> {};

}  // namespace

TEST_P(UsageCounts, AStringCountIsAResponseParseErrorNamingTheField) {
    const Case& c = GetParam();
    c.configure(env, server.base_url());
    server.enqueue(with_count(c, "ten"));
    auto e = expect_error<ResponseParseError>([&] { (void)completion(c.model, hello()); }, c.name);
    EXPECT_NE(std::string(e->what()).find("'" + field_of(c.count) + "' must be a number, not string"), std::string::npos)
        << e->what();
}

TEST_P(UsageCounts, AnObjectCountIsAResponseParseErrorToo) {
    const Case& c = GetParam();
    c.configure(env, server.base_url());
    server.enqueue(with_count(c, json{{"n", 3}}));
    auto e = expect_error<ResponseParseError>([&] { (void)completion(c.model, hello()); }, c.name);
    EXPECT_NE(std::string(e->what()).find("must be a number, not object"), std::string::npos) << e->what();
}

TEST_P(UsageCounts, AFloatCountStillReads) {
    const Case& c = GetParam();
    c.configure(env, server.base_url());
    server.enqueue(with_count(c, 1234.0));
    const auto r = completion(c.model, hello());
    EXPECT_EQ(r.text(), "Hi");
    const Usage& u = r.usage;
    // The replaced count shows up in the usage, whichever field it is.
    const bool seen = u.prompt_tokens >= 1234 || u.completion_tokens >= 1234 || u.total_tokens >= 1234;
    EXPECT_TRUE(seen) << c.name << ": " << u.prompt_tokens << "/" << u.completion_tokens << "/" << u.total_tokens;
}

INSTANTIATE_TEST_SUITE_P(AllProviders, UsageCounts, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });
