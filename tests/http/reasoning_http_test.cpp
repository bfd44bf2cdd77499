// Options::reasoning_effort / reasoning_budget_tokens over real HTTP: the body fields each value produces for every
// provider (docs/reasoning.md's table, case by case), invalid values refused before sending, and each provider's
// reasoning text read back as the unified reasoning.
#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "anthropic_replies.hpp"
#include "bedrock_replies.hpp"
#include "cohere_replies.hpp"
#include "gemini_replies.hpp"
#include "ollama_replies.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;

namespace {

// Every provider pointed at the one server; the reply is chosen by the path the provider posts to.
class AllProvidersServerTest : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        point_at("OPENAI_API_KEY", "sk-test", "OPENAI_BASE_URL", "/v1");
        point_at("GROQ_API_KEY", "gsk-test", "GROQ_BASE_URL");
        point_at("MISTRAL_API_KEY", "mistral-test", "MISTRAL_BASE_URL", "/mistral");
        point_at("AZURE_OPENAI_API_KEY", "azure-test", "AZURE_OPENAI_ENDPOINT", "/azure");
        point_at("ANTHROPIC_API_KEY", "sk-ant-test", "ANTHROPIC_BASE_URL");
        point_at("GEMINI_API_KEY", "gemini-test", "GEMINI_BASE_URL");
        point_at("COHERE_API_KEY", "cohere-test", "COHERE_BASE_URL");
        env.set("OLLAMA_HOST", server.base_url().c_str());
        env.set("AWS_ACCESS_KEY_ID", "AKIDTESTEXAMPLE");
        env.set("AWS_SECRET_ACCESS_KEY", "secret");
        env.set("AWS_REGION", "us-east-1");
        env.set("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", server.base_url().c_str());
        server.set_handler([](const RecordedRequest& req) { return ordinary_reply(req.path); });
    }

    static Reply ordinary_reply(const std::string& path) {
        auto has = [&](const char* part) { return path.find(part) != std::string::npos; };
        if (has("/messages")) return anthropic::message_text("ok");
        if (has(":generateContent")) return gemini::text("ok");
        if (has("/v2/chat")) return cohere::chat_text("ok");
        if (has("/api/chat")) return ollama::chat_text("ok");
        if (has("/converse")) return bedrock::converse_text("ok");
        return openai::chat_text("ok");  // OpenAI, Azure, Groq, Mistral
    }
};

// One call's options and what its body must then hold: each JSON pointer's value, or kAbsent.
const json kAbsent = "<absent>";
struct BodyCase {
    std::string name;
    std::string model;
    Options options;
    std::vector<std::pair<std::string, json>> expected;
};
void PrintTo(const BodyCase& c, std::ostream* os) { *os << c.name; }

Options effort(const char* e, std::optional<int> max_tokens = std::nullopt) {
    return Options{.max_tokens = max_tokens, .reasoning_effort = e};
}
Options budget(int b, std::optional<int> max_tokens = std::nullopt) {
    return Options{.max_tokens = max_tokens, .reasoning_budget_tokens = b};
}
json enabled(int budget_tokens) { return json{{"type", "enabled"}, {"budget_tokens", budget_tokens}}; }
const json kAdaptive = {{"type", "adaptive"}};
const json kDisabled = {{"type", "disabled"}};

class ReasoningBody : public AllProvidersServerTest, public ::testing::WithParamInterface<BodyCase> {};

TEST_P(ReasoningBody, SendsTheProvidersOwnFields) {
    const BodyCase& c = GetParam();
    (void)completion(c.model, hello(), c.options);
    const json body = server.last_request().json();
    for (const auto& [pointer, value] : c.expected) {
        const json::json_pointer p(pointer);
        if (value == kAbsent)
            EXPECT_FALSE(body.contains(p)) << pointer << " in " << body.dump();
        else
            EXPECT_EQ(body.contains(p) ? body.at(p) : json(kAbsent), value) << pointer << " in " << body.dump();
    }
}

