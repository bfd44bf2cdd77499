// The callback forms of acompletion / astream / aembed (free functions and LLMGate), over real HTTP: one
// call of the handler, on the event loop thread, never inside the initiating call, errors typed.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::openai;

namespace {

constexpr auto kPatience = std::chrono::seconds(10);

// What a handler was called with, and on which thread; wait() fails the test instead of hanging.
template <class T>
struct Outcome {
    std::exception_ptr error;
    T value;
    std::thread::id thread;
};

template <class T>
class Catcher {
public:
    Callback<T> handler() {
        return [this](std::exception_ptr e, T v) {
            calls_.fetch_add(1);
            promise_.set_value(Outcome<T>{std::move(e), std::move(v), std::this_thread::get_id()});
        };
    }
    Outcome<T> wait() {
        if (future_.wait_for(kPatience) != std::future_status::ready)
            throw std::runtime_error("the handler was never called");
        return future_.get();
    }
    int calls() const { return calls_.load(); }

private:
    std::promise<Outcome<T>> promise_;
    std::future<Outcome<T>> future_ = promise_.get_future();
    std::atomic<int> calls_{0};
};

template <class E>
bool holds(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const E&) {
        return true;
    } catch (...) {
        return false;
    }
}

// Waits (up to kPatience) until `count` reaches `at_least`, then a little longer, so that a second call
// that should never come has had its chance.
void settle(const std::atomic<int>& count, int at_least) {
    const auto give_up = std::chrono::steady_clock::now() + kPatience;
    while (count.load() < at_least && std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
}

class AsyncCallback : public OpenAIServerTest {
protected:
    AsyncCallback() : OpenAIServerTest("sk-callback") {}
};

}  // namespace

TEST_F(AsyncCallback, AcompletionHandlerGetsTheReplyOnTheLoopThread) {
    server.enqueue(fake::chat_text("called back"));
    Catcher<CompletionResponse> c;
    acompletion("gpt-4o-mini", hello(), {}, c.handler());
    auto out = c.wait();
    ASSERT_FALSE(out.error);
    EXPECT_EQ(out.value.text(), "called back");
    EXPECT_NE(out.thread, std::this_thread::get_id());
    EXPECT_EQ(server.last_request().header("authorization"), "Bearer sk-callback");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(c.calls(), 1);
}

TEST_F(AsyncCallback, ProviderErrorsReachTheHandlerTyped) {
    server.enqueue(fake::error(429, "slow down"));
    Catcher<CompletionResponse> c;
    acompletion("gpt-4o-mini", hello(), {}, c.handler());
    auto out = c.wait();
    EXPECT_TRUE(holds<RateLimitError>(out.error));
    EXPECT_TRUE(out.value.choices.empty());
}

