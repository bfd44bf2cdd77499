// The middleware chain: runs one call through its middleware, outermost first, down to detail::dispatch_*.
// A blocking call runs the chain on the caller's thread (the provider call too, through the sync
// driver); an async call runs it on the event loop. Either way every middleware sees it through its one
// hook per operation.
#pragma once

#include <future>
#include <memory>

#include "core/callbacks.hpp"
#include "llmgate/middleware.hpp"
#include "transport/event_loop.hpp"

namespace llmgate::inline v1::detail {

// `outer` (a fallback chain step, gate middleware, then batch middleware) wraps the request's own
// Options::middleware. A null entry in either list is an InvalidRequestError.
CompletionResponse run_complete(const MiddlewareList& outer, const CompletionRequest& request);
// The async runners take the request by rvalue reference: it is moved once, where it is used.
void run_complete_async(const MiddlewareList& outer, CompletionRequest&& request, Callback<CompletionResponse> done);
Stream run_stream(const MiddlewareList& outer, const CompletionRequest& request);
void run_stream_async(const MiddlewareList& outer, CompletionRequest&& request, Callback<Stream> ready);
// Embeddings are first split to the provider's batch limit (embed_batching.cpp); each part runs the chain.
EmbeddingResponse run_embed(const MiddlewareList& outer, const EmbeddingRequest& request);
void run_embed_async(const MiddlewareList& outer, EmbeddingRequest request, Callback<EmbeddingResponse> done);
// The chain for one embeddings request as given (no splitting).
EmbeddingResponse run_embed_unsplit(const MiddlewareList& outer, const EmbeddingRequest& request);
void run_embed_unsplit_async(const MiddlewareList& outer, EmbeddingRequest&& request, Callback<EmbeddingResponse> done);

// Opens a stream through the rest of a chain and waits for it on the calling thread: how a stream being
// iterated reopens itself (retry before the first chunk, fallback to the next model). In an async chain
// it refuses to wait on the event loop thread (a stream iterated inside an llmgate callback) instead of
// waiting for itself.
Stream wait_for_stream(const Middleware::StreamNext& next, CompletionRequest request);

// A Next over a plain function: blocking (waits sleep the calling thread) or async (waits on a timer).
template <class Request, class Result>
Next<Request, Result> next_to(std::function<void(Request, Callback<Result>)> fn, bool blocking);

}  // namespace llmgate::inline v1::detail
