// The engine behind batch / abatch (free functions and LLMGate): a window of async requests.
#pragma once

#include <future>

#include "llmgate/batch.hpp"

namespace llmgate::inline v1::detail {

// Runs one request through `outer` middleware (the batch's, already appended to the caller's own).
// The request is handed on by reference down to where it is used: each by-value hop would move its
// ~600 bytes of fields again, and those inlined moves were a large share of a request's code footprint.
using BatchRunner = std::function<void(const MiddlewareList& outer, CompletionRequest&&, Callback<CompletionResponse>)>;

// Runs requests 0..count-1, request i made by next(i) on the event loop thread just before it is sent
// (in index order, one at a time). An exception from next(i) fails index i without stopping the others.
std::future<BatchResult> start_batch(std::size_t count, RequestMaker next, BatchOptions options, BatchRunner run);

// The list and dict forms: start_batch over from_list(requests, pre_errors); a dict form that is not a
// JSON array fails the whole batch (the future holds InvalidRequestError).
std::future<BatchResult> start_batch(BatchRequests&& requests, BatchOptions options, BatchRunner run);

// A maker that hands out a list's requests, each moved out as it starts, and frees the list after the
// last. `pre_errors[i]`, when set, fails request i without sending it (a malformed dict entry).
RequestMaker from_list(std::vector<CompletionRequest> requests, std::vector<std::exception_ptr> pre_errors = {});

struct ParsedBatch {
    std::vector<CompletionRequest> requests;
    std::vector<std::exception_ptr> errors;  // one per request; null when the entry was usable
};
// Throws InvalidRequestError when `requests` is not a JSON array.
ParsedBatch parse_batch(const json& requests);

}  // namespace llmgate::inline v1::detail
