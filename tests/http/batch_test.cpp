// batch / abatch over real HTTP: exact accounting for a thousand requests with injected failures,
// the concurrency window, fail_fast, the dict shape, progress and gate middleware.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "llmgate/gate.hpp"
#include "llmgate/middleware/retry.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::openai;

namespace {

class BatchHttp : public OpenAIServerTest {
protected:
    BatchHttp() : OpenAIServerTest("sk-batch") {}
    static std::vector<CompletionRequest> numbered(std::size_t n) {
        std::vector<CompletionRequest> out;
        for (std::size_t i = 0; i < n; ++i)
            out.push_back(CompletionRequest{"gpt-4o-mini", {Message::user("req-" + std::to_string(i))}, {}});
        return out;
    }
    // The index a request carries in its message ("req-17" -> 17).
    static int index_of(const RecordedRequest& r) {
        return std::stoi(r.json()["messages"][0]["content"].get<std::string>().substr(4));
    }
    // Every request fails once with a 503, then succeeds with "ok-<index>" (for retry middleware).
    void fail_each_once() {
        attempts_.clear();
        server.set_handler([this](const RecordedRequest& req) {
            const int i = index_of(req);
            std::lock_guard lock(attempts_mutex_);
            return ++attempts_[i] == 1 ? fake::error(503, "busy", "server_error")
                                       : fake::chat_text("ok-" + std::to_string(i));
        });
    }

private:
    std::mutex attempts_mutex_;
    std::map<int, int> attempts_;
};

bool fails_with_500(int i) { return i % 7 == 3; }
bool fails_with_401(int i) { return i % 11 == 5; }

}  // namespace