const BodyCase kBodyCases[] = {
    // OpenAI / Azure / Mistral: reasoning_effort as spelled; a budget as its nearest effort (no budget field).
    {"OpenAINone", "gpt-5-mini", effort("none"), {{"/reasoning_effort", "none"}}},
    {"OpenAIMinimal", "gpt-5-mini", effort("minimal"), {{"/reasoning_effort", "minimal"}}},
    {"OpenAIHigh", "o4-mini", effort("high"), {{"/reasoning_effort", "high"}}},
    {"OpenAIBudgetZeroIsNone", "gpt-5-mini", budget(0), {{"/reasoning_effort", "none"}}},
    {"OpenAISmallBudgetIsLow", "gpt-5-mini", budget(2000), {{"/reasoning_effort", "low"}}},
    {"OpenAIMidBudgetIsMedium", "gpt-5-mini", budget(8000), {{"/reasoning_effort", "medium"}}},
    {"OpenAILargeBudgetIsHigh", "gpt-5-mini", budget(20000), {{"/reasoning_effort", "high"}}},
    {"OpenAIEffortWinsOverBudget",
     "gpt-5-mini",
     Options{.reasoning_effort = "low", .reasoning_budget_tokens = 20000},
     {{"/reasoning_effort", "low"}}},
    {"OpenAINothingAsked", "gpt-5-mini", Options{}, {{"/reasoning_effort", kAbsent}}},
    {"AzureMedium", "azure/my-o4-mini", effort("medium"), {{"/reasoning_effort", "medium"}}},
    {"MistralMinimal", "mistral/magistral-medium-latest", effort("minimal"), {{"/reasoning_effort", "minimal"}}},
    {"MistralBudgetZeroIsNone", "mistral/magistral-small-latest", budget(0), {{"/reasoning_effort", "none"}}},
    // Groq: qwen3 takes none | default (and parsed reasoning); gpt-oss takes low | medium | high only.
    {"GroqQwenNone",
     "groq/qwen/qwen3-32b",
     effort("none"),
     {{"/reasoning_effort", "none"}, {"/reasoning_format", kAbsent}}},
    {"GroqQwenHigh",
     "groq/qwen/qwen3-32b",
     effort("high"),
     {{"/reasoning_effort", "default"}, {"/reasoning_format", "parsed"}}},
    {"GroqGptOssNoneIsLow",
     "groq/openai/gpt-oss-20b",
     effort("none"),
     {{"/reasoning_effort", "low"}, {"/reasoning_format", kAbsent}}},
    {"GroqGptOssHigh", "groq/openai/gpt-oss-120b", effort("high"), {{"/reasoning_effort", "high"}}},
    {"GroqGptOssBudget", "groq/openai/gpt-oss-120b", budget(5000), {{"/reasoning_effort", "medium"}}},
    // Anthropic, before adaptive thinking: a budget (the caller's or the effort's), max_tokens made room for.
    {"ClaudeLow",
     "claude-sonnet-4-5",
     effort("low"),
     {{"/thinking", enabled(2048)}, {"/max_tokens", 4096}, {"/output_config", kAbsent}}},
    {"ClaudeHighRaisesDefaultMaxTokens",
     "claude-sonnet-4-5",
     effort("high"),
     {{"/thinking", enabled(24576)}, {"/max_tokens", 24576 + 4096}}},
    {"ClaudeNone", "claude-sonnet-4-5", effort("none"), {{"/thinking", kDisabled}}},
    {"ClaudeBeforeThinkingNoneSendsNothing", "claude-3-5-haiku-latest", effort("none"), {{"/thinking", kAbsent}}},
    {"ClaudeBudgetZeroIsDisabled", "claude-haiku-4-5", budget(0), {{"/thinking", kDisabled}}},
    {"ClaudeBudget", "claude-sonnet-4-5", budget(5000), {{"/thinking", enabled(5000)}, {"/max_tokens", 5000 + 4096}}},
    {"ClaudeBudgetUnderCallersMaxTokens",
     "claude-sonnet-4-5",
     budget(3000, 8000),
     {{"/thinking", enabled(3000)}, {"/max_tokens", 8000}}},
    {"ClaudeEffortBudgetCutToHalfTheCallersMaxTokens",
     "claude-sonnet-4-5",
     effort("high", 10000),
     {{"/thinking", enabled(5000)}, {"/max_tokens", 10000}}},
    {"ClaudeOpus45TakesEffortToo",
     "claude-opus-4-5",
     effort("medium"),
     {{"/thinking", enabled(8192)}, {"/output_config/effort", "medium"}, {"/max_tokens", 8192 + 4096}}},
    // Adaptive thinking (Opus / Sonnet 4.6 on): thinking adaptive + output_config.effort.
    {"ClaudeAdaptiveMedium",
     "claude-opus-4-6",
     effort("medium"),
     {{"/thinking", kAdaptive}, {"/output_config/effort", "medium"}, {"/max_tokens", 4096}}},
    {"ClaudeAdaptiveMinimalIsLow",
     "claude-sonnet-4-6",
     effort("minimal"),
     {{"/thinking", kAdaptive}, {"/output_config/effort", "low"}}},
    {"ClaudeOpus46StillTakesABudget",
     "claude-opus-4-6",
     budget(3000),
     {{"/thinking", enabled(3000)}, {"/output_config", kAbsent}}},
    {"ClaudeOpus47BudgetBecomesEffort",
     "claude-opus-4-7",
     budget(3000),
     {{"/thinking", kAdaptive}, {"/output_config/effort", "low"}}},
    {"ClaudeOpus47NoneSendsNoThinking", "claude-opus-4-7", effort("none"), {{"/thinking", kAbsent}}},
    {"ClaudeMythosNoneIsLowestAdaptive",
     "claude-mythos-5",
     effort("none"),
     {{"/thinking", kAdaptive}, {"/output_config/effort", "low"}}},
    // Gemini 2.x: thinkingBudget; later models: thinkingLevel; includeThoughts whenever it thinks.
    {"Gemini25None",
     "gemini-2.5-flash",
     effort("none"),
     {{"/generationConfig/thinkingConfig", json{{"thinkingBudget", 0}}}}},
    {"Gemini25Medium",
     "gemini-2.5-flash",
     effort("medium"),
     {{"/generationConfig/thinkingConfig", json{{"thinkingBudget", 8192}, {"includeThoughts", true}}}}},
    {"Gemini25Budget",
     "gemini-2.5-pro",
     budget(1500),
     {{"/generationConfig/thinkingConfig", json{{"thinkingBudget", 1500}, {"includeThoughts", true}}}}},
    {"Gemini3High",
     "gemini-3-pro-preview",
     effort("high"),
     {{"/generationConfig/thinkingConfig", json{{"thinkingLevel", "HIGH"}, {"includeThoughts", true}}}}},
    {"Gemini3NoneIsMinimal",
     "gemini-3-flash-preview",
     effort("none"),
     {{"/generationConfig/thinkingConfig/thinkingLevel", "MINIMAL"}}},
    {"Gemini3ProNoneIsLow",
     "gemini-3-pro-preview",
     effort("none"),
     {{"/generationConfig/thinkingConfig/thinkingLevel", "LOW"}}},
    {"Gemini3BudgetIsNearestLevel",
     "gemini-3-pro-preview",
     budget(20000),
     {{"/generationConfig/thinkingConfig/thinkingLevel", "HIGH"}}},
    // Bedrock: the model's own fields in additionalModelRequestFields.
    {"BedrockClaudeLow",
     "bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0",
     effort("low"),
     {{"/additionalModelRequestFields/thinking", enabled(2048)}, {"/inferenceConfig/maxTokens", 4096}}},
    {"BedrockClaudeAdaptive",
     "bedrock/us.anthropic.claude-opus-4-6-v1",
     effort("high"),
     {{"/additionalModelRequestFields", json{{"thinking", kAdaptive}, {"output_config", {{"effort", "high"}}}}}}},
    {"BedrockNovaMedium",
     "bedrock/us.amazon.nova-2-lite-v1:0",
     effort("medium"),
     {{"/additionalModelRequestFields/reasoningConfig", json{{"type", "enabled"}, {"maxReasoningEffort", "medium"}}}}},
    {"BedrockNovaNoneSendsNothing",
     "bedrock/amazon.nova-2-lite-v1:0",
     effort("none"),
     {{"/additionalModelRequestFields", kAbsent}}},
    // Ollama: think true/false or a level; GPT-OSS takes levels only.
    {"OllamaNone", "ollama/qwen3", effort("none"), {{"/think", false}}},
    {"OllamaHigh", "ollama/qwen3", effort("high"), {{"/think", "high"}}},
    {"OllamaMinimalIsLow", "ollama/deepseek-r1", effort("minimal"), {{"/think", "low"}}},
    {"OllamaBudgetZero", "ollama/qwen3", budget(0), {{"/think", false}}},
    {"OllamaGptOssNoneIsLow", "ollama/gpt-oss:20b", effort("none"), {{"/think", "low"}}},
    // Cohere: thinking {type, token_budget}.
    {"CohereNone", "cohere/command-a-reasoning-08-2025", effort("none"), {{"/thinking", kDisabled}}},
    {"CohereBudget",
     "cohere/command-a-reasoning-08-2025",
     budget(3000),
     {{"/thinking", json{{"type", "enabled"}, {"token_budget", 3000}}}}},
    {"CohereMedium",
     "cohere/command-a-reasoning-08-2025",
     effort("medium"),
     {{"/thinking", json{{"type", "enabled"}, {"token_budget", 8192}}}}},
};

