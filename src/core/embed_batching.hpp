// Embedding batching: input lists longer than the provider's per-request limit are split, sent in
// parallel (each part through the middleware chain) and reassembled in input order.
#pragma once

#include <vector>

#include "llmgate/middleware.hpp"

namespace llmgate::inline v1::detail {

// The parts `request` must be sent as: one part (the request itself) when the provider has no limit
// (Capabilities::max_embedding_inputs == 0) or the inputs fit.
std::vector<EmbeddingRequest> split_embedding_request(const EmbeddingRequest& request, std::size_t max_inputs);
// Joins the parts' replies: vectors in part order, usage summed, raw as an array of the parts' raw.
EmbeddingResponse merge_embedding_responses(std::vector<EmbeddingResponse> parts);

EmbeddingResponse embed_in_batches(const MiddlewareList& outer, const EmbeddingRequest& request);
void embed_in_batches_async(const MiddlewareList& outer, EmbeddingRequest request, Callback<EmbeddingResponse> done);

}  // namespace llmgate::inline v1::detail
