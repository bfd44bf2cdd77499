// The middleware chain, offline against mock/: order of composition, request rewriting, async paths,
// and the log line's content rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <mutex>

#include "llmgate/llmgate.hpp"
#include "middleware/log_line.hpp"

using namespace llmgate;

namespace gate_test {
struct Answer {
    std::string word;
    int number = 0;
};
LLMGATE_STRUCT(Answer, word, number)
}  // namespace gate_test

namespace {

// Passes streams and embeddings through unchanged: what a middleware writes for the operations it leaves alone.
class CompletionsOnly : public Middleware {
public:
    void stream(CompletionRequest r, StreamNext next, Callback<Stream> done) override {
        next(std::move(r), std::move(done));
    }
    void embed(EmbeddingRequest r, EmbedNext next, Callback<EmbeddingResponse> done) override {
        next(std::move(r), std::move(done));
    }
};

// Records the order in which middleware see a call, on the way in and out.
class Recorder : public Middleware {
public:
    Recorder(std::string name, std::shared_ptr<std::vector<std::string>> log)
        : name_(std::move(name)), log_(std::move(log)) {}
    void complete(CompletionRequest r, CompleteNext next, Callback<CompletionResponse> done) override {
        add("in:" + name_);
        next(std::move(r), [this, done = std::move(done)](std::exception_ptr e, CompletionResponse resp) {
            add("out:" + name_);
            done(e, std::move(resp));
        });
    }
    void embed(EmbeddingRequest r, EmbedNext next, Callback<EmbeddingResponse> done) override {
        add("embed:" + name_);
        next(std::move(r), std::move(done));
    }
    void stream(CompletionRequest r, StreamNext next, Callback<Stream> done) override {
        add("stream:" + name_);
        next(std::move(r), std::move(done));
    }

private:
    void add(std::string s) {
        std::lock_guard lock(mutex_);
        log_->push_back(std::move(s));
    }
    std::string name_;
    std::shared_ptr<std::vector<std::string>> log_;
    std::mutex mutex_;
};

// Rewrites the reply text the provider will give (through mock's "mock_response").
class ForceReply : public CompletionsOnly {
public:
    explicit ForceReply(std::string text) : text_(std::move(text)) {}
    void complete(CompletionRequest r, CompleteNext next, Callback<CompletionResponse> done) override {
        r.options.extra["mock_response"] = text_;
        next(std::move(r), std::move(done));
    }

private:
    std::string text_;
};

// Answers without calling next at all.
class ShortCircuit : public CompletionsOnly {
public:
    void complete(CompletionRequest r, CompleteNext, Callback<CompletionResponse> done) override {
        CompletionResponse resp;
        resp.model = r.model;
        resp.choices.push_back(Choice{.message = Message::assistant("short")});
        done(nullptr, std::move(resp));
    }
};

}  // namespace

TEST(MiddlewareChain, ComposesInListOrderWithGateMiddlewareOutsidePerCallMiddleware) {
    auto log = std::make_shared<std::vector<std::string>>();
    LLMGate gate(MiddlewareList{std::make_shared<Recorder>("g1", log), std::make_shared<Recorder>("g2", log)});
    gate.completion("mock/echo", {Message::user("hi")}, {.middleware = {std::make_shared<Recorder>("c1", log)}});
    const std::vector<std::string> expected{"in:g1", "in:g2", "in:c1", "out:c1", "out:g2", "out:g1"};
    EXPECT_EQ(*log, expected);

    log->clear();
    gate.acompletion("mock/echo", {Message::user("hi")}, {.middleware = {std::make_shared<Recorder>("c1", log)}}).get();
    EXPECT_EQ(*log, expected);
}

TEST(MiddlewareChain, StreamAndEmbedGoThroughTheSameChain) {
    auto log = std::make_shared<std::vector<std::string>>();
    auto rec = std::make_shared<Recorder>("r", log);
    for (const auto& c : stream("mock/echo", {Message::user("hi")}, {.middleware = {rec}})) (void)c;
    embed("mock/embed", "hi", {.middleware = {rec}});
    EXPECT_EQ(*log, (std::vector<std::string>{"stream:r", "embed:r"}));
}

TEST(MiddlewareChain, MiddlewareMayRewriteTheRequestOrAnswerItself) {
    EXPECT_EQ(
        completion("mock/echo", {Message::user("hi")}, {.middleware = {std::make_shared<ForceReply>("forced")}}).text(),
        "forced");
    EXPECT_EQ(completion("mock/echo", {Message::user("hi")}, {.middleware = {std::make_shared<ShortCircuit>()}}).text(),
              "short");
}

TEST(MiddlewareChain, NullMiddlewareIsAnInvalidRequest) {
    EXPECT_THROW(completion("mock/echo", {Message::user("hi")}, {.middleware = {nullptr}}), InvalidRequestError);
    EXPECT_THROW(acompletion("mock/echo", {Message::user("hi")}, {.middleware = {nullptr}}).get(), InvalidRequestError);
}

