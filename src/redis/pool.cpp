// The connection pool: at most `size` connections, opened lazily, a broken one closed and forgotten.
#include "redis/pool.hpp"

#include "redis/error.hpp"

namespace llmgate::inline v1::detail {

RedisPool::RedisPool(RedisUrl url, RedisConnectSettings settings, std::size_t size)
    : url_(std::move(url)), settings_(std::move(settings)), size_(size == 0 ? 1 : size) {}

std::unique_ptr<RedisConnection> RedisPool::acquire() {
    std::shared_ptr<SSL_CTX> tls;
    {
        std::unique_lock lock(mutex_);
        const bool got = freed_.wait_for(lock, settings_.command_timeout, [&] { return !idle_.empty() || open_ < size_; });
        if (!got) throw RedisError(RedisError::Kind::timeout, "no free Redis connection in time");
        if (!idle_.empty()) {
            auto c = std::move(idle_.back());
            idle_.pop_back();
            return c;
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
        return std::make_unique<RedisConnection>(url_, settings_, std::move(tls));
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
    auto c = acquire();
    try {
        RedisReply r = c->command(args, settings_.command_timeout);
        release(std::move(c));
        return r;
    } catch (...) {
        release(nullptr);  // the connection is in an unknown state (a reply may still arrive): close it
        throw;
    }
}

void RedisPool::drop_idle() {
    std::vector<std::unique_ptr<RedisConnection>> closing;
    {
        std::lock_guard lock(mutex_);
        open_ -= idle_.size();
        closing.swap(idle_);
        freed_.notify_all();
    }
}

}  // namespace llmgate::inline v1::detail
