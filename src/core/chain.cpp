// The middleware chain: each middleware's hook is handed a Next for the rest of the chain, built here.
#include "core/chain.hpp"

#include <condition_variable>
#include <mutex>
#include <optional>

#include "core/cancellable_wait.hpp"
#include "core/dispatch.hpp"
#include "core/embed_batching.hpp"
#include "llmgate/errors.hpp"
#include "transport/event_loop.hpp"

namespace llmgate::inline v1 {

void run_after(std::chrono::milliseconds delay, std::function<void()> task) {
    detail::post_to_event_loop_after(delay, std::move(task));
}

}  // namespace llmgate::inline v1

namespace llmgate::inline v1::detail {
namespace {

// Per operation: its middleware hook and its two ends of the chain (blocking, async).
template <class Request, class Result>
struct Operation;

template <>
struct Operation<CompletionRequest, CompletionResponse> {
    static void hook(Middleware& m, CompletionRequest r, Middleware::CompleteNext n, Callback<CompletionResponse> d) {
        m.complete(std::move(r), std::move(n), std::move(d));
    }
    static CompletionResponse dispatch(const CompletionRequest& r) { return dispatch_completion(r); }
    static void dispatch_async(CompletionRequest&& r, Callback<CompletionResponse> d) {
        dispatch_completion_async(std::move(r), std::move(d));
    }
};

template <>
struct Operation<CompletionRequest, Stream> {
    static void hook(Middleware& m, CompletionRequest r, Middleware::StreamNext n, Callback<Stream> d) {
        m.stream(std::move(r), std::move(n), std::move(d));
    }
    static Stream dispatch(const CompletionRequest& r) { return dispatch_stream(r); }
    static void dispatch_async(CompletionRequest&& r, Callback<Stream> d) {
        dispatch_stream_async(std::move(r), std::move(d));
    }
};

template <>
struct Operation<EmbeddingRequest, EmbeddingResponse> {
    static void hook(Middleware& m, EmbeddingRequest r, Middleware::EmbedNext n, Callback<EmbeddingResponse> d) {
        m.embed(std::move(r), std::move(n), std::move(d));
    }
    static EmbeddingResponse dispatch(const EmbeddingRequest& r) { return dispatch_embed(r); }
    static void dispatch_async(EmbeddingRequest&& r, Callback<EmbeddingResponse> d) {
        dispatch_embed_async(std::move(r), std::move(d));
    }
};

// What every step of one call shares.
struct ChainState {
    MiddlewareList list;  // outer, then the call's own
    bool blocking = false;
    std::optional<CancelToken> cancel;  // the call's token as it entered the chain: waits end on it
};

// Step `index` of a chain: the middleware at that position, or the provider past the last one.
template <class Request, class Result>
class ChainStep final : public NextStep<Request, Result> {
public:
    ChainStep(std::shared_ptr<const ChainState> state, std::size_t index) : state_(std::move(state)), index_(index) {}

    void call(Request request, Callback<Result> done) const override {
        using Op = Operation<Request, Result>;
        auto first = std::make_shared<FirstCall<Result>>(std::move(done));
        if (index_ == state_->list.size()) {
            if (!state_->blocking) {
                try {
                    Op::dispatch_async(std::move(request), FirstCall<Result>::forwarder(first));
                } catch (...) {
                    (*first)(std::current_exception(), empty_value<Result>());
                }
                return;
            }
            // Blocking: the provider is called on this thread; the result goes back up the chain from
            // outside the try, so an exception a middleware's continuation throws reaches that middleware's
            // own step instead of being taken for the provider's error.
            std::optional<Result> value;
            std::exception_ptr error;
            try {
                value.emplace(Op::dispatch(request));
            } catch (...) {
                error = std::current_exception();
            }
            (*first)(error, value ? std::move(*value) : empty_value<Result>());
            return;
        }
        Next<Request, Result> next(std::make_shared<const ChainStep>(state_, index_ + 1));
        try {
            Op::hook(*state_->list[index_], std::move(request), std::move(next), FirstCall<Result>::forwarder(first));
        } catch (...) {
            (*first)(std::current_exception(), empty_value<Result>());  // a hook that throws fails its call
        }
    }

    void after(std::chrono::milliseconds delay, std::function<void()> task) const override {
        if (state_->blocking) {
            sleep_unless_cancelled(delay, state_->cancel);
            task();
        } else {
            run_after_unless_cancelled(delay, state_->cancel, std::move(task));
        }
    }

