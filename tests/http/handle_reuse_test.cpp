// A reused libcurl handle keeps whatever options the previous request set on it. The transport sets
// only the per-request options that changed (curl_transfer.cpp), so each test here runs a sequence of
// requests that differ in one option at a time on one handle, and checks that every request went out
// and was bounded exactly as asked: method, URL, body, redirects, whole-transfer timeout, stream idle
// limit. The in-thread driver and the event loop keep their handles apart, so both are covered.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <string>

#include "llmgate/errors.hpp"
#include "test_support.hpp"
#include "transport/http.hpp"

namespace llmgate {
namespace {

using namespace std::chrono_literals;
using detail::HttpRequest;
using detail::HttpResponse;
using llmgate::testing::FakeServer;
using llmgate::testing::RecordedRequest;
using llmgate::testing::Reply;
using llmgate::testing::ServerTest;
using llmgate::testing::ServerTestWithParam;

// Sync and async alike: one buffered request, the reply or the typed error.
using Perform = std::function<HttpResponse(HttpRequest)>;

HttpResponse perform_on_loop(HttpRequest request) {
    std::promise<HttpResponse> done;
    auto result = done.get_future();
    detail::perform_async(std::move(request), [&done](std::exception_ptr error, HttpResponse response) {
        if (error)
            done.set_exception(error);
        else
            done.set_value(std::move(response));
    });
    return result.get();
}

class HandleReuse : public ServerTestWithParam<bool> {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        server.set_handler([](const RecordedRequest& r) {
            Reply reply;
            if (r.path == "/redirect") {
                reply.status = 302;
                reply.headers = {{"Location", "/target"}};
                reply.body = "{}";
            } else if (r.path == "/slow") {
                reply.delay_before_reply = 400ms;
                reply.body = R"({"slow":true})";
            } else if (r.path == "/stall") {
                reply.content_type = "text/event-stream";
                reply.chunks = {"data: 1\n\n"};
                reply.stall_after_chunks = 3s;
            } else if (r.path == "/stream") {
                reply.content_type = "text/event-stream";
                reply.chunks = {"data: 1\n\n", "data: 2\n\n", "data: 3\n\n", "data: 4\n\n"};
                reply.delay_between_chunks = 100ms;  // 300 ms in all, 100 ms of silence at most
            } else {
                reply.body = nlohmann::json{{"method", r.method}, {"path", r.path}, {"body", r.body}}.dump();
            }
            return reply;
        });
    }

