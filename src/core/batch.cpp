// batch / abatch: requests run on the shared event loop in a window of max_concurrency; results are
// collected by index so the output keeps the input order whatever order replies arrive in.
#include "llmgate/batch.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>

#if __has_include(<sys/mman.h>) && __has_include(<unistd.h>)
#include <sys/mman.h>
#include <unistd.h>
#define LLMGATE_HAS_MADVISE 1
#else
#define LLMGATE_HAS_MADVISE 0
#endif

#include "core/batch_runner.hpp"
#include "core/chain.hpp"
#include "core/window.hpp"
#include "llmgate/errors.hpp"
#include "util/json_numbers.hpp"

namespace llmgate::inline v1 {
namespace detail {
namespace {

[[noreturn]] void bad_entry(const std::string& message) { throw InvalidRequestError(ErrorInfo{.message = message}); }

}  // namespace

BatchError describe_batch_error(std::size_t index, const std::exception_ptr& e) {
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

RequestList::RequestList(std::vector<CompletionRequest> requests, std::vector<std::exception_ptr> pre_errors)
    : list_(std::move(requests)), pre_errors_(std::move(pre_errors)) {
    if (!pre_errors_.empty()) pre_errors_.resize(list_.size());
}

RequestList::~RequestList() {
    std::destroy(list_.begin() + static_cast<std::ptrdiff_t>(released_), list_.end());
    std::allocator<CompletionRequest>().deallocate(list_.data(), list_.capacity());
    // list_ itself is never destroyed (a variant member): its requests and its buffer are gone already.
}

CompletionRequest& RequestList::take(std::size_t i) {
    if (!pre_errors_.empty() && pre_errors_[i]) std::rethrow_exception(std::exchange(pre_errors_[i], nullptr));
    return list_[i];
}

void RequestList::release(std::size_t i) noexcept {
    if (i != released_) return;  // out of order (start_batch never does this): left to the destructor
    std::destroy_at(&list_[i]);
    ++released_;
#if LLMGATE_HAS_MADVISE
    // The whole pages of the list before request `released_` hold no live object: give them back to the
    // system (the buffer stays allocated; its pages read as zeros if touched, and nothing touches them
    // until it is freed). A step at a time, so a 10,000-request list costs about 25 calls, not 10,000.
    static const std::uintptr_t page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    constexpr std::uintptr_t kStep = 256 * 1024;
    const auto base = reinterpret_cast<std::uintptr_t>(list_.data());
    const std::uintptr_t first = (base + page - 1) / page * page;  // the header page is the allocator's
    const std::uintptr_t end = (base + released_ * sizeof(CompletionRequest)) / page * page;
    if (end >= first + returned_ + kStep) {
        if (madvise(reinterpret_cast<void*>(first + returned_), end - first - returned_, MADV_DONTNEED) == 0)
            returned_ = end - first;
    }
#endif
}

namespace {

// Runs `total` requests, made by `next` or, when `list` is set, taken from it in place.
std::future<BatchResult> start_batch(std::size_t total, RequestMaker next, std::shared_ptr<RequestList> list,
                                     BatchOptions options, BatchRunner run) {
    struct State {
        RequestMaker next;
        std::shared_ptr<RequestList> list;  // freed once its last request has been sent
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
    st->list = std::move(list);
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
    if (!st->next && !st->list) {
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
                    auto send = [&st, &done](CompletionRequest& request) {
                        if (st->token) {
                            std::optional<CancelToken>& own = request.options.cancel;
                            own = own ? CancelToken::either(*own, *st->token) : *st->token;
                        }
                        st->run(st->options.middleware, std::move(request), std::move(done));
                    };
                    if (!st->list) {
                        CompletionRequest request = st->next(i);
                        send(request);
                        return;
                    }
                    // Sent from its place in the list, which the runner moves out of; the husk is destroyed
                    // right after, however the send ended, and the list freed after its last request.
                    struct Release {
                        State& s;
                        std::size_t i;
                        ~Release() {
                            s.list->release(i);
                            if (i + 1 == s.list->size()) s.list.reset();
                        }
                    } release{*st, i};
                    send(st->list->take(i));
                },
            .on_done =
                [st, total](std::size_t i, std::exception_ptr e, CompletionResponse r) {
                    BatchResult& res = st->result;
                    if (e) {
                        ++res.failed;
                        res.errors.push_back(describe_batch_error(i, e));
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

}  // namespace

std::future<BatchResult> start_batch(std::size_t total, RequestMaker next, BatchOptions options, BatchRunner run) {
    return start_batch(total, std::move(next), nullptr, std::move(options), std::move(run));
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
    return start_batch(count, nullptr, std::make_shared<RequestList>(std::move(list), std::move(pre_errors)),
                       std::move(options), std::move(run));
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
        else if (key == "reasoning_budget_tokens")
            o.reasoning_budget_tokens = typed<int>(v, "reasoning_budget_tokens", "an integer");
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
