// RedisRateLimitMiddleware: one requests- and tokens-per-minute budget shared by every process and host
// that uses the same Redis, enforced atomically there; a per-process share of it while Redis is away.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "llmgate/middleware.hpp"
#include "llmgate/redis.hpp"

namespace llmgate::inline v1 {

// Which budget a call draws on.
enum class RateLimitKey {
    provider,  // one budget per provider ("openai", "anthropic", ...): the usual provider quota
    model,     // one per model string as called ("gpt-4o-mini", "groq/llama-3.1-8b-instant")
    name,      // one budget named RedisRateLimitOptions::name, whatever the call
};

struct RedisRateLimitOptions {
    double rpm = 0;    // requests per minute, fleet-wide; <= 0: no request limit
    double tpm = 0;    // tokens per minute, fleet-wide; <= 0: no token limit
    double burst = 1;  // requests that may go at once after a quiet period (1: evenly spaced)
    RateLimitKey key = RateLimitKey::provider;
    std::string name{};  // the budget's name when key == RateLimitKey::name
    // Redis keys are prefix + "{" + budget + "}:" + req | tok | fleet (the braces keep one budget's keys
    // in one Redis Cluster slot).
    std::string prefix = "llmgate:rl:";
    // tpm: a call's tokens are reserved before it is sent as its prompt counted locally plus max_tokens,
    // or this many output tokens when max_tokens is not set; the reservation is corrected by the reply's
    // real usage when it arrives.
    std::int64_t default_output_tokens = 512;
    // While Redis is down each process enforces rpm / fleet and tpm / fleet by itself, the fleet being
    // the processes seen using this budget in the last minute. A process that never reached Redis
    // assumes this fleet size.
    std::size_t fallback_fleet_size = 1;
};

// The fleet-wide budgets of one Redis. Thread-safe; several middleware (or gates) may share one, and one
// limiter serves every budget key. Never connects in its constructor: a Redis that is down at start is
// the same as one that goes down later.
class RedisRateLimiter {
public:
    // Throws InvalidRequestError for a malformed URL.
    RedisRateLimiter(RedisOptions redis, RedisRateLimitOptions limits);
    ~RedisRateLimiter();

    // The budget a call draws on (RateLimitKey).
    std::string key_for(const CompletionRequest& request) const;
    std::string key_for(const EmbeddingRequest& request) const;
    // The tokens reserved for a call before it is sent (0 without a tpm limit).
    std::int64_t estimate_tokens(const CompletionRequest& request) const;
    std::int64_t estimate_tokens(const EmbeddingRequest& request) const;

    struct Reservation {
        std::chrono::milliseconds wait{0};  // how long the caller must wait before sending
        bool shared = false;                // reserved in Redis (false: the per-process fallback)
        std::int64_t tokens = 0;            // the tokens reserved
    };
    // Reserves one request and `tokens` tokens on budget `key`, first come first served across the fleet.
    // Blocks for one Redis round trip (at most command_timeout, plus connect_timeout when a connection must
    // be opened; nothing while Redis is known to be down); never throws for Redis trouble.
    Reservation reserve(const std::string& key, std::int64_t tokens);
    // The same on the limiter's worker thread; `then` runs on llmgate's event loop (run_after).
    void reserve_async(std::string key, std::int64_t tokens, std::function<void(Reservation)> then);
    // A call reserved with `reservation` used `actual` tokens: moves the budget by the difference.
    void record_usage(const std::string& key, const Reservation& reservation, std::int64_t actual);
    // The same, without waiting for Redis (on the worker).
    void record_usage_async(std::string key, Reservation reservation, std::int64_t actual);

    // The processes seen using `key` in the last minute, as Redis last said (0: never reached).
    std::size_t fleet_size(const std::string& key) const;
    // False while Redis is down and the per-process fallback is in force.
    bool shared() const;
    const RedisRateLimitOptions& limits() const noexcept;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

// Waits rather than fails: a blocking call sleeps in its thread, an async call's Redis round trip runs on
// the limiter's worker thread and its wait on an event-loop timer, so the loop never blocks. Completions,
// streams and embeddings all count. See docs/redis.md.
class RedisRateLimitMiddleware : public Middleware {
public:
    RedisRateLimitMiddleware(RedisOptions redis, RedisRateLimitOptions limits)
        : limiter_(std::make_shared<RedisRateLimiter>(std::move(redis), std::move(limits))) {}
    explicit RedisRateLimitMiddleware(std::shared_ptr<RedisRateLimiter> limiter) : limiter_(std::move(limiter)) {}

    void complete(CompletionRequest request, CompleteNext next, Callback<CompletionResponse> done) override;
    void stream(CompletionRequest request, StreamNext next, Callback<Stream> done) override;
    void embed(EmbeddingRequest request, EmbedNext next, Callback<EmbeddingResponse> done) override;

    const std::shared_ptr<RedisRateLimiter>& limiter() const noexcept { return limiter_; }

private:
    std::shared_ptr<RedisRateLimiter> limiter_;
};

}  // namespace llmgate::inline v1
