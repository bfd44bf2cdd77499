// Structured output and vision over real HTTP for the OpenAI-shape providers (OpenAI, Azure, Groq,
// Mistral): the exact request JSON each one sends, and the reply text arriving unchanged.
#include <gtest/gtest.h>

#include "providers/registry.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::openai;

namespace {

constexpr const char* kMovieJson = R"({"title":"Alien","year":1979,"nickname":null})";

json movie_schema() {
    return json::parse(R"({"type":"object",
        "properties":{"title":{"type":"string"},"year":{"type":"integer"},"nickname":{"type":"string"}},
        "required":["title","year"]})");
}

// What OpenAI's strict mode needs for movie_schema(): all properties required, the optional one nullable.
json strict_movie_schema() {
    return json::parse(R"({"type":"object",
        "properties":{"title":{"type":"string"},"year":{"type":"integer"},"nickname":{"type":["string","null"]}},
        "required":["nickname","title","year"],"additionalProperties":false})");
}

ResponseFormat movie_format(bool strict = true) {
    return ResponseFormat{.schema = movie_schema(), .name = "movie", .description = "A film", .strict = strict};
}

// One call with the structured mode the dispatch layer would choose, straight to the provider adapter
// (the real transport, the fake server), so each adapter's wire mapping is checked on its own.
CompletionResponse call(const std::string& model, detail::StructuredMode mode, std::vector<Message> messages,
                        std::optional<ResponseFormat> format = movie_format()) {
    detail::Route route = detail::route(model, "");
    detail::ChatRequest request{route.model, std::move(messages), Options{.response_format = std::move(format)}, mode};
    return route.provider->complete(request);
}

std::vector<Message> ask() { return {Message::system("Reply in JSON."), Message::user("Name a film")}; }

std::vector<Message> look() {
    return {Message::user({ContentPart::text_part("What is in the image?"),
                           ContentPart::image_from_url("https://example.com/cat.jpg", "low"),
                           ContentPart::image_from_bytes("/9j/4AAQSkZJRg==", "image/jpeg")})};
}

class OpenAIStructuredHttp : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        point_at("OPENAI_API_KEY", "sk-test", "OPENAI_BASE_URL");
        point_at("GROQ_API_KEY", "gsk-test", "GROQ_BASE_URL");
        point_at("MISTRAL_API_KEY", "mistral-test", "MISTRAL_BASE_URL");
        point_at("AZURE_OPENAI_API_KEY", "azure-key", "AZURE_OPENAI_ENDPOINT");
    }
};

}  // namespace

TEST_F(OpenAIStructuredHttp, OpenAINativeSchemaSendsStrictJsonSchemaAndKeepsTheReplyText) {
    server.enqueue(fake::chat_text(kMovieJson, "gpt-4o-mini"));
    auto r = call("gpt-4o-mini", detail::StructuredMode::native_schema, ask());
    EXPECT_EQ(r.text(), kMovieJson);
    json body = server.last_request().json();
    EXPECT_EQ(
        body["response_format"],
        (json{{"type", "json_schema"},
              {"json_schema",
               {{"name", "movie"}, {"description", "A film"}, {"strict", true}, {"schema", strict_movie_schema()}}}}));
    EXPECT_EQ(body["messages"][0], (json{{"role", "system"}, {"content", "Reply in JSON."}}));
}

TEST_F(OpenAIStructuredHttp, OpenAIJsonModeSendsJsonObject) {
    server.enqueue(fake::chat_text(R"({"title":"Alien"})"));
    auto r = call("gpt-4o-mini", detail::StructuredMode::json_mode, ask());
    EXPECT_EQ(r.text(), R"({"title":"Alien"})");
    EXPECT_EQ(server.last_request().json()["response_format"], json::parse(R"({"type":"json_object"})"));
}

TEST_F(OpenAIStructuredHttp, OpenAIWithoutStructuredModeSendsNoResponseFormat) {
    server.enqueue(fake::chat_text("plain"));
    (void)call("gpt-4o-mini", detail::StructuredMode::none, ask());
    EXPECT_FALSE(server.last_request().json().contains("response_format"));
}

TEST_F(OpenAIStructuredHttp, OpenAIRefusalReachesTheResponseWithEmptyText) {
    server.enqueue(fake::chat_refusal("I can't help with that."));
    auto r = call("gpt-4o-mini", detail::StructuredMode::native_schema, ask());
    EXPECT_EQ(r.text(), "");
    EXPECT_EQ(r.choices.at(0).message.provider_data["refusal"], "I can't help with that.");
}

