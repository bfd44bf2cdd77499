// CacheMiddleware: answers repeated identical calls from a cache, without reaching the provider.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "llmgate/middleware.hpp"

namespace llmgate::inline v1 {

// What a cache holds: a completion (streams are stored as their assembled reply) or an embedding reply.
using CachedReply = std::variant<CompletionResponse, EmbeddingResponse>;

// Where CacheMiddleware keeps replies. Implement it to share a cache between processes (Redis, ...);
// keys are hex SHA-256 digests and never contain an API key. Must be thread-safe.
class CacheStore {
public:
    virtual ~CacheStore() = default;
    virtual std::optional<CachedReply> get(const std::string& key) = 0;
    virtual void put(const std::string& key, const CachedReply& value, std::chrono::milliseconds ttl) = 0;

    // What CacheMiddleware calls for an async call, on llmgate's event loop thread, where nothing may block.
    // The defaults call get / put in place (right for a store in memory). A store that talks to a server
    // (RedisCacheStore) overrides them to do that elsewhere and run `then` back on the loop (run_after).
    virtual void get_async(const std::string& key, std::function<void(std::optional<CachedReply>)> then) {
        then(get(key));
    }
    virtual void put_async(const std::string& key, CachedReply value, std::chrono::milliseconds ttl) {
        put(key, value, ttl);
    }
};

// Thread-safe in-memory LRU store: at most `max_entries` replies (the least recently used go first),
// each expiring `ttl` after it was stored.
class InMemoryCacheStore : public CacheStore {
public:
    explicit InMemoryCacheStore(std::size_t max_entries = 1000);
    ~InMemoryCacheStore() override;
    std::optional<CachedReply> get(const std::string& key) override;
    void put(const std::string& key, const CachedReply& value, std::chrono::milliseconds ttl) override;
    std::size_t size() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Keyed by a canonical SHA-256 of model, provider, base URL, messages / inputs and every option that
// shapes the reply (sampling, tools, response format, extra body fields). Never keyed on the API key,
// extra headers, timeouts or middleware. Hits return the stored reply with cache_hit = true. Errors
// are never cached. A stream hit is replayed as chunks (one text chunk, one finish chunk); a stream is
// stored only once it ended cleanly.
class CacheMiddleware : public Middleware {
public:
    explicit CacheMiddleware(std::chrono::seconds ttl = std::chrono::seconds(300), std::size_t max_entries = 1000,
                             std::shared_ptr<CacheStore> store = nullptr);

    // The cache key of a call (exposed for tests and custom stores).
    static std::string key_for(const CompletionRequest& request);
    static std::string key_for(const EmbeddingRequest& request);

    void complete(CompletionRequest request, CompleteNext next, Callback<CompletionResponse> done) override;
    void stream(CompletionRequest request, StreamNext next, Callback<Stream> done) override;
    void embed(EmbeddingRequest request, EmbedNext next, Callback<EmbeddingResponse> done) override;

    const std::shared_ptr<CacheStore>& store() const noexcept { return store_; }

private:
    std::chrono::milliseconds ttl_;
    std::shared_ptr<CacheStore> store_;
};

}  // namespace llmgate::inline v1
