// Errors: every failure is a typed llmgate::Error; catch the specific kinds you can act on first.
#include <chrono>
#include <iostream>
#include <string>

#include <llmgate/llmgate.hpp>

namespace {

// Returns what happened, so main() can show each kind of failure in turn.
std::string ask(const std::string& model, const llmgate::Options& options) {
    try {
        return "ok: " + llmgate::completion(model, {llmgate::Message::user("Hi")}, options).text();
    } catch (const llmgate::RateLimitError& e) {
        // retry_after is set when the provider said how long to wait; a real caller would sleep and retry.
        const auto wait = e.retry_after().value_or(std::chrono::milliseconds(0));
        return std::string(e.type_name()) + " (status " + std::to_string(e.status()) + ", retry after " +
               std::to_string(wait.count()) + " ms)";
    } catch (const llmgate::AuthError& e) {
        return std::string(e.type_name()) + ": check the API key (status " + std::to_string(e.status()) + ")";
    } catch (const llmgate::ModelNotFoundError& e) {
        return std::string(e.type_name()) + ": " + e.what();
    } catch (const llmgate::Error& e) {
        // The base class carries the rest: provider, HTTP status, request id, the provider's own message.
        return std::string(e.type_name()) + " from provider '" + e.provider() + "': " + e.provider_message();
    }
}

}  // namespace

int main() {
    // The mock provider raises any error kind on request, so each handler can be tried offline.
    for (const char* kind : {"rate_limit", "auth", "timeout", "provider"}) {
        llmgate::Options options;
        options.extra["mock_error"] = kind;
        std::cout << "mock_error=" << kind << " -> " << ask("mock/errors", options) << '\n';
    }
    llmgate::Options unknown;
    unknown.provider = "nosuch";
    std::cout << "unknown provider -> " << ask("no-such-model", unknown) << '\n';
    std::cout << "no error -> " << ask("mock/errors", {}) << '\n';
}
