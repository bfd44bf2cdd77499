// CancelToken over real HTTP: a cancelled call is never sent; one in flight (buffered, streamed, sync or
// async) ends at once with CancelledError while the provider is still silent; a cancelled call is never
// retried or passed to the next model; batch's fail_fast and BatchOptions::cancel stop what is in flight
// and account for every index.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "llmgate/llmgate.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
using namespace std::chrono_literals;
namespace fake = llmgate::testing::openai;

namespace {

// Far longer than any wait below: a reply this late means the call was not cancelled.
constexpr auto kSilence = 30s;
// How long a cancelled call may take to end. Generous for a loaded CI machine, far below kSilence.
constexpr auto kPrompt = 5s;

Reply silent_reply() {
    Reply r = fake::chat_text("too late");
    r.delay_before_reply = kSilence;
    return r;
}

// A stream that sends its first piece and then goes silent without closing.
Reply stalled_stream() {
    Reply r = fake::stream_text({"Hel", "lo", " world"});
    r.chunks.resize(2);  // the role delta and "Hel"
    r.stall_after_chunks = kSilence;
    return r;
}

class Cancel : public OpenAIServerTest {
protected:
    Cancel() : OpenAIServerTest("sk-cancel") {}
    // Waits until the server has received `n` requests (the call is in flight, not merely queued).
    void wait_for_requests(std::size_t n) {
        const auto give_up = std::chrono::steady_clock::now() + 10s;
        while (server.request_count() < n && std::chrono::steady_clock::now() < give_up)
            std::this_thread::sleep_for(5ms);
        ASSERT_GE(server.request_count(), n);
    }
    // The first reply is a retryable 503 and the second would succeed; the returned RetryMiddleware waits
    // 20 s between them, far longer than any test waits.
    std::shared_ptr<RetryMiddleware> first_reply_busy_then_a_long_backoff() {
        server.enqueue(fake::error(503, "busy", "server_error"));
        server.enqueue(fake::chat_text("after the backoff"));
        return std::make_shared<RetryMiddleware>(
            RetryMiddleware::Settings{.max_retries = 2, .backoff_factor = 20, .max_backoff = 60s, .jitter = false});
    }
};

template <class F>
std::chrono::milliseconds elapsed(F&& f) {
    const auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

// Records how each request of a batch ended, as seen from inside the batch.
class Outcomes : public Middleware {
public:
    void complete(CompletionRequest request, CompleteNext next, Callback<CompletionResponse> done) override {
        next(std::move(request), [this, done = std::move(done)](std::exception_ptr e, CompletionResponse r) {
            record(e);
            done(e, std::move(r));
        });
    }
    void stream(CompletionRequest request, StreamNext next, Callback<Stream> done) override {
        next(std::move(request), std::move(done));
    }
    void embed(EmbeddingRequest request, EmbedNext next, Callback<EmbeddingResponse> done) override {
        next(std::move(request), std::move(done));
    }
    int cancelled() const { return cancelled_.load(); }
    int ended() const { return ended_.load(); }

private:
    void record(const std::exception_ptr& e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const CancelledError&) {
                ++cancelled_;
            } catch (...) {
            }
        }
        ++ended_;
    }
    std::atomic<int> cancelled_{0}, ended_{0};
};

}  // namespace

TEST(CancelToken, CopiesShareOneStateAndEitherFollowsBoth) {
    CancelToken a, b;
    const CancelToken copy = a;
    const CancelToken joined = CancelToken::either(a, b);
    EXPECT_FALSE(a.cancelled());
    EXPECT_FALSE(joined.cancelled());
    b.cancel();
    EXPECT_TRUE(joined.cancelled());
    EXPECT_FALSE(a.cancelled());
    copy.cancel();
    copy.cancel();  // idempotent
    EXPECT_TRUE(a.cancelled());
    EXPECT_FALSE(CancelToken::either(CancelToken{}, CancelToken{}).cancelled());
}

TEST_F(Cancel, ACallCancelledBeforeItStartsIsNeverSent) {
    CancelToken token;
    token.cancel();
    const Options opts{.cancel = token};
    EXPECT_THROW(completion("gpt-4o-mini", hello(), opts), CancelledError);
    auto f = acompletion("gpt-4o-mini", hello(), opts);
    ASSERT_EQ(f.wait_for(kPrompt), std::future_status::ready);
    EXPECT_THROW(f.get(), CancelledError);
    EXPECT_THROW(stream("gpt-4o-mini", hello(), opts), CancelledError);
    auto s = astream("gpt-4o-mini", hello(), opts);
    ASSERT_EQ(s.wait_for(kPrompt), std::future_status::ready);
    EXPECT_THROW(s.get(), CancelledError);
    EXPECT_THROW(completion("mock/echo", hello(), opts), CancelledError);  // providers without HTTP too
    EXPECT_EQ(server.request_count(), 0u);
    try {
        completion("gpt-4o-mini", hello(), opts);
    } catch (const CancelledError& e) {
        EXPECT_STREQ(e.type_name(), "CancelledError");
        EXPECT_EQ(e.provider(), "openai");
        EXPECT_EQ(std::string(e.what()).find("sk-cancel"), std::string::npos);
    }
}

