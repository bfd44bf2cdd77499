// batch / abatch: requests run on the shared event loop in a window of max_concurrency; results are
// collected by index so the output keeps the input order whatever order replies arrive in.
#include "llmgate/batch.hpp"

#include <mutex>

#include "core/batch_runner.hpp"
#include "core/chain.hpp"
#include "core/window.hpp"
#include "llmgate/errors.hpp"
#include "util/json_numbers.hpp"

namespace llmgate::inline v1 {
namespace detail {
namespace {

[[noreturn]] void bad_entry(const std::string& message) { throw InvalidRequestError(ErrorInfo{.message = message}); }

BatchError describe(std::size_t index, const std::exception_ptr& e) {
    BatchError out{.index = index, .error_type = "Error", .message = "unknown error", .error = e};
    try {
        std::rethrow_exception(e);
    } catch (const Error& err) {
        out.error_type = err.type_name();
        out.message = err.what();
    } catch (const std::exception& err) {
        out.error_type = "std::exception";
        out.message = err.what();
    } catch (...) {
    }
    return out;
}

}  // namespace

RequestMaker from_list(std::vector<CompletionRequest> requests, std::vector<std::exception_ptr> pre_errors) {
    struct List {
        // The list itself is freed when the last request has been taken. (Releasing it in halves as it
        // empties, moving the rest to a list half the size each time, kept peak RSS 1.5 MiB lower for
        // 10,000 requests but cost batch about 5% of its CPU: see docs/performance.md.)
        std::vector<CompletionRequest> requests;
        std::vector<std::exception_ptr> pre_errors;  // one per request (the dict form), else empty
    };
    auto list = std::make_shared<List>();
    list->requests = std::move(requests);
    list->pre_errors = std::move(pre_errors);
    if (!list->pre_errors.empty()) list->pre_errors.resize(list->requests.size());
    // Called once per index, in order, on the event loop thread (start_batch's contract): no lock.
    return [list](std::size_t i) {
        const bool last = i + 1 == list->requests.size();
        std::exception_ptr pre = list->pre_errors.empty() ? nullptr : std::move(list->pre_errors[i]);
        CompletionRequest request = std::move(list->requests[i]);
        if (last) {
            std::vector<CompletionRequest>().swap(list->requests);
            std::vector<std::exception_ptr>().swap(list->pre_errors);
        }
        if (pre) std::rethrow_exception(pre);
        return request;
    };
}

std::future<BatchResult> start_batch(std::size_t total, RequestMaker next, BatchOptions options, BatchRunner run) {
    struct State {
        RequestMaker next;
        BatchOptions options;
        BatchRunner run;
        BatchResult result;
        std::exception_ptr first_error;
        std::promise<BatchResult> promise;
        // Set on every request: the caller's BatchOptions::cancel and, with fail_fast, the batch's own
        // token (`stop`), cancelled at the first failure so the requests still in flight end at once.
        std::optional<CancelToken> token;
        std::optional<CancelToken> stop;
    };
    auto st = std::make_shared<State>();
    st->next = std::move(next);
    st->options = std::move(options);
    st->run = std::move(run);
    st->result.results.resize(total);
    if (st->options.fail_fast) {
        st->stop.emplace();
        st->token = st->options.cancel ? CancelToken::either(*st->options.cancel, *st->stop) : *st->stop;
    } else {
        st->token = st->options.cancel;
    }
    auto future = st->promise.get_future();
    if (!st->next) {
        st->promise.set_exception(std::make_exception_ptr(
            InvalidRequestError(ErrorInfo{.message = "batch: the request maker is empty (nothing was sent)"})));
        return future;
    }

    run_window<CompletionResponse>(
        total, st->options.max_concurrency,
        Window<CompletionResponse>{
            // A maker that throws fails index i: run_window reports a start that throws as that job's error.
            .start =
                [st](std::size_t i, Callback<CompletionResponse> done) {
                    CompletionRequest request = st->next(i);
                    if (st->token) {
                        std::optional<CancelToken>& own = request.options.cancel;
                        own = own ? CancelToken::either(*own, *st->token) : *st->token;
                    }
                    st->run(st->options.middleware, std::move(request), std::move(done));
                },
            .on_done =
                [st, total](std::size_t i, std::exception_ptr e, CompletionResponse r) {
                    BatchResult& res = st->result;
                    if (e) {
                        ++res.failed;
                        res.errors.push_back(describe(i, e));
                        if (!st->first_error) st->first_error = e;
                    } else {
                        ++res.successful;
                        res.total_tokens = add_counts(res.total_tokens, r.usage.total_tokens);
                        res.results[i] = std::move(r);
                    }
                    if (st->options.on_progress) {
                        try {
                            st->options.on_progress(res.successful + res.failed, total, res.failed);
                        } catch (...) {  // a progress display must not break the batch
                        }
                    }
                    if (e && st->options.fail_fast) {
                        st->stop->cancel();  // the others still in flight: their late replies would be dropped
                        return false;
                    }
                    return true;
                },
            .finished =
                [st] {
                    if (st->options.fail_fast && st->first_error) {
                        st->promise.set_exception(st->first_error);
                        return;
                    }
                    std::sort(st->result.errors.begin(), st->result.errors.end(),
                              [](const BatchError& a, const BatchError& b) { return a.index < b.index; });
                    st->promise.set_value(std::move(st->result));
                },
        });
    return future;
}

std::future<BatchResult> start_batch(BatchRequests&& requests, BatchOptions options, BatchRunner run) {
    std::vector<CompletionRequest> list;
    std::vector<std::exception_ptr> pre_errors;
    if (auto* typed = std::get_if<std::vector<CompletionRequest>>(&requests.value())) {
        list = std::move(*typed);
    } else {
        try {
            auto parsed = parse_batch(std::get<json>(requests.value()));
            list = std::move(parsed.requests);
            pre_errors = std::move(parsed.errors);
        } catch (...) {
            std::promise<BatchResult> p;
            p.set_exception(std::current_exception());
            return p.get_future();
        }
    }
    const std::size_t count = list.size();
    return start_batch(count, from_list(std::move(list), std::move(pre_errors)), std::move(options), std::move(run));
}

ParsedBatch parse_batch(const json& requests) {
    if (!requests.is_array()) bad_entry("batch requests must be a JSON array of request objects");
    ParsedBatch out;
    for (const auto& entry : requests) {
        try {
            out.requests.push_back(completion_request_from_json(entry));
            out.errors.emplace_back();
        } catch (...) {
            out.requests.emplace_back();
            out.errors.push_back(std::current_exception());
        }
    }
    return out;
}

}  // namespace detail

namespace {

void run_plain(const MiddlewareList& outer, CompletionRequest&& r, Callback<CompletionResponse> done) {
    detail::run_complete_async(outer, std::move(r), std::move(done));
}

std::chrono::milliseconds seconds_to_ms(const json& v) {
    if (!v.is_number() || v.get<double>() < 0)
        detail::bad_entry("\"timeout\" must be a non-negative number of seconds");
    return std::chrono::milliseconds(static_cast<std::int64_t>(v.get<double>() * 1000.0 + 0.999));
}

template <class T>
T typed(const json& v, const char* key, const char* what) {
    try {
        return v.get<T>();
    } catch (const json::exception&) {
        detail::bad_entry(std::string("\"") + key + "\" must be " + what);
    }
}

}  // namespace

CompletionRequest completion_request_from_json(const json& j) {
    if (!j.is_object()) detail::bad_entry("each batch request must be a JSON object");
    if (!j.contains("model") || !j["model"].is_string()) detail::bad_entry("a batch request needs a \"model\" string");
    if (!j.contains("messages")) detail::bad_entry("a batch request needs \"messages\"");
    CompletionRequest r;
    r.model = j["model"].get<std::string>();
    r.messages = messages_from_json(j["messages"]);
    Options& o = r.options;
    for (const auto& [key, v] : j.items()) {
        if (key == "model" || key == "messages") continue;
        if (v.is_null()) continue;
        if (key == "provider")
            o.provider = typed<std::string>(v, "provider", "a string");
        else if (key == "api_key")
            o.api_key = typed<std::string>(v, "api_key", "a string");
        else if (key == "api_base")
            o.api_base = typed<std::string>(v, "api_base", "a string");
        else if (key == "max_tokens")
            o.max_tokens = typed<int>(v, "max_tokens", "an integer");
        else if (key == "temperature")
            o.temperature = typed<double>(v, "temperature", "a number");
        else if (key == "top_p")
            o.top_p = typed<double>(v, "top_p", "a number");
        else if (key == "seed")
            o.seed = typed<std::int64_t>(v, "seed", "an integer");
        else if (key == "stop") {
            if (v.is_string())
                o.stop = {v.get<std::string>()};
            else
                o.stop = typed<std::vector<std::string>>(v, "stop", "a string or a list of strings");
        } else if (key == "tools")
            o.tools = tools_from_json(v);
        else if (key == "tool_choice") {
            // "auto" | "none" | "required" | {"type":"function","function":{"name":...}}
            if (v.is_string())
                o.tool_choice = v.get<std::string>();
            else if (v.is_object() && v.contains("function") && v["function"].is_object() &&
                     v["function"].contains("name"))
                o.tool_choice = typed<std::string>(v["function"]["name"], "tool_choice", "a tool name");
            else
                detail::bad_entry(
                    "\"tool_choice\" must be a string or {\"type\":\"function\",\"function\":{\"name\":...}}");
        } else if (key == "parallel_tool_calls")
            o.parallel_tool_calls = typed<bool>(v, "parallel_tool_calls", "a boolean");
        else if (key == "reasoning_effort")
            o.reasoning_effort = typed<std::string>(v, "reasoning_effort", "a string");
        else if (key == "user")
            o.user = typed<std::string>(v, "user", "a string");
        else if (key == "timeout")
            o.timeout = seconds_to_ms(v);
        else if (key == "extra_headers")
            o.extra_headers = typed<std::map<std::string, std::string>>(v, "extra_headers", "an object of strings");
        else if (key == "extra") {
            if (!v.is_object()) detail::bad_entry("\"extra\" must be an object");
            o.extra.update(v);
        } else if (key == "stream") {
            detail::bad_entry("batch requests cannot stream");
        } else {
            o.extra[key] = v;  // passed through to the provider, like Python's **kwargs
        }
    }
    return r;
}

std::future<BatchResult> abatch(BatchRequests requests, const BatchOptions& options) {
    return detail::start_batch(std::move(requests), options, run_plain);
}

BatchResult batch(BatchRequests requests, const BatchOptions& options) {
    return abatch(std::move(requests), options).get();
}

std::future<BatchResult> abatch(std::size_t count, RequestMaker make_request, const BatchOptions& options) {
    return detail::start_batch(count, std::move(make_request), options, run_plain);
}

BatchResult batch(std::size_t count, RequestMaker make_request, const BatchOptions& options) {
    return abatch(count, std::move(make_request), options).get();
}

}  // namespace llmgate::inline v1
