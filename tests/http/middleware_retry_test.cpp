// RetryMiddleware over real HTTP: what is retried, how long it waits, and where it stops.
#include <gtest/gtest.h>

#include <chrono>

#include "llmgate/middleware/retry.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::openai;
using Clock = std::chrono::steady_clock;

namespace {

class RetryHttp : public OpenAIServerTest {
protected:
    RetryHttp() : OpenAIServerTest("sk-test-retry") {}
    // No backoff wait unless a test asks for one: the tests count requests, not seconds.
    static Options with_retry(int max_retries, double backoff = 0.0) {
        return Options{.middleware = {std::make_shared<RetryMiddleware>(RetryMiddleware::Settings{
                           .max_retries = max_retries, .backoff_factor = backoff, .jitter = false})}};
    }
    static Reply with_header(Reply r, std::string name, std::string value) {
        r.headers.emplace_back(std::move(name), std::move(value));
        return r;
    }
};

}  // namespace

TEST_F(RetryHttp, RetriesRateLimitAfterTheRetryAfterDelayThenSucceeds) {
    server.enqueue(with_header(fake::error(429, "slow down", "rate_limit_error"), "retry-after-ms", "400"));
    server.enqueue(fake::chat_text("finally"));
    const auto start = Clock::now();
    auto r = completion("gpt-4o-mini", hello(), with_retry(3));
    const auto waited = Clock::now() - start;
    EXPECT_EQ(r.text(), "finally");
    EXPECT_EQ(server.request_count(), 2u);
    EXPECT_GE(waited, std::chrono::milliseconds(400));  // the provider's delay, not the zero backoff
}

TEST_F(RetryHttp, RetryAfterInSecondsIsHonouredForAsyncCallsOnATimer) {
    server.enqueue(with_header(fake::error(429, "slow down", "rate_limit_error"), "retry-after", "1"));
    server.enqueue(fake::chat_text("async ok"));
    const auto start = Clock::now();
    auto r = acompletion("gpt-4o-mini", hello(), with_retry(2)).get();
    EXPECT_EQ(r.text(), "async ok");
    EXPECT_EQ(server.request_count(), 2u);
    EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(1000));
}

TEST_F(RetryHttp, StopsAtTheLimitAndRaisesTheLastError) {
    server.route("POST", "/v1/chat/completions", fake::error(503, "overloaded", "server_error"));
    EXPECT_THROW(completion("gpt-4o-mini", hello(), with_retry(2)), ProviderAPIError);
    EXPECT_EQ(server.request_count(), 3u);  // the first attempt and two retries
    server.clear();
    server.route("POST", "/v1/chat/completions", fake::error(500, "boom", "server_error"));
    EXPECT_THROW(acompletion("gpt-4o-mini", hello(), with_retry(1)).get(), ProviderAPIError);
    EXPECT_EQ(server.request_count(), 2u);
}

TEST_F(RetryHttp, BackoffGrowsExponentially) {
    server.route("POST", "/v1/chat/completions", fake::error(502, "bad gateway", "server_error"));
    const auto start = Clock::now();
    EXPECT_THROW(completion("gpt-4o-mini", hello(), with_retry(2, 0.1)), ProviderAPIError);
    EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(300));  // 100 ms + 200 ms, no jitter
    EXPECT_EQ(server.request_count(), 3u);
}

TEST_F(RetryHttp, NeverRetriesAuthErrorsOrBadRequests) {
    for (int status : {401, 403, 400, 404, 422}) {
        server.clear();
        server.route("POST", "/v1/chat/completions", fake::error(status, "no", "invalid_request_error"));
        EXPECT_THROW(completion("gpt-4o-mini", hello(), with_retry(3)), Error) << status;
        EXPECT_EQ(server.request_count(), 1u) << status;
        EXPECT_THROW(acompletion("gpt-4o-mini", hello(), with_retry(3)).get(), Error) << status;
        EXPECT_EQ(server.request_count(), 2u) << status;
    }
}

