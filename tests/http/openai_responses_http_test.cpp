// The OpenAI Responses API over real HTTP against the fake server: the request as openai-python sends it
// (instructions + input items, flat tools, text.format, input_image, store/include), the reply and the
// typed event stream parsed into the unified types, reasoning replayed statelessly, and every failure typed.
#include <gtest/gtest.h>

#include "openai_replies.hpp"
#include "openai_responses_replies.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::openai_responses;

namespace {

constexpr const char* kKey = "sk-test-RESPONSES-0123456789";

class ResponsesHttp : public OpenAIServerTest {
protected:
    ResponsesHttp() : OpenAIServerTest(kKey) {}

    static std::string all_text(Stream& s) {
        std::string text;
        for (const auto& c : s) text += c.delta;
        return text;
    }
};

Tool weather_tool() {
    return Tool{.name = "get_weather",
                .description = "Weather for a city",
                .parameters = json::parse(R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})")};
}

}  // namespace

TEST_F(ResponsesHttp, SendsInstructionsAndInputItemsAndParsesTheResponse) {
    server.enqueue(fake::reply(fake::response(json::array({fake::message_item("Hi there")}), "gpt-4.1-2025-04-14")));
    auto r = completion("openai-responses/gpt-4.1", {Message::system("be brief"), Message::user("Hello!")},
                        {.max_tokens = 50, .temperature = 0.2, .top_p = 0.9, .user = "u-1"});
    EXPECT_EQ(r.text(), "Hi there");
    EXPECT_EQ(r.provider, "openai-responses");
    EXPECT_EQ(r.model, "gpt-4.1-2025-04-14");
    EXPECT_EQ(r.id, "resp_fake0001");
    EXPECT_EQ(r.finish_reason, "stop");
    EXPECT_EQ(r.usage.prompt_tokens, 12);
    EXPECT_EQ(r.usage.cached_tokens, 4);
    EXPECT_EQ(r.usage.completion_tokens, 7);
    EXPECT_EQ(r.usage.reasoning_tokens, 3);
    EXPECT_EQ(r.usage.total_tokens, 19);
    EXPECT_EQ(r.raw["object"], "response");

    const auto req = server.last_request();
    EXPECT_EQ(req.path, "/v1/responses");
    EXPECT_EQ(req.header("authorization"), std::string("Bearer ") + kKey);
    const json body = req.json();
    EXPECT_EQ(body, json::parse(R"({"model":"gpt-4.1","instructions":"be brief",
        "input":[{"role":"user","content":"Hello!"}],"max_output_tokens":50,"temperature":0.2,"top_p":0.9,
        "user":"u-1","store":false})"));
}

// gpt-5-pro, o3-pro and the codex models answer 404 on chat completions: `openai` sends them to /responses.
TEST_F(ResponsesHttp, ModelsThatExistOnlyThereAreSentToTheResponsesAPI) {
    for (const std::string model : {"gpt-5-pro", "o3-pro-2025-06-10", "gpt-5.1-codex", "codex-mini-latest", "gpt-5.4-pro"}) {
        server.enqueue(fake::reply(fake::response(json::array({fake::message_item("ok")}), model)));
        auto r = completion(model, hello());
        EXPECT_EQ(r.text(), "ok") << model;
        EXPECT_EQ(r.provider, "openai") << model;
        EXPECT_EQ(server.last_request().path, "/v1/responses") << model;
        // Reasoning models: stateless, so their reasoning comes back encrypted for the next turn.
        EXPECT_EQ(server.last_request().json()["include"], json::array({"reasoning.encrypted_content"})) << model;
    }
    server.enqueue(openai::chat_text("chat"));
    EXPECT_EQ(completion("gpt-5-mini", hello()).text(), "chat");
    EXPECT_EQ(server.last_request().path, "/v1/chat/completions");
    // The provider override picks the Responses API for any model.
    server.enqueue(fake::reply(fake::response(json::array({fake::message_item("via option")}))));
    EXPECT_EQ(completion("gpt-4o-mini", hello(), {.provider = "openai-responses"}).text(), "via option");
    EXPECT_EQ(server.last_request().path, "/v1/responses");
}

