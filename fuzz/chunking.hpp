// Cuts a fuzz input into the slices a streaming parser is fed, so chunk boundaries get fuzzed too.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <vector>

namespace llmgate::fuzz {

// The slice lengths come from the input's first 8 bytes, used cyclically (0..31 bytes each), and the whole
// input is still fed: seed files stay plain provider streams, yet every mutation of their first bytes moves
// the cuts. A length of 0 feeds an empty slice, which parsers must treat as "nothing happened" (it must not
// drop state such as a pending CR) before the next slice of at least one byte.
inline std::vector<std::string_view> slices(std::string_view input) {
    std::vector<std::string_view> out;
    const std::size_t control = std::min<std::size_t>(8, input.size());
    std::size_t pos = 0;
    for (std::size_t k = 0; pos < input.size(); ++k) {
        std::size_t len = static_cast<unsigned char>(input[k % control]) % 32;
        if (len == 0) {
            out.push_back(input.substr(pos, 0));
            len = 1;
        }
        len = std::min(len, input.size() - pos);
        out.push_back(input.substr(pos, len));
        pos += len;
    }
    return out;
}

}  // namespace llmgate::fuzz
