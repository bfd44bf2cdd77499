// One connection to Redis: TCP (or TLS) with timeouts, AUTH and SELECT done, commands sent one at a time.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "redis/reply.hpp"
#include "redis/url.hpp"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace llmgate::inline v1::detail {

struct RedisConnectSettings {
    std::chrono::milliseconds connect_timeout{1000};
    std::chrono::milliseconds command_timeout{250};
    std::string ca_file{};  // rediss://: an extra CA file trusted besides the system's
};

// The TLS context every connection of one pool shares (system CAs + ca_file, verification on).
// Throws RedisError(unreachable) when ca_file cannot be loaded.
std::shared_ptr<SSL_CTX> make_tls_context(const std::string& ca_file);

class RedisConnection {
public:
    // Connects, handshakes, authenticates and selects the database within settings.connect_timeout.
    // Throws RedisError.
    RedisConnection(const RedisUrl& url, const RedisConnectSettings& settings, std::shared_ptr<SSL_CTX> tls);
    ~RedisConnection();
    RedisConnection(const RedisConnection&) = delete;
    RedisConnection& operator=(const RedisConnection&) = delete;

    // Sends one command and reads its reply within `timeout`. An error reply is returned, not thrown;
    // I/O failures and timeouts throw RedisError and leave the connection broken().
    RedisReply command(const std::vector<std::string>& args, std::chrono::milliseconds timeout);
    bool broken() const noexcept { return broken_; }

private:
    using Deadline = std::chrono::steady_clock::time_point;
    void connect_tcp(const RedisUrl& url, Deadline deadline);
    void handshake_tls(const RedisUrl& url, Deadline deadline);
    void write_all(const std::string& bytes, Deadline deadline);
    RedisReply read_reply(Deadline deadline);
    void wait_for(short events, Deadline deadline);
    // After an SSL call failed with `ssl_error`: waits for what OpenSSL asked for (WANT_READ or WANT_WRITE;
    // a TLS record may need either in any call) and returns true, or returns false for a real failure.
    bool wait_for_tls(int ssl_error, Deadline deadline);
    [[noreturn]] void fail(int kind, const std::string& what);

    int fd_ = -1;
    SSL* ssl_ = nullptr;
    std::shared_ptr<SSL_CTX> tls_;
    RespDecoder decoder_;
    bool broken_ = false;
};

}  // namespace llmgate::inline v1::detail
