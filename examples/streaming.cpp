// Streaming: print the reply as it arrives, then the whole response assembled from the chunks.
#include <iostream>

#include <llmgate/llmgate.hpp>

#include "default_model.hpp"

int main() {
    using llmgate::Message;
    try {
        auto stream = llmgate::stream(default_model(), {Message::user("Write a haiku about compilers.")});
        for (const auto& chunk : stream) std::cout << chunk.delta << std::flush;  // flush: show words as they come
        std::cout << '\n';

        // After the loop, response() holds the text, finish reason and (where reported) the usage.
        const auto resp = stream.response();
        std::cout << "finish_reason: " << resp.finish_reason << ", tokens: " << resp.usage.total_tokens << '\n';
    } catch (const llmgate::Error& e) {
        std::cerr << e.type_name() << ": " << e.what() << '\n';
        return 1;
    }
}
