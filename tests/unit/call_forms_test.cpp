// Every call form as a user writes it, offline against mock/: the vocabulary types (Models, Messages,
// EmbedInputs, BatchRequests) accept each model and message form, and one middleware with one hook per
// operation sees every form of every call.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <type_traits>

#include "llmgate/llmgate.hpp"

using namespace llmgate;

namespace call_forms_test {
struct Word {
    std::string word;
};
LLMGATE_STRUCT(Word, word)
}  // namespace call_forms_test

namespace {

constexpr const char* kEcho = "mock/echo";

template <class T>
std::future<T> promise_for(std::shared_ptr<std::promise<T>>& p) {
    p = std::make_shared<std::promise<T>>();
    return p->get_future();
}

template <class T>
Callback<T> fulfil(std::shared_ptr<std::promise<T>> p) {
    return [p](std::exception_ptr e, T v) {
        if (e)
            p->set_exception(e);
        else
            p->set_value(std::move(v));
    };
}

std::string drain(Stream s) {
    std::string text;
    for (const auto& c : s) text += c.delta;
    return text;
}

}  // namespace

TEST(CallForms, PythonShapedBracedDictLiteralsAreMessages) {
    auto resp = completion("mock/echo", {{{"role", "user"}, {"content", "Hi"}}});
    EXPECT_EQ(resp.text(), "Mock reply to: Hi");
    resp = completion("mock/echo",
                      {{{"role", "system"}, {"content", "Be brief"}}, {{"role", "user"}, {"content", "Second"}}});
    EXPECT_EQ(resp.text(), "Mock reply to: Second");
    // Content as a list of parts, as the OpenAI dict shape allows.
    resp = completion("mock/echo", {{{"role", "user"}, {"content", {{{"type", "text"}, {"text", "Parts"}}}}}});
    EXPECT_EQ(resp.text(), "Mock reply to: Parts");
}

TEST(CallForms, EveryMessageFormGivesTheSameCall) {
    const std::vector<Message> typed{Message::user("Same")};
    const json dicts = json::array({{{"role", "user"}, {"content", "Same"}}});
    EXPECT_EQ(completion(kEcho, typed).text(), "Mock reply to: Same");
    EXPECT_EQ(completion(kEcho, dicts).text(), "Mock reply to: Same");
    EXPECT_EQ(completion(kEcho, {Message::user("Same")}).text(), "Mock reply to: Same");
    EXPECT_EQ(completion(std::string(kEcho), typed).text(), "Mock reply to: Same");
    EXPECT_EQ(drain(stream(kEcho, dicts)), "Mock reply to: Same");
    EXPECT_EQ(acompletion(kEcho, {{{"role", "user"}, {"content", "Same"}}}).get().text(), "Mock reply to: Same");
}

TEST(CallForms, MalformedDictMessagesFailEachFormTheWayItReportsErrors) {
    const json bad = json::array({"not an object"});
    EXPECT_THROW(completion(kEcho, bad), InvalidRequestError);
    EXPECT_THROW(stream(kEcho, bad), InvalidRequestError);
    // Held by the future, not thrown by the call.
    auto f = acompletion(kEcho, bad);
    EXPECT_THROW(f.get(), InvalidRequestError);
    // Handed to the callback on the event loop, never thrown inside the initiating call.
    std::shared_ptr<std::promise<CompletionResponse>> p;
    auto cf = promise_for(p);
    EXPECT_NO_THROW(acompletion(kEcho, bad, {}, fulfil(p)));
    EXPECT_THROW(cf.get(), InvalidRequestError);
}

TEST(CallForms, AListOfModelsIsAFallbackChainInEveryForm) {
    const Options failing_first{.extra = {{"mock_error", "rate_limit"}}};
    // A braced list, a vector, and a one-model list are all chains: all failing raises AllProvidersFailedError.
    EXPECT_THROW(completion({"mock/a", "mock/b"}, {Message::user("x")}, failing_first), AllProvidersFailedError);
    EXPECT_THROW(completion(std::vector<std::string>{"mock/a"}, {Message::user("x")}, failing_first),
                 AllProvidersFailedError);
    // One model string is not a chain: the provider's own error.
    EXPECT_THROW(completion("mock/a", {Message::user("x")}, failing_first), RateLimitError);
    EXPECT_THROW(acompletion({"mock/a", "mock/b"}, {Message::user("x")}, failing_first).get(), AllProvidersFailedError);
}

