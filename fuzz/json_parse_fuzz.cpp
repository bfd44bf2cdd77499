// Differential fuzz target for the lean JSON parse (src/util/json_parse.cpp), which reads every large reply
// and stream event: for any bytes it must give exactly what nlohmann::json::parse gives (the same value,
// or a discarded one for text that is not JSON).
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_check.hpp"
#include "util/json_parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    text.reserve(size + 64);  // the padding simdjson reads into
    const nlohmann::json ours = llmgate::detail::parse_json_lean(text, text.capacity());
    const nlohmann::json theirs = nlohmann::json::parse(text, nullptr, false);
    LLMGATE_FUZZ_CHECK(ours.is_discarded() == theirs.is_discarded());
    if (!ours.is_discarded()) {
        LLMGATE_FUZZ_CHECK(ours == theirs);
        LLMGATE_FUZZ_CHECK(ours.dump() == theirs.dump());  // the same number types, not just equal values
    }
    return 0;
}
