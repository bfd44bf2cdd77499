// RedisCacheStore: CacheMiddleware's replies in Redis, so every process and host of a fleet shares them.
#pragma once

#include <memory>
#include <string>

#include "llmgate/middleware/cache.hpp"
#include "llmgate/redis.hpp"

namespace llmgate::inline v1 {

// Keys are prefix + CacheMiddleware's SHA-256 key (never an API key); values are the reply as compact
// JSON behind a format version ("llmgate-cache/1"), stored with SET key value PX ttl. While Redis is down,
// slow or refusing the password, get() is a miss and put() is dropped (one warning per outage; Redis is
// tried again after a backoff). get / put block for one round trip at most (RedisOptions::command_timeout,
// plus connect_timeout when a connection must be opened);
// CacheMiddleware uses get_async / put_async for async calls, which run on the store's worker thread
// and never block the event loop. Usage:
//   auto store = std::make_shared<RedisCacheStore>(RedisOptions{.url = "redis://cache:6379/0"});
//   Options o{.middleware = {std::make_shared<CacheMiddleware>(std::chrono::hours(1), 0, store)}};
class RedisCacheStore : public CacheStore {
public:
    // Throws InvalidRequestError for a malformed URL; does not connect yet.
    explicit RedisCacheStore(RedisOptions redis, std::string prefix = "llmgate:cache:");
    ~RedisCacheStore() override;

    std::optional<CachedReply> get(const std::string& key) override;
    void put(const std::string& key, const CachedReply& value, std::chrono::milliseconds ttl) override;
    void get_async(const std::string& key, std::function<void(std::optional<CachedReply>)> then) override;
    void put_async(const std::string& key, CachedReply value, std::chrono::milliseconds ttl) override;

    // False while Redis is down (the store then answers every get with a miss).
    bool available() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace llmgate::inline v1
