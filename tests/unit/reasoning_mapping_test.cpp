// The pure halves of reasoning controls and the two typed errors: the effort/budget tables, Claude's per-family
// thinking rules, and the classification of provider error bodies (wire tests: tests/http/reasoning_http_test.cpp,
// tests/http/typed_errors_http_test.cpp).
#include <gtest/gtest.h>

#include "expect_error.hpp"
#include "providers/anthropic.hpp"
#include "providers/http_errors.hpp"
#include "providers/toolkit/reasoning.hpp"

using namespace llmgate;
using namespace llmgate::detail;
using llmgate::testing::expect_error;

TEST(ReasoningOptions, ReadsEveryEffortAndTheBudget) {
    for (const char* e : {"none", "minimal", "low", "medium", "high"}) {
        const Reasoning r = requested_reasoning(Options{.reasoning_effort = e});
        ASSERT_TRUE(r.effort) << e;
        EXPECT_STREQ(effort_name(*r.effort), e);
    }
    const Reasoning r = requested_reasoning(Options{.reasoning_budget_tokens = 0});
    EXPECT_TRUE(r.requested());
    EXPECT_TRUE(r.off());
    EXPECT_FALSE(requested_reasoning(Options{}).requested());
}

TEST(ReasoningOptions, UnknownEffortAndNegativeBudgetAreInvalidRequests) {
    expect_error<InvalidRequestError>([] { (void)requested_reasoning(Options{.reasoning_effort = "HIGH"}); });
    expect_error<InvalidRequestError>([] { (void)requested_reasoning(Options{.reasoning_effort = "xhigh"}); });
    expect_error<InvalidRequestError>([] { (void)requested_reasoning(Options{.reasoning_budget_tokens = -5}); });
}

TEST(ReasoningOptions, EffortBudgetTableAndItsInverse) {
    EXPECT_EQ(effort_budget(Effort::none), 0);
    EXPECT_EQ(effort_budget(Effort::minimal), 1024);
    EXPECT_EQ(effort_budget(Effort::low), 2048);
    EXPECT_EQ(effort_budget(Effort::medium), 8192);
    EXPECT_EQ(effort_budget(Effort::high), 24576);
    EXPECT_EQ(budget_effort(0), Effort::none);
    EXPECT_EQ(budget_effort(1), Effort::low);
    EXPECT_EQ(budget_effort(4095), Effort::low);
    EXPECT_EQ(budget_effort(4096), Effort::medium);
    EXPECT_EQ(budget_effort(16383), Effort::medium);
    EXPECT_EQ(budget_effort(16384), Effort::high);
    // Each effort's budget maps back to it (minimal, which few level-only providers take, to low).
    for (Effort e : {Effort::none, Effort::low, Effort::medium, Effort::high})
        EXPECT_EQ(budget_effort(effort_budget(e)), e);
}

namespace {
ClaudeThinking claude(const char* model, Options o) { return claude_thinking(o, model, "anthropic", 4096); }
}  // namespace

TEST(ClaudeThinking, FamiliesBeforeAdaptiveThinkingGetABudget) {
    for (const char* model : {"claude-3-7-sonnet-20250219", "claude-sonnet-4-20250514", "claude-opus-4-1",
                              "claude-sonnet-4-5", "claude-haiku-4-5"}) {
        const ClaudeThinking t = claude(model, {.reasoning_effort = "medium"});
        EXPECT_EQ(t.thinking, (json{{"type", "enabled"}, {"budget_tokens", 8192}})) << model;
        EXPECT_EQ(t.effort, "") << model;
        EXPECT_EQ(t.max_tokens, 8192 + 4096) << model;
    }
}

TEST(ClaudeThinking, AdaptiveFamiliesGetAdaptiveThinkingAndEffort) {
    for (const char* model : {"claude-opus-4-6", "claude-sonnet-4-6", "claude-opus-4-7", "claude-opus-5",
                              "claude-sonnet-5", "claude-mythos-preview", "claude-fable-5-1"}) {
        const ClaudeThinking t = claude(model, {.reasoning_effort = "high"});
        EXPECT_EQ(t.thinking, (json{{"type", "adaptive"}})) << model;
        EXPECT_EQ(t.effort, "high") << model;
        EXPECT_FALSE(t.max_tokens) << model;
    }
}

