// The engine behind batch / abatch (free functions and LLMGate): a window of async requests.
#pragma once

#include <future>

#include "llmgate/batch.hpp"

namespace llmgate::detail {

// Runs one request through `outer` middleware (the batch's, already appended to the caller's own).
// The request is handed on by reference down to where it is used: each by-value hop would move its
// ~600 bytes of fields again, and those inlined moves were a large share of a request's code footprint.
using BatchRunner = std::function<void(const MiddlewareList& outer, CompletionRequest&&, Callback<CompletionResponse>)>;

// `pre_errors[i]`, when set, fails request i without sending it (a malformed dict entry).
std::future<BatchResult> start_batch(std::vector<CompletionRequest> requests, std::vector<std::exception_ptr> pre_errors,
                                     BatchOptions options, BatchRunner run);

struct ParsedBatch {
    std::vector<CompletionRequest> requests;
    std::vector<std::exception_ptr> errors;  // one per request; null when the entry was usable
};
// Throws InvalidRequestError when `requests` is not a JSON array.
ParsedBatch parse_batch(const json& requests);

}  // namespace llmgate::detail
