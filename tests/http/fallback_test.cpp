// Fallback chains over real HTTP across three providers (OpenAI, Groq, Mistral on three fake servers):
// each error kind, AllProvidersFailedError, per-candidate middleware, and streams in every mode.
#include <gtest/gtest.h>

#include "llmgate/gate.hpp"
#include "llmgate/middleware/fallback.hpp"
#include "llmgate/middleware/retry.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::openai;

namespace {

const std::string kOpenAI = "gpt-4o-mini";
const std::string kGroq = "groq/llama-3.1-8b-instant";
const std::string kMistral = "mistral/mistral-small-latest";

// OpenAI on the fixture's server, Groq and Mistral on servers of their own.
class FallbackHttp : public OpenAIServerTest {
protected:
    FallbackHttp() : OpenAIServerTest("sk-openai") {}
    void SetUp() override {
        OpenAIServerTest::SetUp();
        env.set("GROQ_API_KEY", "gsk-groq");
        env.set("GROQ_BASE_URL", groq.base_url().c_str());
        env.set("MISTRAL_API_KEY", "mistral-key");
        env.set("MISTRAL_BASE_URL", mistral.base_url().c_str());
    }
    std::vector<std::string> chain() const { return {kOpenAI, kGroq, kMistral}; }

    // A stream that delivers `pieces` and then reports an error event mid-stream.
    static Reply broken_stream(const std::vector<std::string>& pieces) {
        Reply r = fake::stream_text(pieces, "gpt-4o-mini", false, false);
        r.chunks.pop_back();  // no finish chunk
        r.chunks.push_back(fake::sse({{"error", {{"message", "overloaded"}, {"type", "server_error"}}}}));
        r.delay_between_chunks = std::chrono::milliseconds(20);  // each event in its own read
        return r;
    }

    FakeServer& openai = server;
    FakeServer groq, mistral;
};

struct Collected {
    std::string text;
    std::vector<std::pair<std::string, std::string>> by_provider;  // (provider, delta) for non-empty deltas
};

Collected collect(Stream& s) {
    Collected out;
    for (const auto& c : s) {
        out.text += c.delta;
        if (!c.delta.empty()) out.by_provider.emplace_back(c.provider, c.delta);
    }
    return out;
}

}  // namespace

TEST_F(FallbackHttp, RateLimitThenProviderErrorFallsThroughToTheThirdModel) {
    openai.enqueue(fake::error(429, "slow down", "rate_limit_error"));
    groq.enqueue(fake::error(500, "boom", "server_error"));
    mistral.enqueue(fake::chat_text("from mistral", "mistral-small-latest"));
    auto r = completion({kOpenAI, kGroq, kMistral}, hello());
    EXPECT_EQ(r.text(), "from mistral");
    EXPECT_EQ(r.provider, "mistral");
    EXPECT_EQ(r.fallback_attempts, (std::vector<std::string>{kOpenAI, kGroq}));
    EXPECT_EQ(openai.request_count(), 1u);
    EXPECT_EQ(groq.request_count(), 1u);
    EXPECT_EQ(mistral.request_count(), 1u);
}

TEST_F(FallbackHttp, AuthErrorFallsBackByDefault) {
    openai.enqueue(fake::error(401, "bad key", "invalid_request_error"));
    groq.enqueue(fake::chat_text("groq ok", "llama-3.1-8b-instant"));
    auto r = completion(chain(), hello());
    EXPECT_EQ(r.provider, "groq");
    EXPECT_EQ(r.fallback_attempts, std::vector<std::string>{kOpenAI});
    EXPECT_EQ(mistral.request_count(), 0u);
}

TEST_F(FallbackHttp, FirstModelSucceedingLeavesNoAttempts) {
    openai.enqueue(fake::chat_text("first"));
    auto r = completion(chain(), hello());
    EXPECT_EQ(r.text(), "first");
    EXPECT_TRUE(r.fallback_attempts.empty());
    EXPECT_EQ(groq.request_count() + mistral.request_count(), 0u);
}

TEST_F(FallbackHttp, AllFailingRaisesAllProvidersFailedWithEachModelsError) {
    openai.enqueue(fake::error(429, "slow down", "rate_limit_error"));
    groq.enqueue(fake::error(401, "bad key", "invalid_request_error"));
    mistral.enqueue(fake::error(503, "overloaded", "server_error"));
    try {
        completion(chain(), hello());
        FAIL() << "expected AllProvidersFailedError";
    } catch (const AllProvidersFailedError& e) {
        ASSERT_EQ(e.errors().size(), 3u);
        EXPECT_EQ(e.errors()[0].first, kOpenAI);
        EXPECT_EQ(e.errors()[1].first, kGroq);
        EXPECT_EQ(e.errors()[2].first, kMistral);
        EXPECT_THROW(std::rethrow_exception(e.errors()[0].second), RateLimitError);
        EXPECT_THROW(std::rethrow_exception(e.errors()[1].second), AuthError);
        EXPECT_THROW(std::rethrow_exception(e.errors()[2].second), ProviderAPIError);
        const std::string what = e.what();
        EXPECT_NE(what.find("RateLimitError"), std::string::npos);
        EXPECT_EQ(what.find("sk-openai"), std::string::npos);
        EXPECT_EQ(what.find("gsk-groq"), std::string::npos);
    }
}

