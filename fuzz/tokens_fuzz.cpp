// Fuzz target for the tokeniser (src/tokens): any bytes give ids or InvalidRequestError (exactly when they
// are not UTF-8), and the ids of valid text decode back to it, in both encodings, with and without specials.
// Also: the backtracking long-piece encoder gives the exact merge's ids for the input taken as one piece
// (repeated until it is over 64 bytes, so that short inputs make long pieces).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "llmgate/errors.hpp"
#include "llmgate/tokens.hpp"
#include "tokens/bpe.hpp"
#include "tokens/bpe_backtrack.hpp"
#include "util/utf8.hpp"

namespace {

// The encoding's rank table, rebuilt once from its public token bytes (ranks are the ids below the first gap).
const llmgate::detail::RankTable& rank_table(const llmgate::Encoding& enc) {
    std::string bytes;
    std::vector<std::uint32_t> offsets{0};
    for (std::uint32_t id = 0; id < enc.n_vocab(); ++id) {
        try {
            bytes += enc.token_bytes(id);
        } catch (const llmgate::InvalidRequestError&) {
            break;
        }
        offsets.push_back(static_cast<std::uint32_t>(bytes.size()));
    }
    return *new llmgate::detail::RankTable(std::move(bytes), std::move(offsets));  // kept for the process
}

void check_long_piece(const llmgate::detail::RankTable& table, std::string_view input) {
    if (input.empty()) return;
    std::string piece(input.substr(0, 4096));  // the reference merge is O(n sqrt n): keep runs fast
    while (piece.size() <= 64) piece += input;
    std::vector<std::uint32_t> want, got;
    llmgate::detail::bpe_merge(table, piece, want);
    if (llmgate::detail::bpe_backtrack(table, piece, got)) LLMGATE_FUZZ_CHECK(got == want);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    static const llmgate::detail::RankTable& o200k = rank_table(llmgate::encoding("o200k_base"));
    static const llmgate::detail::RankTable& cl100k = rank_table(llmgate::encoding("cl100k_base"));
    check_long_piece(o200k, text);
    check_long_piece(cl100k, text);
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
