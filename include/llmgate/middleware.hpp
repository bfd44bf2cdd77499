// Middleware: one contract that decorates every call, whatever its form.
#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "llmgate/callback.hpp"
#include "llmgate/requests.hpp"
#include "llmgate/stream.hpp"
#include "llmgate/types.hpp"

namespace llmgate::inline v1 {

namespace detail {
// What a Next calls: the rest of one call's chain (src/core/chain.cpp), or a function (Next::to).
template <class Request, class Result>
class NextStep {
public:
    virtual ~NextStep() = default;
    virtual void call(Request request, Callback<Result> done) const = 0;
    virtual void after(std::chrono::milliseconds delay, std::function<void()> task) const = 0;
    virtual bool blocking() const noexcept = 0;
};
}  // namespace detail

// The rest of the chain after a middleware: the following middleware, then the provider.
template <class Request, class Result>
class Next {
public:
    explicit Next(std::shared_ptr<const detail::NextStep<Request, Result>> step) : step_(std::move(step)) {}

    // Sends `request` on; `done` then receives the result or the typed llmgate::Error, exactly once.
    // A middleware may call it zero, one or several times (a retry, a fallback to another model).
    void operator()(Request request, Callback<Result> done) const { step_->call(std::move(request), std::move(done)); }

    // Runs `task` after `delay`, the way this call may wait: a blocking call (completion(), stream(),
    // embed()) sleeps in its caller's thread; an async call waits on an event-loop timer, never blocking
    // the loop. The wait ends early when the call's CancelToken is cancelled. How a middleware waits
    // (backoff, rate limits): never sleep in a hook.
    void after(std::chrono::milliseconds delay, std::function<void()> task) const {
        step_->after(delay, std::move(task));
    }

    // True for a blocking call: the chain runs on the caller's thread. False for async, callback and
    // batch calls: the chain runs on llmgate's event loop thread, where nothing may block.
    bool blocking() const noexcept { return step_->blocking(); }

    // A Next that calls `fn` (blocking: waits run on the calling thread): for testing a middleware alone.
    static Next to(std::function<void(Request, Callback<Result>)> fn);

private:
    std::shared_ptr<const detail::NextStep<Request, Result>> step_;
};

// A decorator around every call to a provider. It has one hook per operation — completions, streams,
// embeddings — and each hook serves every form of its operation: blocking, future, callback, batch
// and LLMGate calls alike. All three are pure virtual, so a middleware that forgets one does not compile;
// forward what you do not change with `next(std::move(request), std::move(done));`.
//
// A hook receives the request as a value, `next` (the rest of the chain) and `done`. It may change the
// request, call `next` zero, one or several times, and change the result or the error before handing it
// to `done`, which it must call exactly once (a hook that throws instead counts as calling it with that
// error). Hooks must not block: wait with `next.after(delay, task)`.
//
// A stream's hook gets the Stream once the provider accepted the request; to see its chunks, wrap it:
// `Stream(std::make_unique<MySource>(std::move(inner)))` with a ChunkSource that pulls inner.next()
// (llmgate/stream.hpp).
//
// Composition: middleware given as a list run in list order, the first one outermost. A fallback chain
// (a list of models, LLMGate::fallback_chain) is outermost; then gate middleware (LLMGate), then batch
// middleware (BatchOptions::middleware), then the call's own Options::middleware / EmbedOptions::middleware.
class Middleware {
public:
    using CompleteNext = Next<CompletionRequest, CompletionResponse>;
    using StreamNext = Next<CompletionRequest, Stream>;
    using EmbedNext = Next<EmbeddingRequest, EmbeddingResponse>;

    virtual ~Middleware() = default;

    virtual void complete(CompletionRequest request, CompleteNext next, Callback<CompletionResponse> done) = 0;
    virtual void stream(CompletionRequest request, StreamNext next, Callback<Stream> done) = 0;
    virtual void embed(EmbeddingRequest request, EmbedNext next, Callback<EmbeddingResponse> done) = 0;
};

using MiddlewareList = std::vector<std::shared_ptr<Middleware>>;

// Runs `task` on llmgate's event loop thread after `delay`, without blocking it.
void run_after(std::chrono::milliseconds delay, std::function<void()> task);

extern template class Next<CompletionRequest, CompletionResponse>;
extern template class Next<CompletionRequest, Stream>;
extern template class Next<EmbeddingRequest, EmbeddingResponse>;

}  // namespace llmgate::inline v1
