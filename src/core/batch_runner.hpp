// The engine behind batch / abatch (free functions and LLMGate): a window of async requests.
#pragma once

#include <future>

#include "llmgate/batch.hpp"

namespace llmgate::inline v1::detail {

// Runs one request through `outer` middleware (the batch's, already appended to the caller's own).
// The request is handed on by reference down to where it is used: each by-value hop would move its
// ~600 bytes of fields again, and those inlined moves were a large share of a request's code footprint.
using BatchRunner = std::function<void(const MiddlewareList& outer, CompletionRequest&&, Callback<CompletionResponse>)>;

// The BatchError of request `index`, which failed with `e`: its class name as Python spells it and its
// message (batch() and the provider batch jobs' results() report failures alike).
BatchError describe_batch_error(std::size_t index, const std::exception_ptr& e);

// Runs requests 0..count-1, request i made by next(i) on the event loop thread just before it is sent
// (in index order, one at a time). An exception from next(i) fails index i without stopping the others.
std::future<BatchResult> start_batch(std::size_t count, RequestMaker next, BatchOptions options, BatchRunner run);

// The list and dict forms (over a RequestList); a dict form that is not a
// JSON array fails the whole batch (the future holds InvalidRequestError).
std::future<BatchResult> start_batch(BatchRequests&& requests, BatchOptions options, BatchRunner run);

// The list and dict forms' requests, handed out in place: request i is sent from its slot (no move into
// a temporary), destroyed as soon as the runner has moved out of it, and the list's emptied pages are
// given back to the system as the batch goes (the list of a large batch is most of its memory at the
// start; releasing it in halves, by moving the rest to a smaller list, cost about 5% CPU). Requests are
// taken and released once each, in index order, on the event loop thread (start_batch's contract).
class RequestList {
public:
    // `pre_errors[i]`, when set, fails request i without sending it (a malformed dict entry).
    RequestList(std::vector<CompletionRequest> requests, std::vector<std::exception_ptr> pre_errors = {});
    RequestList(const RequestList&) = delete;
    RequestList& operator=(const RequestList&) = delete;
    ~RequestList();

    std::size_t size() const noexcept { return list_.size(); }
    // Request i, to move out of; throws its pre_error instead when it has one.
    CompletionRequest& take(std::size_t i);
    // Destroys request i (the next one in order) and returns the pages no live request is on any more.
    void release(std::size_t i) noexcept;

private:
    // A variant member, so that its destructor never runs: ~RequestList destroys the requests not yet
    // released and frees the buffer itself, without walking the released ones again.
    union {
        std::vector<CompletionRequest> list_;
    };
    std::vector<std::exception_ptr> pre_errors_;  // one per request (the dict form), else empty
    std::size_t released_ = 0;                    // requests [0, released_) are destroyed
    std::size_t returned_ = 0;                    // bytes from the list's first whole page given back
};

struct ParsedBatch {
    std::vector<CompletionRequest> requests;
    std::vector<std::exception_ptr> errors;  // one per request; null when the entry was usable
};
// Throws InvalidRequestError when `requests` is not a JSON array.
ParsedBatch parse_batch(const json& requests);

}  // namespace llmgate::inline v1::detail
