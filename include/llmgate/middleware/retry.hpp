// RetryMiddleware: retries what is worth retrying, with exponential backoff, jitter and Retry-After.
#pragma once

#include <chrono>
#include <exception>

#include "llmgate/middleware.hpp"

namespace llmgate::inline v1 {

// Retries RateLimitError, ProviderAPIError with a 5xx status, TimeoutError and ConnectionError; never
// AuthError, InvalidRequestError, other 4xx replies, StructuredOutputError or anything else.
//
// The wait before retry n (1-based) is backoff_factor * 2^(n-1) seconds, capped at max_backoff, then
// scaled by a random factor in [0.5, 1] when `jitter` is on (so synchronised clients spread out). When
// the provider said how long to wait (RateLimitError::retry_after, from Retry-After / retry-after-ms),
// that wait is used instead; one longer than max_retry_after is not waited for: the error is raised.
//
// Sync calls sleep in the caller's thread; async calls wait on an event-loop timer. A stream is retried
// only until its first chunk has been delivered (opening, and the wait for that first chunk);
// after that its errors reach the caller.
class RetryMiddleware : public Middleware {
public:
    struct Settings {
        int max_retries = 3;          // retries after the first attempt
        double backoff_factor = 0.5;  // seconds
        std::chrono::milliseconds max_backoff{30000};
        bool jitter = true;
        std::chrono::milliseconds max_retry_after{60000};
    };

    explicit RetryMiddleware(Settings settings) : settings_(settings) {}
    explicit RetryMiddleware(int max_retries = 3, double backoff_factor = 0.5)
        : settings_{.max_retries = max_retries, .backoff_factor = backoff_factor} {}

    // Whether this error is one RetryMiddleware retries.
    static bool retryable(const std::exception_ptr& error);
    // The wait before retry `retry` (1-based) after `error`; nullopt when the error should be raised.
    std::optional<std::chrono::milliseconds> delay_before(int retry, const std::exception_ptr& error) const;
    const Settings& settings() const noexcept { return settings_; }

    void complete(CompletionRequest request, CompleteNext next, Callback<CompletionResponse> done) override;
    void stream(CompletionRequest request, StreamNext next, Callback<Stream> done) override;
    void embed(EmbeddingRequest request, EmbedNext next, Callback<EmbeddingResponse> done) override;

private:
    Settings settings_;
};

}  // namespace llmgate::inline v1