TEST(MiddlewareChain, LoggingPassesRepliesAndErrorsThrough) {
    auto logging = std::make_shared<LoggingMiddleware>("off");
    EXPECT_EQ(
        completion("mock/echo", {Message::user("hi")}, {.extra = {{"mock_response", "x"}}, .middleware = {logging}})
            .text(),
        "x");
    EXPECT_THROW(
        completion("mock/echo", {Message::user("hi")}, {.extra = {{"mock_error", "auth"}}, .middleware = {logging}}),
        AuthError);
    EXPECT_THROW(acompletion("mock/echo", {Message::user("hi")},
                             {.extra = {{"mock_error", "rate_limit"}}, .middleware = {logging}})
                     .get(),
                 RateLimitError);
}

TEST(LogLine, NamesProviderModelLatencyTokensAndOutcome) {
    detail::CallRecord r{
        .call = "completion", .provider = "openai", .model = "gpt-4o-mini", .latency_ms = 12, .tokens = 15};
    EXPECT_EQ(detail::log_line(r),
              "llmgate call=completion provider=openai model=gpt-4o-mini latency_ms=12 tokens=15 outcome=ok");
    r.tokens.reset();
    r.error =
        std::make_exception_ptr(RateLimitError(ErrorInfo{.provider = "openai", .status = 429, .message = "slow down"}));
    EXPECT_EQ(
        detail::log_line(r),
        "llmgate call=completion provider=openai model=gpt-4o-mini latency_ms=12 outcome=RateLimitError status=429");
}

TEST(LogLine, ContentOnlyWhenGivenAndQuoted) {
    detail::CallRecord r{.call = "completion", .provider = "mock", .model = "echo"};
    EXPECT_EQ(detail::log_line(r).find("prompt="), std::string::npos);
    r.prompt = "say \"hi\"\nplease";
    const auto line = detail::log_line(r);
    EXPECT_NE(line.find(R"(prompt="say \"hi\"\nplease")"), std::string::npos);
    EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(RunAfter, TimersFireInDeadlineOrderAndNotEarly) {
    using Clock = std::chrono::steady_clock;
    std::mutex m;
    std::vector<int> order;
    std::promise<void> both;
    int fired = 0;
    const auto start = Clock::now();
    Clock::time_point late_at{};
    auto note = [&](int id) {
        bool done = false;
        {
            std::lock_guard lock(m);
            order.push_back(id);
            if (id == 2) late_at = Clock::now();
            done = ++fired == 2;
        }
        // Outside the lock: once woken, the test returns and destroys `m` (TSan saw the unlock race it).
        if (done) both.set_value();
    };
    run_after(std::chrono::milliseconds(120), [&] { note(2); });
    run_after(std::chrono::milliseconds(20), [&] { note(1); });
    ASSERT_EQ(both.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
    EXPECT_EQ(order, (std::vector<int>{1, 2}));
    EXPECT_GE(late_at - start, std::chrono::milliseconds(120));
}

TEST(LoggingMiddleware, WritesOneLinePerCallWithoutKeysOrContentUnlessAsked) {
    auto quiet = std::make_shared<LoggingMiddleware>("info");
    auto chatty = std::make_shared<LoggingMiddleware>("info", true);
    auto off = std::make_shared<LoggingMiddleware>("off");
    const Options base{.api_key = "sk-SECRET-LOGTEST", .extra = {{"mock_response", "the reply"}}};

    ::testing::internal::CaptureStderr();
    Options o = base;
    o.middleware = {quiet};
    completion("mock/echo", {Message::user("private question")}, o);
    std::string out = ::testing::internal::GetCapturedStderr();
    EXPECT_NE(out.find("llmgate call=completion provider=mock model=mock/echo"), std::string::npos) << out;
    EXPECT_NE(out.find("outcome=ok"), std::string::npos) << out;
    EXPECT_EQ(out.find("sk-SECRET"), std::string::npos) << out;
    EXPECT_EQ(out.find("private question"), std::string::npos) << out;
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;

    ::testing::internal::CaptureStderr();
    o.middleware = {chatty};
    completion("mock/echo", {Message::user("private question")}, o);
    out = ::testing::internal::GetCapturedStderr();
    EXPECT_NE(out.find("prompt=\"private question\""), std::string::npos) << out;
    EXPECT_NE(out.find("reply=\"the reply\""), std::string::npos) << out;
    EXPECT_EQ(out.find("sk-SECRET"), std::string::npos) << out;

    ::testing::internal::CaptureStderr();
    o.middleware = {off};
    completion("mock/echo", {Message::user("x")}, o);
    EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST(LLMGate, ParseRunsStructuredOutputThroughTheGateMiddleware) {
    auto log = std::make_shared<std::vector<std::string>>();
    LLMGate gate(MiddlewareList{std::make_shared<Recorder>("g", log)});
    auto a = gate.parse<gate_test::Answer>("mock/echo", {Message::user("give json")},
                                           {.extra = {{"mock_response", R"({"word":"hi","number":7})"}}});
    EXPECT_EQ(a.word, "hi");
    EXPECT_EQ(a.number, 7);
    EXPECT_EQ(*log, (std::vector<std::string>{"in:g", "out:g"}));
}
