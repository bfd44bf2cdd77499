// A Redis client as the middleware use it: a pool, the health breaker and the async worker, from RedisOptions.
#pragma once

#include <functional>
#include <optional>

#include "llmgate/redis.hpp"
#include "redis/health.hpp"
#include "redis/pool.hpp"
#include "redis/script.hpp"
#include "redis/worker.hpp"

namespace llmgate::inline v1::detail {

class RedisClient {
public:
    // Throws InvalidRequestError for a malformed URL; never connects here (Redis may come up later).
    explicit RedisClient(const RedisOptions& options);

    // Runs `f(pool)` unless Redis is known to be down; nullopt when it was skipped or failed (the failure
    // is reported to the breaker, which logs once per outage).
    template <class F>
    auto attempt(F&& f) -> std::optional<decltype(f(std::declval<RedisPool&>()))> {
        if (!health_.may_try()) return std::nullopt;
        try {
            auto r = f(pool_);
            health_.succeeded();
            return r;
        } catch (const RedisError& e) {
            health_.failed(e);
            return std::nullopt;
        }
    }

    RedisWorker& worker() noexcept { return worker_; }
    RedisHealth& health() noexcept { return health_; }
    RedisPool& pool() noexcept { return pool_; }

private:
    RedisPool pool_;
    RedisHealth health_;
    RedisWorker worker_;  // last: destroyed (joined) first, while the pool its tasks use still exists
};

}  // namespace llmgate::inline v1::detail
