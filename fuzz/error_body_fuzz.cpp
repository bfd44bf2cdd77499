// Fuzz target for error_message_from_body / error_type_from_body: any error body gives strings, no throw.
#include <cstddef>
#include <cstdint>
#include <string>

#include "llmgate/errors.hpp"
#include "providers/http_errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    // These run while an error is being reported: failing here would replace the provider's error with ours.
    try {
        (void)llmgate::detail::error_message_from_body(body);
        (void)llmgate::detail::error_type_from_body(body);
    } catch (const llmgate::Error&) {
        // Allowed by the project rule, though neither function has a reason to throw.
    }
    return 0;
}
