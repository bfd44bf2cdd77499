// Middleware: a gate with retry, logging, cache and rate limiting, a fallback chain, and a middleware
// of your own. Runs offline on mock/ (set LLMGATE_MODEL or a provider key to use a real model).
#include <iostream>
#include <memory>

#include <llmgate/llmgate.hpp>

#include "default_model.hpp"

using llmgate::Message;

// Your own middleware: one hook per operation (completions, streams, embeddings), each seeing every form
// of its calls (blocking, async, callback, batch, through a gate). `next` is the rest of the chain and
// `done` receives the result; all three hooks must be written, so none is forgotten. This one makes the
// model "mock/flaky" fail with a rate limit, so the fallback below has something to do.
class FlakyModel : public llmgate::Middleware {
public:
    void complete(llmgate::CompletionRequest request, CompleteNext next,
                  llmgate::Callback<llmgate::CompletionResponse> done) override {
        make_flaky(request);
        next(std::move(request), std::move(done));
    }
    void stream(llmgate::CompletionRequest request, StreamNext next, llmgate::Callback<llmgate::Stream> done) override {
        make_flaky(request);
        next(std::move(request), std::move(done));
    }
    void embed(llmgate::EmbeddingRequest request, EmbedNext next,
               llmgate::Callback<llmgate::EmbeddingResponse> done) override {
        next(std::move(request), std::move(done));  // embeddings pass through unchanged
    }

private:
    static void make_flaky(llmgate::CompletionRequest& request) {
        if (request.model == "mock/flaky") request.options.extra["mock_error"] = "rate_limit";
    }
};

int main() {
    const std::string model = default_model();

    // First in the list = outermost. The cache sits inside logging, so cache hits are logged too.
    llmgate::LLMGate gate(llmgate::MiddlewareList{
        std::make_shared<llmgate::RetryMiddleware>(
            llmgate::RetryMiddleware::Settings{.max_retries = 2, .backoff_factor = 0.2}),
        std::make_shared<llmgate::LoggingMiddleware>("info"),
        std::make_shared<llmgate::CacheMiddleware>(std::chrono::minutes(5)),
        std::make_shared<llmgate::RateLimitMiddleware>(/*rpm=*/600),
    });

    const std::vector<Message> question{Message::user("What is middleware?")};
    auto first = gate.completion(model, question, {.max_tokens = 40});
    auto second = gate.completion(model, question, {.max_tokens = 40});  // answered from the cache
    std::cout << first.text() << "\ncache hit on the second call: " << std::boolalpha << second.cache_hit << "\n\n";

    // A fallback chain: "mock/flaky" fails (rate limit), so the next model answers.
    if (is_mock(model)) {
        auto resp =
            llmgate::completion({"mock/flaky", model}, question, {.middleware = {std::make_shared<FlakyModel>()}});
        std::cout << "answered by " << resp.model << " after " << resp.fallback_attempts.size()
                  << " failed model(s): " << resp.fallback_attempts.front() << '\n';
    }

    // Every model failing raises AllProvidersFailedError with each model's error.
    try {
        llmgate::completion({"mock/a", "mock/b"}, question, {.extra = {{"mock_error", "provider"}}});
    } catch (const llmgate::AllProvidersFailedError& e) {
        for (const auto& [m, err] : e.errors()) {
            try {
                std::rethrow_exception(err);
            } catch (const llmgate::Error& x) {
                std::cout << m << " failed: " << x.type_name() << '\n';
            }
        }
    }
    return 0;
}
