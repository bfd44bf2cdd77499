// Fuzz target for openai_parse_usage: any JSON value as the "usage" object gives token counts or, for a count
// that is not a number, json::type_error naming it (the reply parsers turn it into ResponseParseError); never UB.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "llmgate/errors.hpp"
#include "providers/openai_compatible.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const llmgate::json usage = llmgate::json::parse(text, nullptr, false);
    if (usage.is_discarded()) return 0;  // not JSON: the reply parsers reject it before usage is read
    try {
        (void)llmgate::detail::openai_parse_usage(usage);
    } catch (const llmgate::Error&) {
        // Allowed by the project rule.
    } catch (const llmgate::json::type_error&) {
        // A count that is not a number ("ten", an object): bad data, reported by the reply parsers.
    }
    return 0;
}