TEST_F(BatchHttp, AThousandRequestsWithInjectedFailuresAreAccountedForExactly) {
    std::atomic<int> in_flight{0}, max_in_flight{0};
    server.set_handler([&](const RecordedRequest& req) {
        const int now = ++in_flight;
        int seen = max_in_flight.load();
        while (now > seen && !max_in_flight.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        const int i = index_of(req);
        Reply r = fails_with_500(i)   ? fake::error(500, "boom " + std::to_string(i), "server_error")
                  : fails_with_401(i) ? fake::error(401, "denied", "invalid_request_error")
                                      : fake::chat_text("ans-" + std::to_string(i));
        --in_flight;
        return r;
    });
    constexpr std::size_t kTotal = 1000;
    const std::size_t kWindow = 8;
    auto result = batch(numbered(kTotal), {.max_concurrency = kWindow});

    ASSERT_EQ(result.results.size(), kTotal);
    EXPECT_EQ(result.successful + result.failed, kTotal);
    EXPECT_EQ(result.errors.size(), result.failed);
    std::size_t expected_failed = 0;
    std::set<std::size_t> error_indexes;
    for (const auto& e : result.errors) error_indexes.insert(e.index);
    EXPECT_EQ(error_indexes.size(), result.errors.size());  // no index reported twice
    for (std::size_t i = 0; i < kTotal; ++i) {
        const bool should_fail = fails_with_500(static_cast<int>(i)) || fails_with_401(static_cast<int>(i));
        expected_failed += should_fail;
        EXPECT_EQ(error_indexes.count(i), should_fail ? 1u : 0u) << i;
        if (should_fail) {
            EXPECT_FALSE(result.results[i].has_value()) << i;
        } else {
            ASSERT_TRUE(result.results[i].has_value()) << i;
            EXPECT_EQ(result.results[i]->text(), "ans-" + std::to_string(i));  // input order kept
        }
    }
    EXPECT_EQ(result.failed, expected_failed);
    EXPECT_EQ(result.total_tokens, static_cast<std::int64_t>(result.successful) * 15);
    EXPECT_DOUBLE_EQ(result.success_rate(), static_cast<double>(kTotal - expected_failed) / kTotal);
    for (std::size_t k = 1; k < result.errors.size(); ++k)
        EXPECT_LT(result.errors[k - 1].index, result.errors[k].index);
    for (const auto& e : result.errors) {
        if (fails_with_500(static_cast<int>(e.index)))
            EXPECT_EQ(e.error_type, "ProviderAPIError");
        else
            EXPECT_EQ(e.error_type, "AuthError");
        EXPECT_TRUE(e.error);
    }
    EXPECT_EQ(server.request_count(), kTotal);  // each request sent exactly once
    EXPECT_LE(max_in_flight.load(), static_cast<int>(kWindow));
}

TEST_F(BatchHttp, AbatchReturnsTheSameAccountingThroughAFuture) {
    server.set_handler([&](const RecordedRequest& req) {
        const int i = index_of(req);
        return i == 2 ? fake::error(429, "slow", "rate_limit_error") : fake::chat_text("ok-" + std::to_string(i));
    });
    auto result = abatch(numbered(5), {.max_concurrency = 2}).get();
    EXPECT_EQ(result.successful, 4u);
    EXPECT_EQ(result.failed, 1u);
    ASSERT_EQ(result.errors.size(), 1u);
    EXPECT_EQ(result.errors[0].index, 2u);
    EXPECT_EQ(result.errors[0].error_type, "RateLimitError");
    EXPECT_EQ(result.results[4]->text(), "ok-4");
}

TEST_F(BatchHttp, FailFastRaisesTheFirstErrorAndStopsStartingRequests) {
    server.set_handler([&](const RecordedRequest& req) {
        const int i = index_of(req);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return i == 3 ? fake::error(401, "denied", "invalid_request_error") : fake::chat_text("ok");
    });
    EXPECT_THROW(batch(numbered(200), {.max_concurrency = 2, .fail_fast = true}), AuthError);
    // Requests already in flight may still arrive; the rest of the 200 are never started.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_LT(server.request_count(), 10u);
}

TEST_F(BatchHttp, DictShapeRequestsAndMalformedEntriesFailAtTheirOwnIndex) {
    server.set_handler([&](const RecordedRequest& req) {
        auto body = req.json();
        return fake::chat_text("max=" + std::to_string(body.value("max_tokens", -1)));
    });
    json requests = json::array({
        {{"model", "gpt-4o-mini"}, {"messages", {{{"role", "user"}, {"content", "a"}}}}, {"max_tokens", 5}},
        {{"messages", {{{"role", "user"}, {"content", "no model"}}}}},
        {{"model", "gpt-4o-mini"}, {"messages", {{{"role", "user"}, {"content", "b"}}}}, {"temperature", "hot"}},
        {{"model", "gpt-4o-mini"}, {"messages", {{{"role", "user"}, {"content", "c"}}}}},
    });
    auto result = batch(requests, {.max_concurrency = 4});
    EXPECT_EQ(result.successful, 2u);
    EXPECT_EQ(result.failed, 2u);
    ASSERT_EQ(result.errors.size(), 2u);
    EXPECT_EQ(result.errors[0].index, 1u);
    EXPECT_EQ(result.errors[0].error_type, "InvalidRequestError");
    EXPECT_EQ(result.errors[1].index, 2u);
    EXPECT_EQ(result.results[0]->text(), "max=5");
    EXPECT_EQ(result.results[3]->text(), "max=-1");
    EXPECT_EQ(server.request_count(), 2u);
    EXPECT_THROW(batch(json::object()), InvalidRequestError);
}

// A large dict list, with malformed entries among good ones: every request goes out once, with its own
// content, and every malformed entry fails at its own index (its parse error lined up with its request).
TEST_F(BatchHttp, ALargeDictBatchSendsEachRequestOnceAndKeepsEveryIndex) {
    std::mutex mutex;
    std::multiset<int> seen;
    server.set_handler([&](const RecordedRequest& req) {
        const int i = index_of(req);
        std::lock_guard lock(mutex);
        seen.insert(i);
        return fake::chat_text("ans-" + std::to_string(i));
    });
    constexpr int kTotal = 1500;
    json requests = json::array();
    for (int i = 0; i < kTotal; ++i) {
        json entry = {{"model", "gpt-4o-mini"},
                      {"messages", {{{"role", "user"}, {"content", "req-" + std::to_string(i)}}}}};
        if (i % 97 == 13) entry.erase("model");
        requests.push_back(std::move(entry));
    }
    auto result = batch(requests, {.max_concurrency = 64});
    ASSERT_EQ(result.results.size(), static_cast<std::size_t>(kTotal));
    std::size_t next_error = 0;
    for (int i = 0; i < kTotal; ++i) {
        if (i % 97 == 13) {
            EXPECT_FALSE(result.results[i].has_value()) << i;
            ASSERT_LT(next_error, result.errors.size());
            EXPECT_EQ(result.errors[next_error].index, static_cast<std::size_t>(i));
            EXPECT_EQ(result.errors[next_error++].error_type, "InvalidRequestError");
            EXPECT_EQ(seen.count(i), 0u) << i;
        } else {
            ASSERT_TRUE(result.results[i].has_value()) << i;
            EXPECT_EQ(result.results[i]->text(), "ans-" + std::to_string(i));
            EXPECT_EQ(seen.count(i), 1u) << i;
        }
    }
    EXPECT_EQ(next_error, result.errors.size());
    EXPECT_EQ(result.successful + result.failed, static_cast<std::size_t>(kTotal));
}

TEST_F(BatchHttp, ProgressIsReportedOncePerRequest) {
    server.set_handler([&](const RecordedRequest& req) {
        return index_of(req) % 2 ? fake::error(500, "boom", "server_error") : fake::chat_text("ok");
    });
    std::mutex m;
    std::vector<std::tuple<std::size_t, std::size_t, std::size_t>> calls;
    auto result = batch(numbered(10), {.max_concurrency = 3,
                                       .on_progress = [&](std::size_t done, std::size_t total, std::size_t failed) {
                                           std::lock_guard lock(m);
                                           calls.emplace_back(done, total, failed);
                                       }});
    ASSERT_EQ(calls.size(), 10u);
    for (std::size_t k = 0; k < calls.size(); ++k) {
        EXPECT_EQ(std::get<0>(calls[k]), k + 1);
        EXPECT_EQ(std::get<1>(calls[k]), 10u);
    }
    EXPECT_EQ(std::get<2>(calls.back()), result.failed);
    EXPECT_EQ(result.failed, 5u);
}

TEST_F(BatchHttp, BatchAndGateMiddlewareApplyToEveryRequest) {
    fail_each_once();
    auto retry = std::make_shared<RetryMiddleware>(RetryMiddleware::Settings{.max_retries = 1, .backoff_factor = 0});
    auto result = batch(numbered(20), {.max_concurrency = 4, .middleware = {retry}});
    EXPECT_EQ(result.successful, 20u);
    EXPECT_EQ(server.request_count(), 40u);

    server.clear();
    fail_each_once();
    LLMGate gate(MiddlewareList{retry});
    auto gated = gate.abatch(numbered(10), {.max_concurrency = 3}).get();
    EXPECT_EQ(gated.successful, 10u);
    EXPECT_EQ(gated.results[9]->text(), "ok-9");
}

// The on-demand form: each request is made just before it is sent, so at most the window's worth exist
// ahead of the replies; every index is made once, in order, on one thread that is not the caller's.
TEST_F(BatchHttp, OnDemandRequestsAreMadeJustInTimeInOrderAndAnsweredInInputOrder) {
    server.set_handler(
        [&](const RecordedRequest& req) { return fake::chat_text("ans-" + std::to_string(index_of(req))); });
    constexpr std::size_t kTotal = 300, kWindow = 4;
    std::mutex m;
    std::vector<std::size_t> made;
    std::set<std::thread::id> maker_threads;
    std::size_t finished = 0, most_ahead = 0;
    auto result = batch(kTotal,
                        [&](std::size_t i) {
                            std::lock_guard lock(m);
                            made.push_back(i);
                            maker_threads.insert(std::this_thread::get_id());
                            most_ahead = std::max(
                                most_ahead, made.size() - finished);  // made but not yet answered, this one included
                            return CompletionRequest{"gpt-4o-mini", {Message::user("req-" + std::to_string(i))}, {}};
                        },
                        {.max_concurrency = kWindow, .on_progress = [&](std::size_t done, std::size_t, std::size_t) {
                             std::lock_guard lock(m);
                             finished = done;
                         }});
    ASSERT_EQ(made.size(), kTotal);
    for (std::size_t i = 0; i < kTotal; ++i) EXPECT_EQ(made[i], i);
    EXPECT_LE(most_ahead, kWindow);
    EXPECT_EQ(maker_threads.size(), 1u);
    EXPECT_EQ(maker_threads.count(std::this_thread::get_id()), 0u);
    ASSERT_EQ(result.successful, kTotal);
    for (std::size_t i = 0; i < kTotal; ++i) EXPECT_EQ(result.results[i]->text(), "ans-" + std::to_string(i));
    EXPECT_EQ(server.request_count(), kTotal);
}

TEST_F(BatchHttp, AnOnDemandMakerThatThrowsFailsOnlyThatIndexAndSendsNothingForIt) {
    server.set_handler(
        [&](const RecordedRequest& req) { return fake::chat_text("ans-" + std::to_string(index_of(req))); });
    auto result = abatch(20,
                         [](std::size_t i) {
                             if (i % 5 == 2) throw std::runtime_error("no prompt for row " + std::to_string(i));
                             if (i == 19) throw InvalidRequestError(ErrorInfo{.message = "row 19 is blank"});
                             return CompletionRequest{"gpt-4o-mini", {Message::user("req-" + std::to_string(i))}, {}};
                         },
                         {.max_concurrency = 3})
                      .get();
    EXPECT_EQ(result.successful, 15u);
    EXPECT_EQ(result.failed, 5u);
    ASSERT_EQ(result.errors.size(), 5u);
    const std::vector<std::size_t> failed_at{2, 7, 12, 17, 19};
    for (std::size_t k = 0; k < failed_at.size(); ++k) {
        EXPECT_EQ(result.errors[k].index, failed_at[k]);
        EXPECT_FALSE(result.results[failed_at[k]].has_value());
    }
    EXPECT_EQ(result.errors[0].message, "no prompt for row 2");
    EXPECT_EQ(result.errors[4].error_type, "InvalidRequestError");
    EXPECT_EQ(result.results[18]->text(), "ans-18");
    EXPECT_EQ(server.request_count(), 15u);  // nothing was sent for a row the maker could not make
}

TEST_F(BatchHttp, OnDemandFormsCheckTheirMakerAndGoThroughTheGate) {
    EXPECT_THROW(batch(3, RequestMaker{}), InvalidRequestError);
    EXPECT_EQ(server.request_count(), 0u);
    int calls = 0;
    auto none = batch(0, [&](std::size_t) {
        ++calls;
        return CompletionRequest{};
    });
    EXPECT_EQ(none.successful + none.failed, 0u);
    EXPECT_EQ(calls, 0);

    fail_each_once();
    auto retry = std::make_shared<RetryMiddleware>(RetryMiddleware::Settings{.max_retries = 1, .backoff_factor = 0});
    LLMGate gate(MiddlewareList{retry});
    auto maker = [](std::size_t i) {
        return CompletionRequest{"gpt-4o-mini", {Message::user("req-" + std::to_string(i))}, {}};
    };
    auto gated = gate.batch(12, maker, {.max_concurrency = 5});
    EXPECT_EQ(gated.successful, 12u);
    EXPECT_EQ(gated.results[11]->text(), "ok-11");
    EXPECT_EQ(server.request_count(), 24u);  // the gate's retry ran for every request
    EXPECT_THROW(gate.abatch(2, RequestMaker{}).get(), InvalidRequestError);
}

TEST(BatchOffline, EmptyBatchIsAnEmptyResult) {
    auto result = batch(std::vector<CompletionRequest>{});
    EXPECT_EQ(result.successful + result.failed, 0u);
    EXPECT_DOUBLE_EQ(result.success_rate(), 1.0);
}

TEST(BatchOffline, MockProviderErrorsAreCollected) {
    std::vector<CompletionRequest> reqs{
        {"mock/a", {Message::user("hi")}, {}},
        {"mock/b", {Message::user("hi")}, {.extra = {{"mock_error", "rate_limit"}}}},
        {"nosuchprovider/x", {Message::user("hi")}, {}},
    };
    auto result = batch(reqs, {.max_concurrency = 10});
    EXPECT_EQ(result.successful, 1u);
    EXPECT_EQ(result.failed, 2u);
    EXPECT_EQ(result.errors[0].error_type, "RateLimitError");
}

// A list's requests are sent from their place in it and destroyed there one by one as they go (batch
// frees the list's pages as it empties): each must be destroyed exactly once, sent or never started.
TEST(BatchOffline, AListsRequestsAreEachDestroyedOnceWhetherSentOrNot) {
    auto witness = std::make_shared<int>(0);
    auto requests = [&](std::size_t n, std::size_t failing) {
        std::vector<CompletionRequest> out;
        for (std::size_t i = 0; i < n; ++i) {
            CompletionRequest r{"mock/m", {Message::user("req-" + std::to_string(i))}, {}};
            r.options.fallback_on = [witness](const Error&) { return false; };  // holds a count per request
            if (i == failing) r.options.extra = {{"mock_error", "rate_limit"}};
            out.push_back(std::move(r));
        }
        return out;
    };
    auto settled = [&] {  // replies still on their way (after fail_fast) hold their request's options
        for (int i = 0; i < 500 && witness.use_count() > 1; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return witness.use_count();
    };

    auto all = batch(requests(3000, 3000), {.max_concurrency = 16});
    ASSERT_EQ(all.successful, 3000u);
    for (std::size_t i = 0; i < 3000; i += 499)
        EXPECT_EQ(all.results[i]->text(), "Mock reply to: req-" + std::to_string(i));
    EXPECT_EQ(settled(), 1);

    EXPECT_THROW(batch(requests(3000, 100), {.max_concurrency = 4, .fail_fast = true}), RateLimitError);
    EXPECT_EQ(settled(), 1);  // the ~2,900 never started too

    auto mixed = batch(json::array({{{"model", "mock/m"}, {"messages", "not messages"}},
                                    {{"model", "mock/m"}, {"messages", {{{"role", "user"}, {"content", "ok"}}}}}}));
    EXPECT_EQ(mixed.failed, 1u);
    EXPECT_EQ(mixed.results[1]->text(), "Mock reply to: ok");
}

TEST(BatchOffline, DictShapeMapsPythonOptionNames) {
    auto r = completion_request_from_json(json::parse(R"({
        "model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}],
        "max_tokens": 7, "temperature": 0.5, "stop": "END", "seed": 3, "timeout": 1.5,
        "tool_choice": {"type": "function", "function": {"name": "lookup"}},
        "api_key": "sk-x", "provider": "groq", "logprobs": true})"));
    EXPECT_EQ(r.model, "gpt-4o-mini");
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_EQ(r.options.max_tokens, 7);
    EXPECT_EQ(r.options.temperature, 0.5);
    EXPECT_EQ(r.options.stop, std::vector<std::string>{"END"});
    EXPECT_EQ(r.options.seed, 3);
    EXPECT_EQ(r.options.timeout, std::chrono::milliseconds(1500));
    EXPECT_EQ(r.options.tool_choice, "lookup");
    EXPECT_EQ(r.options.api_key, "sk-x");
    EXPECT_EQ(r.options.provider, "groq");
    EXPECT_EQ(r.options.extra["logprobs"], true);  // unknown keys pass through, as Python's **kwargs
    EXPECT_THROW(completion_request_from_json(json::parse(R"({"model": "m", "messages": [], "max_tokens": "ten"})")),
                 InvalidRequestError);
    EXPECT_THROW(completion_request_from_json(json::parse(R"({"model": "m", "messages": [], "stream": true})")),
                 InvalidRequestError);
}