TEST_F(AsyncCallback, ArgumentErrorsReachTheHandlerOnTheLoopThreadNotInsideTheCall) {
    Catcher<CompletionResponse> empty_messages, bad_json, unknown_provider;
    acompletion("gpt-4o-mini", std::vector<Message>{}, {}, empty_messages.handler());
    acompletion("gpt-4o-mini", json::array({{{"content", 42}}}), {}, bad_json.handler());
    acompletion("gpt-4o-mini", hello(), {.provider = "nosuch"}, unknown_provider.handler());
    for (auto* c : {&empty_messages, &bad_json}) {
        auto out = c->wait();
        EXPECT_TRUE(holds<InvalidRequestError>(out.error));
        EXPECT_NE(out.thread, std::this_thread::get_id());
    }
    auto out = unknown_provider.wait();
    EXPECT_TRUE(holds<ModelNotFoundError>(out.error));
    EXPECT_NE(out.thread, std::this_thread::get_id());
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(AsyncCallback, ACallMadeInsideAHandlerCallsItsOwnHandlerAfterwards) {
    // On the loop thread too, the handler of a call never runs inside that call: the outer handler has
    // returned before the inner one starts.
    server.enqueue(fake::chat_text("outer"));
    std::mutex m;
    std::vector<std::string> order;
    auto record = [&](const char* what) {
        std::lock_guard lock(m);
        order.emplace_back(what);
    };
    Catcher<CompletionResponse> inner;
    acompletion("gpt-4o-mini", hello(), {}, [&](std::exception_ptr, CompletionResponse) {
        record("outer begins");
        acompletion("gpt-4o-mini", std::vector<Message>{}, {},
                    [&, h = inner.handler()](std::exception_ptr e, CompletionResponse r) {
                        record("inner");
                        h(std::move(e), std::move(r));
                    });
        record("outer ends");
    });
    auto out = inner.wait();
    EXPECT_TRUE(holds<InvalidRequestError>(out.error));
    std::lock_guard lock(m);
    EXPECT_EQ(order, (std::vector<std::string>{"outer begins", "outer ends", "inner"}));
}

TEST_F(AsyncCallback, AThrowingHandlerIsCalledOnceAndNeitherRetriesNorBreaksTheLoop) {
    // The handler's own exception must not look like a provider failure: a fallback chain would then try
    // the next model and call the handler a second time.
    server.enqueue(fake::chat_text("first model answers"));
    std::atomic<int> calls{0};
    acompletion({"gpt-4o-mini", "gpt-4o"}, hello(), {}, [&](std::exception_ptr, CompletionResponse) {
        calls.fetch_add(1);
        throw std::runtime_error("the caller's own bug");
    });
    settle(calls, 1);
    server.enqueue(fake::chat_text("still serving"));
    Catcher<CompletionResponse> after;
    acompletion("gpt-4o-mini", hello(), {}, after.handler());
    EXPECT_EQ(after.wait().value.text(), "still serving");
    EXPECT_EQ(calls.load(), 1);
    EXPECT_EQ(server.request_count(), 2u);  // the first model once, then the call after it
}

TEST_F(AsyncCallback, AThrowingHandlerBehindMiddlewareIsNotRetriedEither) {
    server.enqueue(fake::chat_text("answered"));
    LLMGate gate(GateConfig{.middleware = {std::make_shared<RetryMiddleware>(2, 0.01),
                                           std::make_shared<CacheMiddleware>(std::chrono::minutes(1))},
                            .fallback_chain = {"gpt-4o-mini", "gpt-4o"}});
    std::atomic<int> calls{0};
    gate.acompletion(hello(), {}, [&](std::exception_ptr, CompletionResponse) {
        calls.fetch_add(1);
        throw std::runtime_error("the caller's own bug");
    });
    settle(calls, 1);
    EXPECT_EQ(calls.load(), 1);
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(AsyncCallback, FallbackChainMovesOnAndReportsTheFailedModel) {
    server.enqueue(fake::error(429, "busy"));
    server.enqueue(fake::chat_text("second model", "gpt-4o"));
    Catcher<CompletionResponse> c;
    acompletion({"gpt-4o-mini", "gpt-4o"}, hello(), {}, c.handler());
    auto out = c.wait();
    ASSERT_FALSE(out.error);
    EXPECT_EQ(out.value.text(), "second model");
    EXPECT_EQ(out.value.fallback_attempts, (std::vector<std::string>{"gpt-4o-mini"}));
}

TEST_F(AsyncCallback, AllModelsFailingGivesAllProvidersFailed) {
    server.enqueue(fake::error(500, "down"));
    server.enqueue(fake::error(500, "down too"));
    Catcher<CompletionResponse> c;
    acompletion({"gpt-4o-mini", "gpt-4o"}, hello(), {}, c.handler());
    EXPECT_TRUE(holds<AllProvidersFailedError>(c.wait().error));
}

TEST_F(AsyncCallback, AstreamHandsTheStreamOverToIterateElsewhere) {
    server.enqueue(fake::stream_text({"one ", "two ", "three"}));
    Catcher<Stream> c;
    astream("gpt-4o-mini", hello(), {}, c.handler());
    auto out = c.wait();
    ASSERT_FALSE(out.error);
    std::string text;
    for (const auto& chunk : out.value) text += chunk.delta;
    EXPECT_EQ(text, "one two three");
    EXPECT_GT(out.value.response().usage.total_tokens, 0);
}

TEST_F(AsyncCallback, AstreamErrorStatusReachesTheHandler) {
    server.enqueue(fake::error(401, "bad key"));
    Catcher<Stream> c;
    astream("gpt-4o-mini", hello(), {}, c.handler());
    EXPECT_TRUE(holds<AuthError>(c.wait().error));
}

TEST_F(AsyncCallback, ReadingAStreamOnTheLoopThreadRaisesInsteadOfHanging) {
    Reply slow = fake::stream_text({"a", "b", "c"});
    slow.delay_between_chunks = std::chrono::milliseconds(300);
    server.enqueue(slow);
    std::promise<std::string> seen;
    auto seen_future = seen.get_future();
    astream("gpt-4o-mini", hello(), {}, [&](std::exception_ptr e, Stream s) {
        if (e) {
            seen.set_value("open failed");
            return;
        }
        try {
            for (const auto& chunk : s) (void)chunk;
            seen.set_value("iterated on the loop thread");
        } catch (const InvalidRequestError& err) {
            seen.set_value(err.what());
        }
    });
    ASSERT_EQ(seen_future.wait_for(kPatience), std::future_status::ready) << "the loop waited for itself";
    EXPECT_NE(seen_future.get().find("event loop thread"), std::string::npos);
    // The loop is still serving.
    server.enqueue(fake::chat_text("alive"));
    Catcher<CompletionResponse> after;
    acompletion("gpt-4o-mini", hello(), {}, after.handler());
    EXPECT_EQ(after.wait().value.text(), "alive");
}

TEST_F(AsyncCallback, AStreamFallbackIteratedOnTheLoopThreadRaisesInsteadOfHanging) {
    // The stream is kept from one handler and read in a later one, once its failed body is all buffered:
    // the reads succeed, and then the fallback would open the next model and wait for it on the loop.
    Reply broken = fake::stream_text({"Hel", "lo"}, "gpt-4o-mini", false, false);
    broken.chunks.pop_back();  // no finish chunk: the stream ends with an error event instead
    broken.chunks.push_back(fake::sse({{"error", {{"message", "overloaded"}, {"type", "server_error"}}}}));
    server.enqueue(broken);
    server.enqueue(fake::stream_text({"never read"}, "gpt-4o"));
    auto kept = std::make_shared<std::promise<Stream>>();
    astream({"gpt-4o-mini", "gpt-4o"}, hello(), {.stream_fallback_mode = StreamFallbackMode::restart},
            [kept](std::exception_ptr e, Stream s) {
                if (e)
                    kept->set_exception(e);
                else
                    kept->set_value(std::move(s));
            });
    auto kept_future = kept->get_future();
    ASSERT_EQ(kept_future.wait_for(kPatience), std::future_status::ready);
    auto stream = std::make_shared<Stream>(kept_future.get());
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the first model's whole body arrives
    std::promise<std::string> seen;
    auto seen_future = seen.get_future();
    server.enqueue(fake::chat_text("any"));
    acompletion("gpt-4o-mini", hello(), {}, [&seen, stream](std::exception_ptr, CompletionResponse) {
        try {
            for (const auto& chunk : *stream) (void)chunk;
            seen.set_value("iterated on the loop thread");
        } catch (const Error& err) {
            seen.set_value(err.what());
        }
    });
    ASSERT_EQ(seen_future.wait_for(kPatience), std::future_status::ready) << "the loop waited for itself";
    EXPECT_NE(seen_future.get().find("event loop thread"), std::string::npos);
}

TEST_F(AsyncCallback, AembedHandlerGetsVectorsAndTypedErrors) {
    server.enqueue(fake::embeddings({{0.5f, 0.25f}}, "text-embedding-3-small", true));
    Catcher<EmbeddingResponse> ok, unsupported;
    aembed("text-embedding-3-small", "x", {}, ok.handler());
    auto out = ok.wait();
    ASSERT_FALSE(out.error);
    EXPECT_EQ(out.value.embeddings.at(0), (std::vector<double>{0.5, 0.25}));
    aembed("claude-sonnet-4-5", std::vector<std::string>{"x"}, {.api_key = "sk-ant"}, unsupported.handler());
    EXPECT_TRUE(holds<EmbeddingsNotSupported>(unsupported.wait().error));
}

TEST_F(AsyncCallback, ManyCallsInFlightEachResolveExactlyOnce) {
    constexpr int kCalls = 300;
    server.set_handler([](const RecordedRequest& r) {
        // Each reply names its request, so a handler given another call's reply shows.
        return fake::chat_text("echo " + json::parse(r.body)["messages"][0]["content"].get<std::string>());
    });
    struct Tally {
        std::mutex m;
        std::vector<int> calls = std::vector<int>(kCalls, 0);
        int answered = 0;
        std::promise<void> all;
    };
    auto tally = std::make_shared<Tally>();  // shared: a late handler must not outlive what it writes to
    for (int i = 0; i < kCalls; ++i) {
        acompletion("gpt-4o-mini", {Message::user(std::to_string(i))}, {},
                    [tally, i](std::exception_ptr e, CompletionResponse r) {
                        std::lock_guard lock(tally->m);
                        ++tally->calls[static_cast<std::size_t>(i)];
                        if (!e && r.text() == "echo " + std::to_string(i)) ++tally->answered;
                        if (tally->answered == kCalls) tally->all.set_value();
                    });
    }
    ASSERT_EQ(tally->all.get_future().wait_for(kPatience), std::future_status::ready);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::lock_guard lock(tally->m);
    for (int n : tally->calls) EXPECT_EQ(n, 1);
    EXPECT_EQ(server.request_count(), static_cast<std::size_t>(kCalls));
}

TEST_F(AsyncCallback, AnEmptyHandlerIsRefusedAtOnceAndNothingIsSent) {
    EXPECT_THROW(acompletion("gpt-4o-mini", hello(), {}, Callback<CompletionResponse>{}), InvalidRequestError);
    EXPECT_THROW(aembed("text-embedding-3-small", "x", {}, Callback<EmbeddingResponse>{}), InvalidRequestError);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(AsyncCallback, GateAppliesItsMiddlewareAndChainToCallbackCalls) {
    server.enqueue(fake::error(500, "blip"));
    server.enqueue(fake::chat_text("after a retry"));
    LLMGate gate(GateConfig{.middleware = {std::make_shared<RetryMiddleware>(
                                RetryMiddleware::Settings{.max_retries = 1, .backoff_factor = 0.01, .jitter = false})},
                            .fallback_chain = {"gpt-4o-mini"}});
    Catcher<CompletionResponse> c;
    gate.acompletion(hello(), {}, c.handler());  // the chain's model
    auto out = c.wait();
    ASSERT_FALSE(out.error);
    EXPECT_EQ(out.value.text(), "after a retry");
    EXPECT_EQ(server.request_count(), 2u);
}

TEST_F(AsyncCallback, GateCallbackFormsOutliveTheGateAndReportMissingModels) {
    // By path: the two calls run in parallel, on connections of their own, and may arrive in either order.
    server.route("POST", "/v1/chat/completions", fake::stream_text({"x", "y"}));
    server.route("POST", "/v1/embeddings", fake::embeddings({{1.0f}}, "text-embedding-3-small", true));
    Catcher<CompletionResponse> no_model;
    Catcher<Stream> stream;
    Catcher<EmbeddingResponse> embed;
    {
        LLMGate gate;  // no chain: a call without a model has nothing to try
        gate.acompletion(hello(), {}, no_model.handler());
        gate.astream("gpt-4o-mini", hello(), {}, stream.handler());
        gate.aembed("text-embedding-3-small", "x", {}, embed.handler());
    }  // the gate is gone before the calls run
    EXPECT_TRUE(holds<InvalidRequestError>(no_model.wait().error));
    auto s = stream.wait();
    ASSERT_FALSE(s.error);
    std::string text;
    for (const auto& chunk : s.value) text += chunk.delta;
    EXPECT_EQ(text, "xy");
    auto e = embed.wait();
    ASSERT_FALSE(e.error);
    EXPECT_EQ(e.value.embeddings.at(0), (std::vector<double>{1.0}));
}
