// What can go wrong talking to Redis, by kind: the client degrades on every kind, and says which it was.
#pragma once

#include <stdexcept>
#include <string>

namespace llmgate::inline v1::detail {

class RedisError : public std::runtime_error {
public:
    enum class Kind {
        unreachable,  // refused, reset, DNS, TLS handshake or certificate
        timeout,      // connect or command took longer than allowed
        auth,         // AUTH refused (wrong user or password), or the server wants one and none was given
        protocol,     // bytes that are not RESP, or a reply of an unexpected shape
        server,       // an error reply to a command (not NOSCRIPT, which the script runner handles)
    };
    RedisError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
    Kind kind() const noexcept { return kind_; }

private:
    Kind kind_;
};

// The kind of an error reply: NOAUTH / WRONGPASS (a password missing or wrong) is auth, the rest server.
inline RedisError::Kind kind_of_error_reply(const std::string& text) {
    return text.rfind("NOAUTH", 0) == 0 || text.rfind("WRONGPASS", 0) == 0 ? RedisError::Kind::auth
                                                                            : RedisError::Kind::server;
}

}  // namespace llmgate::inline v1::detail
