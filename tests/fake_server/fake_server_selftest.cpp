// Self-test of FakeServer and the OpenAI reply builders, driven by a real HTTP client.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "fake_server.hpp"
#include "openai_replies.hpp"

namespace {

using namespace std::chrono_literals;
using llmgate::testing::FakeServer;
using llmgate::testing::RecordedRequest;
using llmgate::testing::Reply;
namespace openai = llmgate::testing::openai;

Reply text(int status, std::string body) {
    Reply r;
    r.status = status;
    r.content_type = "text/plain";
    r.body = std::move(body);
    return r;
}

httplib::Client client(const FakeServer& s) {
    httplib::Client c("127.0.0.1", s.port());
    c.set_read_timeout(5, 0);
    return c;
}

TEST(FakeServer, ServesQueuedRepliesInOrderThenSays599) {
    FakeServer s;
    s.enqueue(text(200, "first"));
    s.enqueue(text(201, "second"));
    auto c = client(s);
    auto a = c.Get("/a");
    auto b = c.Post("/b", "{}", "application/json");
    auto none = c.Delete("/c");
    ASSERT_TRUE(a && b && none);
    EXPECT_EQ(a->status, 200);
    EXPECT_EQ(a->body, "first");
    EXPECT_EQ(b->status, 201);
    EXPECT_EQ(b->body, "second");
    EXPECT_EQ(none->status, 599);
    EXPECT_NE(none->body.find("no reply was scripted"), std::string::npos);
    EXPECT_EQ(s.request_count(), 3u);
}

TEST(FakeServer, RoutesAreStickyAndWinOverTheQueue) {
    FakeServer s;
    s.enqueue(text(200, "queued"));
    s.route("POST", "/v1/chat/completions", text(200, "routed"));
    auto c = client(s);
    EXPECT_EQ(c.Post("/v1/chat/completions", "{}", "application/json")->body, "routed");
    EXPECT_EQ(c.Post("/v1/chat/completions", "{}", "application/json")->body, "routed");
    EXPECT_EQ(c.Get("/v1/chat/completions")->body, "queued");  // method is part of the route
    s.clear();
    EXPECT_EQ(c.Post("/v1/chat/completions", "{}", "application/json")->status, 599);
    EXPECT_EQ(s.request_count(), 1u);
}

TEST(FakeServer, RecordsWhatTheClientSent) {
    FakeServer s;
    Reply r = openai::chat_text("hi");
    r.headers.emplace_back("retry-after", "2");
    s.enqueue(r);
    auto c = client(s);
    auto res = c.Post("/v1/chat/completions?api-version=2024-01-01&q=a%20b",
                      {{"Authorization", "Bearer sk-test"}, {"X-Custom", "yes"}},
                      R"({"model":"gpt-4o-mini","stream":false})", "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->get_header_value("x-request-id"), "req_test123");
    EXPECT_EQ(res->get_header_value("retry-after"), "2");
    // Bodies go out exactly as scripted, even to a client that accepts gzip.
    EXPECT_FALSE(res->has_header("Content-Encoding"));
    EXPECT_EQ(nlohmann::json::parse(res->body)["choices"][0]["message"]["content"], "hi");

    RecordedRequest got = s.last_request();
    EXPECT_EQ(got.method, "POST");
    EXPECT_EQ(got.path, "/v1/chat/completions");
    EXPECT_EQ(got.query, "api-version=2024-01-01&q=a%20b");
    EXPECT_EQ(got.params.at("q"), "a b");
    EXPECT_EQ(got.header("authorization"), "Bearer sk-test");
    EXPECT_EQ(got.header("X-CUSTOM"), "yes");
    EXPECT_EQ(got.headers.at("content-type"), "application/json");
    EXPECT_EQ(got.header("remote_addr"), "");  // httplib's pseudo-headers are not recorded
    EXPECT_EQ(got.json()["model"], "gpt-4o-mini");
    EXPECT_EQ(s.requests().size(), 1u);
}

TEST(FakeServer, LastRequestThrowsWhenNothingArrived) {
    FakeServer s;
    EXPECT_THROW(s.last_request(), std::runtime_error);
}

TEST(FakeServer, HandlerTakesPrecedenceOverRoutesAndQueue) {
    FakeServer s;
    s.route("GET", "/x", text(200, "routed"));
    s.set_handler([](const RecordedRequest& req) { return text(202, "handled " + req.path); });
    auto c = client(s);
    auto res = c.Get("/x");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 202);
    EXPECT_EQ(res->body, "handled /x");
}

TEST(FakeServer, StreamsEachChunkAsItsOwnWrite) {
    FakeServer s;
    Reply r = openai::stream_text({"Hel", "lo"});
    r.delay_between_chunks = 30ms;
    const auto expected_pieces = r.chunks;
    s.enqueue(r);
    auto c = client(s);
    std::vector<std::string> pieces;
    auto res = c.Get("/stream", [&](const char* d, size_t n) {
        pieces.emplace_back(d, n);
        return true;
    });
    ASSERT_TRUE(res);
    EXPECT_EQ(res->get_header_value("Transfer-Encoding"), "chunked");
    EXPECT_EQ(res->get_header_value("Content-Type"), "text/event-stream");
    EXPECT_EQ(pieces, expected_pieces);  // the gap keeps the client from seeing them merged
}

TEST(FakeServer, DroppedStreamReachesTheClientAsAnError) {
    FakeServer s;
    Reply r;
    r.content_type = "text/event-stream";
    r.chunks = {openai::sse({{"a", 1}}), openai::sse({{"b", 2}})};
    r.drop_connection_after_chunks = true;
    s.enqueue(r);
    auto c = client(s);
    std::string got;
    auto res = c.Get("/stream", [&](const char* d, size_t n) {
        got.append(d, n);
        return true;
    });
    EXPECT_FALSE(res);
    EXPECT_EQ(got, r.chunks[0] + r.chunks[1]);
}

TEST(FakeServer, DelaysTheReply) {
    FakeServer s;
    Reply slow = text(200, "late");
    slow.delay_before_reply = 150ms;
    s.route("GET", "/slow", slow);
    auto c = client(s);
    auto t0 = std::chrono::steady_clock::now();
    auto res = c.Get("/slow");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->body, "late");
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 140ms);

    c.set_read_timeout(0, 50'000);  // a client with a shorter timeout gives up
    EXPECT_FALSE(c.Get("/slow"));
}

