// Where and how llmgate reaches Redis, for the fleet-wide middleware (RedisRateLimitMiddleware,
// RedisCacheStore). See docs/redis.md.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace llmgate::inline v1 {

struct RedisOptions {
    // redis://[user:password@]host[:port][/db], or rediss:// for TLS (verified against the system's CAs
    // plus ca_file, host name checked). Percent-encode '@', ':' and '/' in a password. A malformed URL
    // throws InvalidRequestError when the limiter or store is made.
    std::string url = "redis://127.0.0.1:6379/0";
    std::size_t pool_size = 4;  // connections at most (blocking callers on several threads share them)
    std::chrono::milliseconds connect_timeout{1000};
    // Each command's round trip. Past it Redis counts as down: the caller goes on without it (a local
    // limit, no cache) and Redis is tried again after `retry_after`.
    std::chrono::milliseconds command_timeout{250};
    std::string ca_file{};  // rediss://: a PEM file of CAs trusted besides the system's (a private CA)
    // While Redis is down, it is tried again after this, doubling up to max_retry_after.
    std::chrono::milliseconds retry_after{1000};
    std::chrono::milliseconds max_retry_after{30000};
};

}  // namespace llmgate::inline v1
