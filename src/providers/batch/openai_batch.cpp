// The OpenAI Batch API (and Azure OpenAI's, which mirrors it under {endpoint}/openai with api-version):
// upload the JSONL input (POST /files, purpose=batch), POST /batches, GET /batches/{id},
// POST /batches/{id}/cancel, the output and error files from GET /files/{id}/content
// (openai-python resources/batches.py, files.py; types/batch.py, batch_request_counts.py).
#include "llmgate/errors.hpp"
#include "providers/batch/batch_api.hpp"
#include "providers/toolkit/adapter_errors.hpp"
#include "providers/toolkit/json_fields.hpp"

namespace llmgate::inline v1::detail {
namespace {

bool ends_with(const std::string& s, std::string_view tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Where the Batch API of the adapter's URL is: OpenAI {base}/chat/completions → {base}/files, /batches; Azure
// {endpoint}/openai/deployments/{d}/chat/completions?api-version=V → {endpoint}/openai/files?api-version=V.
struct Routes {
    std::string base{};
    std::string query{};  // "?api-version=…" for Azure, else ""
    std::string url(const std::string& path) const { return base + path + query; }
};

// The endpoint a line is for ("/v1/chat/completions", "/v1/responses"; Azure without "/v1"), from the URL the
// adapter built for it; InvalidRequestError for anything the Batch API does not take.
std::string line_endpoint(const std::string& provider, const std::string& model, const std::string& url) {
    const std::string path = url.substr(0, url.find('?'));
    const std::string prefix = provider == "azure" ? "" : "/v1";
    if (ends_with(path, "/chat/completions")) return prefix + "/chat/completions";
    if (provider != "azure" && ends_with(path, "/responses")) return prefix + "/responses";
    invalid_request(provider, model, "this request goes to " + path + ", which the Batch API does not take");
}

Routes routes(const BatchEndpoint& at) {
    const std::string& url = at.probe.url;
    const std::size_t q = url.find('?');
    std::string path = url.substr(0, q);
    Routes r;
    if (at.provider->name() == "azure") {
        const std::size_t d = path.find("/openai/deployments/");
        if (d == std::string::npos)
            invalid_request("azure", at.model,
                            "Azure OpenAI batches use the deployments API ({endpoint}/openai/deployments/...), not " +
                                path);
        r.base = path.substr(0, d) + "/openai";
        if (q != std::string::npos) r.query = url.substr(q);
        return r;
    }
    for (const char* tail : {"/chat/completions", "/responses"})
        if (ends_with(path, tail)) {
            r.base = path.substr(0, path.size() - std::string_view(tail).size());
            return r;
        }
    invalid_request(at.provider->name(), at.model, "cannot tell the Batch API's URL from " + path);
}

class OpenAIBatchApi final : public BatchApi {
public:
    BatchJob create(const BatchEndpoint& at, std::vector<BatchLine> lines) const override {
        const ProviderBatchOptions& options = at.options;
        const std::string& provider = at.provider->name();
        const Routes r = routes(at);
        std::string endpoint;
        std::string jsonl;
        for (BatchLine& line : lines) {
            const std::string e = line_endpoint(provider, at.model, line.http.url);
            if (endpoint.empty()) endpoint = e;
            if (e != endpoint)
                invalid_request(provider, at.model, "one batch goes to one endpoint, not both " + endpoint + " and " + e);
            json body = json::parse(line.http.body);
            if (provider == "azure") body["model"] = at.model;  // the deployment
            jsonl += json{{"custom_id", line.custom_id}, {"method", "POST"}, {"url", e}, {"body", std::move(body)}}
                         .dump(-1, ' ', false, json::error_handler_t::strict);
            jsonl += '\n';
        }
        HttpRequest upload = batch_call(at, "POST", r.url("/files"));
        upload.multipart = {MultipartPart{.name = "purpose", .data = "batch"},
                            MultipartPart{.name = "file",
                                          .data = std::move(jsonl),
                                          .filename = "llmgate-batch.jsonl",
                                          .content_type = "application/jsonl"}};
        const HttpResponse file = batch_send(at, std::move(upload));
        std::string file_id;
        reading_shape(provider, at.model, file.body, "file", [&] {
            file_id = required_string(reply_object(provider, at.model, file.body), "id");
        });

        json body{{"input_file_id", file_id}, {"endpoint", endpoint}, {"completion_window", "24h"}};
        if (!options.metadata.empty()) body["metadata"] = options.metadata;
        HttpRequest create = batch_call(at, "POST", r.url("/batches"));
        create.headers.emplace_back("Content-Type", "application/json");
        create.body = body.dump();
        BatchJob job = openai_parse_batch_job(provider, batch_send(at, std::move(create)).body);
        if (job.input_file_id.empty()) job.input_file_id = file_id;
        return job;
    }

    BatchJob get(const BatchEndpoint& at, const std::string& id) const override {
        check_batch_id(at.provider->name(), id);
        return openai_parse_batch_job(at.provider->name(),
                                      batch_send(at, batch_call(at, "GET", routes(at).url("/batches/" + id))).body);
    }

    BatchJob cancel(const BatchEndpoint& at, const BatchJob& job) const override {
        check_batch_id(at.provider->name(), job.id);
        return openai_parse_batch_job(
            at.provider->name(),
            batch_send(at, batch_call(at, "POST", routes(at).url("/batches/" + job.id + "/cancel"))).body);
    }

    std::vector<BatchItem> results(const BatchEndpoint& at, const BatchJob& job) const override {
        std::vector<BatchItem> out;
        for (const std::string* file : {&job.output_file_id, &job.error_file_id}) {
            if (file->empty()) continue;
            check_batch_id(at.provider->name(), *file);
            HttpRequest get = batch_call(at, "GET", routes(at).url("/files/" + *file + "/content"));
            std::vector<BatchItem> part =
                openai_parse_batch_results(at.provider->name(), batch_send(at, std::move(get)).body);
            for (BatchItem& item : part) out.push_back(std::move(item));
        }
        return out;
    }
};

BatchStatus openai_status(const std::string& s) {
    if (s == "validating") return BatchStatus::validating;
    if (s == "in_progress") return BatchStatus::in_progress;
    if (s == "finalizing") return BatchStatus::finalizing;
    if (s == "completed") return BatchStatus::completed;
    if (s == "failed") return BatchStatus::failed;
    if (s == "expired") return BatchStatus::expired;
    if (s == "cancelling") return BatchStatus::cancelling;
    if (s == "cancelled") return BatchStatus::cancelled;
    throw json::type_error::create(302, "unknown batch status \"" + s + "\"", nullptr);
}

std::int64_t unix_field(const json& j, const char* key) { return json_count(j, key); }

}  // namespace

const BatchApi* openai_batch_api() {
    static const OpenAIBatchApi api;
    return &api;
}

BatchJob openai_parse_batch_job(const std::string& provider, const std::string& body) {
    const json j = reply_object(provider, "", body);
    BatchJob job;
    job.provider = provider;
    reading_shape(provider, "", body, "batch", [&] {
        job.id = required_string(j, "id");
        job.raw_status = required_string(j, "status");
        job.status = openai_status(job.raw_status);
        job.input_file_id = string_field(j, "input_file_id");
        job.output_file_id = string_field(j, "output_file_id");
        job.error_file_id = string_field(j, "error_file_id");
        if (const json* counts = object_field(j, "request_counts")) {
            job.counts.total = json_count(*counts, "total");
            job.counts.completed = json_count(*counts, "completed");
            job.counts.failed = json_count(*counts, "failed");
            const std::int64_t finished = job.counts.completed + job.counts.failed;
            job.counts.processing = job.done() || finished >= job.counts.total ? 0 : job.counts.total - finished;
        }
        job.created_at = rfc3339_from_unix(unix_field(j, "created_at"));
        job.expires_at = rfc3339_from_unix(unix_field(j, "expires_at"));
        for (const char* ended : {"completed_at", "failed_at", "expired_at", "cancelled_at"})
            if (const std::int64_t t = unix_field(j, ended); t > 0) job.ended_at = rfc3339_from_unix(t);
        if (const json* meta = object_field(j, "metadata"))
            if (auto it = meta->find("model"); it != meta->end() && it->is_string()) job.model = it->get<std::string>();
    });
    job.request_count = static_cast<std::size_t>(job.counts.total);
    job.raw = RawJson::from_text(body);
    return job;
}

std::vector<BatchItem> openai_parse_batch_results(const std::string& provider, const std::string& jsonl) {
    std::vector<BatchItem> out;
    for (const json& line : batch_jsonl_objects(provider, "batch result", jsonl)) {
        BatchItem item;
        const std::string text = line.dump();
        reading_shape(provider, "", text, "batch result line", [&] {
            item.custom_id = required_string(line, "custom_id");
            const json* response = object_field(line, "response");
            const json* error = object_field(line, "error");
            if (response != nullptr && response->contains("status_code")) {
                const json& status = response->at("status_code");
                if (!status.is_number_integer()) throw json::type_error::create(302, "status_code is not an integer", nullptr);
                item.reply.status = status.get<long>();
                const json* body = typed_field(*response, "body", json::value_t::object);
                if (body == nullptr) throw json::type_error::create(302, "'response.body' is missing", nullptr);
                item.reply.body = body->dump();
                if (std::string id = string_field(*response, "request_id"); !id.empty())
                    item.reply.headers.emplace_back("x-request-id", std::move(id));
                return;
            }
            if (error == nullptr) throw json::type_error::create(302, "neither 'response' nor 'error'", nullptr);
            const std::string code = string_field(*error, "code");
            ErrorInfo info{.provider = provider, .message = string_field(*error, "message"), .error_type = code,
                           .body = text.substr(0, 2000)};
            if (info.message.empty()) info.message = "the batch reported an error for this request";
            if (code == "batch_expired")
                item.error = std::make_exception_ptr(TimeoutError(std::move(info)));
            else if (code == "batch_cancelled")
                item.error = std::make_exception_ptr(CancelledError(std::move(info)));
            else
                item.error = std::make_exception_ptr(ProviderAPIError(std::move(info)));
        });
        out.push_back(std::move(item));
    }
    return out;
}

}  // namespace llmgate::inline v1::detail
