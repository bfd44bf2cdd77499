// Gemini batch mode (Developer API): POST models/{model}:batchGenerateContent with the requests inline
// (batch.inputConfig.requests.requests[{request, metadata:{key}}]), GET batches/{id}, POST batches/{id}:cancel;
// the job is a long-running operation whose metadata is the GenerateContentBatch (state BATCH_STATE_*,
// batchStats, output.inlinedResponses.inlinedResponses[{response | error, metadata}]) — python-genai
// batches.py (_BatchJob_from_mldev, _BatchJobSource_to_mldev, _BatchJobDestination_from_mldev).
#include "llmgate/errors.hpp"
#include "providers/batch/batch_api.hpp"
#include "providers/gemini.hpp"
#include "providers/toolkit/adapter_errors.hpp"
#include "providers/toolkit/json_fields.hpp"

namespace llmgate::inline v1::detail {
namespace {

constexpr const char* kProvider = "gemini";

// {root}/models/{model}:generateContent → {root}.
std::string api_root(const BatchEndpoint& at) {
    const std::string& url = at.probe.url;
    const std::size_t m = url.rfind("/models/");
    if (m == std::string::npos) invalid_request(kProvider, at.model, "cannot tell the batch API's URL from " + url);
    return url.substr(0, m);
}

// batchStats counts are int64 sent as JSON strings.
std::int64_t stat(const json& stats, const char* key) {
    auto it = stats.find(key);
    if (it == stats.end() || it->is_null()) return 0;
    if (it->is_string()) {
        const std::string& s = it->get_ref<const std::string&>();
        if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
            throw json::type_error::create(302, std::string("batchStats.") + key + " is not a count", nullptr);
        return std::stoll(s);
    }
    return json_count(stats, key);
}

// google.rpc.Code → the HTTP status the same error has as a reply (google.rpc code.proto's mapping).
long http_status_of(std::int64_t code) {
    switch (code) {
        case 1: return 499;
        case 3: case 9: case 11: return 400;
        case 4: return 504;
        case 5: return 404;
        case 6: case 10: return 409;
        case 7: return 403;
        case 8: return 429;
        case 12: return 501;
        case 14: return 503;
        case 16: return 401;
        default: return 500;
    }
}

const char* status_name(std::int64_t code) {
    static const char* names[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
                                  "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
                                  "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
                                  "UNAUTHENTICATED"};
    return code >= 0 && code <= 16 ? names[code] : "UNKNOWN";
}

class GeminiBatchApi final : public BatchApi {
public:
    BatchJob create(const BatchEndpoint& at, std::vector<BatchLine> lines) const override {
        const ProviderBatchOptions& options = at.options;
        json requests = json::array();
        for (BatchLine& line : lines)
            requests.push_back(
                json{{"request", json::parse(line.http.body)}, {"metadata", {{"key", line.custom_id}}}});
        std::string display_name = "llmgate-batch";
        if (auto it = options.metadata.find("display_name"); it != options.metadata.end()) display_name = it->second;
        json body{{"batch",
                   {{"displayName", display_name}, {"inputConfig", {{"requests", {{"requests", std::move(requests)}}}}}}}};
        HttpRequest http =
            batch_call(at, "POST", api_root(at) + "/" + gemini_model_resource(at.model) + ":batchGenerateContent");
        http.headers.emplace_back("Content-Type", "application/json");
        http.body = body.dump();
        BatchJob job = gemini_parse_batch_job(batch_send(at, std::move(http)).body);
        if (job.model.empty()) job.model = at.model;
        return job;
    }

    BatchJob get(const BatchEndpoint& at, const std::string& id) const override {
        check_batch_id(kProvider, id, "batches/");
        return gemini_parse_batch_job(batch_send(at, batch_call(at, "GET", api_root(at) + "/" + id)).body);
    }

    // :cancel answers with an empty object; the job as it then is comes from a GET.
    BatchJob cancel(const BatchEndpoint& at, const BatchJob& job) const override {
        check_batch_id(kProvider, job.id, "batches/");
        HttpRequest http = batch_call(at, "POST", api_root(at) + "/" + job.id + ":cancel");
        http.headers.emplace_back("Content-Type", "application/json");
        http.body = "{}";
        batch_send(at, std::move(http));
        return get(at, job.id);
    }

