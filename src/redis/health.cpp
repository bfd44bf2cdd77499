// The Redis circuit breaker: one warning per outage (what went wrong, never a password), one line at recovery.
#include "redis/health.hpp"

#include <spdlog/spdlog.h>

#include "util/logger.hpp"

namespace llmgate::inline v1::detail {
namespace {

const char* describe(RedisError::Kind kind) {
    switch (kind) {
        case RedisError::Kind::unreachable: return "unreachable";
        case RedisError::Kind::timeout: return "too slow (timed out)";
        case RedisError::Kind::auth: return "refusing authentication (check the user and password in the Redis URL)";
        case RedisError::Kind::protocol: return "answering with bytes that are not Redis replies";
        case RedisError::Kind::server: return "answering with errors";
    }
    return "unusable";
}

}  // namespace

RedisHealth::RedisHealth(std::string display_url, std::chrono::milliseconds retry_after,
                         std::chrono::milliseconds max_retry_after)
    : display_url_(std::move(display_url)),
      first_backoff_(retry_after.count() > 0 ? retry_after : std::chrono::milliseconds(1)),
      max_backoff_(std::max(max_retry_after, first_backoff_)) {}

bool RedisHealth::may_try() {
    std::lock_guard lock(mutex_);
    if (up_) return true;
    if (probing_ || Clock::now() < next_try_) return false;
    probing_ = true;
    return true;
}

void RedisHealth::succeeded() {
    std::chrono::milliseconds down_for{};
    {
        std::lock_guard lock(mutex_);
        if (up_) return;
        up_ = true;
        probing_ = false;
        down_for = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - down_since_);
    }
    library_logger()->info("llmgate: Redis at {} is back after {} ms: shared rate limits and cache are in use again",
                           display_url_, down_for.count());
}

void RedisHealth::failed(const RedisError& e) {
    {
        std::lock_guard lock(mutex_);
        if (!up_) {
            // A probe (or a command that began before the outage) failed: wait longer before the next one.
            if (probing_) backoff_ = std::min(max_backoff_, backoff_ * 2);
            probing_ = false;
            next_try_ = Clock::now() + backoff_;
            return;
        }
        up_ = false;
        probing_ = false;
        backoff_ = first_backoff_;
        down_since_ = Clock::now();
        next_try_ = down_since_ + backoff_;
        ++outages_;
    }
    // e.what() is ours or the server's words, never the URL's credentials (RedisUrl::display()).
    library_logger()->warn(
        "llmgate: Redis at {} is {}: {}. Rate limits fall back to per-process limits and the Redis cache to no "
        "cache; retrying after {} ms",
        display_url_, describe(e.kind()), e.what(), first_backoff_.count());
}

bool RedisHealth::up() const {
    std::lock_guard lock(mutex_);
    return up_;
}

int RedisHealth::outages() const {
    std::lock_guard lock(mutex_);
    return outages_;
}

}  // namespace llmgate::inline v1::detail