    bool blocking() const noexcept override { return state_->blocking; }

private:
    std::shared_ptr<const ChainState> state_;
    std::size_t index_;
};

std::shared_ptr<const ChainState> chain_state(const MiddlewareList& outer, const MiddlewareList& per_call,
                                              const std::string& model, bool blocking,
                                              const std::optional<CancelToken>& cancel) {
    auto state = std::make_shared<ChainState>();
    state->list.reserve(outer.size() + per_call.size());
    state->list = outer;
    state->list.insert(state->list.end(), per_call.begin(), per_call.end());
    for (const auto& m : state->list)
        if (!m) throw InvalidRequestError(ErrorInfo{.model = model, .message = "a middleware entry is null"});
    state->blocking = blocking;
    state->cancel = cancel;
    return state;
}

// A blocking call through the chain: the hooks run on this thread; the result is waited for here in
// case a middleware hands it over from another thread of its own.
template <class Request, class Result>
Result run_blocking(const MiddlewareList& outer, const Request& request) {
    const MiddlewareList& per_call = request.options.middleware;
    // With no middleware at all (the common case) a call goes straight to dispatch: no list copy, no
    // chain, no allocation.
    if (outer.empty() && per_call.empty()) return Operation<Request, Result>::dispatch(request);
    struct Slot {
        std::mutex mutex;
        std::condition_variable ready;
        bool done = false;
        std::exception_ptr error;
        std::optional<Result> value;
    };
    auto slot = std::make_shared<Slot>();
    ChainStep<Request, Result>(chain_state(outer, per_call, request.model, true, request.options.cancel), 0)
        .call(request, [slot](std::exception_ptr e, Result v) {
            std::lock_guard lock(slot->mutex);
            slot->error = std::move(e);
            if (!slot->error) slot->value.emplace(std::move(v));
            slot->done = true;
            slot->ready.notify_all();
        });
    std::unique_lock lock(slot->mutex);
    slot->ready.wait(lock, [&] { return slot->done; });
    if (slot->error) std::rethrow_exception(slot->error);
    return std::move(*slot->value);
}

template <class Request, class Result>
void run_async(const MiddlewareList& outer, Request&& request, Callback<Result> done) {
    const MiddlewareList& per_call = request.options.middleware;
    std::shared_ptr<const ChainState> state;
    if (outer.empty() && per_call.empty()) {
        static const auto no_middleware = std::make_shared<const ChainState>();
        state = no_middleware;
    } else {
        try {
            state = chain_state(outer, per_call, request.model, false, request.options.cancel);
        } catch (...) {
            done(std::current_exception(), empty_value<Result>());
            return;
        }
    }
    ChainStep<Request, Result>(std::move(state), 0).call(std::move(request), std::move(done));
}

// A Next over a plain function (Next::to, next_to).
template <class Request, class Result>
class FunctionStep final : public NextStep<Request, Result> {
public:
    FunctionStep(std::function<void(Request, Callback<Result>)> fn, bool blocking)
        : fn_(std::move(fn)), blocking_(blocking) {}
    void call(Request request, Callback<Result> done) const override { fn_(std::move(request), std::move(done)); }
    void after(std::chrono::milliseconds delay, std::function<void()> task) const override {
        if (blocking_) {
            sleep_unless_cancelled(delay, std::nullopt);
            task();
        } else {
            post_to_event_loop_after(delay, std::move(task));
        }
    }
    bool blocking() const noexcept override { return blocking_; }

private:
    std::function<void(Request, Callback<Result>)> fn_;
    bool blocking_;
};

}  // namespace

CompletionResponse run_complete(const MiddlewareList& outer, const CompletionRequest& request) {
    return run_blocking<CompletionRequest, CompletionResponse>(outer, request);
}

void run_complete_async(const MiddlewareList& outer, CompletionRequest&& request, Callback<CompletionResponse> done) {
    run_async<CompletionRequest, CompletionResponse>(outer, std::move(request), std::move(done));
}

Stream run_stream(const MiddlewareList& outer, const CompletionRequest& request) {
    return run_blocking<CompletionRequest, Stream>(outer, request);
}

void run_stream_async(const MiddlewareList& outer, CompletionRequest&& request, Callback<Stream> ready) {
    run_async<CompletionRequest, Stream>(outer, std::move(request), std::move(ready));
}

EmbeddingResponse run_embed_unsplit(const MiddlewareList& outer, const EmbeddingRequest& request) {
    return run_blocking<EmbeddingRequest, EmbeddingResponse>(outer, request);
}

void run_embed_unsplit_async(const MiddlewareList& outer, EmbeddingRequest&& request,
                             Callback<EmbeddingResponse> done) {
    run_async<EmbeddingRequest, EmbeddingResponse>(outer, std::move(request), std::move(done));
}

EmbeddingResponse run_embed(const MiddlewareList& outer, const EmbeddingRequest& request) {
    return embed_in_batches(outer, request);
}

void run_embed_async(const MiddlewareList& outer, EmbeddingRequest request, Callback<EmbeddingResponse> done) {
    embed_in_batches_async(outer, std::move(request), std::move(done));
}

template <class Request, class Result>
Next<Request, Result> next_to(std::function<void(Request, Callback<Result>)> fn, bool blocking) {
    return Next<Request, Result>(std::make_shared<const FunctionStep<Request, Result>>(std::move(fn), blocking));
}

template Next<CompletionRequest, CompletionResponse> next_to(
    std::function<void(CompletionRequest, Callback<CompletionResponse>)>, bool);
template Next<CompletionRequest, Stream> next_to(std::function<void(CompletionRequest, Callback<Stream>)>, bool);
template Next<EmbeddingRequest, EmbeddingResponse> next_to(
    std::function<void(EmbeddingRequest, Callback<EmbeddingResponse>)>, bool);

Stream wait_for_stream(const Middleware::StreamNext& next, CompletionRequest request) {
    if (!next.blocking()) refuse_to_wait_on_event_loop();  // it would wait for itself there
    auto p = std::make_shared<std::promise<Stream>>();
    auto f = p->get_future();
    next(std::move(request), [p](std::exception_ptr e, Stream s) {
        if (e)
            p->set_exception(e);
        else
            p->set_value(std::move(s));
    });
    return f.get();
}

}  // namespace llmgate::inline v1::detail

namespace llmgate::inline v1 {

template <class Request, class Result>
Next<Request, Result> Next<Request, Result>::to(std::function<void(Request, Callback<Result>)> fn) {
    return detail::next_to<Request, Result>(std::move(fn), true);
}

template class Next<CompletionRequest, CompletionResponse>;
template class Next<CompletionRequest, Stream>;
template class Next<EmbeddingRequest, EmbeddingResponse>;

}  // namespace llmgate::inline v1
