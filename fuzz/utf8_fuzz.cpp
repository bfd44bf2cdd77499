// Differential fuzz target for is_valid_utf8 (src/util/utf8.cpp), which checks the caller's text
// before a request is built and every error message: for any bytes it must agree with simdjson's
// validator, and with nlohmann's serializer, which refuses (type_error 316) exactly the invalid text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <simdjson.h>
#include <nlohmann/json.hpp>

#include "util/utf8.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const bool ours = llmgate::detail::is_valid_utf8(text);
    LLMGATE_FUZZ_CHECK(ours == simdjson::validate_utf8(text.data(), text.size()));
    bool dumps = true;
    try {
        (void)nlohmann::json(std::string(text)).dump();
    } catch (const nlohmann::json::type_error&) {
        dumps = false;
    }
    LLMGATE_FUZZ_CHECK(ours == dumps);
    return 0;
}
