// A Lua script run by EVALSHA, loaded with EVAL when the server does not know it (NOSCRIPT).
#pragma once

#include <string>
#include <vector>

#include "redis/pool.hpp"

namespace llmgate::inline v1::detail {

class RedisScript {
public:
    explicit RedisScript(std::string source);
    // Throws RedisError (server kind for an error reply other than NOSCRIPT).
    RedisReply run(RedisPool& pool, const std::vector<std::string>& keys, const std::vector<std::string>& args) const;
    const std::string& sha1() const noexcept { return sha1_; }

private:
    std::string source_;
    std::string sha1_;
};

}  // namespace llmgate::inline v1::detail
