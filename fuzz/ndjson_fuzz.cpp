// Fuzz target for the NDJSON line framer: any bytes give lines or a llmgate::Error, and read cuts change nothing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chunking.hpp"
#include "fuzz_check.hpp"
#include "llmgate/errors.hpp"
#include "transport/ndjson.hpp"

namespace {

// A small bound so the fuzzer reaches the overlong-line path with short inputs.
constexpr std::size_t kMaxLine = 64;

struct Outcome {
    std::vector<std::string> lines{};
    std::string error{};
};

Outcome frame(const std::vector<std::string_view>& slices) {
    Outcome o;
    llmgate::detail::NdjsonParser parser(kMaxLine);
    try {
        for (std::string_view slice : slices) parser.feed(slice, o.lines);
        parser.finish(o.lines);
    } catch (const llmgate::Error& e) {
        o.error = std::string(e.type_name()) + ": " + e.what();
    }
    return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const Outcome whole = frame({input});
    const Outcome pieces = frame(llmgate::fuzz::slices(input));

    LLMGATE_FUZZ_CHECK(whole.error == pieces.error);
    LLMGATE_FUZZ_CHECK(whole.lines == pieces.lines);
    for (const auto& line : whole.lines) {
        LLMGATE_FUZZ_CHECK(!line.empty());
        LLMGATE_FUZZ_CHECK(line.size() <= kMaxLine);
        LLMGATE_FUZZ_CHECK(line.find('\n') == std::string::npos);
        LLMGATE_FUZZ_CHECK(line.find_first_not_of(" \t\r") != std::string::npos);  // blank lines are skipped
    }
    return 0;
}