INSTANTIATE_TEST_SUITE_P(EachProvider, ReasoningBody, ::testing::ValuesIn(kBodyCases),
                         [](const auto& info) { return info.param.name; });

// --- refused before sending ---

struct RefusedCase {
    std::string name;
    std::string model;
    Options options;
    std::string says;  // part of the message
};
void PrintTo(const RefusedCase& c, std::ostream* os) { *os << c.name; }

class ReasoningRefused : public AllProvidersServerTest, public ::testing::WithParamInterface<RefusedCase> {};

TEST_P(ReasoningRefused, IsInvalidRequestAndNothingIsSent) {
    const RefusedCase& c = GetParam();
    auto e = expect_error<InvalidRequestError>([&] { (void)completion(c.model, hello(), c.options); }, c.name);
    EXPECT_NE(e->provider_message().find(c.says), std::string::npos) << e->provider_message();
    EXPECT_EQ(server.request_count(), 0u);
}

const RefusedCase kRefusedCases[] = {
    {"UnknownEffort", "gpt-5-mini", Options{.reasoning_effort = "extreme"}, "not one of none, minimal, low"},
    {"UnknownEffortOnMock", "mock/any", Options{.reasoning_effort = "max"}, "not one of none, minimal, low"},
    {"NegativeBudget", "gemini-2.5-flash", Options{.reasoning_budget_tokens = -1}, "must be 0 (no reasoning) or more"},
    {"ClaudeBudgetUnder1024", "claude-sonnet-4-5", Options{.reasoning_budget_tokens = 500}, "at least 1024"},
    {"ClaudeBudgetNotBelowMaxTokens", "claude-sonnet-4-5", Options{.max_tokens = 4000, .reasoning_budget_tokens = 5000},
     "must be below max_tokens (4000)"},
    {"ClaudeMaxTokensTooSmallToThink", "bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0",
     Options{.max_tokens = 1000, .reasoning_effort = "low"}, "leaves no room for thinking"},
};

