// EVALSHA first (the script's text is sent only once per server), EVAL on NOSCRIPT (a restarted server).
#include "redis/script.hpp"

#include <openssl/evp.h>

#include "redis/error.hpp"

namespace llmgate::inline v1::detail {
namespace {

std::string sha1_hex(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha1(), nullptr);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

std::vector<std::string> command(const char* verb, const std::string& script, const std::vector<std::string>& keys,
                                 const std::vector<std::string>& args) {
    std::vector<std::string> out{verb, script, std::to_string(keys.size())};
    out.insert(out.end(), keys.begin(), keys.end());
    out.insert(out.end(), args.begin(), args.end());
    return out;
}

}  // namespace

RedisScript::RedisScript(std::string source) : source_(std::move(source)), sha1_(sha1_hex(source_)) {}

RedisReply RedisScript::run(RedisPool& pool, const std::vector<std::string>& keys,
                            const std::vector<std::string>& args) const {
    RedisReply r = pool.command(command("EVALSHA", sha1_, keys, args));
    if (r.is_error() && r.str.rfind("NOSCRIPT", 0) == 0) r = pool.command(command("EVAL", source_, keys, args));
    if (r.is_error()) {
        throw RedisError(kind_of_error_reply(r.str), "Redis script failed: " + r.str);
    }
    return r;
}

}  // namespace llmgate::inline v1::detail