TEST_F(OpenAIStructuredHttp, OpenAIImagesByUrlWithDetailAndByBytes) {
    server.enqueue(fake::chat_text("a cat"));
    auto r = completion("gpt-4o-mini", look());
    EXPECT_EQ(r.text(), "a cat");
    json content = server.last_request().json()["messages"][0]["content"];
    EXPECT_EQ(content, json::parse(R"([{"type":"text","text":"What is in the image?"},
        {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg","detail":"low"}},
        {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQSkZJRg=="}}])"));
}

TEST_F(OpenAIStructuredHttp, AzureSendsTheSameShapesAsOpenAI) {
    env.set("AZURE_OPENAI_API_VERSION", "2024-10-21");
    server.enqueue(fake::chat_text(kMovieJson));
    auto r = call("azure/my-gpt4o", detail::StructuredMode::native_schema, ask());
    EXPECT_EQ(r.text(), kMovieJson);
    auto req = server.last_request();
    EXPECT_EQ(req.path, "/openai/deployments/my-gpt4o/chat/completions");
    EXPECT_EQ(req.json()["response_format"]["type"], "json_schema");
    EXPECT_EQ(req.json()["response_format"]["json_schema"]["strict"], true);
    EXPECT_EQ(req.json()["response_format"]["json_schema"]["schema"], strict_movie_schema());

    server.enqueue(fake::chat_text("a cat"));
    (void)completion("azure/my-gpt4o", look());
    json content = server.last_request().json()["messages"][0]["content"];
    EXPECT_EQ(content[1],
              json::parse(R"({"type":"image_url","image_url":{"url":"https://example.com/cat.jpg","detail":"low"}})"));
    EXPECT_EQ(content[2]["image_url"]["url"], "data:image/jpeg;base64,/9j/4AAQSkZJRg==");
}

TEST_F(OpenAIStructuredHttp, AzureOffersJsonSchemaOnlyFromApiVersion20240801) {
    detail::Route route = detail::route("azure/dep", "");
    EXPECT_FALSE(route.provider->capabilities(route.model).native_schema);  // default 2024-02-01
    EXPECT_TRUE(route.provider->capabilities(route.model).json_mode);
    env.set("AZURE_OPENAI_API_VERSION", "2024-08-01-preview");
    EXPECT_TRUE(route.provider->capabilities(route.model).native_schema);
    env.set("AZURE_OPENAI_API_VERSION", "2024-06-01");
    EXPECT_FALSE(route.provider->capabilities(route.model).native_schema);

    server.enqueue(fake::chat_text("{}"));
    (void)call("azure/dep", detail::StructuredMode::json_mode, ask());
    EXPECT_EQ(server.last_request().json()["response_format"], json::parse(R"({"type":"json_object"})"));
}

TEST_F(OpenAIStructuredHttp, GroqSendsStrictSchemaOnGptOss) {
    server.enqueue(fake::chat_text(kMovieJson, "openai/gpt-oss-120b"));
    auto r = call("groq/openai/gpt-oss-120b", detail::StructuredMode::native_schema, ask());
    EXPECT_EQ(r.text(), kMovieJson);
    auto req = server.last_request();
    EXPECT_EQ(req.path, "/openai/v1/chat/completions");
    EXPECT_EQ(req.json()["response_format"]["json_schema"]["strict"], true);
    EXPECT_EQ(req.json()["response_format"]["json_schema"]["schema"], strict_movie_schema());
}

TEST_F(OpenAIStructuredHttp, GroqSendsBestEffortSchemaOnOtherModels) {
    server.enqueue(fake::chat_text(kMovieJson, "moonshotai/kimi-k2-instruct-0905"));
    (void)call("groq/moonshotai/kimi-k2-instruct-0905", detail::StructuredMode::native_schema, ask());
    json format = server.last_request().json()["response_format"];
    EXPECT_EQ(format,
              (json{{"type", "json_schema"},
                    {"json_schema",
                     {{"name", "movie"}, {"description", "A film"}, {"strict", false}, {"schema", movie_schema()}}}}));
}

TEST_F(OpenAIStructuredHttp, GroqJsonModeAndImages) {
    server.enqueue(fake::chat_text("{}"));
    (void)call("groq/llama-3.1-8b-instant", detail::StructuredMode::json_mode, ask());
    EXPECT_EQ(server.last_request().json()["response_format"], json::parse(R"({"type":"json_object"})"));

    server.enqueue(fake::chat_text("a cat", "meta-llama/llama-4-scout-17b-16e-instruct"));
    auto r = completion("groq/meta-llama/llama-4-scout-17b-16e-instruct", look());
    EXPECT_EQ(r.text(), "a cat");
    json content = server.last_request().json()["messages"][0]["content"];
    EXPECT_EQ(content[1],
              json::parse(R"({"type":"image_url","image_url":{"url":"https://example.com/cat.jpg","detail":"low"}})"));
    EXPECT_EQ(content[2],
              json::parse(R"({"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQSkZJRg=="}})"));
}

TEST_F(OpenAIStructuredHttp, MistralSendsJsonSchemaWithClosedObjectsButOptionalFieldsKept) {
    server.enqueue(fake::chat_text(kMovieJson, "mistral-small-latest"));
    auto r = call("mistral/mistral-small-latest", detail::StructuredMode::native_schema, ask());
    EXPECT_EQ(r.text(), kMovieJson);
    json schema = movie_schema();
    schema["additionalProperties"] = false;
    EXPECT_EQ(
        server.last_request().json()["response_format"],
        (json{{"type", "json_schema"},
              {"json_schema", {{"name", "movie"}, {"description", "A film"}, {"strict", true}, {"schema", schema}}}}));

    server.enqueue(fake::chat_text(kMovieJson, "mistral-small-latest"));
    (void)call("mistral/mistral-small-latest", detail::StructuredMode::native_schema, ask(), movie_format(false));
    json format = server.last_request().json()["response_format"];
    EXPECT_EQ(format["json_schema"]["strict"], false);
    EXPECT_EQ(format["json_schema"]["schema"], movie_schema());
}

TEST_F(OpenAIStructuredHttp, MistralJsonMode) {
    server.enqueue(fake::chat_text("{}", "mistral-small-latest"));
    (void)call("mistral/mistral-small-latest", detail::StructuredMode::json_mode, ask());
    EXPECT_EQ(server.last_request().json()["response_format"], json::parse(R"({"type":"json_object"})"));
}

TEST_F(OpenAIStructuredHttp, MistralSendsImageUrlsAsPlainStringsUnlessADetailIsGiven) {
    server.enqueue(fake::chat_text("a cat", "pixtral-12b-2409"));
    auto r = completion("mistral/pixtral-12b-2409",
                        {Message::user({ContentPart::text_part("What is in the image?"),
                                        ContentPart::image_from_url("https://example.com/cat.jpg"),
                                        ContentPart::image_from_bytes("/9j/4AAQSkZJRg==", "image/jpeg"),
                                        ContentPart::image_from_url("https://example.com/dog.jpg", "high")})});
    EXPECT_EQ(r.text(), "a cat");
    json content = server.last_request().json()["messages"][0]["content"];
    EXPECT_EQ(content, json::parse(R"([{"type":"text","text":"What is in the image?"},
        {"type":"image_url","image_url":"https://example.com/cat.jpg"},
        {"type":"image_url","image_url":"data:image/jpeg;base64,/9j/4AAQSkZJRg=="},
        {"type":"image_url","image_url":{"url":"https://example.com/dog.jpg","detail":"high"}}])"));
}

// --- end to end: completion() with a response_format, through the structured-output layer ---

namespace {

// Every property required, so a strict reply and the caller's schema agree without null handling.
ResponseFormat film_format() {
    return ResponseFormat{.schema = json::parse(R"({"type":"object","properties":{"title":{"type":"string"},
        "year":{"type":"integer"}},"required":["title","year"]})"),
                          .name = "film"};
}

constexpr const char* kFilmJson = R"({"title":"Alien","year":1979})";

}  // namespace

TEST_F(OpenAIStructuredHttp, EndToEndEachProviderParsesANativeSchemaReply) {
    env.set("AZURE_OPENAI_API_VERSION", "2024-10-21");
    for (const char* model : {"gpt-4o-mini", "azure/dep", "groq/openai/gpt-oss-20b", "mistral/mistral-small-latest"}) {
        SCOPED_TRACE(model);
        server.enqueue(fake::chat_text(kFilmJson));
        auto r = completion(model, {Message::user("Name a film")}, {.response_format = film_format()});
        EXPECT_EQ(r.structured_strategy, "native");
        EXPECT_EQ(r.parsed_json, json::parse(kFilmJson));
        EXPECT_EQ(r.text(), kFilmJson);
        EXPECT_EQ(server.last_request().json()["response_format"]["type"], "json_schema");
    }
}

TEST_F(OpenAIStructuredHttp, EndToEndOlderModelsUseJsonMode) {
    server.enqueue(fake::chat_text(kFilmJson, "gpt-4-turbo"));
    auto r = completion("gpt-4-turbo", {Message::user("Name a film")}, {.response_format = film_format()});
    EXPECT_EQ(r.structured_strategy, "json_mode");
    EXPECT_EQ(r.parsed_json, json::parse(kFilmJson));
    EXPECT_EQ(server.last_request().json()["response_format"], json::parse(R"({"type":"json_object"})"));
}

TEST_F(OpenAIStructuredHttp, EndToEndRefusalIsAStructuredOutputError) {
    server.enqueue(fake::chat_refusal("I can't help with that."));
    EXPECT_THROW(completion("gpt-4o-mini", {Message::user("Name a film")}, {.response_format = film_format()}),
                 StructuredOutputError);
}
