// The connection pool: at most `size` connections, opened lazily, a broken one closed and forgotten.
#include "redis/pool.hpp"

#include "redis/error.hpp"

namespace llmgate::inline v1::detail {

RedisPool::RedisPool(RedisUrl url, RedisConnectSettings settings, std::size_t size)
    : url_(std::move(url)), settings_(std::move(settings)), size_(size == 0 ? 1 : size) {}

std::pair<std::unique_ptr<RedisConnection>, bool> RedisPool::acquire(bool fresh) {
    std::shared_ptr<SSL_CTX> tls;
    std::vector<std::unique_ptr<RedisConnection>> stale;  // closed outside the lock
    {
        std::unique_lock lock(mutex_);
        const bool got = freed_.wait_for(lock, settings_.command_timeout, [&] { return !idle_.empty() || open_ < size_; });
        if (!got) throw RedisError(RedisError::Kind::timeout, "no free Redis connection in time");
        if (fresh) {
            // The idle connections are as old as the one that just failed: likely closed by the same restart.
            open_ -= idle_.size();
            stale.swap(idle_);
        }
        if (!idle_.empty()) {
            auto c = std::move(idle_.back());
            idle_.pop_back();
            return {std::move(c), true};
        }
        ++open_;
        if (url_.tls && !tls_) {
            try {
                tls_ = make_tls_context(settings_.ca_file);
            } catch (...) {
                --open_;
                throw;
            }
        }
        tls = tls_;
    }
    try {
        return {std::make_unique<RedisConnection>(url_, settings_, std::move(tls)), false};
    } catch (...) {
        std::lock_guard lock(mutex_);
        --open_;
        freed_.notify_one();
        throw;
    }
}

void RedisPool::release(std::unique_ptr<RedisConnection> c) {
    std::lock_guard lock(mutex_);
    if (c && !c->broken())
        idle_.push_back(std::move(c));
    else
        --open_;
    freed_.notify_one();
}

RedisReply RedisPool::command(const std::vector<std::string>& args) {
    for (bool fresh = false;; fresh = true) {
        auto [c, reused] = acquire(fresh);
        try {
            RedisReply r = c->command(args, settings_.command_timeout);
            release(std::move(c));
            return r;
        } catch (const RedisError& e) {
            release(nullptr);  // the connection is in an unknown state (a reply may still arrive): close it
            // An idle connection the server closed (a restart, its idle `timeout`) says nothing about Redis
            // now: try once more on a new connection before calling it an outage. Not after a timeout, which
            // would double the wait.
            if (reused && e.kind() == RedisError::Kind::unreachable) continue;
            throw;
        } catch (...) {
            release(nullptr);
            throw;
        }
    }
}

}  // namespace llmgate::inline v1::detail
