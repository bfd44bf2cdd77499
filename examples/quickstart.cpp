// Quick start: one completion, the C++ twin of the Python README's first example.
#include <iostream>

#include <llmgate/llmgate.hpp>

#include "default_model.hpp"

int main() {
    using llmgate::Message;
    try {
        const std::string model = default_model();
        auto resp = llmgate::completion(model, {Message::user("Hello!")});
        std::cout << resp.text() << '\n';
        std::cerr << "(" << resp.provider << "/" << resp.model << ", " << resp.usage.total_tokens << " tokens";
        if (is_mock(model))
            std::cerr << "; offline mock provider: set OPENAI_API_KEY or LLMGATE_MODEL for a real model";
        std::cerr << ")\n";
    } catch (const llmgate::Error& e) {
        std::cerr << e.type_name() << ": " << e.what() << '\n';
        return 1;
    }
}