    HttpResponse call(HttpRequest request) {
        return GetParam() ? perform_on_loop(std::move(request)) : detail::perform(std::move(request));
    }
    std::unique_ptr<detail::BodyReader> open_stream(HttpRequest request) {
        if (!GetParam()) return detail::open(std::move(request));
        std::promise<std::unique_ptr<detail::BodyReader>> opened;
        auto reader = opened.get_future();
        detail::open_async(std::move(request),
                           [&opened](std::exception_ptr error, std::unique_ptr<detail::BodyReader> r) {
                               if (error)
                                   opened.set_exception(error);
                               else
                                   opened.set_value(std::move(r));
                           });
        return reader.get();
    }
    HttpRequest request(std::string method, const std::string& path, std::string body = {}) {
        HttpRequest r;
        r.method = std::move(method);
        r.url = server.base_url() + path;
        r.body = std::move(body);
        r.timeout = 5s;
        r.provider = "test";
        return r;
    }
    // The request as the server saw it, and that it is the only one since the last check.
    RecordedRequest only_request() {
        auto all = server.requests();
        EXPECT_EQ(all.size(), 1u);
        server.clear();  // keeps the handler
        return all.empty() ? RecordedRequest{} : all.back();
    }
};

TEST_P(HandleReuse, EachRequestSendsItsOwnMethodUrlAndBody) {
    struct Step {
        std::string method, path, body;
    };
    const Step steps[] = {
        {"POST", "/a", "one"},   {"GET", "/b", ""},     {"GET", "/c", ""},      {"POST", "/b", ""},
        {"POST", "/b", "two"},   {"DELETE", "/c", "x"}, {"DELETE", "/c", ""},   {"PUT", "/d", "put"},
        {"POST", "/c", "three"}, {"GET", "/c", ""},     {"POST", "/c", "four"},
    };
    int previous_port = 0;
    for (const auto& step : steps) {
        SCOPED_TRACE(step.method + " " + step.path + " '" + step.body + "'");
        const HttpResponse reply = call(request(step.method, step.path, step.body));
        EXPECT_EQ(reply.status, 200);
        const RecordedRequest seen = only_request();
        EXPECT_EQ(seen.method, step.method);
        EXPECT_EQ(seen.path, step.path);
        EXPECT_EQ(seen.body, step.body);
        if (step.method == "GET") {
            EXPECT_EQ(seen.header("content-length"), "");
        }
        const auto echoed = nlohmann::json::parse(reply.body);
        EXPECT_EQ(echoed["body"], step.body);
        // One connection throughout: the in-thread driver reused its one session (and handle).
        if (!GetParam() && previous_port != 0) {
            EXPECT_EQ(seen.client_port, previous_port);
        }
        previous_port = seen.client_port;
    }
}

// The header list lives with the handle and is rebuilt for each request: nothing of a previous
// request's headers may go out again, whether the list grows, shrinks or held one huge value.
TEST_P(HandleReuse, EachRequestSendsOnlyItsOwnHeaders) {
    // 18 KB of headers in all (each line under the fake server's 8 KB limit): more than a handle keeps
    // while idle, so the next request also starts from fresh buffers.
    const std::string big(6000, 'h');
    const std::vector<detail::Headers> sequence = {
        {{"X-One", "1"}, {"X-Two", "2"}},
        {{"X-Big", big}, {"X-Big2", big}, {"X-Big3", big}, {"X-Three", "3"}},
        {{"X-Four", "4"}},
        {},
        {{"X-One", "again"}, {"X-Five", "5"}, {"X-Six", "6"}},
    };
    const std::vector<std::string> all = {"x-one",   "x-two",  "x-big",  "x-big2", "x-big3",
                                          "x-three", "x-four", "x-five", "x-six"};
    for (std::size_t i = 0; i < sequence.size(); ++i) {
        SCOPED_TRACE("request " + std::to_string(i));
        HttpRequest r = request("POST", "/h", "{}");
        r.headers = sequence[i];
        EXPECT_EQ(call(std::move(r)).status, 200);
        const RecordedRequest seen = only_request();
        for (const auto& name : all) {
            const std::string expected = detail::find_header(sequence[i], name);  // "" when not sent
            const std::string got = seen.header(name);  // compared whole, reported by size (6000-byte values)
            EXPECT_TRUE(got == expected) << name << ": got " << got.size() << " bytes, expected " << expected.size();
        }
        EXPECT_EQ(seen.header("user-agent").rfind("llmgate-cpp/", 0), 0u);
    }
}

TEST_P(HandleReuse, RedirectsAreFollowedOnlyWhenThatRequestAsks) {
    HttpRequest follow = request("GET", "/redirect");
    follow.max_redirects = 2;
    EXPECT_EQ(call(std::move(follow)).status, 200);
    EXPECT_EQ(server.requests().back().path, "/target");
    server.clear();

    EXPECT_EQ(call(request("GET", "/redirect")).status, 302);  // returned as is
    EXPECT_EQ(only_request().path, "/redirect");

    HttpRequest again = request("GET", "/redirect");
    again.max_redirects = 1;
    EXPECT_EQ(call(std::move(again)).status, 200);
}

TEST_P(HandleReuse, EachRequestHasItsOwnTimeout) {
    HttpRequest quick = request("POST", "/fast", "{}");
    quick.timeout = 150ms;
    EXPECT_EQ(call(std::move(quick)).status, 200);
    // A longer limit after a shorter one on the same handle: the 400 ms reply arrives.
    EXPECT_EQ(call(request("POST", "/slow", "{}")).status, 200);
    // And a shorter one after a longer one stops the same reply.
    HttpRequest short_limit = request("POST", "/slow", "{}");
    short_limit.timeout = 150ms;
    EXPECT_THROW(call(std::move(short_limit)), TimeoutError);
}

TEST_P(HandleReuse, AStreamAfterABufferedCallHasNoWholeTransferLimitAndViceVersa) {
    // A buffered call with a 150 ms limit leaves that limit on the handle; the stream after it runs for
    // 300 ms with 100 ms gaps and must only be held to its 600 ms idle limit.
    HttpRequest buffered = request("POST", "/fast", "{}");
    buffered.timeout = 150ms;
    EXPECT_EQ(call(std::move(buffered)).status, 200);

    HttpRequest stream = request("POST", "/stream", "{}");
    stream.streaming = true;
    stream.timeout = 600ms;
    const std::string body = open_stream(std::move(stream))->read_all();
    EXPECT_EQ(body, "data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n");

    // A buffered call, then a stream that goes silent: the stream's idle limit still applies.
    EXPECT_EQ(call(request("POST", "/fast", "{}")).status, 200);
    HttpRequest stalling = request("POST", "/stall", "{}");
    stalling.streaming = true;
    stalling.timeout = 300ms;
    EXPECT_THROW(open_stream(std::move(stalling))->read_all(), TimeoutError);

    // A buffered call after the stream gets its whole-transfer limit back.
    HttpRequest after = request("POST", "/slow", "{}");
    after.timeout = 150ms;
    EXPECT_THROW(call(std::move(after)), TimeoutError);
}

INSTANTIATE_TEST_SUITE_P(Drivers, HandleReuse, ::testing::Bool(),
                         [](const auto& info) { return std::string(info.param ? "EventLoop" : "InThread"); });

}  // namespace
}  // namespace llmgate
