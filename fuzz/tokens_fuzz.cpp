// Fuzz target for the tokeniser (src/tokens): any bytes give ids or InvalidRequestError (exactly when they
// are not UTF-8), and the ids of valid text decode back to it, in both encodings, with and without specials.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "llmgate/errors.hpp"
#include "llmgate/tokens.hpp"
#include "util/utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const bool valid = llmgate::detail::is_valid_utf8(text);
    for (const char* name : {"o200k_base", "cl100k_base"}) {
        const llmgate::Encoding& enc = llmgate::encoding(name);
        try {
            const std::vector<std::uint32_t> ids = enc.encode(text);
            LLMGATE_FUZZ_CHECK(valid);
            LLMGATE_FUZZ_CHECK(enc.decode(ids) == text);
            LLMGATE_FUZZ_CHECK(enc.count(text) == ids.size());
            LLMGATE_FUZZ_CHECK(ids.size() <= text.size());  // every token is at least one byte
            for (const std::uint32_t id : ids) LLMGATE_FUZZ_CHECK(id < enc.n_vocab());
            const std::vector<std::uint32_t> special = enc.encode_with_special(text);
            LLMGATE_FUZZ_CHECK(enc.decode(special) == text);
        } catch (const llmgate::InvalidRequestError&) {
            LLMGATE_FUZZ_CHECK(!valid);
        }
    }
    return 0;
}
