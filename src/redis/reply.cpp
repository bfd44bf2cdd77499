// RESP through hiredis's codec (redisReader, redisFormatCommandArgv): we do not hand-write the protocol.
#include "redis/reply.hpp"

#include <hiredis/hiredis.h>

#include <cstdlib>
#include <stdexcept>

namespace llmgate::inline v1::detail {
namespace {

// Nesting beyond this is not something our scripts return; refuse it rather than recurse without bound.
constexpr int kMaxDepth = 16;

RedisReply convert(const redisReply* r, int depth) {
    RedisReply out;
    if (depth > kMaxDepth) throw std::runtime_error("Redis reply nested too deeply");
    switch (r->type) {
        case REDIS_REPLY_INTEGER:
            out.type = RedisReply::Type::integer;
            out.integer = r->integer;
            break;
        case REDIS_REPLY_STRING:
        case REDIS_REPLY_STATUS:
        case REDIS_REPLY_ERROR:
            out.type = r->type == REDIS_REPLY_STRING   ? RedisReply::Type::string
                       : r->type == REDIS_REPLY_STATUS ? RedisReply::Type::status
                                                       : RedisReply::Type::error;
            out.str.assign(r->str, r->len);
            break;
        case REDIS_REPLY_ARRAY:
            out.type = RedisReply::Type::array;
            out.elements.reserve(r->elements);
            for (std::size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i], depth + 1));
            break;
        default:
            out.type = RedisReply::Type::nil;
            break;
    }
    return out;
}

struct ReplyDeleter {
    void operator()(void* r) const { freeReplyObject(r); }
};

}  // namespace

struct RespDecoder::Impl {
    redisReader* reader = nullptr;
};

RespDecoder::RespDecoder() : impl_(std::make_unique<Impl>()) {
    impl_->reader = redisReaderCreate();
    if (!impl_->reader) throw std::bad_alloc();
    // A reply may be as large as a cached completion; the default 16 KiB buffer cap only trims idle memory.
}

RespDecoder::~RespDecoder() { redisReaderFree(impl_->reader); }

void RespDecoder::feed(std::string_view bytes) {
    if (bytes.empty()) return;
    if (redisReaderFeed(impl_->reader, bytes.data(), bytes.size()) != REDIS_OK)
        throw std::runtime_error("Redis reply decoder refused its input");
}

std::optional<RedisReply> RespDecoder::next() {
    void* raw = nullptr;
    if (redisReaderGetReply(impl_->reader, &raw) != REDIS_OK)
        throw std::runtime_error(std::string("Redis protocol error: ") + impl_->reader->errstr);
    if (!raw) return std::nullopt;
    std::unique_ptr<void, ReplyDeleter> owned(raw);
    return convert(static_cast<const redisReply*>(raw), 0);
}

std::string encode_command(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    argv.reserve(args.size());
    lens.reserve(args.size());
    for (const auto& a : args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
    }
    char* target = nullptr;
    const int n = redisFormatCommandArgv(&target, static_cast<int>(argv.size()), argv.data(), lens.data());
    if (n < 0 || !target) throw std::bad_alloc();
    std::string out(target, static_cast<std::size_t>(n));
    redisFreeCommand(target);
    return out;
}

}  // namespace llmgate::inline v1::detail
