// Fuzz target for parse_dotenv: any file text gives a map of well-formed keys, and never throws.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "util/dotenv.hpp"
#include "fuzz_check.hpp"

// No catch: parse_dotenv promises never to throw (unreadable lines are skipped), so any exception is a bug.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const auto& [key, value] : llmgate::detail::parse_dotenv(text)) {
        // The keys become environment variable names: they must be what the parser says it accepts.
        LLMGATE_FUZZ_CHECK(!key.empty());
        for (char c : key) {
            LLMGATE_FUZZ_CHECK(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-');
        }
        (void)value;
    }
    return 0;
}
