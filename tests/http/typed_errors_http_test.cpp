// ContextLengthExceededError and ContentFilterError over real HTTP: each provider's own error shape maps to the new
// class, which is still caught as the ProviderAPIError these errors were before; other 400s stay ProviderAPIError.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;

namespace {

enum class Kind { context_length, content_filter, plain };

struct ErrorCase {
    std::string name;
    std::string model;
    int status;
    json body;
    Kind kind;
    std::vector<std::string> categories{};  // for content_filter
    std::vector<std::pair<std::string, std::string>> headers{};
};
void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

// Every provider pointed at the one server.
class ErrorsFromEveryProvider : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        point_at("OPENAI_API_KEY", "sk-test", "OPENAI_BASE_URL", "/v1");
        point_at("GROQ_API_KEY", "gsk-test", "GROQ_BASE_URL");
        point_at("MISTRAL_API_KEY", "mistral-test", "MISTRAL_BASE_URL");
        point_at("AZURE_OPENAI_API_KEY", "azure-test", "AZURE_OPENAI_ENDPOINT");
        point_at("ANTHROPIC_API_KEY", "sk-ant-test", "ANTHROPIC_BASE_URL");
        point_at("GEMINI_API_KEY", "gemini-test", "GEMINI_BASE_URL");
        point_at("COHERE_API_KEY", "cohere-test", "COHERE_BASE_URL");
        env.set("OLLAMA_HOST", server.base_url().c_str());
        env.set("AWS_ACCESS_KEY_ID", "AKIDTESTEXAMPLE");
        env.set("AWS_SECRET_ACCESS_KEY", "secret");
        env.set("AWS_REGION", "us-east-1");
        env.set("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", server.base_url().c_str());
    }
};

class TypedErrors : public ErrorsFromEveryProvider, public ::testing::WithParamInterface<ErrorCase> {};

// Caught as ProviderAPIError (what these errors were before), and of the new class underneath.
TEST_P(TypedErrors, MapToTheNewClassUnderProviderAPIError) {
    const ErrorCase& c = GetParam();
    server.enqueue(Reply{.status = c.status, .body = c.body.dump(), .headers = c.headers});
    try {
        (void)completion(c.model, hello());
        ADD_FAILURE() << "no error";
    } catch (const ProviderAPIError& e) {
        const auto* too_long = dynamic_cast<const ContextLengthExceededError*>(&e);
        const auto* filtered = dynamic_cast<const ContentFilterError*>(&e);
        switch (c.kind) {
            case Kind::context_length:
                EXPECT_NE(too_long, nullptr) << e.type_name() << ": " << e.what();
                EXPECT_STREQ(e.type_name(), "ContextLengthExceededError");
                break;
            case Kind::content_filter:
                ASSERT_NE(filtered, nullptr) << e.type_name() << ": " << e.what();
                EXPECT_STREQ(e.type_name(), "ContentFilterError");
                EXPECT_EQ(filtered->categories(), c.categories);
                break;
            case Kind::plain:
                EXPECT_STREQ(e.type_name(), "ProviderAPIError") << e.what();
                break;
        }
        EXPECT_FALSE(e.provider_message().empty());
    }
}

json openai_error(const std::string& message, const std::string& type, json code) {
    return {{"error", {{"message", message}, {"type", type}, {"param", "messages"}, {"code", std::move(code)}}}};
}

