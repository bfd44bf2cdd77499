// RateLimitMiddleware: one shared budget holds under concurrent sync and async callers.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <thread>

#include "llmgate/middleware/rate_limit.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::openai;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

TEST(RateLimiter, ReservationsAreSpacedByTheRate) {
    RateLimiter limiter(1200);  // one request per 50 ms, burst 1
    std::vector<milliseconds> waits;
    for (int i = 0; i < 6; ++i) waits.push_back(limiter.reserve());
    EXPECT_EQ(waits[0], milliseconds(0));
    for (int i = 1; i < 6; ++i) {
        EXPECT_GE(waits[i], milliseconds(50 * i - 2)) << i;  // queued behind the ones before
        EXPECT_LE(waits[i], milliseconds(50 * i + 1)) << i;
    }
}

TEST(RateLimiter, BurstAllowsThatManyAtOnce) {
    RateLimiter limiter(60, 0, 3);
    EXPECT_EQ(limiter.reserve(), milliseconds(0));
    EXPECT_EQ(limiter.reserve(), milliseconds(0));
    EXPECT_EQ(limiter.reserve(), milliseconds(0));
    EXPECT_GE(limiter.reserve(), milliseconds(900));
}

TEST(RateLimiter, TokensPerMinuteHoldTheNextCallBackOnceSpent) {
    RateLimiter limiter(0, 600);  // 10 tokens per second, no request limit
    EXPECT_EQ(limiter.reserve(), milliseconds(0));
    limiter.record_tokens(620);  // 20 tokens over budget: 2 s to pay back
    EXPECT_GE(limiter.reserve(), milliseconds(1900));
}

namespace {

class RateLimitHttp : public OpenAIServerTest {
protected:
    RateLimitHttp() : OpenAIServerTest("sk-rl") {}
    void SetUp() override {
        OpenAIServerTest::SetUp();
        server.set_handler([this](const RecordedRequest&) {
            std::lock_guard lock(mutex);
            arrivals.push_back(Clock::now());
            return fake::chat_text("ok");
        });
    }
    std::mutex mutex;  // these two are the handler's: ServerTest::TearDown joins it before they go away
    std::vector<Clock::time_point> arrivals;
};

}  // namespace

TEST_F(RateLimitHttp, SharedLimitHoldsUnderConcurrentSyncAndAsyncCallers) {
    auto limiter = std::make_shared<RateLimitMiddleware>(1200);  // 50 ms apart
    const Options o{.middleware = {limiter}};
    constexpr int kThreads = 4, kSyncEach = 3, kAsync = 6;
    const auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < kSyncEach; ++i) completion("gpt-4o-mini", hello(), o);
        });
    std::vector<std::future<CompletionResponse>> futures;
    for (int i = 0; i < kAsync; ++i) futures.push_back(acompletion("gpt-4o-mini", hello(), o));
    for (auto& th : threads) th.join();
    for (auto& f : futures) EXPECT_EQ(f.get().text(), "ok");

    const std::size_t n = kThreads * kSyncEach + kAsync;
    ASSERT_EQ(server.request_count(), n);
    std::sort(arrivals.begin(), arrivals.end());
    // The k-th request (0-based) was released no earlier than k * 50 ms after the first reservation,
    // so it cannot have arrived earlier: a lower bound, which waiting can only make later.
    for (std::size_t k = 0; k < n; ++k) EXPECT_GE(arrivals[k] - start, milliseconds(50 * static_cast<int>(k) - 5)) << k;
    // And no 200 ms window saw more than 200/50 + 1 requests (+1 for network jitter).
    for (std::size_t k = 0; k < n; ++k) {
        const auto in_window = std::count_if(arrivals.begin(), arrivals.end(), [&](auto t) {
            return t >= arrivals[k] && t < arrivals[k] + milliseconds(200);
        });
        EXPECT_LE(in_window, 6) << k;
    }
}