INSTANTIATE_TEST_SUITE_P(EachRule, ReasoningRefused, ::testing::ValuesIn(kRefusedCases),
                         [](const auto& info) { return info.param.name; });

TEST_F(AllProvidersServerTest, MockAcceptsAndIgnoresReasoning) {
    auto r = completion("mock/any", hello(), {.reasoning_effort = "high", .reasoning_budget_tokens = 4096});
    EXPECT_FALSE(r.text().empty());
    EXPECT_EQ(server.request_count(), 0u);
}

// --- reasoning read back ---

struct ReadBackCase {
    std::string name;
    std::string model;
    Reply reply;
    std::string reasoning;
    std::string text;
};
void PrintTo(const ReadBackCase& c, std::ostream* os) { *os << c.name; }

Reply json_body(const json& body) { return Reply{.body = body.dump()}; }

class ReasoningReadBack : public AllProvidersServerTest, public ::testing::WithParamInterface<ReadBackCase> {};

TEST_P(ReasoningReadBack, ArrivesAsTheUnifiedReasoning) {
    const ReadBackCase& c = GetParam();
    server.set_handler([&](const RecordedRequest&) { return c.reply; });
    auto r = completion(c.model, hello(), {.reasoning_effort = "medium"});
    EXPECT_EQ(r.reasoning(), c.reasoning);
    EXPECT_EQ(r.text(), c.text);
}

