// Every provider x {schema reply, invalid reply, image by URL, image by bytes}, through the public API,
// the real transport and each provider's fake protocol. The per-provider suites check the exact wire
// shapes; this one checks that each feature works end to end on all nine providers alike.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "anthropic_replies.hpp"
#include "bedrock_replies.hpp"
#include "cohere_replies.hpp"
#include "gemini_replies.hpp"
#include "image_host.hpp"
#include "ollama_replies.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace host = llmgate::testing::image_host;

namespace {

struct Film {
    std::string title;
    int year = 0;
    std::optional<std::string> director;
};
LLMGATE_STRUCT(Film, title, year, director)

struct ProviderCase {
    std::string name;
    std::string model;
    std::function<void(EnvGuard&, const std::string& base_url)> configure;
    std::function<Reply(const std::string& text)> reply;
    bool sends_image_urls;  // takes the URL itself (else llmgate downloads it and sends the bytes)
};

std::vector<ProviderCase> cases() {
    auto openai_reply = [](const std::string& t) { return openai::chat_text(t); };
    return {
        {"openai", "gpt-4o-mini",
         [](EnvGuard& e, const std::string& u) {
             e.set("OPENAI_API_KEY", "sk-m");
             e.set("OPENAI_BASE_URL", u.c_str());
         },
         openai_reply, true},
        {"azure", "azure/my-deployment",
         [](EnvGuard& e, const std::string& u) {
             e.set("AZURE_OPENAI_API_KEY", "az-m");
             e.set("AZURE_OPENAI_ENDPOINT", u.c_str());
         },
         openai_reply, true},
        {"groq", "groq/llama-3.1-8b-instant",
         [](EnvGuard& e, const std::string& u) {
             e.set("GROQ_API_KEY", "gsk-m");
             e.set("GROQ_BASE_URL", u.c_str());
         },
         openai_reply, true},
        {"mistral", "mistral/mistral-small-latest",
         [](EnvGuard& e, const std::string& u) {
             e.set("MISTRAL_API_KEY", "mi-m");
             e.set("MISTRAL_BASE_URL", u.c_str());
         },
         openai_reply, true},
        {"anthropic", "claude-haiku-4-5",
         [](EnvGuard& e, const std::string& u) {
             e.set("ANTHROPIC_API_KEY", "sk-ant-m");
             e.set("ANTHROPIC_BASE_URL", u.c_str());
         },
         [](const std::string& t) { return anthropic::message_text(t); }, true},
        {"gemini", "gemini/gemini-2.5-flash",
         [](EnvGuard& e, const std::string& u) {
             e.set("GEMINI_API_KEY", "AIza-m");
             e.set("GEMINI_BASE_URL", u.c_str());
         },
         [](const std::string& t) { return gemini::text(t); }, false},
        {"cohere", "cohere/command-a-vision-07-2025",
         [](EnvGuard& e, const std::string& u) {
             e.set("COHERE_API_KEY", "co-m");
             e.set("COHERE_BASE_URL", u.c_str());
         },
         [](const std::string& t) { return cohere::chat_text(t); }, true},
        {"ollama", "ollama/llama3.2-vision", [](EnvGuard& e, const std::string& u) { e.set("OLLAMA_HOST", u.c_str()); },
         [](const std::string& t) { return ollama::chat_text(t); }, false},
        {"bedrock", "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0",
         [](EnvGuard& e, const std::string& u) {
             e.set("AWS_ACCESS_KEY_ID", "AKIDMATRIX");
             e.set("AWS_SECRET_ACCESS_KEY", "matrix-secret");
             e.set("AWS_REGION", "us-east-1");
             e.set("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", u.c_str());
         },
         [](const std::string& t) { return bedrock::converse_text(t); }, false},
    };
}

class ProviderMatrix : public ServerTestWithParam<ProviderCase> {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        GetParam().configure(env, server.base_url());
    }
    std::vector<Message> ask_about_image(ContentPart image) {
        return {Message::user(
            std::vector<ContentPart>{ContentPart::text_part("What is in this image?"), std::move(image)})};
    }

    FakeServer images;
};

}  // namespace

TEST_P(ProviderMatrix, SchemaReplyIsParsedIntoTheStruct) {
    server.enqueue(GetParam().reply(R"({"title":"Alien","year":1979,"director":null})"));
    const auto r =
        completion(GetParam().model, {Message::user("Name a film.")}, {.response_format = ResponseFormat::of<Film>()});
    const Film f = r.parsed<Film>();
    EXPECT_EQ(f.title, "Alien");
    EXPECT_EQ(f.year, 1979);
    EXPECT_FALSE(f.director.has_value());
    EXPECT_EQ(r.provider, GetParam().name);
    EXPECT_FALSE(r.structured_strategy.empty());
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_P(ProviderMatrix, InvalidReplyRaisesStructuredOutputErrorWithTheRawText) {
    const std::string raw = R"({"title":"Alien","year":"nineteen seventy-nine"})";
    server.enqueue(GetParam().reply(raw));
    try {
        completion(GetParam().model, {Message::user("Name a film.")}, {.response_format = ResponseFormat::of<Film>()});
        FAIL() << "expected StructuredOutputError";
    } catch (const StructuredOutputError& e) {
        EXPECT_EQ(e.raw_text(), raw);
        ASSERT_FALSE(e.problems().empty());
        EXPECT_NE(e.problems()[0].find("$.year"), std::string::npos) << e.problems()[0];
        EXPECT_EQ(e.provider(), GetParam().name);
    }
}

TEST_P(ProviderMatrix, ImageByUrlReachesTheProvider) {
    images.route("GET", "/cat.png", host::image());
    const std::string url = images.base_url() + "/cat.png";
    server.enqueue(GetParam().reply("A cat."));
    const auto r = completion(GetParam().model, ask_about_image(ContentPart::image_from_url(url)));
    EXPECT_EQ(r.text(), "A cat.");
    const std::string sent = server.last_request().body;
    if (GetParam().sends_image_urls) {
        EXPECT_NE(sent.find(url), std::string::npos) << sent;
        EXPECT_EQ(images.request_count(), 0u);  // the provider fetches it, not llmgate
    } else {
        EXPECT_NE(sent.find(host::kPngBase64), std::string::npos) << sent;
        EXPECT_EQ(sent.find(url), std::string::npos);
        ASSERT_EQ(images.request_count(), 1u);
        host::expect_anonymous_get(images.last_request());
    }
}

TEST_P(ProviderMatrix, ImageByBytesReachesTheProvider) {
    server.enqueue(GetParam().reply("A cat."));
    const auto r =
        completion(GetParam().model, ask_about_image(ContentPart::image_from_bytes(host::kPngBase64, "image/png")));
    EXPECT_EQ(r.text(), "A cat.");
    EXPECT_NE(server.last_request().body.find(host::kPngBase64), std::string::npos) << server.last_request().body;
}

INSTANTIATE_TEST_SUITE_P(AllProviders, ProviderMatrix, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.name; });
