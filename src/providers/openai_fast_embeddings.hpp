// The fast path of the OpenAI embeddings mapper (openai_parse_embeddings in openai_compatible.cpp): a
// reply of float lists read by simdjson On-Demand straight into the vectors, without an nlohmann tree.
// The tree costs 16 bytes per number plus the arrays: for 2,048 inputs x 3,072 dimensions, about 100 MB
// on top of the 125 MB body and the 50 MB of vectors.
#pragma once

#include <optional>
#include <string>

#include "llmgate/types.hpp"

namespace llmgate::inline v1::detail {

// The reply as openai_parse_embeddings maps it (raw left empty), or nullopt wherever that mapper might
// answer differently: anything but {object, data, model, usage} at the top and {object, index, embedding}
// in an item, a key given twice, an embedding that is not a list of numbers (base64 goes to the full
// mapper), an index that is not a small non-negative integer, malformed JSON, or a body without the 64
// bytes of spare capacity simdjson reads past the end (the transport reserves them).
std::optional<EmbeddingResponse> openai_parse_embeddings_fast(const std::string& provider, const std::string& body);

}  // namespace llmgate::inline v1::detail