    std::vector<BatchItem> results(const BatchEndpoint& at, const BatchJob& job) const override {
        check_batch_id(kProvider, job.id, "batches/");
        return gemini_parse_batch_results(batch_send(at, batch_call(at, "GET", api_root(at) + "/" + job.id)).body);
    }
};

BatchStatus gemini_status(const std::string& s) {
    // BATCH_STATE_* (Developer API) and the JOB_STATE_* names python-genai maps them to.
    const std::string state = s.rfind("BATCH_STATE_", 0) == 0 ? s.substr(12) : s.rfind("JOB_STATE_", 0) == 0 ? s.substr(10) : s;
    if (state == "PENDING" || state == "QUEUED" || state == "UNSPECIFIED") return BatchStatus::validating;
    if (state == "RUNNING" || state == "UPDATING" || state == "PAUSED") return BatchStatus::in_progress;
    if (state == "SUCCEEDED" || state == "PARTIALLY_SUCCEEDED") return BatchStatus::completed;
    if (state == "FAILED") return BatchStatus::failed;
    if (state == "CANCELLING") return BatchStatus::cancelling;
    if (state == "CANCELLED") return BatchStatus::cancelled;
    if (state == "EXPIRED") return BatchStatus::expired;
    throw json::type_error::create(302, "unknown batch state \"" + s + "\"", nullptr);
}

}  // namespace

const BatchApi* gemini_batch_api() {
    static const GeminiBatchApi api;
    return &api;
}

BatchJob gemini_parse_batch_job(const std::string& body) {
    const json j = reply_object(kProvider, "", body);
    BatchJob job;
    job.provider = kProvider;
    reading_shape(kProvider, "", body, "batch operation", [&] {
        job.id = required_string(j, "name");
        const json* meta = object_field(j, "metadata");
        if (meta == nullptr) throw json::type_error::create(302, "'metadata' is missing", nullptr);
        job.raw_status = required_string(*meta, "state");
        job.status = gemini_status(job.raw_status);
        std::string model = string_field(*meta, "model");
        job.model = model.rfind("models/", 0) == 0 ? model.substr(7) : model;
        job.created_at = string_field(*meta, "createTime");
        job.ended_at = string_field(*meta, "endTime");
        if (const json* stats = object_field(*meta, "batchStats")) {
            job.counts.total = stat(*stats, "requestCount");
            job.counts.completed = stat(*stats, "successfulRequestCount");
            job.counts.failed = stat(*stats, "failedRequestCount");
            job.counts.processing = stat(*stats, "pendingRequestCount");
        }
    });
    job.request_count = static_cast<std::size_t>(job.counts.total);
    job.raw = RawJson::from_text(body);
    return job;
}

std::vector<BatchItem> gemini_parse_batch_results(const std::string& body) {
    const json j = reply_object(kProvider, "", body);
    std::vector<BatchItem> out;
    reading_shape(kProvider, "", body, "batch output", [&] {
        const json* meta = object_field(j, "metadata");
        const json* output = meta != nullptr ? object_field(*meta, "output") : nullptr;
        if (output == nullptr) output = object_field(j, "response");  // the finished operation's response
        if (output == nullptr) throw json::type_error::create(302, "the batch has no output", nullptr);
        if (!string_field(*output, "responsesFile").empty())
            throw json::type_error::create(302, "the output is a responses file, not inlined responses", nullptr);
        const json* outer = object_field(*output, "inlinedResponses");
        const json* list = outer != nullptr ? array_field(*outer, "inlinedResponses") : nullptr;
        if (list == nullptr) throw json::type_error::create(302, "'inlinedResponses.inlinedResponses' is missing", nullptr);
        for (const json& r : *list) {
            require_object(r, "inlinedResponses[]");
            BatchItem item;
            const json* m = object_field(r, "metadata");
            if (m == nullptr) throw json::type_error::create(302, "an inlined response has no metadata.key", nullptr);
            item.custom_id = required_string(*m, "key");
            if (const json* response = object_field(r, "response")) {
                item.reply.status = 200;
                item.reply.body = response->dump();
            } else if (const json* error = object_field(r, "error")) {
                // A google.rpc.Status: sent back as the error reply generateContent would have had.
                const std::int64_t code = json_count(*error, "code");
                item.reply.status = http_status_of(code);
                item.reply.body = json{{"error",
                                        {{"code", item.reply.status},
                                         {"message", string_field(*error, "message")},
                                         {"status", status_name(code)}}}}
                                      .dump();
            } else {
                throw json::type_error::create(302, "an inlined response has neither response nor error", nullptr);
            }
            out.push_back(std::move(item));
        }
    });
    return out;
}

}  // namespace llmgate::inline v1::detail
