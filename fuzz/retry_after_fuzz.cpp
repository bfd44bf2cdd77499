// Fuzz target for parse_retry_after: any header values give a delay or nullopt, never UB.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "llmgate/errors.hpp"
#include "providers/http_errors.hpp"

namespace {

// The input is read as header lines "name: value" (names lower-cased, as the transport stores them), so
// seeds are plain header blocks and the fuzzer can mix retry-after-ms, retry-after and repeats.
llmgate::detail::Headers headers_from(std::string_view text) {
    llmgate::detail::Headers headers;
    while (!text.empty()) {
        const std::size_t eol = std::min(text.find('\n'), text.size());
        std::string_view line = text.substr(0, eol);
        text.remove_prefix(std::min(eol + 1, text.size()));
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        std::string name(line.substr(0, colon));
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        headers.emplace_back(std::move(name), std::string(value));
    }
    return headers;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto headers = headers_from(std::string_view(reinterpret_cast<const char*>(data), size));
    try {
        (void)llmgate::detail::parse_retry_after(headers);
    } catch (const llmgate::Error&) {
        // Allowed by the project rule, though a bad header should just mean "no hint".
    }
    return 0;
}
