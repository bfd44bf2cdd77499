// The providers' asynchronous batch APIs (OpenAI / Azure OpenAI Batch, Anthropic Message Batches, Gemini
// batch mode): submit many completions as one job at about half the price, poll it, read its results in
// input order as the BatchResult batch() returns, cancel it, and pick it up again after a restart.
// See docs/provider-batch.md.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "llmgate/batch.hpp"
#include "llmgate/cancel.hpp"
#include "llmgate/types.hpp"

namespace llmgate::inline v1 {

// A job's state, mapped from each provider's own (BatchJob::raw_status keeps the provider's word):
//   OpenAI / Azure: validating, in_progress, finalizing, completed, failed, expired, cancelling, cancelled;
//   Anthropic processing_status: in_progress, canceling (cancelling), ended (completed; the per-request
//   counts tell what ended how);
//   Gemini BATCH_STATE_*: PENDING (validating), RUNNING (in_progress), SUCCEEDED (completed), FAILED,
//   CANCELLED, EXPIRED.
enum class BatchStatus { validating, in_progress, finalizing, completed, failed, expired, cancelling, cancelled };

// "validating", "in_progress", ... (the names above); and back (nullopt for anything else).
std::string to_string(BatchStatus status);
std::optional<BatchStatus> batch_status_from_string(const std::string& name);

// The requests of a job by outcome, as far as the provider reports them (zero where it does not).
struct BatchCounts {
    std::int64_t total = 0;
    std::int64_t completed = 0;   // succeeded
    std::int64_t failed = 0;      // errored
    std::int64_t cancelled = 0;   // Anthropic "canceled"
    std::int64_t expired = 0;     // Anthropic "expired"
    std::int64_t processing = 0;  // not finished yet
};

// A submitted job: everything poll/wait/results/cancel need, and what a restarted process needs to carry on
// (to_string / from_string). Never holds an API key.
struct BatchJob {
    std::string id{};        // "batch_abc" (OpenAI, Azure), "msgbatch_…" (Anthropic), "batches/…" (Gemini)
    std::string provider{};  // "openai", "azure", "anthropic", "gemini"
    std::string model{};     // the model of the requests as the provider names it (one model per job, but Anthropic)
    BatchStatus status = BatchStatus::validating;
    std::string raw_status{};  // the provider's own word ("in_progress", "ended", "BATCH_STATE_RUNNING", ...)
    BatchCounts counts{};
    std::size_t request_count = 0;  // requests submitted: the size of results()' BatchResult
    std::string created_at{};       // RFC 3339 (OpenAI's Unix times converted), "" when not given
    std::string expires_at{};
    std::string ended_at{};
    // OpenAI / Azure: the uploaded input file and, once the job has finished, its output and error files.
    std::string input_file_id{};
    std::string output_file_id{};
    std::string error_file_id{};
    std::string results_url{};  // Anthropic: where the results JSONL is, once the batch has ended
    std::string api_base{};     // the base URL the job was submitted to, when ProviderBatchOptions::api_base set one
    RawJson raw{};              // the provider's last reply about the job

    // Finished one way or another: completed, failed, expired or cancelled.
    bool done() const;
    // The job as one line of JSON (no key, no raw reply), to save and hand to from_string later.
    std::string to_string() const;
    // InvalidRequestError when `saved` is not a to_string() text.
    static BatchJob from_string(const std::string& saved);
};

struct ProviderBatchOptions {
    std::string api_key{};   // overrides the provider's environment variable for this call
    std::string api_base{};  // overrides the provider's base URL (kept in the job for later calls)
    // OpenAI / Azure: the batch's metadata (at most 16 pairs). Gemini: the first "display_name" is the batch's
    // displayName (default "llmgate-batch").
    std::map<std::string, std::string> metadata{};
    std::chrono::milliseconds timeout{0};  // per HTTP call; 0 = 600 s
    // The largest reply accepted (a results file can be big); 0 = TransportSettings::max_response_bytes (256 MiB).
    std::size_t max_response_bytes = 0;
    std::map<std::string, std::string> extra_headers{};
    std::optional<CancelToken> cancel{};  // stops the HTTP call in flight (CancelledError)
};

struct BatchWaitOptions {
    std::chrono::milliseconds poll_interval{std::chrono::seconds(30)};
    // How long wait() polls before raising TimeoutError (the job goes on at the provider); 0 = no limit.
    std::chrono::milliseconds timeout{std::chrono::hours(25)};
    // Cancelling it ends wait() at once with CancelledError; the job itself is not cancelled (see cancel()).
    std::optional<CancelToken> cancel{};
    std::function<void(const BatchJob&)> on_poll{};  // after each poll, with the job as it now is
    ProviderBatchOptions call{};                    // key, base URL, timeout of each poll
};

// Submits the requests as one job. All must go to one provider with a batch API (OpenAI, Azure OpenAI,
// Anthropic, Gemini) and, but for Anthropic, to one model; InvalidRequestError otherwise, for an empty
// list, for response_format or a streaming option, or for a request completion() would refuse — nothing is
// sent then. Each request is built by the provider's own adapter, so a batch line is exactly what
// completion() would send (OpenAI: files upload then POST /v1/batches; Anthropic: POST
// /v1/messages/batches; Gemini: POST models/{model}:batchGenerateContent with the requests inline).
// Request i is custom_id / key "request-<i>".
BatchJob submit_batch(BatchRequests requests, const ProviderBatchOptions& options = {});

// The job as the provider now describes it (one GET). poll_batch is the same function.
BatchJob poll(const BatchJob& job, const ProviderBatchOptions& options = {});
BatchJob poll_batch(const BatchJob& job, const ProviderBatchOptions& options = {});
// Polls until done() (returning the finished job), the timeout (TimeoutError) or the token (CancelledError).
BatchJob wait(const BatchJob& job, const BatchWaitOptions& options = {});
// The results of a finished job in input order, as batch() returns them: a success is the
// CompletionResponse the adapter parses from the result (exactly as from a completion() reply); a failed
// request is a BatchError at its index carrying the typed error completion() would have raised for the same
// error reply (cancelled / expired requests: CancelledError / TimeoutError), so nothing is silently empty.
// InvalidRequestError when the job is not finished; ResponseParseError for a result file of the wrong shape.
BatchResult results(const BatchJob& job, const ProviderBatchOptions& options = {});
// Asks the provider to cancel the job and returns it as the provider then describes it (usually cancelling).
BatchJob cancel(const BatchJob& job, const ProviderBatchOptions& options = {});

// A job known only by its id (after a crash, from another program): `provider_or_model` is "openai",
// "azure", "anthropic", "gemini", or a model string routed to one ("claude-…", "gemini/…"). One GET.
BatchJob get_batch(const std::string& provider_or_model, const std::string& id, const ProviderBatchOptions& options = {});

}  // namespace llmgate::inline v1
