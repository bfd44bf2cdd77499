// JSON messages: pass the conversation as nlohmann::json in the OpenAI dict shape, as in Python.
#include <iostream>

#include <llmgate/llmgate.hpp>

#include "default_model.hpp"

int main() {
    // Exactly the list a Python caller would write, so prompts and fixtures can be shared between both.
    const llmgate::json messages = llmgate::json::parse(R"([
        {"role": "system", "content": "You answer in one short sentence."},
        {"role": "user", "content": "What is the capital of France?"},
        {"role": "assistant", "content": "Paris."},
        {"role": "user", "content": [{"type": "text", "text": "And of Italy?"}]}
    ])");

    try {
        const auto resp = llmgate::completion(default_model(), messages);
        std::cout << resp.text() << '\n';
        // The unified response converts back to JSON too, e.g. for logging.
        std::cout << llmgate::response_to_json(resp).dump(2) << '\n';
    } catch (const llmgate::Error& e) {
        std::cerr << e.type_name() << ": " << e.what() << '\n';
        return 1;
    }
}
