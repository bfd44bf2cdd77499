// Fuzz target for extract_json / parse_whole_json: any reply text gives a JSON value or nullopt.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "structured/json_extraction.hpp"

// No catch: extraction is documented as never throwing, so any exception is a bug.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto whole = llmgate::detail::parse_whole_json(text);
    const auto found = llmgate::detail::extract_json(text);
    // A reply that is JSON as a whole is taken as it is.
    if (whole) LLMGATE_FUZZ_CHECK(found && *found == *whole);
    if (found) {
        // What was found is a real JSON value: written back out it is found again, unchanged.
        const auto again = llmgate::detail::extract_json(found->dump());
        LLMGATE_FUZZ_CHECK(again && *again == *found);
    }
    return 0;
}
