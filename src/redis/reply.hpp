// A Redis reply as a value, and the incremental decoder that turns bytes into replies (hiredis's reader).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmgate::inline v1::detail {

struct RedisReply {
    enum class Type { nil, integer, string, status, error, array };
    Type type = Type::nil;
    std::int64_t integer = 0;
    std::string str{};  // string, status or error text
    std::vector<RedisReply> elements{};

    bool is_error() const noexcept { return type == Type::error; }
};

// Feeds bytes in any slicing; yields each complete reply. A protocol error (bytes that are not RESP)
// throws std::runtime_error: the connection is then unusable.
class RespDecoder {
public:
    RespDecoder();
    ~RespDecoder();
    RespDecoder(const RespDecoder&) = delete;
    RespDecoder& operator=(const RespDecoder&) = delete;

    void feed(std::string_view bytes);
    std::optional<RedisReply> next();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// One command in RESP (hiredis's redisFormatCommandArgv): binary-safe arguments.
std::string encode_command(const std::vector<std::string>& args);

}  // namespace llmgate::inline v1::detail
