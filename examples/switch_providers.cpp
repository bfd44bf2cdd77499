// The same program against all nine providers: only the model string changes.
//
//   ./switch_providers                      # every provider once, with whatever keys are set
//   ./switch_providers groq/llama-3.1-8b-instant
//
// Without keys each provider answers with the same typed error (AuthError), which is the point:
// the call, the response shape and the error types do not depend on the provider.
#include <iostream>
#include <string>
#include <vector>

#include <llmgate/llmgate.hpp>

int main(int argc, char** argv) {
    std::vector<std::string> models = {
        "gpt-4o-mini",                                       // OpenAI
        "claude-haiku-4-5",                                  // Anthropic
        "gemini-2.5-flash-lite",                             // Google Gemini
        "groq/llama-3.1-8b-instant",                         // Groq
        "mistral/mistral-small-latest",                      // Mistral
        "cohere/command-r-plus",                             // Cohere
        "azure/my-gpt-4o-mini-deployment",                   // Azure OpenAI
        "bedrock/anthropic.claude-3-5-haiku-20241022-v1:0",  // AWS Bedrock
        "ollama/llama3.2",                                   // Ollama (local)
        "mock/offline",                                      // built-in offline provider
    };
    if (argc > 1) models.assign(argv + 1, argv + argc);

    const std::vector<llmgate::Message> messages = {llmgate::Message::user("Say hello in five words.")};
    for (const auto& model : models) {
        std::cout << model << " -> " << llmgate::provider_for(model) << ": ";
        try {
            const auto resp =
                llmgate::completion(model, messages, {.max_tokens = 32, .timeout = std::chrono::seconds(20)});
            std::cout << resp.text() << "  [" << resp.usage.total_tokens << " tokens]\n";
        } catch (const llmgate::Error& e) {
            std::cout << e.type_name() << ": " << e.what() << "\n";
        }
    }
}
