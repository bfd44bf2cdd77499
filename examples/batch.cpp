// Batch: many completions at once, a few in flight at a time on llmgate's event loop, results in
// input order with per-request errors. Runs offline on mock/.
#include <iostream>

#include <llmgate/llmgate.hpp>

#include "default_model.hpp"

int main() {
    const std::string model = default_model();
    using llmgate::json;

    // The dict shape, as in Python; one request is made to fail on the mock provider.
    json requests = json::array();
    for (int i = 1; i <= 6; ++i) {
        json r = {{"model", model}, {"messages", {{{"role", "user"}, {"content", "What is " + std::to_string(i) + "+1?"}}}},
                  {"max_tokens", 20}};
        if (i == 4 && is_mock(model)) r["mock_error"] = "provider";  // passed through to the provider
        requests.push_back(r);
    }

    auto result = llmgate::batch(requests, {
        .max_concurrency = 3,
        .middleware = {std::make_shared<llmgate::RetryMiddleware>(1)},
        .on_progress = [](std::size_t done, std::size_t total, std::size_t failed) {
            std::cerr << "\rprogress: " << done << '/' << total << " (" << failed << " failed)" << std::flush;
        },
    });
    std::cerr << '\n';

    for (std::size_t i = 0; i < result.results.size(); ++i)
        if (result.results[i]) std::cout << i << ": " << result.results[i]->text() << '\n';
    for (const auto& e : result.errors) std::cout << e.index << " failed (" << e.error_type << "): " << e.message << '\n';
    std::cout << result.successful << '/' << result.successful + result.failed << " succeeded, "
              << result.total_tokens << " tokens, success rate " << result.success_rate() * 100 << "%\n";
    return 0;
}
