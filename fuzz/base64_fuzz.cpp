// Fuzz target for base64_decode: any text decodes or gives nullopt, and decoding inverts encoding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/base64.hpp"
#include "fuzz_check.hpp"

// No catch: base64_decode reports bad input as nullopt, so any exception is a bug.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);

    // As provider text (embeddings, images): whatever decodes must survive a round trip.
    if (const auto decoded = llmgate::detail::base64_decode(bytes)) {
        const auto again = llmgate::detail::base64_decode(llmgate::detail::base64_encode(*decoded));
        LLMGATE_FUZZ_CHECK(again.has_value() && *again == *decoded);
    }

    // As raw bytes we send (images): our own encoding must always decode back to them.
    const auto back = llmgate::detail::base64_decode(llmgate::detail::base64_encode(bytes));
    LLMGATE_FUZZ_CHECK(back.has_value() && *back == bytes);
    return 0;
}
