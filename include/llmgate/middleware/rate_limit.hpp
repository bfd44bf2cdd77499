// RateLimitMiddleware: keeps calls under a requests-per-minute and tokens-per-minute budget by waiting.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "llmgate/middleware.hpp"

namespace llmgate::inline v1 {

// The shared budget: token buckets refilled continuously. Thread-safe; one limiter may back several
// middleware (or gates) that must share a provider quota.
class RateLimiter {
public:
    // rpm / tpm <= 0 mean no limit on that dimension. `burst` is how many requests may go at once after
    // a quiet period (default 1: requests are spaced 60/rpm seconds apart, so no 60-second window ever
    // holds more than rpm + 1 of them).
    explicit RateLimiter(double rpm, double tpm = 0, double burst = 1);
    ~RateLimiter();
    // Reserves one request and returns how long the caller must wait before sending it (0 = now).
    // Reservations are first come, first served, across sync and async callers.
    std::chrono::milliseconds reserve();
    // Charges the tokens a finished call used against the tokens-per-minute budget.
    void record_tokens(std::int64_t tokens);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Waits rather than fails: a sync call sleeps in the caller's thread, an async call waits on an
// event-loop timer. Embeddings count as requests too; their tokens count against tpm.
// Tokens are charged after each reply (llmgate does not tokenise locally), so tpm holds the next calls
// back once the budget is spent.
class RateLimitMiddleware : public Middleware {
public:
    explicit RateLimitMiddleware(double rpm, double tpm = 0, double burst = 1)
        : limiter_(std::make_shared<RateLimiter>(rpm, tpm, burst)) {}
    explicit RateLimitMiddleware(std::shared_ptr<RateLimiter> limiter) : limiter_(std::move(limiter)) {}

    void complete(CompletionRequest request, CompleteNext next, Callback<CompletionResponse> done) override;
    void stream(CompletionRequest request, StreamNext next, Callback<Stream> done) override;
    void embed(EmbeddingRequest request, EmbedNext next, Callback<EmbeddingResponse> done) override;

    const std::shared_ptr<RateLimiter>& limiter() const noexcept { return limiter_; }

private:
    std::shared_ptr<RateLimiter> limiter_;
};

}  // namespace llmgate::inline v1