TEST_F(Cancel, AnAsyncCallInFlightEndsAtOnceWhenCancelled) {
    server.enqueue(silent_reply());
    CancelToken token;
    auto f = acompletion("gpt-4o-mini", hello(), {.cancel = token});
    wait_for_requests(1);
    EXPECT_NE(f.wait_for(200ms), std::future_status::ready);  // the provider is silent: still waiting
    const auto took = elapsed([&] {
        token.cancel();
        ASSERT_EQ(f.wait_for(kPrompt), std::future_status::ready);
    });
    EXPECT_THROW(f.get(), CancelledError);
    EXPECT_LT(took, kPrompt);

    // The loop goes on serving other calls, and a fresh token is not cancelled.
    server.enqueue(fake::chat_text("next"));
    EXPECT_EQ(acompletion("gpt-4o-mini", hello(), {.cancel = CancelToken{}}).get().text(), "next");
}

TEST_F(Cancel, ACallbackFormCallEndsWithCancelledErrorInItsHandler) {
    server.enqueue(silent_reply());
    CancelToken token;
    std::promise<std::exception_ptr> outcome;
    acompletion("gpt-4o-mini", hello(), {.cancel = token},
                [&](std::exception_ptr e, CompletionResponse) { outcome.set_value(e); });
    wait_for_requests(1);
    token.cancel();
    auto f = outcome.get_future();
    ASSERT_EQ(f.wait_for(kPrompt), std::future_status::ready);
    const auto e = f.get();
    ASSERT_TRUE(e);
    EXPECT_THROW(std::rethrow_exception(e), CancelledError);
}

TEST_F(Cancel, ABlockingCallIsCancelledFromAnotherThread) {
    server.enqueue(silent_reply());
    CancelToken token;
    std::thread canceller([&] {
        wait_for_requests(1);
        token.cancel();
    });
    const auto took =
        elapsed([&] { EXPECT_THROW(completion("gpt-4o-mini", hello(), {.cancel = token}), CancelledError); });
    canceller.join();
    EXPECT_LT(took, kPrompt);
}

TEST_F(Cancel, AStreamStopsMidwayWithTheChunksAlreadyDelivered) {
    for (const bool async : {false, true}) {
        SCOPED_TRACE(async ? "astream" : "stream");
        server.enqueue(stalled_stream());
        CancelToken token;
        const Options opts{.cancel = token};
        Stream s = async ? astream("gpt-4o-mini", hello(), opts).get() : stream("gpt-4o-mini", hello(), opts);
        std::string seen;
        const auto took = elapsed([&] {
            EXPECT_THROW(
                {
                    for (const auto& chunk : s) {
                        seen += chunk.delta;
                        if (seen == "Hel") token.cancel();  // the provider has gone silent after "Hel"
                    }
                },
                CancelledError);
        });
        EXPECT_EQ(seen, "Hel");
        EXPECT_LT(took, kPrompt);
    }
}

