// Batch: many completions at once, a few in flight at a time on llmgate's event loop, results in
// input order with per-request errors; then a batch fed on demand. Runs offline on mock/.
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <llmgate/llmgate.hpp>

#include "default_model.hpp"

int main() {
    const std::string model = default_model();
    using llmgate::json;

    // The dict shape, as in Python; one request is made to fail on the mock provider.
    json requests = json::array();
    for (int i = 1; i <= 6; ++i) {
        json r = {{"model", model},
                  {"messages", {{{"role", "user"}, {"content", "What is " + std::to_string(i) + "+1?"}}}},
                  {"max_tokens", 20}};
        if (i == 4 && is_mock(model)) r["mock_error"] = "provider";  // passed through to the provider
        requests.push_back(r);
    }

    auto result = llmgate::batch(requests, {
                                               .max_concurrency = 3,
                                               .middleware = {std::make_shared<llmgate::RetryMiddleware>(1)},
                                               .on_progress =
                                                   [](std::size_t done, std::size_t total, std::size_t failed) {
                                                       std::cerr << "\rprogress: " << done << '/' << total << " ("
                                                                 << failed << " failed)" << std::flush;
                                                   },
                                           });
    std::cerr << '\n';

    for (std::size_t i = 0; i < result.results.size(); ++i)
        if (result.results[i]) std::cout << i << ": " << result.results[i]->text() << '\n';
    for (const auto& e : result.errors)
        std::cout << e.index << " failed (" << e.error_type << "): " << e.message << '\n';
    std::cout << result.successful << '/' << result.successful + result.failed << " succeeded, " << result.total_tokens
              << " tokens, success rate " << result.success_rate() * 100 << "%\n";

    // Fed on demand: request i is made on the event loop just before it is sent, so a long list of rows
    // never exists as requests all at once. A row the maker cannot turn into a request fails alone.
    const std::vector<std::string> rows{"red", "green", "", "blue"};
    auto colours = llmgate::batch(
        rows.size(),
        [&](std::size_t i) {
            if (rows[i].empty()) throw std::invalid_argument("row " + std::to_string(i) + " is blank");
            return llmgate::CompletionRequest{
                model, {llmgate::Message::user("Name a fruit that is " + rows[i] + ".")}, {.max_tokens = 20}};
        },
        {.max_concurrency = 2});
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (colours.results[i]) std::cout << rows[i] << ": " << colours.results[i]->text() << '\n';
    for (const auto& e : colours.errors) std::cout << e.index << " failed: " << e.message << '\n';
    return 0;
}
