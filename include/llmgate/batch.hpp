// batch / abatch: many completions at once on the shared event loop, with a concurrency window.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "llmgate/cancel.hpp"
#include "llmgate/middleware.hpp"
#include "llmgate/requests.hpp"
#include "llmgate/types.hpp"

namespace llmgate::inline v1 {

// One failed request of a batch.
struct BatchError {
    std::size_t index = 0;     // position in the input
    std::string error_type{};  // the error class as Python names it ("RateLimitError", ...)
    std::string message{};
    std::exception_ptr error{};  // the error itself, to rethrow or inspect
};

struct BatchResult {
    std::vector<std::optional<CompletionResponse>> results{};  // input order; empty where the request failed
    std::vector<BatchError> errors{};                          // ordered by index
    std::size_t successful = 0;
    std::size_t failed = 0;
    std::int64_t total_tokens = 0;  // summed over the successes
    // Fraction that succeeded, 0.0 - 1.0 (1.0 for an empty batch).
    double success_rate() const {
        const auto total = successful + failed;
        return total == 0 ? 1.0 : static_cast<double>(successful) / static_cast<double>(total);
    }
};

struct BatchOptions {
    std::size_t max_concurrency = 5;  // requests in flight at once (0 counts as 1)
    // Stop at the first failure: nothing more is started, the requests still in flight are cancelled
    // (their connections closed), and batch() raises that request's error (abatch's future holds it).
    bool fail_fast = false;
    // Cancelling it stops the whole batch: requests in flight end with CancelledError and those not yet
    // started fail with it without being sent, each at its own index (nothing is lost or skipped).
    std::optional<CancelToken> cancel{};
    // Applied to every request, inside gate middleware and outside each request's Options::middleware.
    MiddlewareList middleware{};
    // Called after each request finishes, with (done, total, failed) so far. Runs on the event loop
    // thread, one call at a time: keep it short and never block in it.
    std::function<void(std::size_t done, std::size_t total, std::size_t failed)> on_progress{};
};

// The requests of a batch: a list of CompletionRequest (each with its own model, messages and options),
// or the dict shape [{"model": "gpt-4o-mini", "messages": [...], "max_tokens": 50}, ...], where a
// malformed entry fails at its own index (InvalidRequestError) without stopping the others.
// Taken by value: pass std::move(requests) when you no longer need them, and each request's memory is
// released as soon as it has been sent instead of the whole list being copied.
class BatchRequests {
public:
    BatchRequests(std::vector<CompletionRequest> requests) : value_(std::move(requests)) {}  // NOLINT
    BatchRequests(std::initializer_list<CompletionRequest> requests)                         // NOLINT
        : value_(std::vector<CompletionRequest>(requests)) {}
    BatchRequests(json requests) : value_(std::move(requests)) {}  // NOLINT(google-explicit-constructor)

    std::variant<std::vector<CompletionRequest>, json>& value() noexcept { return value_; }

private:
    std::variant<std::vector<CompletionRequest>, json> value_;
};

// Runs every request with at most max_concurrency in flight on llmgate's event loop (no thread per
// request). Results come back in input order.
BatchResult batch(BatchRequests requests, const BatchOptions& options = {});
std::future<BatchResult> abatch(BatchRequests requests, const BatchOptions& options = {});

// Makes request `index` of a batch fed on demand (see below).
using RequestMaker = std::function<CompletionRequest(std::size_t index)>;

// Requests made on demand: make_request(i) is called for i = 0..count-1, in order, each just before
// request i is sent, so a fan-out over 100,000 prompts holds only the requests in flight, never the whole
// list. An exception from make_request fails that index (in BatchResult::errors) without stopping the
// others. It runs on llmgate's event loop thread, one call at a time: keep it quick, never block in it,
// and never call a blocking llmgate function from it (that would wait for the thread it runs on).
// An empty make_request raises InvalidRequestError.
BatchResult batch(std::size_t count, RequestMaker make_request, const BatchOptions& options = {});
std::future<BatchResult> abatch(std::size_t count, RequestMaker make_request, const BatchOptions& options = {});

// One request in the dict shape: "model" and "messages" (OpenAI shape) plus options by their Python
// names: provider, api_key, api_base, max_tokens, temperature, top_p, stop (string or list), seed,
// tools, tool_choice, parallel_tool_calls, reasoning_effort, reasoning_budget_tokens, user, timeout
// (seconds), extra_headers, extra. Any other key is passed to the provider as an extra body field, as
// Python's **kwargs are.
// Throws InvalidRequestError for a malformed entry.
CompletionRequest completion_request_from_json(const json& request);

}  // namespace llmgate::inline v1