TEST_F(FallbackHttp, ErrorsOutsideFallbackOnPropagateAtOnce) {
    openai.enqueue(fake::error(401, "bad key", "invalid_request_error"));
    Options o{.fallback_on = fallback_on_errors<RateLimitError>()};
    EXPECT_THROW(completion(chain(), hello(), o), AuthError);
    EXPECT_EQ(groq.request_count(), 0u);

    openai.enqueue(fake::error(429, "slow", "rate_limit_error"));
    groq.enqueue(fake::chat_text("groq ok", "llama-3.1-8b-instant"));
    EXPECT_EQ(completion(chain(), hello(), o).provider, "groq");
}

TEST_F(FallbackHttp, AsyncFallbackWorksTheSameWay) {
    openai.enqueue(fake::error(429, "slow down", "rate_limit_error"));
    groq.enqueue(fake::error(502, "bad gateway", "server_error"));
    mistral.enqueue(fake::chat_text("async mistral", "mistral-small-latest"));
    auto r = acompletion(chain(), hello()).get();
    EXPECT_EQ(r.text(), "async mistral");
    EXPECT_EQ(r.fallback_attempts, (std::vector<std::string>{kOpenAI, kGroq}));

    openai.enqueue(fake::error(429, "slow down", "rate_limit_error"));
    groq.enqueue(fake::error(429, "slow down", "rate_limit_error"));
    mistral.enqueue(fake::error(429, "slow down", "rate_limit_error"));
    EXPECT_THROW(acompletion(chain(), hello()).get(), AllProvidersFailedError);
}

TEST_F(FallbackHttp, RetryMiddlewareRetriesEachCandidateBeforeMovingOn) {
    openai.route("POST", "/v1/chat/completions", fake::error(503, "overloaded", "server_error"));
    groq.enqueue(fake::chat_text("groq ok", "llama-3.1-8b-instant"));
    auto retry = std::make_shared<RetryMiddleware>(RetryMiddleware::Settings{.max_retries = 2, .backoff_factor = 0});
    auto r = completion(chain(), hello(), {.middleware = {retry}});
    EXPECT_EQ(r.provider, "groq");
    EXPECT_EQ(openai.request_count(), 3u);
    EXPECT_EQ(groq.request_count(), 1u);
}

TEST_F(FallbackHttp, GateFallbackChainMakesTheModelOptional) {
    LLMGate gate({.fallback_chain = {kGroq, kMistral}});
    groq.enqueue(fake::error(429, "slow", "rate_limit_error"));
    mistral.enqueue(fake::chat_text("gate mistral", "mistral-small-latest"));
    auto r = gate.completion(hello());
    EXPECT_EQ(r.text(), "gate mistral");
    EXPECT_EQ(r.fallback_attempts, std::vector<std::string>{kGroq});

    openai.enqueue(fake::error(500, "boom", "server_error"));
    groq.enqueue(fake::chat_text("gate groq", "llama-3.1-8b-instant"));
    auto r2 = gate.acompletion(kOpenAI, hello()).get();
    EXPECT_EQ(r2.text(), "gate groq");
    EXPECT_EQ(r2.fallback_attempts, std::vector<std::string>{kOpenAI});

    EXPECT_THROW(LLMGate().completion(hello()), InvalidRequestError);
}

TEST_F(FallbackHttp, FallbackMiddlewareTriesTheRequestModelThenItsList) {
    LLMGate gate(MiddlewareList{std::make_shared<FallbackMiddleware>(std::vector<std::string>{kGroq, kMistral})});
    openai.enqueue(fake::error(429, "slow", "rate_limit_error"));
    groq.enqueue(fake::error(401, "bad", "invalid_request_error"));
    mistral.enqueue(fake::chat_text("mw mistral", "mistral-small-latest"));
    auto r = gate.completion(kOpenAI, hello());
    EXPECT_EQ(r.text(), "mw mistral");
    EXPECT_EQ(r.fallback_attempts, (std::vector<std::string>{kOpenAI, kGroq}));
}

TEST_F(FallbackHttp, StreamFailingBeforeTheFirstChunkFallsBackTransparently) {
    openai.enqueue(fake::error(429, "slow", "rate_limit_error"));
    groq.enqueue(fake::stream_text({"from", " groq"}, "llama-3.1-8b-instant"));
    auto s = stream(chain(), hello());
    auto got = collect(s);
    EXPECT_EQ(got.text, "from groq");
    for (const auto& [provider, _] : got.by_provider) EXPECT_EQ(provider, "groq");
    EXPECT_EQ(s.response().text(), "from groq");
    EXPECT_EQ(s.response().fallback_attempts, std::vector<std::string>{kOpenAI});

    // A stream whose very first event is an error also moves on, in every mode.
    Reply instant_error = fake::stream_text({}, "gpt-4o-mini", false, false);
    instant_error.chunks = {fake::sse({{"error", {{"message", "overloaded"}, {"type", "server_error"}}}})};
    openai.enqueue(instant_error);
    groq.enqueue(fake::stream_text({"second"}, "llama-3.1-8b-instant"));
    auto s2 = stream(chain(), hello(), {.stream_fallback_mode = StreamFallbackMode::raise});
    EXPECT_EQ(collect(s2).text, "second");
}

