// Structured output through the real transport (OpenAI protocol against the fake server): typed
// results, validation errors, the prompt strategy's extraction, stream rejection and step-down.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "llmgate/structured.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::openai;

namespace shop {

enum class Genre { scifi, drama };
LLMGATE_ENUM(Genre, scifi, drama)

struct Movie {
    std::string title;
    int year = 0;
    Genre genre = Genre::drama;
    std::vector<std::string> cast;
    std::optional<double> rating;
};
LLMGATE_STRUCT(Movie, title, year, genre, cast, rating)
LLMGATE_DESCRIBE(Movie, {"year", "Year of release"})

}  // namespace shop

namespace {

constexpr const char* kKey = "sk-test-SECRET-structured";
const char* kAlien = R"({"title":"Alien","year":1979,"genre":"scifi","cast":["Sigourney Weaver"],"rating":null})";

class StructuredHttp : public OpenAIServerTest {
protected:
    StructuredHttp() : OpenAIServerTest(kKey) {}
    std::vector<Message> ask() const { return {Message::user("Describe the film Alien.")}; }
};

// The system message text of a recorded OpenAI request ("" when there is none).
std::string system_text(const json& body) {
    const auto& first = body["messages"][0];
    return first["role"] == "system" ? first["content"].get<std::string>() : std::string();
}

}  // namespace

TEST_F(StructuredHttp, NativeReplyIsValidatedAndParsedIntoTheStruct) {
    server.enqueue(fake::chat_text(kAlien));
    auto r = completion("gpt-4o-mini", ask(), {.response_format = response_format<shop::Movie>()});
    EXPECT_EQ(r.structured_strategy, "native");
    EXPECT_EQ(r.parsed_json["year"], 1979);
    const auto m = r.parsed<shop::Movie>();
    EXPECT_EQ(m.title, "Alien");
    EXPECT_EQ(m.year, 1979);
    EXPECT_EQ(m.genre, shop::Genre::scifi);
    EXPECT_EQ(m.cast, std::vector<std::string>{"Sigourney Weaver"});
    EXPECT_FALSE(m.rating.has_value());

    // The request asks for OpenAI's json_schema mode with our schema and leaves the messages alone.
    const json body = server.last_request().json();
    EXPECT_EQ(body["response_format"]["type"], "json_schema");
    EXPECT_EQ(body["response_format"]["json_schema"]["name"], "Movie");
    EXPECT_EQ(body["response_format"]["json_schema"]["schema"]["properties"]["year"]["description"], "Year of release");
    EXPECT_EQ(body["messages"].size(), 1u);
}

TEST_F(StructuredHttp, ParseReturnsTheTypedValueDirectly) {
    server.enqueue(fake::chat_text(kAlien));
    const shop::Movie m = parse<shop::Movie>("gpt-4o-mini", ask());
    EXPECT_EQ(m.title, "Alien");
    EXPECT_EQ(server.last_request().json()["response_format"]["json_schema"]["name"], "Movie");
}

TEST_F(StructuredHttp, InvalidReplyRaisesStructuredOutputErrorWithRawTextAndEveryProblem) {
    const std::string bad = R"({"title":"Alien","year":"1979","genre":"horror","cast":[]})";
    server.enqueue(fake::chat_text(bad));
    try {
        parse<shop::Movie>("gpt-4o-mini", ask());
        FAIL() << "expected StructuredOutputError";
    } catch (const StructuredOutputError& e) {
        EXPECT_EQ(e.raw_text(), bad);
        EXPECT_EQ(e.provider(), "openai");
        EXPECT_EQ(e.model(), "gpt-4o-mini");
        const auto& p = e.problems();
        ASSERT_EQ(p.size(), 2u);
        EXPECT_EQ(p[0], R"($.genre: "horror" is not one of ["scifi","drama"])");
        EXPECT_EQ(p[1], "$.year: expected integer, got string");
        EXPECT_NE(std::string(e.what()).find("$.genre"), std::string::npos);
        EXPECT_EQ(std::string(e.what()).find(kKey), std::string::npos);
    }
    EXPECT_EQ(server.request_count(), 1u);  // a reply that came back is never retried with another mode
}

TEST_F(StructuredHttp, ReplyWithoutJsonOrEmptyOrRefusedIsAStructuredOutputError) {
    server.enqueue(fake::chat_text("I would rather not."));
    try {
        parse<shop::Movie>("gpt-4o-mini", ask());
        FAIL();
    } catch (const StructuredOutputError& e) {
        EXPECT_EQ(e.raw_text(), "I would rather not.");
        EXPECT_EQ(e.problems(), std::vector<std::string>{"$: the reply contains no JSON value"});
    }

    server.enqueue(fake::chat_text(""));
    EXPECT_THROW(parse<shop::Movie>("gpt-4o-mini", ask()), StructuredOutputError);

    Reply refusal;
    refusal.body = json{{"id", "chatcmpl-1"},
                        {"object", "chat.completion"},
                        {"model", "gpt-4o-mini"},
                        {"choices", json::array({json{{"index", 0},
                                                      {"finish_reason", "stop"},
                                                      {"message", json{{"role", "assistant"},
                                                                       {"content", nullptr},
                                                                       {"refusal", "I can't help with that."}}}}})},
                        {"usage", fake::default_usage()}}
                       .dump();
    server.enqueue(refusal);
    try {
        parse<shop::Movie>("gpt-4o-mini", ask());
        FAIL();
    } catch (const StructuredOutputError& e) {
        ASSERT_EQ(e.problems().size(), 1u);
        EXPECT_EQ(e.problems()[0], "$: the model refused: I can't help with that.");
    }
}

