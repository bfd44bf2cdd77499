// Middleware: one small interface that decorates every call (completion, stream, embed; sync and async).
#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <vector>

#include "llmgate/callback.hpp"
#include "llmgate/requests.hpp"
#include "llmgate/stream.hpp"
#include "llmgate/types.hpp"

namespace llmgate::inline v1 {

// A decorator around the call to the provider. Each method receives the request as a value and `next`,
// the rest of the chain (the following middleware, then the provider). A middleware may change the
// request, call `next` zero, one or several times, and change the reply or the error. The defaults pass
// through, so a middleware overrides only what it cares about.
//
// Composition: middleware given as a list run in list order, the first one outermost. Gate middleware
// (LLMGate) wraps batch middleware (BatchOptions::middleware), which wraps the per-call
// Options::middleware / EmbedOptions::middleware.
//
// Async methods must call `done` exactly once and never block: to wait, use a timer
// (llmgate::run_after) rather than sleeping, because they may run on the event loop thread.
class Middleware {
public:
    using CompleteNext = std::function<CompletionResponse(const CompletionRequest&)>;
    using CompleteAsyncNext = std::function<void(CompletionRequest, Callback<CompletionResponse>)>;
    using StreamNext = std::function<Stream(const CompletionRequest&)>;
    using StreamAsyncNext = std::function<void(CompletionRequest, Callback<Stream>)>;
    using EmbedNext = std::function<EmbeddingResponse(const EmbeddingRequest&)>;
    using EmbedAsyncNext = std::function<void(EmbeddingRequest, Callback<EmbeddingResponse>)>;

    virtual ~Middleware() = default;

    virtual CompletionResponse complete(const CompletionRequest& request, const CompleteNext& next) {
        return next(request);
    }
    virtual void complete_async(CompletionRequest request, Callback<CompletionResponse> done, CompleteAsyncNext next) {
        next(std::move(request), std::move(done));
    }
    // A stream is handed back once the provider accepted the request; what happens while it is iterated
    // is up to the Stream a middleware returns (it may wrap the one `next` returned).
    virtual Stream stream(const CompletionRequest& request, const StreamNext& next) { return next(request); }
    virtual void stream_async(CompletionRequest request, Callback<Stream> ready, StreamAsyncNext next) {
        next(std::move(request), std::move(ready));
    }
    virtual EmbeddingResponse embed(const EmbeddingRequest& request, const EmbedNext& next) { return next(request); }
    virtual void embed_async(EmbeddingRequest request, Callback<EmbeddingResponse> done, EmbedAsyncNext next) {
        next(std::move(request), std::move(done));
    }
};

using MiddlewareList = std::vector<std::shared_ptr<Middleware>>;

// Runs `task` on llmgate's event loop thread after `delay`, without blocking it: how an async middleware
// waits (backoff, rate limits).
void run_after(std::chrono::milliseconds delay, std::function<void()> task);

}  // namespace llmgate
