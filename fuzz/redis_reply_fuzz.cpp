// Fuzz target for the bytes a Redis server sends: RESP through hiredis's reader, cut anywhere, and the
// cached-reply codec a shared cache reads back (a miss, never a throw, for anything not ours).
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "chunking.hpp"
#include "fuzz_check.hpp"
#include "middleware/cached_reply_codec.hpp"
#include "redis/reply.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    llmgate::detail::RespDecoder decoder;
    try {
        for (const auto slice : llmgate::fuzz::slices(input)) {
            decoder.feed(slice);
            while (auto reply = decoder.next()) (void)reply;
        }
    } catch (const std::runtime_error&) {
        // Not RESP: the connection would be dropped.
    }
    // No catch: decode_cached_reply promises a miss for bytes it cannot read.
    (void)llmgate::detail::decode_cached_reply(input);
    return 0;
}