TEST_F(StructuredHttp, PromptStrategyPutsTheSchemaInTheSystemMessageAndExtractsFencedJsonFromProse) {
    server.enqueue(fake::chat_text(std::string("Here you go:\n```json\n") + kAlien + "\n```\nAnything else?"));
    auto r = completion("gpt-4o-mini", {Message::system("You are a film buff."), Message::user("Alien?")},
                        {.response_format = response_format<shop::Movie>({}, StructuredStrategy::prompt)});
    EXPECT_EQ(r.structured_strategy, "prompt");
    EXPECT_EQ(r.parsed<shop::Movie>().year, 1979);

    const json body = server.last_request().json();
    EXPECT_FALSE(body.contains("response_format"));
    ASSERT_EQ(body["messages"].size(), 2u);  // merged into the caller's system message, not a second one
    const std::string sys = system_text(body);
    EXPECT_EQ(sys.rfind("You are a film buff.\n\n", 0), 0u);
    EXPECT_NE(sys.find("JSON Schema"), std::string::npos);
    EXPECT_NE(sys.find("\"Year of release\""), std::string::npos);
}

TEST_F(StructuredHttp, PromptStrategyFindsAnObjectInPlainProse) {
    server.enqueue(fake::chat_text(std::string("Sure. ") + kAlien + " Hope that helps {:"));
    auto r = completion("gpt-4o-mini", ask(),
                        {.response_format = response_format<shop::Movie>({}, StructuredStrategy::prompt)});
    EXPECT_EQ(r.parsed<shop::Movie>().title, "Alien");
    EXPECT_NE(system_text(server.last_request().json()).find("JSON"), std::string::npos);
    EXPECT_EQ(server.last_request().json()["messages"][0]["role"], "system");  // added when the caller had none
}

TEST_F(StructuredHttp, JsonModeSendsJsonObjectAndMentionsJsonInTheSystemMessage) {
    server.enqueue(fake::chat_text(kAlien));
    auto r = completion("gpt-4o-mini", ask(),
                        {.response_format = response_format<shop::Movie>({}, StructuredStrategy::json_mode)});
    EXPECT_EQ(r.structured_strategy, "json_mode");
    const json body = server.last_request().json();
    EXPECT_EQ(body["response_format"], (json{{"type", "json_object"}}));
    EXPECT_NE(system_text(body).find("JSON"), std::string::npos);
}

TEST_F(StructuredHttp, RawSchemaWorksWithoutAStruct) {
    server.enqueue(fake::chat_text(R"({"answer": 42})"));
    ResponseFormat f{
        .schema = json::parse(R"({"type":"object","properties":{"answer":{"type":"integer"}},"required":["answer"]})"),
        .name = "answer"};
    auto r = completion("gpt-4o-mini", ask(), {.response_format = f});
    EXPECT_EQ(r.parsed<json>()["answer"], 42);
    EXPECT_EQ(server.last_request().json()["response_format"]["json_schema"]["name"], "answer");

    ResponseFormat not_object{.schema = json::array()};
    EXPECT_THROW(completion("gpt-4o-mini", ask(), {.response_format = not_object}), InvalidRequestError);
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(StructuredHttp, StreamWithResponseFormatIsRejectedBeforeAnythingIsSent) {
    const Options o{.response_format = response_format<shop::Movie>()};
    try {
        stream("gpt-4o-mini", ask(), o);
        FAIL();
    } catch (const InvalidRequestError& e) {
        EXPECT_NE(std::string(e.what()).find("stream and response_format cannot be used together"), std::string::npos);
    }
    auto f = astream("gpt-4o-mini", ask(), o);
    EXPECT_THROW(f.get(), InvalidRequestError);
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(StructuredHttp, NativeRejectedWith400StepsDownAndRecordsTheStrategy) {
    server.enqueue(fake::error(400, "Invalid schema for response_format 'Movie'", "invalid_request_error"));
    server.enqueue(fake::chat_text(kAlien));
    auto r = completion("gpt-4o-mini", ask(), {.response_format = response_format<shop::Movie>()});
    EXPECT_EQ(r.structured_strategy, "json_mode");
    EXPECT_EQ(r.parsed<shop::Movie>().title, "Alien");
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].json()["response_format"]["type"], "json_schema");
    EXPECT_EQ(requests[1].json()["response_format"], (json{{"type", "json_object"}}));
    EXPECT_NE(system_text(requests[1].json()).find("JSON"), std::string::npos);
}

