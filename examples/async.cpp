// Async: start several completions at once and gather them; they share llmgate's one event loop.
// First with futures, then with the callback form, which needs no waiting thread at all.
#include <atomic>
#include <future>
#include <iostream>
#include <string>
#include <vector>

#include <llmgate/llmgate.hpp>

#include "default_model.hpp"

int main() {
    using llmgate::Message;
    const std::string model = default_model();
    const std::vector<std::string> questions{"What is a monad?", "Why is the sky blue?", "Name a prime above 100."};

    // Launch everything first, then wait: the requests are in flight together, not one after another.
    llmgate::Options options;
    options.max_tokens = 60;
    std::vector<std::future<llmgate::CompletionResponse>> pending;
    for (const auto& q : questions) pending.push_back(llmgate::acompletion(model, {Message::user(q)}, options));

    int failures = 0;
    for (std::size_t i = 0; i < pending.size(); ++i) {
        try {
            // get() rethrows the typed llmgate::Error of a failed call; the others are unaffected.
            const auto resp = pending[i].get();
            std::cout << "Q: " << questions[i] << "\nA: " << resp.text() << "\n\n";
        } catch (const llmgate::Error& e) {
            std::cerr << "Q: " << questions[i] << " failed: " << e.type_name() << ": " << e.what() << '\n';
            ++failures;
        }
    }

    // The callback form: each handler runs once, on llmgate's event loop thread, when its reply is in.
    // Handlers must not block; here they only count and print (serialised by the one loop thread).
    std::atomic<std::size_t> answered{0};
    std::promise<void> all_done;
    for (const auto& q : questions) {
        llmgate::acompletion(
            model, {Message::user(q)}, options, [&, q](std::exception_ptr error, llmgate::CompletionResponse resp) {
                if (error) {
                    try {
                        std::rethrow_exception(error);
                    } catch (const llmgate::Error& e) {
                        std::cerr << "Q: " << q << " failed: " << e.type_name() << ": " << e.what() << '\n';
                        ++failures;
                    }
                } else {
                    std::cout << "(callback) Q: " << q << " -> " << resp.text().size() << " characters\n";
                }
                if (++answered == questions.size()) all_done.set_value();
            });
    }
    all_done.get_future().wait();  // only so that main() does not return before the handlers have run
    return failures == 0 ? 0 : 1;
}