TEST_F(RetryHttp, InvalidRequestsFoundBeforeSendingAreNotRetried) {
    EXPECT_THROW(completion("gpt-4o-mini", std::vector<Message>{}, with_retry(3)), InvalidRequestError);
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(RetryHttp, TimeoutsAreRetried) {
    Reply slow = fake::chat_text("late");
    slow.delay_before_reply = std::chrono::milliseconds(1500);
    server.enqueue(slow);
    server.enqueue(fake::chat_text("on time"));
    Options o = with_retry(1);
    o.timeout = std::chrono::milliseconds(300);
    EXPECT_EQ(completion("gpt-4o-mini", hello(), o).text(), "on time");
    EXPECT_EQ(server.request_count(), 2u);
}

TEST_F(RetryHttp, StreamIsRetriedWhenItFailsBeforeTheFirstChunk) {
    server.enqueue(fake::error(500, "boom", "server_error"));
    server.enqueue(fake::stream_text({"Hello", " world"}));
    std::string text;
    for (const auto& c : stream("gpt-4o-mini", hello(), with_retry(2))) text += c.delta;
    EXPECT_EQ(text, "Hello world");
    EXPECT_EQ(server.request_count(), 2u);

    server.clear();
    server.enqueue(with_header(fake::error(429, "later", "rate_limit_error"), "retry-after-ms", "10"));
    server.enqueue(fake::stream_text({"async", " stream"}));
    auto s = astream("gpt-4o-mini", hello(), with_retry(2)).get();
    text.clear();
    for (const auto& c : s) text += c.delta;
    EXPECT_EQ(text, "async stream");
    EXPECT_EQ(server.request_count(), 2u);
}

TEST_F(RetryHttp, StreamIsNotRetriedOnceAChunkWasDelivered) {
    Reply cut = fake::stream_text({"Hel", "lo"}, "gpt-4o-mini", false, false);
    cut.chunks.pop_back();  // no finish chunk: the reply stops mid-way
    cut.chunks.push_back(fake::sse({{"error", {{"message", "overloaded"}, {"type", "server_error"}}}}));
    cut.delay_between_chunks = std::chrono::milliseconds(30);  // each event in its own read
    server.enqueue(cut);
    server.enqueue(fake::stream_text({"never"}));
    std::string text;
    EXPECT_THROW(
        {
            for (const auto& c : stream("gpt-4o-mini", hello(), with_retry(3))) text += c.delta;
        },
        ProviderAPIError);
    EXPECT_EQ(text, "Hello");
    EXPECT_EQ(server.request_count(), 1u);
}

TEST(RetryPolicy, ClassifiesErrors) {
    auto ptr = [](auto e) { return std::make_exception_ptr(e); };
    EXPECT_TRUE(RetryMiddleware::retryable(ptr(RateLimitError(ErrorInfo{.status = 429}))));
    EXPECT_TRUE(RetryMiddleware::retryable(ptr(ProviderAPIError(ErrorInfo{.status = 503}))));
    EXPECT_TRUE(RetryMiddleware::retryable(ptr(TimeoutError(ErrorInfo{}))));
    EXPECT_TRUE(RetryMiddleware::retryable(ptr(ConnectionError(ErrorInfo{}))));
    EXPECT_FALSE(RetryMiddleware::retryable(ptr(ProviderAPIError(ErrorInfo{.status = 400}))));
    EXPECT_FALSE(RetryMiddleware::retryable(ptr(AuthError(ErrorInfo{.status = 401}))));
    EXPECT_FALSE(RetryMiddleware::retryable(ptr(InvalidRequestError(ErrorInfo{}))));
    EXPECT_FALSE(RetryMiddleware::retryable(ptr(StructuredOutputError(ErrorInfo{}, "x", {}))));
    EXPECT_FALSE(RetryMiddleware::retryable(ptr(std::runtime_error("x"))));
}

TEST(RetryPolicy, DelayDoublesIsCappedAndJitterStaysInRange) {
    RetryMiddleware fixed(
        {.max_retries = 5, .backoff_factor = 1.0, .max_backoff = std::chrono::milliseconds(3000), .jitter = false});
    auto e = std::make_exception_ptr(ProviderAPIError(ErrorInfo{.status = 500}));
    EXPECT_EQ(fixed.delay_before(1, e), std::chrono::milliseconds(1000));
    EXPECT_EQ(fixed.delay_before(2, e), std::chrono::milliseconds(2000));
    EXPECT_EQ(fixed.delay_before(3, e), std::chrono::milliseconds(3000));
    RetryMiddleware jittered({.max_retries = 5, .backoff_factor = 1.0, .jitter = true});
    for (int i = 0; i < 50; ++i) {
        auto d = *jittered.delay_before(2, e);
        EXPECT_GE(d, std::chrono::milliseconds(1000));
        EXPECT_LE(d, std::chrono::milliseconds(2000));
    }
    auto too_long =
        std::make_exception_ptr(RateLimitError(ErrorInfo{.status = 429}, std::chrono::milliseconds(3'600'000)));
    EXPECT_FALSE(fixed.delay_before(1, too_long).has_value());
}