TEST(CallForms, EmbedInputsTakeOneStringOrAList) {
    EXPECT_EQ(embed("mock/embed", "one").embeddings.size(), 1u);
    EXPECT_EQ(embed("mock/embed", std::string("one")).embeddings.size(), 1u);
    EXPECT_EQ(embed("mock/embed", {"a", "b", "c"}).embeddings.size(), 3u);
    EXPECT_EQ(embed("mock/embed", std::vector<std::string>{"a", "b"}).embeddings.size(), 2u);
    EXPECT_EQ(aembed("mock/embed", {"a", "b"}).get().embeddings.size(), 2u);
}

TEST(CallForms, TheGateOffersTheFreeFunctionsForms) {
    LLMGate gate;
    EXPECT_EQ(gate.completion(kEcho, {{{"role", "user"}, {"content", "G"}}}).text(), "Mock reply to: G");
    EXPECT_EQ(gate.acompletion(kEcho, json::array({{{"role", "user"}, {"content", "G"}}})).get().text(),
              "Mock reply to: G");
    EXPECT_EQ(drain(gate.astream(kEcho, {{{"role", "user"}, {"content", "G"}}}).get()), "Mock reply to: G");
    EXPECT_EQ(gate.embed("mock/embed", {"a", "b"}).embeddings.size(), 2u);
    auto word = gate.aparse<call_forms_test::Word>(kEcho, {Message::user("w")}).get();
    EXPECT_FALSE(word.word.empty());
    // Without a model and without a chain there is nothing to try.
    EXPECT_THROW(gate.completion({Message::user("x")}), InvalidRequestError);
    LLMGate chained(GateConfig{.fallback_chain = {kEcho}});
    EXPECT_EQ(chained.completion({Message::user("C")}).text(), "Mock reply to: C");
}

TEST(CallForms, BatchTakesAListTheDictShapeOrAMaker) {
    std::vector<CompletionRequest> list{{kEcho, {Message::user("0")}, {}}, {kEcho, {Message::user("1")}, {}}};
    EXPECT_EQ(batch(std::move(list)).successful, 2u);
    EXPECT_EQ(batch({CompletionRequest{kEcho, {Message::user("0")}, {}}}).successful, 1u);
    auto dicts = batch(json::array({{{"model", kEcho}, {"messages", {{{"role", "user"}, {"content", "d"}}}}}}));
    EXPECT_EQ(dicts.successful, 1u);
    EXPECT_THROW(batch(json("not a list")), InvalidRequestError);
    auto made = batch(3, [](std::size_t i) {
        return CompletionRequest{kEcho, {Message::user(std::to_string(i))}, {}};
    });
    EXPECT_EQ(made.successful, 3u);
    ASSERT_TRUE(made.results[2]);
    EXPECT_EQ(made.results[2]->text(), "Mock reply to: 2");
}

// ---- one contract: one hook per operation sees every form --------------------------------------------

namespace {

// Counts what each hook saw; changes nothing.
class Counting : public Middleware {
public:
    void complete(CompletionRequest r, CompleteNext next, Callback<CompletionResponse> done) override {
        ++completions;
        next(std::move(r), std::move(done));
    }
    void stream(CompletionRequest r, StreamNext next, Callback<Stream> done) override {
        ++streams;
        next(std::move(r), std::move(done));
    }
    void embed(EmbeddingRequest r, EmbedNext next, Callback<EmbeddingResponse> done) override {
        ++embeddings;
        next(std::move(r), std::move(done));
    }
    std::atomic<int> completions{0}, streams{0}, embeddings{0};
};

// Overrides only the completion hook: the contract does not let it be used.
class CompletionHookOnly : public Middleware {
public:
    void complete(CompletionRequest r, CompleteNext next, Callback<CompletionResponse> done) override {
        next(std::move(r), std::move(done));
    }
};

}  // namespace

static_assert(std::is_abstract_v<CompletionHookOnly>, "a middleware missing a hook must not compile when used");
static_assert(!std::is_abstract_v<Counting>);

