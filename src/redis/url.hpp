// Parsing a Redis URL (redis://[user:pass@]host[:port][/db], rediss:// for TLS) into its parts.
#pragma once

#include <string>
#include <string_view>

namespace llmgate::inline v1::detail {

struct RedisUrl {
    bool tls = false;
    std::string host{};
    int port = 6379;
    std::string user{};      // empty: AUTH with the password alone (the "default" user)
    std::string password{};  // empty: no AUTH
    int db = 0;

    // host:port/db, with no credentials: what log lines and error messages may show.
    std::string display() const;
};

// Throws InvalidRequestError naming what is wrong (never quoting the password).
RedisUrl parse_redis_url(std::string_view url);

}  // namespace llmgate::inline v1::detail