TEST_F(StructuredHttp, EveryModeRejectedEndsAtThePromptStrategy) {
    server.enqueue(fake::error(400, "json_schema not supported"));
    server.enqueue(fake::error(422, "json_object not supported"));
    server.enqueue(fake::chat_text(std::string("```json\n") + kAlien + "\n```"));
    auto r = completion("gpt-4o-mini", ask(), {.response_format = response_format<shop::Movie>()});
    EXPECT_EQ(r.structured_strategy, "prompt");
    ASSERT_EQ(server.request_count(), 3u);
    EXPECT_FALSE(server.last_request().json().contains("response_format"));
}

TEST_F(StructuredHttp, AuthRateLimitAndServerErrorsDoNotStepDown) {
    server.enqueue(fake::error(401, "Incorrect API key provided", "invalid_request_error", "invalid_api_key"));
    EXPECT_THROW(parse<shop::Movie>("gpt-4o-mini", ask()), AuthError);
    server.enqueue(fake::error(500, "boom", "server_error"));
    EXPECT_THROW(parse<shop::Movie>("gpt-4o-mini", ask()), ProviderAPIError);
    EXPECT_EQ(server.request_count(), 2u);
}

TEST_F(StructuredHttp, ExplicitStrategyIsNeverSteppedDown) {
    server.enqueue(fake::error(400, "json_schema not supported"));
    EXPECT_THROW(completion("gpt-4o-mini", ask(),
                            {.response_format = response_format<shop::Movie>({}, StructuredStrategy::native)}),
                 ProviderAPIError);
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(StructuredHttp, ExplicitStrategyTheModelLacksIsAnInvalidRequest) {
    // OpenAI's original gpt-4 takes neither json_schema nor json_object (capabilities say so).
    EXPECT_THROW(
        completion("gpt-4", ask(), {.response_format = response_format<shop::Movie>({}, StructuredStrategy::native)}),
        InvalidRequestError);
    server.enqueue(fake::chat_text(kAlien));
    auto r = completion("gpt-4", ask(), {.response_format = response_format<shop::Movie>()});
    EXPECT_EQ(r.structured_strategy, "prompt");  // automatic goes straight to the prompt
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(StructuredHttp, AparseResolvesToTheTypedValue) {
    server.enqueue(fake::chat_text(kAlien));
    auto f = aparse<shop::Movie>("gpt-4o-mini", ask());
    EXPECT_EQ(f.get().title, "Alien");
}

TEST_F(StructuredHttp, AparseFutureBecomesReadyOnItsOwnAndReportsBadMessages) {
    server.enqueue(fake::chat_text(kAlien));
    auto f = aparse<shop::Movie>("gpt-4o-mini", json::parse(R"([{"role":"user","content":"Alien?"}])"));
    ASSERT_EQ(f.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    EXPECT_EQ(f.get().year, 1979);

    auto bad = aparse<shop::Movie>("gpt-4o-mini", json(42));  // not a message list
    EXPECT_THROW(bad.get(), Error);
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(StructuredHttp, AsyncStepDownAndAsyncValidationErrors) {
    server.enqueue(fake::error(400, "json_schema not supported"));
    server.enqueue(fake::chat_text(kAlien));
    auto r = acompletion("gpt-4o-mini", ask(), {.response_format = response_format<shop::Movie>()}).get();
    EXPECT_EQ(r.structured_strategy, "json_mode");
    EXPECT_EQ(server.request_count(), 2u);

    server.enqueue(fake::chat_text(R"({"title": 1})"));
    auto bad = aparse<shop::Movie>("gpt-4o-mini", ask());
    EXPECT_THROW(bad.get(), StructuredOutputError);
}

// No provider configured: every variable cleared.
namespace {
class StructuredMock : public ProviderEnvTest {};
}  // namespace

TEST_F(StructuredMock, OfflineMockAnswersWithAValueThatFitsTheSchema) {
    const auto m = parse<shop::Movie>("mock/any", {Message::user("Alien?")});
    EXPECT_FALSE(m.title.empty());
    EXPECT_EQ(m.genre, shop::Genre::scifi);  // the first enum value
    auto r = completion("mock/any", {Message::user("Alien?")}, {.response_format = response_format<shop::Movie>()});
    EXPECT_EQ(r.structured_strategy, "native");
    // Scripted replies still go through validation.
    Options bad{.extra = {{"mock_response", "no json here"}}, .response_format = response_format<shop::Movie>()};
    EXPECT_THROW(completion("mock/any", {Message::user("x")}, bad), StructuredOutputError);
    EXPECT_EQ(aparse<shop::Movie>("mock/any", {Message::user("x")}).get().genre, shop::Genre::scifi);
}