TEST(FakeServer, DestructorReturnsPromptlyDuringASlowReply) {
    auto s = std::make_unique<FakeServer>();
    Reply slow = text(200, "never");
    slow.delay_before_reply = 10s;
    s->enqueue(slow);
    std::thread t([port = s->port()] {
        httplib::Client c("127.0.0.1", port);
        c.set_read_timeout(20, 0);
        (void)c.Get("/slow");
    });
    while (s->request_count() == 0) std::this_thread::sleep_for(1ms);
    auto t0 = std::chrono::steady_clock::now();
    s.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
    t.join();
}

TEST(FakeServer, DestructorDoesNotWaitForIdleKeepAliveClients) {
    auto s = std::make_unique<FakeServer>();
    s->route("GET", "/x", text(200, "x"));
    httplib::Client c("127.0.0.1", s->port());
    c.set_keep_alive(true);  // the connection stays open and idle after the reply
    ASSERT_TRUE(c.Get("/x"));
    ASSERT_TRUE(c.Get("/x"));
    auto t0 = std::chrono::steady_clock::now();
    s.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms);
}

TEST(FakeServer, ServesManyConcurrentClients) {
    FakeServer s;
    s.route("POST", "/v1/chat/completions", openai::chat_text("ok"));
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 200; ++i) {
        threads.emplace_back([&] {
            httplib::Client c("127.0.0.1", s.port());
            auto res = c.Post("/v1/chat/completions", "{}", "application/json");
            if (res && res->status == 200) ++ok;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok, 200);
    EXPECT_EQ(s.request_count(), 200u);
}

TEST(OpenAIReplies, StreamTextHasOpenAIChunkShapes) {
    Reply r = openai::stream_text({"a", "b"});
    ASSERT_EQ(r.chunks.size(), 6u);  // role, a, b, stop, usage, [DONE]
    auto event = [&](std::size_t i) {
        const auto& c = r.chunks[i];
        EXPECT_EQ(c.rfind("data: ", 0), 0u);
        EXPECT_EQ(c.substr(c.size() - 2), "\n\n");
        return nlohmann::json::parse(c.substr(6));
    };
    EXPECT_EQ(event(0)["choices"][0]["delta"]["role"], "assistant");
    EXPECT_TRUE(event(1)["usage"].is_null());
    EXPECT_EQ(event(2)["choices"][0]["delta"]["content"], "b");
    EXPECT_EQ(event(3)["choices"][0]["finish_reason"], "stop");
    EXPECT_TRUE(event(4)["choices"].empty());
    EXPECT_EQ(event(4)["usage"]["completion_tokens"], 2);
    EXPECT_EQ(r.chunks[5], openai::sse_done());
    EXPECT_FALSE(nlohmann::json::parse(openai::stream_text({"a"}, "m", false).chunks[1].substr(6)).contains("usage"));
}

TEST(OpenAIReplies, StreamToolCallsSplitsArguments) {
    Reply r = openai::stream_tool_calls({{"get_weather", {"{\"city\":", "\"Paris\"}"}}});
    auto first = nlohmann::json::parse(r.chunks[0].substr(6))["choices"][0]["delta"];
    EXPECT_EQ(first["tool_calls"][0]["id"], "call_0");
    EXPECT_EQ(first["tool_calls"][0]["function"]["name"], "get_weather");
    auto second = nlohmann::json::parse(r.chunks[1].substr(6))["choices"][0]["delta"];
    EXPECT_EQ(second["tool_calls"][0]["function"]["arguments"], "{\"city\":");
    EXPECT_EQ(nlohmann::json::parse(r.chunks[3].substr(6))["choices"][0]["finish_reason"], "tool_calls");
    EXPECT_EQ(r.chunks.back(), openai::sse_done());
}

TEST(OpenAIReplies, ErrorsAndEmbeddingsMatchTheWireFormat) {
    auto e = nlohmann::json::parse(openai::error(429, "slow down", "rate_limit_error", "rate_limit").body);
    EXPECT_EQ(e["error"]["code"], "rate_limit");
    EXPECT_TRUE(e["error"]["param"].is_null());
    EXPECT_TRUE(nlohmann::json::parse(openai::error(400, "bad").body)["error"]["code"].is_null());

    auto emb = nlohmann::json::parse(openai::embeddings({{1.0f, 2.0f}, {0.5f}}, "m", true).body);
    EXPECT_EQ(emb["data"][0]["embedding"], "AACAPwAAAEA=");  // little-endian float32 1.0, 2.0
    EXPECT_EQ(emb["data"][1]["index"], 1);
    auto plain = nlohmann::json::parse(openai::embeddings({{0.25f}}).body);
    EXPECT_EQ(plain["data"][0]["embedding"][0].get<float>(), 0.25f);

    auto tools = nlohmann::json::parse(openai::chat_tool_calls({{"f", "{}"}}).body);
    EXPECT_TRUE(tools["choices"][0]["message"]["content"].is_null());
    EXPECT_EQ(tools["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"], "{}");
    EXPECT_FALSE(nlohmann::json::accept(openai::malformed_json().body));
}

}  // namespace