const ReadBackCase kReadBackCases[] = {
    // groq-python ChatCompletionMessage.reasoning, sent with reasoning_format "parsed".
    {"GroqParsedReasoning", "groq/qwen/qwen3-32b",
     json_body(
         {{"id", "chatcmpl-1"},
          {"model", "qwen/qwen3-32b"},
          {"choices", json::array({{{"index", 0},
                                    {"finish_reason", "stop"},
                                    {"message", {{"role", "assistant"}, {"content", "4"}, {"reasoning", "2+2"}}}}})}}),
     "2+2", "4"},
    // Mistral's magistral: content as [thinking chunk, text chunk].
    {"MistralThinkingChunks", "mistral/magistral-medium-latest",
     json_body(
         {{"id", "m-1"},
          {"model", "magistral-medium-latest"},
          {"choices",
           json::array({{{"index", 0},
                         {"finish_reason", "stop"},
                         {"message",
                          {{"role", "assistant"},
                           {"content", json::array({{{"type", "thinking"},
                                                     {"thinking", json::array({{{"type", "text"}, {"text", "hmm"}}})}},
                                                    {{"type", "text"}, {"text", "4"}}})}}}}})}}),
     "hmm", "4"},
    {"AnthropicThinkingBlock", "claude-sonnet-4-5",
     anthropic::message(json::array({{{"type", "thinking"}, {"thinking", "Let me add."}, {"signature", "sig=="}},
                                     {{"type", "text"}, {"text", "4"}}})),
     "Let me add.", "4"},
    {"GeminiThoughtPart", "gemini-2.5-flash",
     gemini::content(json::array({{{"text", "Adding."}, {"thought", true}}, {{"text", "4"}}})), "Adding.", "4"},
    {"BedrockReasoningContent", "bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0",
     bedrock::converse(json::array(
         {{{"reasoningContent", {{"reasoningText", {{"text", "Sum."}, {"signature", "s"}}}}}}, {{"text", "4"}}})),
     "Sum.", "4"},
    {"OllamaThinking", "ollama/qwen3", ollama::chat_text("4", "qwen3", "stop", 26, 298, "two plus two"), "two plus two",
     "4"},
    {"CohereThinking", "cohere/command-a-reasoning-08-2025", cohere::chat_thinking("Two and two.", "4"), "Two and two.",
     "4"},
};

INSTANTIATE_TEST_SUITE_P(EachProvider, ReasoningReadBack, ::testing::ValuesIn(kReadBackCases),
                         [](const auto& info) { return info.param.name; });

}  // namespace
