// What each provider's batch API file implements for llmgate/provider_batch.hpp (src/core/provider_batch.cpp):
// the HTTP calls of one batch API, and its job and result parsers as pure functions (fuzz/ reaches them).
#pragma once

#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "llmgate/provider_batch.hpp"
#include "providers/http_provider.hpp"
#include "transport/http.hpp"

namespace llmgate::inline v1::detail {

// One request of a job, as the provider's adapter built it for completion() (HttpProvider::batch_request).
struct BatchLine {
    std::string custom_id{};  // "request-<index>"
    HttpRequest http{};
};

// One result read from the provider: the reply the request would have had from completion() (status and body,
// read by the adapter's batch_reply), or an error of the batch itself (the request was cancelled or expired).
struct BatchItem {
    std::string custom_id{};
    HttpResponse reply{};
    std::exception_ptr error{};  // when set, `reply` is unused
};

// Where a provider's batch API is and how to authenticate there, learned from the request the adapter builds
// for a completion (`probe`): its URL and headers (the key as the adapter sends it, the API version, ...).
struct BatchEndpoint {
    HttpProvider* provider = nullptr;
    HttpRequest probe{};  // url + auth headers; body unused
    std::string model{};  // the provider's model id
    ProviderBatchOptions options{};  // the caller's: timeout, extra headers, cancel token of every call
};

// One provider's batch API. Every call raises the adapter's typed error for a non-2xx reply.
class BatchApi {
public:
    virtual ~BatchApi() = default;
    virtual BatchJob create(const BatchEndpoint& at, std::vector<BatchLine> lines) const = 0;
    virtual BatchJob get(const BatchEndpoint& at, const std::string& id) const = 0;
    virtual BatchJob cancel(const BatchEndpoint& at, const BatchJob& job) const = 0;
    // Every result the provider reports for a finished job (in any order; the caller maps custom ids).
    virtual std::vector<BatchItem> results(const BatchEndpoint& at, const BatchJob& job) const = 0;
};

// nullptr when the provider has no batch API here.
const BatchApi* batch_api_for(const std::string& provider);

// The parsers (ResponseParseError for bytes of the wrong shape):
// OpenAI / Azure Batch object ({"id","status","request_counts",...}).
BatchJob openai_parse_batch_job(const std::string& provider, const std::string& body);
// An output or error file: JSONL of {"custom_id","response":{"status_code","body"},"error"}.
std::vector<BatchItem> openai_parse_batch_results(const std::string& provider, const std::string& jsonl);
// Anthropic MessageBatch ({"id","processing_status","request_counts",...}).
BatchJob anthropic_parse_batch_job(const std::string& body);
// The results JSONL: {"custom_id","result":{"type":"succeeded"|"errored"|"canceled"|"expired",...}}.
std::vector<BatchItem> anthropic_parse_batch_results(const std::string& jsonl);
// Gemini batch operation ({"name","metadata":{"state","batchStats","output",...}}).
BatchJob gemini_parse_batch_job(const std::string& body);
// The inlined responses of a finished Gemini batch operation.
std::vector<BatchItem> gemini_parse_batch_results(const std::string& body);

// Shared by the files above.
// Sends `http` (at.options' extra headers, timeout and cancel token applied) and raises the adapter's typed
// error for a non-2xx reply.
HttpResponse batch_send(const BatchEndpoint& at, HttpRequest http);
// A request to `url` with the probe's auth headers (no Content-Type / Accept of the probe's).
HttpRequest batch_call(const BatchEndpoint& at, std::string method, std::string url);
// The JSON lines of `text`, blank lines skipped; each parsed as an object or ResponseParseError naming the
// line number.
std::vector<nlohmann::json> batch_jsonl_objects(const std::string& provider, const std::string& what,
                                                const std::string& text);
// An id the provider gave: letters, digits, '_', '-', '.', and for Gemini "batches/<id>"; anything else
// (a path of another resource, a query) is InvalidRequestError before anything is sent.
void check_batch_id(const std::string& provider, const std::string& id, const std::string& prefix = "");
// Unix seconds → RFC 3339 ("" for 0 / absent).
std::string rfc3339_from_unix(std::int64_t seconds);

}  // namespace llmgate::inline v1::detail