TEST(ClaudeThinking, NoneIsDisabledExceptWhereOnlyAdaptiveThinkingExists) {
    EXPECT_EQ(claude("claude-sonnet-4-5", {.reasoning_effort = "none"}).thinking, (json{{"type", "disabled"}}));
    EXPECT_EQ(claude("claude-opus-4-6", {.reasoning_budget_tokens = 0}).thinking, (json{{"type", "disabled"}}));
    // Opus 4.7 and later think only when asked (and may refuse "disabled"): nothing is sent.
    EXPECT_TRUE(claude("claude-opus-4-7", {.reasoning_budget_tokens = 0}).thinking.is_null());
    const ClaudeThinking mythos = claude("claude-mythos-5", {.reasoning_effort = "none"});
    EXPECT_EQ(mythos.thinking, (json{{"type", "adaptive"}}));
    EXPECT_EQ(mythos.effort, "low");
}

TEST(ClaudeThinking, BudgetRulesAgainstMaxTokens) {
    // The caller's budget and max_tokens are never changed: a conflict is refused before sending.
    expect_error<InvalidRequestError>([] { (void)claude("claude-sonnet-4-5", {.reasoning_budget_tokens = 1000}); });
    expect_error<InvalidRequestError>(
        [] { (void)claude("claude-sonnet-4-5", {.max_tokens = 2048, .reasoning_budget_tokens = 2048}); });
    // A budget llmgate derived from an effort is cut to half the caller's max_tokens.
    EXPECT_EQ(claude("claude-sonnet-4-5", {.max_tokens = 6000, .reasoning_effort = "medium"}).thinking["budget_tokens"],
              3000);
    // Under the default max_tokens nothing is raised.
    const ClaudeThinking small = claude("claude-sonnet-4-5", {.reasoning_effort = "low"});
    EXPECT_EQ(small.thinking["budget_tokens"], 2048);
    EXPECT_FALSE(small.max_tokens);
    // Opus 4.7 takes no budget: the budget's nearest effort instead.
    const ClaudeThinking opus47 = claude("claude-opus-4-7", {.reasoning_budget_tokens = 20000});
    EXPECT_EQ(opus47.thinking, (json{{"type", "adaptive"}}));
    EXPECT_EQ(opus47.effort, "high");
}

TEST(ProviderErrorKinds, ContextWindowInEachProvidersWords) {
    for (const char* message :
         {"prompt is too long: 210266 tokens > 200000 maximum",
          "The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).",
          "Input is too long for requested model.", "This model's maximum context length is 4097 tokens.",
          "too many tokens: total number of tokens in the prompt cannot exceed 4081",
          "the input length exceeds the context length"})
        EXPECT_TRUE(context_window_exceeded(ErrorInfo{.message = message})) << message;
    EXPECT_TRUE(
        context_window_exceeded(ErrorInfo{.message = "Please reduce", .error_type = "context_length_exceeded"}));
    EXPECT_FALSE(context_window_exceeded(ErrorInfo{.message = "Invalid value for 'temperature'."}));
}

TEST(ProviderErrorKinds, ContentFilterCategoriesFromAzuresInnerError) {
    const ErrorInfo azure{
        .error_type = "content_filter",
        .body = R"({"error":{"code":"content_filter","innererror":{"code":"ResponsibleAIPolicyViolation",
            "content_filter_result":{"hate":{"filtered":true,"severity":"high"},"sexual":{"filtered":false}}}}})"};
    EXPECT_EQ(content_filter_categories(azure), std::vector<std::string>{"hate"});
    EXPECT_EQ(content_filter_categories(ErrorInfo{.error_type = "content_policy_violation", .body = "{}"}),
              std::vector<std::string>{});
    EXPECT_FALSE(content_filter_categories(ErrorInfo{.error_type = "invalid_request_error"}));
}
