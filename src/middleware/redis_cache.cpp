// RedisCacheStore: GET / SET PX of the encoded reply; a Redis outage is a miss, never an error.
#include "llmgate/middleware/redis_cache.hpp"

#include "middleware/cached_reply_codec.hpp"
#include "redis/client.hpp"

namespace llmgate::inline v1 {

struct RedisCacheStore::Impl {
    detail::RedisClient client;
    std::string prefix;

    Impl(const RedisOptions& redis, std::string p) : client(redis), prefix(std::move(p)) {}

    std::optional<CachedReply> get(const std::string& key) {
        auto bytes = client.attempt([&](detail::RedisPool& pool) {
            detail::RedisReply r = pool.command({"GET", prefix + key});
            if (r.is_error()) throw detail::RedisError(detail::kind_of_error_reply(r.str), "GET failed: " + r.str);
            return r.type == detail::RedisReply::Type::string ? std::optional<std::string>(std::move(r.str))
                                                              : std::nullopt;
        });
        if (!bytes || !*bytes) return std::nullopt;
        return detail::decode_cached_reply(**bytes);
    }

    void put(const std::string& key, const CachedReply& value, std::chrono::milliseconds ttl) {
        if (ttl.count() <= 0) return;
        const std::string bytes = detail::encode_cached_reply(value);
        client.attempt([&](detail::RedisPool& pool) {
            detail::RedisReply r = pool.command({"SET", prefix + key, bytes, "PX", std::to_string(ttl.count())});
            if (r.is_error()) throw detail::RedisError(detail::kind_of_error_reply(r.str), "SET failed: " + r.str);
            return true;
        });
    }
};

RedisCacheStore::RedisCacheStore(RedisOptions redis, std::string prefix)
    : impl_(std::make_shared<Impl>(redis, std::move(prefix))) {}
RedisCacheStore::~RedisCacheStore() = default;

std::optional<CachedReply> RedisCacheStore::get(const std::string& key) { return impl_->get(key); }

void RedisCacheStore::put(const std::string& key, const CachedReply& value, std::chrono::milliseconds ttl) {
    impl_->put(key, value, ttl);
}

void RedisCacheStore::get_async(const std::string& key, std::function<void(std::optional<CachedReply>)> then) {
    impl_->client.worker().submit([impl = impl_, key, then = std::move(then)]() mutable {
        std::optional<CachedReply> hit;
        try {
            hit = impl->get(key);
        } catch (...) {
            // Allocation failure only: a miss.
        }
        run_after(std::chrono::milliseconds(0),
                  [then = std::move(then), hit = std::make_shared<std::optional<CachedReply>>(std::move(hit))] {
                      then(std::move(*hit));
                  });
    });
}

void RedisCacheStore::put_async(const std::string& key, CachedReply value, std::chrono::milliseconds ttl) {
    impl_->client.worker().submit([impl = impl_, key, value = std::move(value), ttl] {
        try {
            impl->put(key, value, ttl);
        } catch (...) {
        }
    });
}

bool RedisCacheStore::available() const { return impl_->client.health().up(); }

}  // namespace llmgate::inline v1
