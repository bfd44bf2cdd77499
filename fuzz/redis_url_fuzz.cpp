// Fuzz target for parse_redis_url: any text is a parsed URL or InvalidRequestError, and what it shows has no credentials.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "llmgate/errors.hpp"
#include "redis/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto url = llmgate::detail::parse_redis_url(text);
        LLMGATE_FUZZ_CHECK(!url.host.empty());
        LLMGATE_FUZZ_CHECK(url.port >= 1 && url.port <= 65535);
        LLMGATE_FUZZ_CHECK(url.db >= 0);
        const std::string shown = url.display();
        LLMGATE_FUZZ_CHECK(shown.find('@') == std::string::npos);
    } catch (const llmgate::InvalidRequestError&) {
        // A malformed URL: the one expected error.
    }
    return 0;
}
