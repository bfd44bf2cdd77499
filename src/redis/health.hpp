// Whether Redis is usable now: a circuit breaker that logs once when Redis goes away and once when it is back.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include "redis/error.hpp"

namespace llmgate::inline v1::detail {

class RedisHealth {
public:
    using Clock = std::chrono::steady_clock;
    RedisHealth(std::string display_url, std::chrono::milliseconds retry_after, std::chrono::milliseconds max_retry_after);

    // True when a command may be tried: Redis is up, or it is down and this caller is the one probe
    // allowed after the backoff. A caller told false goes on without Redis, at once.
    bool may_try();
    // The outcome of a command that was tried.
    void succeeded();
    void failed(const RedisError& e);
    bool up() const;
    // Outages seen so far (each logged once): for tests and metrics.
    int outages() const;

private:
    std::string display_url_;
    std::chrono::milliseconds first_backoff_, max_backoff_;
    mutable std::mutex mutex_;
    bool up_ = true;
    bool probing_ = false;
    std::chrono::milliseconds backoff_{0};
    Clock::time_point next_try_{};
    Clock::time_point down_since_{};
    int outages_ = 0;
};

}  // namespace llmgate::inline v1::detail