const ErrorCase kErrorCases[] = {
    {"OpenAIContextLengthCode", "gpt-4o-mini", 400,
     openai_error("This model's maximum context length is 128000 tokens. However, your messages resulted in 204308 "
                  "tokens. Please reduce the length of the messages.",
                  "invalid_request_error", "context_length_exceeded"),
     Kind::context_length},
    {"OpenAIContentPolicyViolation", "gpt-4o-mini", 400,
     openai_error("Your request was rejected as a result of our safety system.", "invalid_request_error",
                  "content_policy_violation"),
     Kind::content_filter},
    {"AzureContentFilterWithCategories",
     "azure/my-gpt-4o",
     400,
     {{"error",
       {{"message", "The response was filtered due to the prompt triggering Azure OpenAI's content management policy."},
        {"type", nullptr},
        {"param", "prompt"},
        {"code", "content_filter"},
        {"status", 400},
        {"innererror",
         {{"code", "ResponsibleAIPolicyViolation"},
          {"content_filter_result",
           {{"hate", {{"filtered", false}, {"severity", "safe"}}},
            {"jailbreak", {{"filtered", true}, {"detected", true}}},
            {"self_harm", {{"filtered", false}, {"severity", "safe"}}},
            {"sexual", {{"filtered", false}, {"severity", "safe"}}},
            {"violence", {{"filtered", true}, {"severity", "medium"}}}}}}}}}},
     Kind::content_filter,
     {"jailbreak", "violence"}},
    {"GroqContextLengthCode", "groq/llama-3.1-8b-instant", 400,
     openai_error("Please reduce the length of the messages or completion.", "invalid_request_error",
                  "context_length_exceeded"),
     Kind::context_length},
    {"MistralMaximumContextLength",
     "mistral/mistral-small-latest",
     400,
     {{"object", "error"},
      {"message",
       "Prompt contains 40000 tokens and 0 draft tokens, too large for model with 32768 maximum context "
       "length"},
      {"type", "invalid_request_message_error"},
      {"param", nullptr},
      {"code", "3051"}},
     Kind::context_length},
    {"AnthropicPromptTooLong",
     "claude-sonnet-4-5",
     400,
     {{"type", "error"},
      {"error",
       {{"type", "invalid_request_error"}, {"message", "prompt is too long: 210266 tokens > 200000 maximum"}}}},
     Kind::context_length},
    {"GeminiInputTokenCount",
     "gemini-2.5-pro",
     400,
     {{"error",
       {{"code", 400},
        {"message", "The input token count (1200293) exceeds the maximum number of tokens allowed (1048576)."},
        {"status", "INVALID_ARGUMENT"}}}},
     Kind::context_length},
    {"GeminiPromptBlocked",
     "gemini-2.5-flash",
     200,
     {{"promptFeedback",
       {{"blockReason", "SAFETY"},
        {"safetyRatings",
         json::array({{{"category", "HARM_CATEGORY_HARASSMENT"}, {"probability", "HIGH"}, {"blocked", true}},
                      {{"category", "HATE_SPEECH"}, {"probability", "NEGLIGIBLE"}}})}}},
      {"usageMetadata", {{"promptTokenCount", 8}, {"totalTokenCount", 8}}}},
     Kind::content_filter,
     {"SAFETY", "HARM_CATEGORY_HARASSMENT"}},
    {"BedrockInputTooLong",
     "bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0",
     400,
     {{"message", "Input is too long for requested model."}},
     Kind::context_length,
     {},
     {{"x-amzn-ErrorType", "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"}}},
    {"BedrockClaudePromptTooLong",
     "bedrock/anthropic.claude-opus-4-5-20251101-v1:0",
     400,
     {{"message", "The model returned the following errors: prompt is too long: 200049 tokens > 200000 maximum"}},
     Kind::context_length,
     {},
     {{"x-amzn-ErrorType", "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"}}},
    {"CohereTooManyTokens",
     "cohere/command-a-03-2025",
     400,
     {{"message",
       "too many tokens: total number of tokens in the prompt cannot exceed 256000 - received 300000. Try "
       "using a shorter prompt"}},
     Kind::context_length},
    {"OllamaContextLength",
     "ollama/llama3.2",
     400,
     {{"error", "the input length exceeds the context length"}},
     Kind::context_length},
    // Any other 400 stays what it was.
    {"OtherBadRequestStaysProviderAPIError", "gpt-4o-mini", 400,
     openai_error("Invalid value for 'temperature'.", "invalid_request_error", nullptr), Kind::plain},
};

INSTANTIATE_TEST_SUITE_P(EachProviderShape, TypedErrors, ::testing::ValuesIn(kErrorCases),
                         [](const auto& info) { return info.param.name; });

// A stream's error event is classified the same way (status 0: the stream had already started).
TEST_F(ErrorsFromEveryProvider, StreamErrorEventIsTyped) {
    server.enqueue(Reply{.content_type = "text/event-stream",
                         .chunks = {"data: " +
                                    openai_error("This model's maximum context length is 8192 tokens.",
                                                 "invalid_request_error", "context_length_exceeded")
                                        .dump() +
                                    "\n\n"}});
    auto e = expect_error<ContextLengthExceededError>([&] {
        auto s = stream("gpt-4o-mini", hello());
        for (const auto& chunk : s) (void)chunk;
    });
    EXPECT_EQ(e->status(), 0);
}

TEST_F(ErrorsFromEveryProvider, MockRaisesBothOnDemand) {
    expect_error<ContextLengthExceededError>([] {
        (void)completion("mock/any", hello(), {.extra = {{"mock_error", "context_length"}}});
    });
    auto e = expect_error<ContentFilterError>([] {
        (void)completion("mock/any", hello(), {.extra = {{"mock_error", "content_filter"}}});
    });
    EXPECT_EQ(e->categories(), std::vector<std::string>{"mock"});
}

}  // namespace
