// Up to N connections to one Redis, shared by threads; a connection that failed is dropped, not reused.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "redis/connection.hpp"

namespace llmgate::inline v1::detail {

class RedisPool {
public:
    RedisPool(RedisUrl url, RedisConnectSettings settings, std::size_t size);

    // One command on a pooled connection (opened on demand). Throws RedisError; an error reply is
    // returned. Waits at most command_timeout for a free connection when all `size` are busy.
    RedisReply command(const std::vector<std::string>& args);

    const RedisUrl& url() const noexcept { return url_; }

private:
    // A connection, and whether it was reused from the idle list (it may have been closed meanwhile).
    std::pair<std::unique_ptr<RedisConnection>, bool> acquire(bool fresh);
    void release(std::unique_ptr<RedisConnection> c);

    RedisUrl url_;
    RedisConnectSettings settings_;
    std::size_t size_;
    std::shared_ptr<SSL_CTX> tls_;  // made on first TLS connect
    std::mutex mutex_;
    std::condition_variable freed_;
    std::vector<std::unique_ptr<RedisConnection>> idle_;
    std::size_t open_ = 0;  // idle + in use
};

}  // namespace llmgate::inline v1::detail