TEST(OneMiddlewareContract, EachHookSeesEveryFormOfItsOperation) {
    auto counting = std::make_shared<Counting>();
    const Options o{.middleware = {counting}};
    const EmbedOptions eo{.middleware = {counting}};
    const std::vector<Message> hi{Message::user("hi")};

    completion(kEcho, hi, o);
    acompletion(kEcho, hi, o).get();
    std::shared_ptr<std::promise<CompletionResponse>> p;
    auto cf = promise_for(p);
    acompletion(kEcho, hi, o, fulfil(p));
    cf.get();
    completion({kEcho, "mock/other"}, hi, o);  // a fallback chain: the hook runs for the model that answered
    parse<call_forms_test::Word>(kEcho, hi, o);
    aparse<call_forms_test::Word>(kEcho, hi, o).get();
    batch({CompletionRequest{kEcho, hi, o}, CompletionRequest{kEcho, hi, o}});
    batch(2, [&](std::size_t) { return CompletionRequest{kEcho, hi, o}; });
    EXPECT_EQ(counting->completions.load(), 10);

    drain(stream(kEcho, hi, o));
    drain(astream(kEcho, hi, o).get());
    std::shared_ptr<std::promise<Stream>> sp;
    auto sf = promise_for(sp);
    astream(kEcho, hi, o, fulfil(sp));
    drain(sf.get());
    EXPECT_EQ(counting->streams.load(), 3);

    embed("mock/embed", "x", eo);
    aembed("mock/embed", {"x", "y"}, eo).get();
    std::shared_ptr<std::promise<EmbeddingResponse>> ep;
    auto ef = promise_for(ep);
    aembed("mock/embed", "x", eo, fulfil(ep));
    ef.get();
    EXPECT_EQ(counting->embeddings.load(), 3);
    EXPECT_EQ(counting->completions.load(), 10);  // and nothing was counted twice
}

TEST(OneMiddlewareContract, GateAndBatchMiddlewareSeeEveryFormToo) {
    auto counting = std::make_shared<Counting>();
    LLMGate gate(MiddlewareList{counting});
    gate.completion(kEcho, {Message::user("a")});
    gate.acompletion(kEcho, {Message::user("a")}).get();
    gate.batch({CompletionRequest{kEcho, {Message::user("a")}, {}}});
    batch({CompletionRequest{kEcho, {Message::user("b")}, {}}}, {.middleware = {counting}});
    drain(gate.stream(kEcho, {Message::user("a")}));
    gate.embed("mock/embed", "x");
    EXPECT_EQ(counting->completions.load(), 4);
    EXPECT_EQ(counting->streams.load(), 1);
    EXPECT_EQ(counting->embeddings.load(), 1);
}

TEST(OneMiddlewareContract, NextAfterWaitsTheWayTheCallMay) {
    // A middleware that waits 30 ms before each completion, through next.after.
    class Delay : public Middleware {
    public:
        void complete(CompletionRequest r, CompleteNext next, Callback<CompletionResponse> done) override {
            blocking_seen.push_back(next.blocking());
            next.after(std::chrono::milliseconds(30), [r = std::move(r), next, done = std::move(done)]() mutable {
                next(std::move(r), std::move(done));
            });
        }
        void stream(CompletionRequest r, StreamNext next, Callback<Stream> done) override {
            next(std::move(r), std::move(done));
        }
        void embed(EmbeddingRequest r, EmbedNext next, Callback<EmbeddingResponse> done) override {
            next(std::move(r), std::move(done));
        }
        std::vector<bool> blocking_seen;
    };
    auto delay = std::make_shared<Delay>();
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(completion(kEcho, {Message::user("w")}, {.middleware = {delay}}).text(), "Mock reply to: w");
    EXPECT_EQ(acompletion(kEcho, {Message::user("w")}, {.middleware = {delay}}).get().text(), "Mock reply to: w");
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(60));
    EXPECT_EQ(delay->blocking_seen, (std::vector<bool>{true, false}));
}

TEST(OneMiddlewareContract, AHookThatThrowsFailsItsCallOnce) {
    class Throws : public Counting {
    public:
        void complete(CompletionRequest, CompleteNext, Callback<CompletionResponse>) override {
            throw RateLimitError(ErrorInfo{.message = "from a hook"});
        }
    };
    auto throws = std::make_shared<Throws>();
    EXPECT_THROW(completion(kEcho, {Message::user("x")}, {.middleware = {throws}}), RateLimitError);
    EXPECT_THROW(acompletion(kEcho, {Message::user("x")}, {.middleware = {throws}}).get(), RateLimitError);
}

TEST(OneMiddlewareContract, NextToRunsAMiddlewareAlone) {
    RetryMiddleware retry(RetryMiddleware::Settings{.max_retries = 2, .backoff_factor = 0, .jitter = false});
    int calls = 0;
    auto next = Middleware::CompleteNext::to([&](CompletionRequest, Callback<CompletionResponse> done) {
        if (++calls < 3) return done(std::make_exception_ptr(RateLimitError(ErrorInfo{.message = "busy"})), {});
        CompletionResponse r;
        r.model = "third time";
        done(nullptr, std::move(r));
    });
    std::string got;
    retry.complete(CompletionRequest{kEcho, {Message::user("x")}, {}}, next,
                   [&](std::exception_ptr e, CompletionResponse r) { got = e ? "error" : r.model; });
    EXPECT_EQ(calls, 3);
    EXPECT_EQ(got, "third time");
}