TEST_F(ResponsesHttp, StreamsTypedEventsIntoChunks) {
    server.enqueue(fake::stream(
        fake::response(json::array({fake::reasoning_item("rs_9", "Thinking about it.", "enc-9"),
                                    fake::message_item("Hello there, friend")})),
        3));
    auto s = stream("openai-responses/gpt-5-mini", hello(), {.reasoning_effort = "low"});
    std::string text, reasoning;
    int deltas = 0;
    for (const auto& c : s) {
        text += c.delta;
        reasoning += c.reasoning;
        deltas += c.delta.empty() ? 0 : 1;
    }
    EXPECT_EQ(text, "Hello there, friend");
    EXPECT_EQ(deltas, 3);
    EXPECT_EQ(reasoning, "Thinking about it.");
    const CompletionResponse r = s.response();
    EXPECT_EQ(r.text(), "Hello there, friend");
    EXPECT_EQ(r.finish_reason, "stop");
    EXPECT_EQ(r.usage.total_tokens, 19);
    EXPECT_EQ(r.id, "resp_fake0001");
    EXPECT_EQ(r.choices[0].message.provider_data["openai_responses"]["reasoning"][0]["encrypted_content"], "enc-9");

    const auto req = server.last_request();
    EXPECT_EQ(req.header("accept"), "text/event-stream");
    const json body = req.json();
    EXPECT_EQ(body["stream"], true);
    EXPECT_EQ(body["reasoning"], (json{{"effort", "low"}}));
    EXPECT_FALSE(body.contains("stream_options"));
}