TEST_F(Cancel, ACancelledCallIsNeitherRetriedNorPassedToTheNextModel) {
    server.enqueue(silent_reply());
    server.enqueue(fake::chat_text("from the second model"));
    CancelToken token;
    std::thread canceller([&] {
        wait_for_requests(1);
        token.cancel();
    });
    auto retry = std::make_shared<RetryMiddleware>(RetryMiddleware::Settings{.max_retries = 3, .backoff_factor = 0});
    const Options opts{.middleware = {retry}, .fallback_on = [](const Error&) { return true; }, .cancel = token};
    EXPECT_THROW(completion(std::vector<std::string>{"gpt-4o-mini", "gpt-4o"}, hello(), opts), CancelledError);
    canceller.join();
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(Cancel, BatchFailFastCancelsTheRequestsStillInFlight) {
    server.set_handler([](const RecordedRequest& req) {
        const auto text = req.json()["messages"][0]["content"].get<std::string>();
        if (text == "req-0") {
            Reply r = fake::error(500, "boom", "server_error");
            r.delay_before_reply = 300ms;  // the other three are in flight by then
            return r;
        }
        return silent_reply();
    });
    std::vector<CompletionRequest> requests;
    for (int i = 0; i < 8; ++i) requests.push_back({"gpt-4o-mini", {Message::user("req-" + std::to_string(i))}, {}});
    auto outcomes = std::make_shared<Outcomes>();
    auto f = abatch(std::move(requests), {.max_concurrency = 4, .fail_fast = true, .middleware = {outcomes}});
    ASSERT_EQ(f.wait_for(kPrompt), std::future_status::ready);
    EXPECT_THROW(f.get(), ProviderAPIError);
    // The three requests in flight end now, cancelled, instead of when the provider answers (30 s).
    const auto give_up = std::chrono::steady_clock::now() + kPrompt;
    while (outcomes->ended() < 4 && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(5ms);
    EXPECT_EQ(outcomes->ended(), 4);
    EXPECT_EQ(outcomes->cancelled(), 3);
    EXPECT_EQ(server.request_count(), 4u);  // nothing started after the failure
}

TEST_F(Cancel, CancellingABatchFailsEveryIndexNotYetAnsweredWithoutSendingTheRest) {
    server.set_handler([](const RecordedRequest&) { return silent_reply(); });
    std::vector<CompletionRequest> requests;
    for (int i = 0; i < 20; ++i) requests.push_back({"gpt-4o-mini", {Message::user("req-" + std::to_string(i))}, {}});
    CancelToken token;
    // One request carries its own token as well: either token stops it.
    requests[1].options.cancel = CancelToken{};
    auto f = abatch(std::move(requests), {.max_concurrency = 2, .cancel = token});
    wait_for_requests(2);
    token.cancel();
    ASSERT_EQ(f.wait_for(kPrompt), std::future_status::ready);
    const BatchResult result = f.get();
    EXPECT_EQ(result.successful, 0u);
    EXPECT_EQ(result.failed, 20u);
    ASSERT_EQ(result.errors.size(), 20u);
    for (std::size_t i = 0; i < result.errors.size(); ++i) {
        EXPECT_EQ(result.errors[i].index, i);
        EXPECT_EQ(result.errors[i].error_type, "CancelledError");
    }
    EXPECT_EQ(server.request_count(), 2u);
}

TEST_F(Cancel, AnEmbeddingInFlightEndsAtOnceWhenCancelled) {
    Reply silent = fake::embeddings({{0.1f, 0.2f}});
    silent.delay_before_reply = kSilence;
    server.enqueue(silent);
    CancelToken token;
    auto f = aembed("text-embedding-3-small", std::vector<std::string>{"hello"}, {.cancel = token});
    wait_for_requests(1);
    token.cancel();
    ASSERT_EQ(f.wait_for(kPrompt), std::future_status::ready);
    EXPECT_THROW(f.get(), CancelledError);
    EXPECT_THROW(embed("text-embedding-3-small", std::vector<std::string>{"hello"}, {.cancel = token}), CancelledError);
    EXPECT_EQ(server.request_count(), 1u);
}

// A blocking call waiting out a long retry backoff stops waiting once cancelled, and sends nothing more.
TEST_F(Cancel, ABlockingRetryStopsWaitingOutItsBackoff) {
    auto retry = first_reply_busy_then_a_long_backoff();
    CancelToken token;
    std::thread canceller([&] {
        wait_for_requests(1);
        std::this_thread::sleep_for(100ms);  // into the 20 s backoff
        token.cancel();
    });
    const auto took = elapsed([&] {
        EXPECT_THROW(completion("gpt-4o-mini", hello(), {.middleware = {retry}, .cancel = token}), CancelledError);
    });
    canceller.join();
    EXPECT_LT(took, kPrompt);
    EXPECT_EQ(server.request_count(), 1u);
}

// The async forms of those waits (event-loop timers) end early too.
TEST_F(Cancel, AnAsyncRetryStopsWaitingOutItsBackoff) {
    auto retry = first_reply_busy_then_a_long_backoff();
    CancelToken token;
    auto f = acompletion("gpt-4o-mini", hello(), {.middleware = {retry}, .cancel = token});
    wait_for_requests(1);
    std::this_thread::sleep_for(100ms);  // into the 20 s backoff
    const auto took = elapsed([&] {
        token.cancel();
        ASSERT_EQ(f.wait_for(kPrompt), std::future_status::ready);
    });
    EXPECT_THROW(f.get(), CancelledError);
    EXPECT_LT(took, kPrompt);
    EXPECT_EQ(server.request_count(), 1u);
}

// A call queued behind a rate limit (one request a minute) stops waiting for its slot when cancelled.
TEST_F(Cancel, ACallWaitingForARateLimitSlotStopsWhenCancelled) {
    server.set_handler([](const RecordedRequest&) { return fake::chat_text("ok"); });
    auto limit = std::make_shared<RateLimitMiddleware>(/*rpm=*/1.0);
    LLMGate gate(MiddlewareList{limit});
    EXPECT_EQ(gate.completion("gpt-4o-mini", hello()).text(), "ok");  // takes the minute's only slot
    for (const bool async : {false, true}) {
        SCOPED_TRACE(async ? "async" : "blocking");
        CancelToken token;
        std::thread canceller([&] {
            std::this_thread::sleep_for(200ms);
            token.cancel();
        });
        const auto took = elapsed([&] {
            if (async) {
                auto f = gate.acompletion("gpt-4o-mini", hello(), {.cancel = token});
                ASSERT_EQ(f.wait_for(kPrompt), std::future_status::ready);
                EXPECT_THROW(f.get(), CancelledError);
            } else {
                EXPECT_THROW(gate.completion("gpt-4o-mini", hello(), {.cancel = token}), CancelledError);
            }
        });
        canceller.join();
        EXPECT_LT(took, kPrompt);
    }
    EXPECT_EQ(server.request_count(), 1u);
}
