// Cost from usage: each provider's cached and reasoning tokens billed the way it bills them, recomputed
// here by hand from the published per-million prices; the name matching of versioned model ids; overrides;
// unknown models have no cost (never zero); BudgetMiddleware and CostTracker on the mock provider.
#include <gtest/gtest.h>

#include <thread>

#include "llmgate/llmgate.hpp"

using namespace llmgate;

namespace {

constexpr double kEps = 1e-12;

CompletionResponse reply(std::string provider, std::string model, Usage u) {
    CompletionResponse r;
    r.provider = std::move(provider);
    r.model = std::move(model);
    r.usage = u;
    return r;
}

TEST(Cost, OpenAICachedTokensAreInsidePromptTokens) {
    // gpt-4o-mini: 0.15 in, 0.075 cached, 0.60 out per million. 10,000 prompt tokens of which 4,000 cached.
    Usage u{.prompt_tokens = 10000, .completion_tokens = 500, .total_tokens = 10500, .cached_tokens = 4000};
    const auto usd = cost(reply("openai", "gpt-4o-mini-2024-07-18", u));
    ASSERT_TRUE(usd);
    EXPECT_NEAR(*usd, (6000 * 0.15 + 4000 * 0.075 + 500 * 0.60) / 1e6, kEps);
}

TEST(Cost, AnthropicCacheReadsAndWritesAreBilledAtTheirOwnRates) {
    // The adapter reports input_tokens=1000, cache_read=20000, cache_creation=5000 as prompt_tokens 26000.
    // claude-sonnet-4-5: 3 in, 0.30 cache read, 3.75 cache write (5 min), 15 out.
    Usage u{.prompt_tokens = 26000, .completion_tokens = 800, .cached_tokens = 20000, .cache_creation_tokens = 5000};
    const auto usd = cost(reply("anthropic", "claude-sonnet-4-5-20250929", u));
    ASSERT_TRUE(usd);
    EXPECT_NEAR(*usd, (1000 * 3.0 + 20000 * 0.30 + 5000 * 3.75 + 800 * 15.0) / 1e6, kEps);
}

TEST(Cost, GeminiCacheHitsAreNotCountedTwice) {
    // promptTokenCount 100,000 includes cachedContentTokenCount 80,000: 20,000 at 0.30, 80,000 at 0.03.
    // Reasoning (thoughts) is inside completion_tokens and billed as output (2.50).
    Usage u{.prompt_tokens = 100000, .completion_tokens = 3000, .cached_tokens = 80000, .reasoning_tokens = 2000};
    const auto usd = cost(reply("gemini", "gemini-2.5-flash", u));
    ASSERT_TRUE(usd);
    EXPECT_NEAR(*usd, (20000 * 0.30 + 80000 * 0.03 + 3000 * 2.50) / 1e6, kEps);
}

TEST(Cost, LongContextTierBillsTheWholeRequestAtTheHigherRates) {
    // gemini-2.5-pro: 1.25/10 up to 200k prompt tokens, 2.50/15 above (cached 0.125 / 0.25).
    Usage small{.prompt_tokens = 200000, .completion_tokens = 1000};
    Usage large{.prompt_tokens = 250000, .completion_tokens = 1000, .cached_tokens = 50000};
    EXPECT_NEAR(*cost(reply("gemini", "models/gemini-2.5-pro", small)), (200000 * 1.25 + 1000 * 10.0) / 1e6, kEps);
    EXPECT_NEAR(*cost(reply("gemini", "gemini-2.5-pro", large)), (200000 * 2.50 + 50000 * 0.25 + 1000 * 15.0) / 1e6,
                kEps);
}

TEST(Cost, VersionedAndPrefixedNamesFindTheirRow) {
    EXPECT_TRUE(price_of("", "gpt-4o-mini"));
    EXPECT_TRUE(price_of("", "openai/gpt-4o"));
    EXPECT_TRUE(price_of("", "claude-haiku-4-5-20251001"));
    EXPECT_TRUE(price_of("", "gemini/gemini-2.5-flash"));
    EXPECT_TRUE(price_of("groq", "openai/gpt-oss-120b"));
    EXPECT_TRUE(price_of("", "groq/llama-3.1-8b-instant"));
    EXPECT_TRUE(price_of("bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"));
    EXPECT_TRUE(price_of("", "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0"));
    EXPECT_TRUE(price_of("cohere", "command-a-03-2025"));
    EXPECT_TRUE(price_of("mistral", "mistral-small-latest"));
    EXPECT_EQ(price_of("", "gpt-4o")->input, 2.50);
    EXPECT_EQ(price_of("", "gpt-4o-mini")->input, 0.15);  // not gpt-4o's row
    // Azure deployments are priced by the model the reply names.
    EXPECT_EQ(price_of("azure", "gpt-4o-mini-2024-07-18")->output, 0.60);
    // Ollama runs locally: no per-token price.
    ASSERT_TRUE(price_of("ollama", "llama3.2"));
    EXPECT_EQ(cost(reply("ollama", "llama3.2", Usage{.prompt_tokens = 100, .completion_tokens = 100})), 0.0);
}

TEST(Cost, UnknownModelHasNoCostNeverZero) {
    EXPECT_FALSE(price_of("", "gpt-4o-audio-preview-2099"));
    EXPECT_FALSE(cost(reply("openai", "some-finetune", Usage{.prompt_tokens = 10})).has_value());
    EXPECT_FALSE(cost(reply("mistral", "mistral-tiny-2099", Usage{.prompt_tokens = 10})).has_value());
}

TEST(Cost, OverridesFromCodeAndJsonWinAndValidate) {
    clear_price_overrides();
    set_price("openai", "my-finetune", ModelPrice{.input = 1.0, .output = 2.0});
    EXPECT_NEAR(*cost(reply("openai", "my-finetune", Usage{.prompt_tokens = 1000000, .completion_tokens = 1000000})),
                3.0, kEps);
    load_prices(json{{"gpt-4o", {{"input", 1.0}, {"output", 1.0}}}, {"groq/llama-3.1-8b-instant", {{"input", 9.0}}}});
    EXPECT_EQ(price_of("openai", "gpt-4o")->input, 1.0);
    EXPECT_EQ(price_of("", "groq/llama-3.1-8b-instant")->input, 9.0);
    EXPECT_THROW(load_prices(json{{"x", {{"output", 1.0}}}}), InvalidRequestError);
    EXPECT_THROW(load_prices(json{{"x", {{"input", -1.0}}}}), InvalidRequestError);
    EXPECT_THROW(load_prices(json::array()), InvalidRequestError);
    clear_price_overrides();
    EXPECT_EQ(price_of("openai", "gpt-4o")->input, 2.50);
    EXPECT_FALSE(price_of("openai", "my-finetune"));
    EXPECT_FALSE(price_table_date().empty());
}

TEST(Cost, ToolRunAndBatchTotalsAreSumsOrAbsent) {
    ToolRunResult run;
    run.steps.resize(2);
    run.steps[0].response = reply("openai", "gpt-4o", Usage{.prompt_tokens = 1000, .completion_tokens = 100});
    run.steps[1].response = reply("openai", "gpt-4o", Usage{.prompt_tokens = 2000, .completion_tokens = 50});
    EXPECT_NEAR(*cost(run), (3000 * 2.50 + 150 * 10.0) / 1e6, kEps);
    run.steps[1].response.model = "unknown-model";
    EXPECT_FALSE(cost(run).has_value());

    BatchResult batch;
    batch.results.push_back(reply("openai", "gpt-4o-mini", Usage{.prompt_tokens = 1000000}));
    batch.results.push_back(std::nullopt);
    EXPECT_NEAR(*cost(batch), 0.15, kEps);
}

// ---- middleware -----------------------------------------------------------------------------------

TEST(Budget, StopsCallsOnceSpentWithATypedError) {
    // The mock is free; give it a price so the budget runs out: 1 USD per million words.
    set_price("mock", "budgeted", ModelPrice{.input = 1e6, .output = 1e6});  // 1 USD per word
    auto budget = std::make_shared<BudgetMiddleware>(3.0);
    LLMGate gate(GateConfig{.middleware = {budget}});
    // The mock's usage counts words: the first call costs more than the budget, so it goes through and
    // spends it.
    const auto first = gate.completion("mock/budgeted", {Message::user("hi")});
    const double words = static_cast<double>(first.usage.prompt_tokens + first.usage.completion_tokens);
    ASSERT_GT(words, 3.0);
    EXPECT_NEAR(budget->spent_usd(), words, 1e-9);
    EXPECT_EQ(budget->remaining_usd(), 0.0);
    try {
        gate.completion("mock/budgeted", {Message::user("hi")});
        FAIL() << "expected BudgetExceededError";
    } catch (const BudgetExceededError& e) {
        EXPECT_EQ(e.budget_usd(), 3.0);
        EXPECT_NEAR(e.spent_usd(), words, 1e-9);
        EXPECT_EQ(std::string(e.type_name()), "BudgetExceededError");
    }
    clear_price_overrides();
}

TEST(Budget, UnpricedModelsFailUpFrontUnlessAllowed) {
    auto strict = std::make_shared<BudgetMiddleware>(1.0);
    EXPECT_THROW(completion("gpt-unknown-model", {Message::user("hi")}, {.middleware = {strict}}), InvalidRequestError);
    auto lenient = std::make_shared<BudgetMiddleware>(1.0, true);
    EXPECT_NO_THROW(completion("mock/x", {Message::user("hi")}, {.middleware = {lenient}}));
    EXPECT_THROW(BudgetMiddleware(-1.0), InvalidRequestError);
}

TEST(Budget, CountsStreamsAtTheirEndAndIsSafeUnderConcurrentCalls) {
    set_price("mock", "budgeted", ModelPrice{.input = 1.0, .output = 1.0});  // 1e-6 USD per word
    auto budget = std::make_shared<BudgetMiddleware>(1.0);
    auto tracker = std::make_shared<CostTracker>();
    LLMGate gate(GateConfig{.middleware = {tracker, budget}});
    auto s = gate.stream("mock/budgeted", {Message::user("hi")});
    for (const auto& c : s) (void)c;
    const Usage u = s.response().usage;
    const double per_call = static_cast<double>(u.prompt_tokens + u.completion_tokens) * 1e-6;
    ASSERT_GT(per_call, 0.0);
    EXPECT_NEAR(budget->spent_usd(), per_call, 1e-15);

    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 50; ++i) gate.completion("mock/budgeted", {Message::user("hi")});
        });
    for (auto& t : threads) t.join();
    EXPECT_NEAR(budget->spent_usd(), 401 * per_call, 1e-12);
    EXPECT_NEAR(tracker->total_usd(), 401 * per_call, 1e-12);
    EXPECT_EQ(tracker->priced_calls(), 401u);
    EXPECT_EQ(tracker->unpriced_calls(), 0u);
    clear_price_overrides();
}

}  // namespace
