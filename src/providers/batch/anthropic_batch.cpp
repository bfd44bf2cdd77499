// Anthropic Message Batches: POST /v1/messages/batches {requests:[{custom_id, params}]}, GET and
// POST .../cancel on /v1/messages/batches/{id}, the results JSONL from .../{id}/results
// (anthropic-sdk-python resources/messages/batches.py; types/messages/message_batch*.py).
#include "llmgate/errors.hpp"
#include "providers/batch/batch_api.hpp"
#include "providers/toolkit/adapter_errors.hpp"
#include "providers/toolkit/json_fields.hpp"

namespace llmgate::inline v1::detail {
namespace {

constexpr const char* kProvider = "anthropic";

// {base}/v1/messages, as the adapter posts a message, + "/batches".
std::string batches_url(const BatchEndpoint& at) {
    std::string url = at.probe.url.substr(0, at.probe.url.find('?'));
    return url + "/batches";
}

// The HTTP status Anthropic sends with each error type (docs "Errors"), so an errored result raises what the
// same error reply would have raised from completion().
long status_of(const std::string& type) {
    if (type == "invalid_request_error") return 400;
    if (type == "authentication_error") return 401;
    if (type == "billing_error") return 402;
    if (type == "permission_error") return 403;
    if (type == "not_found_error") return 404;
    if (type == "request_too_large") return 413;
    if (type == "rate_limit_error") return 429;
    if (type == "timeout_error") return 504;
    if (type == "overloaded_error") return 529;
    return 500;  // api_error and anything new
}

class AnthropicBatchApi final : public BatchApi {
public:
    BatchJob create(const BatchEndpoint& at, std::vector<BatchLine> lines) const override {
        json requests = json::array();
        for (BatchLine& line : lines)
            requests.push_back(json{{"custom_id", line.custom_id}, {"params", json::parse(line.http.body)}});
        HttpRequest http = batch_call(at, "POST", batches_url(at));
        http.headers.emplace_back("Content-Type", "application/json");
        http.body = json{{"requests", std::move(requests)}}.dump();
        return anthropic_parse_batch_job(batch_send(at, std::move(http)).body);
    }

    BatchJob get(const BatchEndpoint& at, const std::string& id) const override {
        check_batch_id(kProvider, id);
        return anthropic_parse_batch_job(batch_send(at, batch_call(at, "GET", batches_url(at) + "/" + id)).body);
    }

    BatchJob cancel(const BatchEndpoint& at, const BatchJob& job) const override {
        check_batch_id(kProvider, job.id);
        return anthropic_parse_batch_job(
            batch_send(at, batch_call(at, "POST", batches_url(at) + "/" + job.id + "/cancel")).body);
    }

    // The results endpoint on the adapter's own base URL rather than whatever host results_url names, so the
    // key is only ever sent where completions go.
    std::vector<BatchItem> results(const BatchEndpoint& at, const BatchJob& job) const override {
        check_batch_id(kProvider, job.id);
        HttpRequest http = batch_call(at, "GET", batches_url(at) + "/" + job.id + "/results");
        return anthropic_parse_batch_results(batch_send(at, std::move(http)).body);
    }
};

}  // namespace

const BatchApi* anthropic_batch_api() {
    static const AnthropicBatchApi api;
    return &api;
}

BatchJob anthropic_parse_batch_job(const std::string& body) {
    const json j = reply_object(kProvider, "", body);
    BatchJob job;
    job.provider = kProvider;
    reading_shape(kProvider, "", body, "message batch", [&] {
        job.id = required_string(j, "id");
        job.raw_status = required_string(j, "processing_status");
        const bool cancel_initiated = !string_field(j, "cancel_initiated_at").empty();
        if (job.raw_status == "in_progress")
            job.status = BatchStatus::in_progress;
        else if (job.raw_status == "canceling")
            job.status = BatchStatus::cancelling;
        else if (job.raw_status == "ended")
            job.status = cancel_initiated ? BatchStatus::cancelled : BatchStatus::completed;
        else
            throw json::type_error::create(302, "unknown processing_status \"" + job.raw_status + "\"", nullptr);
        if (const json* c = object_field(j, "request_counts")) {
            job.counts.processing = json_count(*c, "processing");
            job.counts.completed = json_count(*c, "succeeded");
            job.counts.failed = json_count(*c, "errored");
            job.counts.cancelled = json_count(*c, "canceled");
            job.counts.expired = json_count(*c, "expired");
            job.counts.total = add_counts(job.counts.processing, job.counts.completed, job.counts.failed,
                                          job.counts.cancelled, job.counts.expired);
        }
        job.created_at = string_field(j, "created_at");
        job.expires_at = string_field(j, "expires_at");
        job.ended_at = string_field(j, "ended_at");
        job.results_url = string_field(j, "results_url");
    });
    job.request_count = static_cast<std::size_t>(job.counts.total);
    job.raw = RawJson::from_text(body);
    return job;
}

std::vector<BatchItem> anthropic_parse_batch_results(const std::string& jsonl) {
    std::vector<BatchItem> out;
    for (const json& line : batch_jsonl_objects(kProvider, "batch result", jsonl)) {
        BatchItem item;
        const std::string text = line.dump();
        reading_shape(kProvider, "", text, "batch result line", [&] {
            item.custom_id = required_string(line, "custom_id");
            const json* result = object_field(line, "result");
            if (result == nullptr) throw json::type_error::create(302, "'result' is missing", nullptr);
            const std::string type = required_string(*result, "type");
            if (type == "succeeded") {
                const json* message = object_field(*result, "message");
                if (message == nullptr) throw json::type_error::create(302, "'result.message' is missing", nullptr);
                item.reply.status = 200;
                item.reply.body = message->dump();
            } else if (type == "errored") {
                // result.error is the ErrorResponse a failed POST /v1/messages would have had as its body.
                const json* error = object_field(*result, "error");
                if (error == nullptr) throw json::type_error::create(302, "'result.error' is missing", nullptr);
                const json* inner = object_field(*error, "error");
                item.reply.status = status_of(inner != nullptr ? string_field(*inner, "type") : "");
                item.reply.body = error->dump();
                if (std::string id = string_field(*error, "request_id"); !id.empty())
                    item.reply.headers.emplace_back("request-id", std::move(id));
            } else if (type == "canceled") {
                item.error = std::make_exception_ptr(CancelledError(ErrorInfo{
                    .provider = kProvider, .message = "the batch was cancelled before this request was processed",
                    .error_type = type}));
            } else if (type == "expired") {
                item.error = std::make_exception_ptr(TimeoutError(ErrorInfo{
                    .provider = kProvider, .message = "the batch expired before this request was processed",
                    .error_type = type}));
            } else {
                throw json::type_error::create(302, "unknown result type \"" + type + "\"", nullptr);
            }
        });
        out.push_back(std::move(item));
    }
    return out;
}

}  // namespace llmgate::inline v1::detail