TEST_F(ResponsesHttp, ToolsAreFlatAndCallsComeBackWithTheirCallIds) {
    server.enqueue(fake::reply(fake::response(json::array(
        {fake::function_call_item("call_a", "get_weather", R"({"city":"Paris"})"),
         fake::function_call_item("call_b", "get_weather", R"({"city":"Rome"})")}))));
    auto r = completion("openai-responses/gpt-4.1", hello(),
                        {.tools = {weather_tool()}, .tool_choice = "get_weather", .parallel_tool_calls = true});
    EXPECT_EQ(r.finish_reason, "tool_calls");
    ASSERT_EQ(r.tool_calls().size(), 2u);
    EXPECT_EQ(r.tool_calls()[0].id, "call_a");
    EXPECT_EQ(r.tool_calls()[0].function, "get_weather");
    EXPECT_EQ(r.tool_calls()[1].arguments, (json{{"city", "Rome"}}));
    const json body = server.last_request().json();
    EXPECT_EQ(body["tools"], json::parse(R"([{"type":"function","name":"get_weather","description":"Weather for a city",
        "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},"strict":false}])"));
    EXPECT_EQ(body["tool_choice"], json::parse(R"({"type":"function","name":"get_weather"})"));
    EXPECT_EQ(body["parallel_tool_calls"], true);

    // The tool-result turn: the call as a function_call item (no server item id: nothing was stored), the
    // result as function_call_output.
    std::vector<Message> turn{Message::user("Weather?"), r.choices[0].message, Message::tool("call_a", "21 C"),
                              Message::tool("call_b", "25 C")};
    server.enqueue(fake::reply(fake::response(json::array({fake::message_item("Paris 21, Rome 25")}))));
    EXPECT_EQ(completion("openai-responses/gpt-4.1", turn, {.tools = {weather_tool()}}).text(), "Paris 21, Rome 25");
    EXPECT_EQ(server.last_request().json()["input"], json::parse(R"([
        {"role":"user","content":"Weather?"},
        {"type":"function_call","call_id":"call_a","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},
        {"type":"function_call","call_id":"call_b","name":"get_weather","arguments":"{\"city\":\"Rome\"}"},
        {"type":"function_call_output","call_id":"call_a","output":"21 C"},
        {"type":"function_call_output","call_id":"call_b","output":"25 C"}])"));
}

TEST_F(ResponsesHttp, StreamedToolCallsAssembleFromArgumentDeltas) {
    server.enqueue(fake::stream(fake::response(json::array(
        {fake::function_call_item("call_s", "get_weather", R"({"city":"Oslo"})")}))));
    auto s = stream("openai-responses/gpt-4.1", hello(), {.tools = {weather_tool()}});
    while (s.next()) {
    }
    const CompletionResponse r = s.response();
    EXPECT_EQ(r.finish_reason, "tool_calls");
    ASSERT_EQ(r.tool_calls().size(), 1u);
    EXPECT_EQ(r.tool_calls()[0].id, "call_s");
    EXPECT_EQ(r.tool_calls()[0].arguments, (json{{"city", "Oslo"}}));
}

// Stateless reasoning (store false): the reasoning item goes back with its id, summary and encrypted_content,
// before the turn's calls; a reasoning item without encrypted_content is useless then and is not sent.
TEST_F(ResponsesHttp, ReasoningItemsAreReplayedWithTheirEncryptedContent) {
    json no_blob = fake::reasoning_item("rs_plain", "old", "");
    no_blob.erase("encrypted_content");
    server.enqueue(fake::reply(fake::response(json::array(
        {no_blob, fake::reasoning_item("rs_1", "Need the weather.", "gAAAA-blob"),
         fake::function_call_item("call_1", "get_weather", R"({"city":"Paris"})")}))));
    auto first = completion("gpt-5-mini", hello(), {.provider = "openai-responses", .tools = {weather_tool()}});
    EXPECT_EQ(first.choices[0].message.reasoning, "old\n\nNeed the weather.");

    std::vector<Message> turn{Message::user("Hello!"), first.choices[0].message, Message::tool("call_1", "21 C")};
    server.enqueue(fake::reply(fake::response(json::array({fake::message_item("21 C in Paris")}))));
    completion("openai-responses/gpt-5-mini", turn, {.tools = {weather_tool()}});
    const json input = server.last_request().json()["input"];
    ASSERT_EQ(input.size(), 4u);
    EXPECT_EQ(input[1], json::parse(R"({"type":"reasoning","id":"rs_1",
        "summary":[{"type":"summary_text","text":"Need the weather."}],"encrypted_content":"gAAAA-blob"})"));
    EXPECT_EQ(input[2]["type"], "function_call");
    EXPECT_FALSE(input[2].contains("id"));
}

TEST_F(ResponsesHttp, StructuredOutputGoesInTextFormat) {
    server.enqueue(fake::reply(fake::response(json::array({fake::message_item(R"({"title":"Heat","year":1995})")}))));
    ResponseFormat format{.schema = json::parse(
                              R"({"type":"object","properties":{"title":{"type":"string"},"year":{"type":"integer"}},"required":["title","year"]})"),
                          .name = "movie"};
    auto r = completion("openai-responses/gpt-4.1", hello(), {.response_format = format});
    EXPECT_EQ(r.parsed_json, (json{{"title", "Heat"}, {"year", 1995}}));
    EXPECT_EQ(r.structured_strategy, "native");
    const json text_format = server.last_request().json()["text"]["format"];
    EXPECT_EQ(text_format["type"], "json_schema");
    EXPECT_EQ(text_format["name"], "movie");
    EXPECT_EQ(text_format["strict"], true);
    EXPECT_EQ(text_format["schema"]["additionalProperties"], false);
}

TEST_F(ResponsesHttp, ImagesAreInputImageParts) {
    server.enqueue(fake::reply(fake::response(json::array({fake::message_item("a cat")}))));
    completion("openai-responses/gpt-4.1",
               {Message::user({ContentPart::text_part("What is this?"),
                               ContentPart::image_from_url("https://example.com/cat.png", "high"),
                               ContentPart::image_from_bytes("iVBORw0KGgo=", "image/png")})});
    EXPECT_EQ(server.last_request().json()["input"][0]["content"], json::parse(R"([
        {"type":"input_text","text":"What is this?"},
        {"type":"input_image","image_url":"https://example.com/cat.png","detail":"high"},
        {"type":"input_image","image_url":"data:image/png;base64,iVBORw0KGgo=","detail":"auto"}])"));
}

// Server-side state on request: only what follows the last assistant turn is sent, with the id it continues.
TEST_F(ResponsesHttp, PreviousResponseIdSendsOnlyTheNewTurn) {
    server.enqueue(fake::reply(fake::response(json::array({fake::message_item("second")}))));
    completion("openai-responses/gpt-4.1",
               {Message::system("sys"), Message::user("one"), Message::assistant("first"), Message::user("two")},
               {.store = true, .previous_response_id = "resp_prev"});
    const json body = server.last_request().json();
    EXPECT_EQ(body["previous_response_id"], "resp_prev");
    EXPECT_EQ(body["store"], true);
    EXPECT_EQ(body["instructions"], "sys");
    EXPECT_EQ(body["input"], json::parse(R"([{"role":"user","content":"two"}])"));

    try {
        completion("claude-haiku-4-5", hello(), {.previous_response_id = "resp_prev"});
        FAIL() << "expected InvalidRequestError";
    } catch (const InvalidRequestError& e) {
        EXPECT_NE(std::string(e.what()).find("previous_response_id"), std::string::npos);
    }
}

TEST_F(ResponsesHttp, FailuresAreTyped) {
    server.enqueue(openai::error(429, "Rate limit reached", "requests", "rate_limit_exceeded"));
    EXPECT_THROW(completion("openai-responses/gpt-4.1", hello()), RateLimitError);

    json failed = fake::response(json::array(), "gpt-4.1", nullptr, "failed");
    failed["error"] = {{"code", "server_error"}, {"message", "The model failed"}};
    server.enqueue(fake::reply(failed));
    try {
        completion("openai-responses/gpt-4.1", hello());
        FAIL() << "expected ProviderAPIError";
    } catch (const ProviderAPIError& e) {
        EXPECT_NE(std::string(e.what()).find("The model failed"), std::string::npos);
        EXPECT_EQ(e.error_type(), "server_error");
    }

    // Out of budget while reasoning: no output at all is an error carrying the usage, not an empty answer.
    server.enqueue(fake::reply(fake::response(json::array({fake::reasoning_item("rs_x", "hmm", "enc")}), "gpt-5-mini",
                                              fake::default_usage(), "incomplete", {{"reason", "max_output_tokens"}})));
    EXPECT_THROW(completion("openai-responses/gpt-5-mini", hello(), {.max_tokens = 16}), IncompleteResponseError);

    // What the API has no field for is refused before anything is sent.
    const std::size_t sent = server.request_count();
    EXPECT_THROW(completion("openai-responses/gpt-4.1", hello(), {.stop = {"END"}}), InvalidRequestError);
    EXPECT_THROW(completion("openai-responses/gpt-4.1", hello(), {.seed = 7}), InvalidRequestError);
    EXPECT_EQ(server.request_count(), sent);
}

TEST_F(ResponsesHttp, StreamFailuresAreTyped) {
    // An error event mid-stream.
    Reply with_error = fake::stream(fake::response(json::array({fake::message_item("partial answer")})));
    with_error.chunks.resize(4);
    with_error.chunks.push_back(fake::event(
        {{"type", "error"}, {"code", "rate_limit_exceeded"}, {"message", "slow down"}, {"param", nullptr}, {"sequence_number", 9}}));
    server.enqueue(with_error);
    {
        auto s = stream("openai-responses/gpt-4.1", hello());
        EXPECT_THROW(all_text(s), RateLimitError);
    }
    // Cut before response.completed: incomplete, never a short success.
    Reply cut = fake::stream(fake::response(json::array({fake::message_item("partial answer")})));
    cut.chunks.pop_back();
    server.enqueue(cut);
    {
        auto s = stream("openai-responses/gpt-4.1", hello());
        EXPECT_THROW(all_text(s), ResponseParseError);
    }
    // A delta of the wrong type names the event instead of being skipped.
    Reply wrong = fake::stream(fake::response(json::array({fake::message_item("x")})));
    wrong.chunks.insert(wrong.chunks.begin() + 3,
                        fake::event({{"type", "response.output_text.delta"}, {"item_id", "msg_fake0001"},
                                     {"output_index", 0}, {"content_index", 0}, {"delta", 42}, {"sequence_number", 3}}));
    server.enqueue(wrong);
    {
        auto s = stream("openai-responses/gpt-4.1", hello());
        EXPECT_THROW(all_text(s), ResponseParseError);
    }
    // response.failed ends the stream with the response's error.
    json failed = fake::response(json::array(), "gpt-4.1", nullptr, "failed");
    failed["error"] = {{"code", "server_error"}, {"message", "boom"}};
    Reply failing = fake::stream(fake::response(json::array({fake::message_item("x")})));
    failing.chunks.back() = fake::event({{"type", "response.failed"}, {"response", failed}, {"sequence_number", 20}});
    server.enqueue(failing);
    {
        auto s = stream("openai-responses/gpt-4.1", hello());
        EXPECT_THROW(all_text(s), ProviderAPIError);
    }
}

TEST_F(ResponsesHttp, AzureResponsesUsesTheV1RouteWithTheDeploymentAsModel) {
    env.set("AZURE_OPENAI_API_KEY", "azure-key-1");
    env.set("AZURE_OPENAI_ENDPOINT", server.base_url().c_str());
    env.set("AZURE_OPENAI_API_VERSION", "2024-10-21");
    server.enqueue(fake::reply(fake::response(json::array({fake::message_item("from azure")}))));
    auto r = completion("azure-responses/my-gpt5-deployment", hello());
    EXPECT_EQ(r.text(), "from azure");
    EXPECT_EQ(r.provider, "azure-responses");
    const auto req = server.last_request();
    EXPECT_EQ(req.path, "/openai/v1/responses");
    EXPECT_EQ(req.query, "");  // the v1 surface takes no api-version
    EXPECT_EQ(req.header("api-key"), "azure-key-1");
    EXPECT_EQ(req.header("authorization"), "");
    EXPECT_EQ(req.json()["model"], "my-gpt5-deployment");
}

// The Responses API bills what chat completions bills: cost is priced from OpenAI's rows.
TEST_F(ResponsesHttp, CostIsPricedLikeTheSameModelOnChatCompletions) {
    server.enqueue(fake::reply(fake::response(json::array({fake::message_item("ok")}), "gpt-4.1")));
    auto r = completion("openai-responses/gpt-4.1", hello());
    ASSERT_TRUE(cost(r).has_value());
    EXPECT_GT(*cost(r), 0.0);
}