TEST_F(FallbackHttp, MidStreamFailureRaisesInRaiseMode) {
    openai.enqueue(broken_stream({"Hel", "lo"}));
    groq.enqueue(fake::stream_text({"never"}, "llama-3.1-8b-instant"));
    auto s = stream(chain(), hello(), {.stream_fallback_mode = StreamFallbackMode::raise});
    std::string text;
    EXPECT_THROW(
        {
            for (const auto& c : s) text += c.delta;
        },
        ProviderAPIError);
    EXPECT_EQ(text, "Hello");
    EXPECT_EQ(groq.request_count(), 0u);
}

TEST_F(FallbackHttp, MidStreamFailureRestartsOnTheNextModel) {
    openai.enqueue(broken_stream({"Hel", "lo"}));
    groq.enqueue(fake::stream_text({"Hello", " again"}, "llama-3.1-8b-instant"));
    auto s = stream(chain(), hello(), {.stream_fallback_mode = StreamFallbackMode::restart});
    auto got = collect(s);
    const std::vector<std::pair<std::string, std::string>> expected{
        {"openai", "Hel"}, {"openai", "lo"}, {"groq", "Hello"}, {"groq", " again"}};
    EXPECT_EQ(got.by_provider, expected);
    // The assembled reply is the new model's alone, and says which model failed.
    EXPECT_EQ(s.response().text(), "Hello again");
    EXPECT_EQ(s.response().provider, "groq");
    EXPECT_EQ(s.response().fallback_attempts, std::vector<std::string>{kOpenAI});
    // The next model got the original conversation, unchanged.
    auto body = groq.last_request().json();
    ASSERT_EQ(body["messages"].size(), 1u);
    EXPECT_EQ(body["messages"][0]["content"], "Hello!");
}

TEST_F(FallbackHttp, MidStreamFailureResumesFromTheDeliveredText) {
    openai.enqueue(broken_stream({"The answer", " is"}));
    groq.enqueue(fake::stream_text({" 42."}, "llama-3.1-8b-instant"));
    auto s = stream(chain(), hello(), {.stream_fallback_mode = StreamFallbackMode::resume});
    auto got = collect(s);
    EXPECT_EQ(got.text, "The answer is 42.");
    EXPECT_EQ(s.response().text(), "The answer is 42.");  // resume keeps the delivered text
    EXPECT_EQ(s.response().fallback_attempts, std::vector<std::string>{kOpenAI});
    ASSERT_FALSE(got.by_provider.empty());
    EXPECT_EQ(got.by_provider.back(), (std::pair<std::string, std::string>{"groq", " 42."}));
    auto body = groq.last_request().json();
    ASSERT_EQ(body["messages"].size(), 3u);
    EXPECT_EQ(body["messages"][0]["content"], "Hello!");
    EXPECT_EQ(body["messages"][1]["role"], "assistant");
    EXPECT_EQ(body["messages"][1]["content"], "The answer is");
    EXPECT_EQ(body["messages"][2]["role"], "user");
}

TEST_F(FallbackHttp, MidStreamFailureOnEveryModelRaisesAllProvidersFailed) {
    openai.enqueue(broken_stream({"a"}));
    groq.enqueue(broken_stream({"b"}));
    mistral.enqueue(fake::error(429, "slow", "rate_limit_error"));
    auto s = stream(chain(), hello(), {.stream_fallback_mode = StreamFallbackMode::restart});
    try {
        for (const auto& c : s) (void)c;
        FAIL() << "expected AllProvidersFailedError";
    } catch (const AllProvidersFailedError& e) {
        EXPECT_EQ(e.errors().size(), 3u);
    }
}

TEST_F(FallbackHttp, AsyncStreamFallsBackBeforeAndMidStream) {
    openai.enqueue(fake::error(500, "boom", "server_error"));
    groq.enqueue(broken_stream({"part"}));
    mistral.enqueue(fake::stream_text({" rest"}, "mistral-small-latest"));
    auto s = astream(chain(), hello(), {.stream_fallback_mode = StreamFallbackMode::resume}).get();
    auto got = collect(s);
    EXPECT_EQ(got.text, "part rest");
    ASSERT_EQ(got.by_provider.size(), 2u);
    EXPECT_EQ(got.by_provider[0].first, "groq");
    EXPECT_EQ(got.by_provider[1].first, "mistral");
    EXPECT_EQ(openai.request_count(), 1u);
}
