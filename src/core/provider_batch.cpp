// The providers' batch APIs behind one call form (llmgate/provider_batch.hpp): each request prepared as
// dispatch_completion would (core/dispatch.cpp) and built by its adapter, sent by the provider's BatchApi
// (src/providers/batch/), each result read back by the same adapter as a completion() reply.
#include "llmgate/provider_batch.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "core/batch_runner.hpp"
#include "core/cancellable_wait.hpp"
#include "core/dispatch.hpp"
#include "llmgate/errors.hpp"
#include "providers/batch/batch_api.hpp"
#include "providers/registry.hpp"
#include "util/json_numbers.hpp"

namespace llmgate::inline v1 {
namespace {

using detail::BatchApi;
using detail::BatchEndpoint;

[[noreturn]] void invalid(const std::string& provider, const std::string& message) {
    throw InvalidRequestError(ErrorInfo{.provider = provider, .message = message});
}

std::string custom_id(std::size_t index) { return "request-" + std::to_string(index); }

// "request-12" → 12; nullopt for anything we did not send.
std::optional<std::size_t> index_of(const std::string& id) {
    if (id.rfind("request-", 0) != 0 || id.size() == 8 || id.size() > 20) return std::nullopt;
    std::size_t v = 0;
    for (std::size_t i = 8; i < id.size(); ++i) {
        if (id[i] < '0' || id[i] > '9') return std::nullopt;
        v = v * 10 + static_cast<std::size_t>(id[i] - '0');
    }
    if (id.size() > 9 && id[8] == '0') return std::nullopt;  // "request-01" is not one of ours
    return v;
}

const BatchApi& api_of(const std::string& provider) {
    const BatchApi* api = detail::batch_api_for(provider);
    if (api == nullptr)
        invalid(provider, provider.empty() ? std::string("the batch job names no provider")
                                           : provider + " has no batch API in llmgate (OpenAI, Azure OpenAI, Anthropic "
                                                        "and Gemini have)");
    return *api;
}

detail::HttpProvider& http_provider(detail::Provider& p) {
    auto* hp = dynamic_cast<detail::HttpProvider*>(&p);
    if (hp == nullptr) invalid(p.name(), p.name() + " has no batch API in llmgate");
    return *hp;
}

// Where the provider's batch API is and the auth it takes, from the request its adapter builds for a
// completion of `model` (a stand-in model when the job does not name one: only the URL's root and the
// headers are used).
BatchEndpoint endpoint(const std::string& provider, const std::string& model, const ProviderBatchOptions& o,
                       const std::string& job_api_base) {
    (void)api_of(provider);
    detail::HttpProvider& hp = http_provider(detail::provider_named(provider));
    const std::string probe_model = model.empty() ? std::string("batch") : model;
    detail::ChatRequest probe{.model = probe_model, .messages = {Message::user(".")}};
    probe.options.api_key = o.api_key;
    probe.options.api_base = o.api_base.empty() ? job_api_base : o.api_base;
    probe.options.cancel = o.cancel;
    BatchEndpoint at{.provider = &hp, .probe = hp.batch_request(probe), .model = model, .options = o};
    return at;
}

// The fields a refreshed job cannot know from the provider's reply (what was submitted, where to).
BatchJob merged(const BatchJob& before, BatchJob now) {
    now.provider = before.provider;
    if (now.model.empty()) now.model = before.model;
    if (before.request_count > now.request_count) now.request_count = before.request_count;
    if (now.input_file_id.empty()) now.input_file_id = before.input_file_id;
    now.api_base = before.api_base;
    return now;
}

// The error of a request with no result in the job's output: what the whole job ended as, never an empty success.
std::exception_ptr missing_result(const BatchJob& job, std::size_t index) {
    ErrorInfo info{.provider = job.provider, .model = job.model, .error_type = job.raw_status};
    const std::string id = custom_id(index);
    switch (job.status) {
        case BatchStatus::cancelled:
            info.message = "the batch was cancelled before " + id + " was processed";
            return std::make_exception_ptr(CancelledError(std::move(info)));
        case BatchStatus::expired:
            info.message = "the batch expired before " + id + " was processed";
            return std::make_exception_ptr(TimeoutError(std::move(info)));
        case BatchStatus::failed: {
            info.message = "the batch failed";
            const json& raw = job.raw.get();
            if (raw.is_object())
                if (auto errors = raw.find("errors"); errors != raw.end() && errors->is_object())
                    if (auto data = errors->find("data"); data != errors->end() && data->is_array())
                        for (const json& e : *data)
                            if (e.is_object() && e.contains("message") && e["message"].is_string())
                                info.message += ": " + e["message"].get<std::string>();
            return std::make_exception_ptr(ProviderAPIError(std::move(info)));
        }
        default:
            info.message = "the batch's output has no result for " + id;
            return std::make_exception_ptr(ResponseParseError(std::move(info)));
    }
}

std::vector<CompletionRequest> request_list(BatchRequests& requests) {
    auto& v = requests.value();
    if (auto* list = std::get_if<std::vector<CompletionRequest>>(&v)) return std::move(*list);
    const json& j = std::get<json>(v);
    if (!j.is_array()) invalid("", "the requests of a batch are a list");
    std::vector<CompletionRequest> out;
    out.reserve(j.size());
    for (std::size_t i = 0; i < j.size(); ++i) {
        try {
            out.push_back(completion_request_from_json(j[i]));
        } catch (const Error& e) {
            invalid(e.provider(), "request " + std::to_string(i) + ": " + e.what());
        }
    }
    return out;
}

}  // namespace

std::string to_string(BatchStatus status) {
    switch (status) {
        case BatchStatus::validating: return "validating";
        case BatchStatus::in_progress: return "in_progress";
        case BatchStatus::finalizing: return "finalizing";
        case BatchStatus::completed: return "completed";
        case BatchStatus::failed: return "failed";
        case BatchStatus::expired: return "expired";
        case BatchStatus::cancelling: return "cancelling";
        case BatchStatus::cancelled: return "cancelled";
    }
    return "validating";
}

std::optional<BatchStatus> batch_status_from_string(const std::string& name) {
    for (BatchStatus s : {BatchStatus::validating, BatchStatus::in_progress, BatchStatus::finalizing,
                          BatchStatus::completed, BatchStatus::failed, BatchStatus::expired, BatchStatus::cancelling,
                          BatchStatus::cancelled})
        if (to_string(s) == name) return s;
    return std::nullopt;
}

bool BatchJob::done() const {
    return status == BatchStatus::completed || status == BatchStatus::failed || status == BatchStatus::expired ||
           status == BatchStatus::cancelled;
}

std::string BatchJob::to_string() const {
    json j{{"llmgate_batch_job", 1},
           {"id", id},
           {"provider", provider},
           {"model", model},
           {"status", llmgate::to_string(status)},
           {"raw_status", raw_status},
           {"request_count", request_count},
           {"counts",
            {{"total", counts.total},
             {"completed", counts.completed},
             {"failed", counts.failed},
             {"cancelled", counts.cancelled},
             {"expired", counts.expired},
             {"processing", counts.processing}}}};
    auto put = [&](const char* key, const std::string& value) {
        if (!value.empty()) j[key] = value;
    };
    put("created_at", created_at);
    put("expires_at", expires_at);
    put("ended_at", ended_at);
    put("input_file_id", input_file_id);
    put("output_file_id", output_file_id);
    put("error_file_id", error_file_id);
    put("results_url", results_url);
    put("api_base", api_base);
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

BatchJob BatchJob::from_string(const std::string& saved) {
    const json j = json::parse(saved, nullptr, false);
    auto bad = [&](const std::string& why) -> BatchJob {
        invalid("", "not a saved batch job (BatchJob::to_string): " + why);
    };
    if (!j.is_object() || !j.contains("llmgate_batch_job")) return bad("expected its JSON object");
    BatchJob job;
    try {
        job.id = j.at("id").get<std::string>();
        job.provider = j.at("provider").get<std::string>();
        job.model = j.value("model", "");
        const auto status = batch_status_from_string(j.value("status", ""));
        if (!status) return bad("unknown status");
        job.status = *status;
        job.raw_status = j.value("raw_status", "");
        job.request_count = static_cast<std::size_t>(detail::json_count(j, "request_count"));
        if (const auto c = j.find("counts"); c != j.end() && c->is_object()) {
            job.counts.total = detail::json_count(*c, "total");
            job.counts.completed = detail::json_count(*c, "completed");
            job.counts.failed = detail::json_count(*c, "failed");
            job.counts.cancelled = detail::json_count(*c, "cancelled");
            job.counts.expired = detail::json_count(*c, "expired");
            job.counts.processing = detail::json_count(*c, "processing");
        }
        job.created_at = j.value("created_at", "");
        job.expires_at = j.value("expires_at", "");
        job.ended_at = j.value("ended_at", "");
        job.input_file_id = j.value("input_file_id", "");
        job.output_file_id = j.value("output_file_id", "");
        job.error_file_id = j.value("error_file_id", "");
        job.results_url = j.value("results_url", "");
        job.api_base = j.value("api_base", "");
    } catch (const json::exception& e) {
        return bad(e.what());
    }
    if (job.id.empty()) return bad("no id");
    (void)api_of(job.provider);
    return job;
}

BatchJob submit_batch(BatchRequests requests, const ProviderBatchOptions& options) {
    std::vector<CompletionRequest> list = request_list(requests);
    if (list.empty()) invalid("", "a batch needs at least one request");
    std::string provider;
    std::string model;
    detail::HttpProvider* hp = nullptr;
    std::vector<detail::BatchLine> lines;
    lines.reserve(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
        detail::PreparedBatchRequest prepared = detail::prepare_batch_request(list[i]);
        const std::string& name = prepared.provider->name();
        if (i == 0) {
            provider = name;
            model = prepared.chat.model;
            (void)api_of(provider);
            hp = &http_provider(*prepared.provider);
        } else if (name != provider) {
            invalid(provider, "one batch goes to one provider: request 0 is for " + provider + ", request " +
                                  std::to_string(i) + " for " + name);
        } else if (prepared.chat.model != model && provider != "anthropic") {
            invalid(provider, "a " + provider + " batch runs one model: request 0 is for " + model + ", request " +
                                  std::to_string(i) + " for " + prepared.chat.model);
        }
        lines.push_back(detail::BatchLine{.custom_id = custom_id(i), .http = hp->batch_request(prepared.chat)});
    }
    ProviderBatchOptions o = options;
    if (o.api_key.empty()) o.api_key = list[0].options.api_key;
    if (o.api_base.empty()) o.api_base = list[0].options.api_base;
    BatchEndpoint at = endpoint(provider, model, o, "");
    BatchJob job = api_of(provider).create(at, std::move(lines));
    job.provider = provider;
    const bool one_model = std::all_of(list.begin(), list.end(), [&](const CompletionRequest& r) {
        return r.model == list[0].model;
    });
    if (job.model.empty() && one_model) job.model = model;
    job.request_count = list.size();
    job.api_base = o.api_base;
    return job;
}

BatchJob poll(const BatchJob& job, const ProviderBatchOptions& options) {
    BatchEndpoint at = endpoint(job.provider, job.model, options, job.api_base);
    return merged(job, api_of(job.provider).get(at, job.id));
}

BatchJob poll_batch(const BatchJob& job, const ProviderBatchOptions& options) { return poll(job, options); }

BatchJob wait(const BatchJob& job, const BatchWaitOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    BatchJob current = job;
    for (;;) {
        if (options.cancel && options.cancel->cancelled())
            throw CancelledError(ErrorInfo{.provider = job.provider,
                                           .message = "stopped waiting for batch " + job.id +
                                                      " (its CancelToken); the job goes on at the provider"});
        current = poll(current, options.call);
        if (options.on_poll) options.on_poll(current);
        if (current.done()) return current;
        const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        if (options.timeout.count() > 0 && waited + options.poll_interval > options.timeout)
            throw TimeoutError(ErrorInfo{.provider = job.provider,
                                         .message = "batch " + job.id + " is still " + to_string(current.status) +
                                                    " after waiting " + std::to_string(waited.count()) +
                                                    " ms; the job goes on at the provider"});
        detail::sleep_unless_cancelled(options.poll_interval, options.cancel);
    }
}

BatchResult results(const BatchJob& job, const ProviderBatchOptions& options) {
    if (!job.done())
        invalid(job.provider, "batch " + job.id + " is " + to_string(job.status) +
                                  ": its results are there once it has finished (poll or wait for it)");
    std::size_t n = job.request_count;
    if (n == 0) n = static_cast<std::size_t>(std::max<std::int64_t>(0, job.counts.total));
    // No provider takes more than 100,000 requests in a job (Anthropic's limit; OpenAI's is 50,000): a larger
    // count is a corrupt job or reply, refused before a vector of that size is made.
    constexpr std::size_t kMostRequests = 1'000'000;
    if (n > kMostRequests)
        throw ResponseParseError(ErrorInfo{.provider = job.provider,
                                           .model = job.model,
                                           .message = "batch " + job.id + " claims " + std::to_string(n) +
                                                      " requests, more than any provider's batch holds"});
    BatchEndpoint at = endpoint(job.provider, job.model, options, job.api_base);
    std::vector<detail::BatchItem> items;
    // A job that failed validation or ended without output has nothing to fetch: each request fails below.
    const bool has_output = job.provider == "gemini"      ? job.status == BatchStatus::completed
                            : job.provider == "anthropic" ? true
                                                          : !job.output_file_id.empty() || !job.error_file_id.empty();
    if (has_output) items = api_of(job.provider).results(at, job);

    BatchResult out;
    out.results.resize(n);
    std::vector<std::exception_ptr> failures(n);
    std::vector<bool> seen(n, false);
    for (detail::BatchItem& item : items) {
        const std::optional<std::size_t> index = index_of(item.custom_id);
        if (!index || *index >= n || seen[*index])
            throw ResponseParseError(ErrorInfo{
                .provider = job.provider,
                .model = job.model,
                .message = "the batch's results name \"" + item.custom_id + "\", " +
                           (index && *index < n ? "twice" : "which is not one of its " + std::to_string(n) + " requests")});
        seen[*index] = true;
        if (item.error) {
            failures[*index] = item.error;
            continue;
        }
        try {
            detail::ChatRequest request{.model = job.model};
            out.results[*index] = at.provider->batch_reply(request, item.reply);
        } catch (...) {
            failures[*index] = std::current_exception();
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (!seen[i]) failures[i] = missing_result(job, i);
        if (failures[i]) {
            out.errors.push_back(detail::describe_batch_error(i, failures[i]));
            ++out.failed;
        } else {
            ++out.successful;
            out.total_tokens = detail::add_counts(out.total_tokens, out.results[i]->usage.total_tokens);
        }
    }
    return out;
}

BatchJob cancel(const BatchJob& job, const ProviderBatchOptions& options) {
    BatchEndpoint at = endpoint(job.provider, job.model, options, job.api_base);
    return merged(job, api_of(job.provider).cancel(at, job));
}

BatchJob get_batch(const std::string& provider_or_model, const std::string& id, const ProviderBatchOptions& options) {
    std::string provider = provider_or_model;
    std::string model;
    if (provider.ends_with("/")) provider.pop_back();
    if (detail::batch_api_for(provider) == nullptr) {
        detail::Route route = detail::route(provider_or_model, "");
        provider = route.provider->name();
        model = route.model;
    }
    BatchJob job;
    job.provider = provider;
    job.model = model;
    job.id = id;
    job.api_base = options.api_base;
    return poll(job, options);
}

}  // namespace llmgate::inline v1
