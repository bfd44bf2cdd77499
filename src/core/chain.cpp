// The middleware chain: each middleware is handed `next`, the rest of the chain, built here from the list.
#include "core/chain.hpp"

#include "core/dispatch.hpp"
#include "core/embed_batching.hpp"
#include "llmgate/errors.hpp"
#include "transport/http.hpp"

namespace llmgate::inline v1 {

void run_after(std::chrono::milliseconds delay, std::function<void()> task) {
    detail::post_to_event_loop_after(delay, std::move(task));
}

}  // namespace llmgate

namespace llmgate::inline v1::detail {
namespace {

using List = std::shared_ptr<const MiddlewareList>;

List combine(const MiddlewareList& outer, const MiddlewareList& per_call, const std::string& model) {
    auto all = std::make_shared<MiddlewareList>(outer);
    all->insert(all->end(), per_call.begin(), per_call.end());
    for (const auto& m : *all)
        if (!m) throw InvalidRequestError(ErrorInfo{.model = model, .message = "a middleware entry is null"});
    return all;
}

// Builds next-functions from the innermost (dispatch) outwards; `i` is the position in the list.
Middleware::CompleteNext complete_from(const List& all, std::size_t i) {
    if (i == all->size()) return [](const CompletionRequest& r) { return dispatch_completion(r); };
    return [mw = (*all)[i], next = complete_from(all, i + 1)](const CompletionRequest& r) {
        return mw->complete(r, next);
    };
}

Middleware::StreamNext stream_from(const List& all, std::size_t i) {
    if (i == all->size()) return [](const CompletionRequest& r) { return dispatch_stream(r); };
    return [mw = (*all)[i], next = stream_from(all, i + 1)](const CompletionRequest& r) { return mw->stream(r, next); };
}

Middleware::EmbedNext embed_from(const List& all, std::size_t i) {
    if (i == all->size()) return [](const EmbeddingRequest& r) { return dispatch_embed(r); };
    return [mw = (*all)[i], next = embed_from(all, i + 1)](const EmbeddingRequest& r) { return mw->embed(r, next); };
}

// The innermost async step on its own (the end of every async chain), so a call that
// throws instead of calling back still resolves exactly once.
template <class T, class Request, class Inner>
void guarded_inner(Inner inner, Request&& r, Callback<T> done) {
    auto first = std::make_shared<FirstCall<T>>(std::move(done));
    try {
        inner(std::move(r), FirstCall<T>::forwarder(first));
    } catch (...) {
        (*first)(std::current_exception(), empty_value<T>());
    }
}

// Async steps: a middleware that throws instead of calling back still resolves the call exactly once.
template <class T, class Request, class Method, class Inner>
std::function<void(Request, Callback<T>)> async_from(const List& all, std::size_t i, Method method, Inner inner) {
    if (i == all->size())
        return
            [inner](Request r, Callback<T> done) { guarded_inner<T, Request>(inner, std::move(r), std::move(done)); };
    auto next = async_from<T, Request>(all, i + 1, method, inner);
    return [mw = (*all)[i], next, method](Request r, Callback<T> done) {
        auto first = std::make_shared<FirstCall<T>>(std::move(done));
        try {
            ((*mw).*method)(std::move(r), FirstCall<T>::forwarder(first), next);
        } catch (...) {
            (*first)(std::current_exception(), empty_value<T>());
        }
    };
}

// With no middleware at all (the common case) a call goes straight to dispatch: no list copy, no
// std::function chain, no allocation.
bool no_middleware(const MiddlewareList& outer, const MiddlewareList& per_call) {
    return outer.empty() && per_call.empty();
}

// An async call through the whole list: straight to dispatch when there is no middleware, else the
// chain; a bad list (a null entry) is reported through the callback like any other failure.
template <class T, class Request, class Method, class Inner>
void run_async_chain(const MiddlewareList& outer, Request&& request, Callback<T> done, Method method, Inner inner) {
    if (no_middleware(outer, request.options.middleware)) {
        guarded_inner<T, Request>(inner, std::move(request), std::move(done));
        return;
    }
    List all;
    try {
        all = combine(outer, request.options.middleware, request.model);
    } catch (...) {
        done(std::current_exception(), empty_value<T>());
        return;
    }
    async_from<T, Request>(all, 0, method, inner)(std::move(request), std::move(done));
}

}  // namespace

CompletionResponse run_complete(const MiddlewareList& outer, const CompletionRequest& request) {
    if (no_middleware(outer, request.options.middleware)) return dispatch_completion(request);
    return complete_from(combine(outer, request.options.middleware, request.model), 0)(request);
}

void run_complete_async(const MiddlewareList& outer, CompletionRequest&& request, Callback<CompletionResponse> done) {
    run_async_chain<CompletionResponse, CompletionRequest>(outer, std::move(request), std::move(done),
                                                           &Middleware::complete_async, &dispatch_completion_async);
}

Stream run_stream(const MiddlewareList& outer, const CompletionRequest& request) {
    if (no_middleware(outer, request.options.middleware)) return dispatch_stream(request);
    return stream_from(combine(outer, request.options.middleware, request.model), 0)(request);
}

void run_stream_async(const MiddlewareList& outer, CompletionRequest&& request, Callback<Stream> ready) {
    run_async_chain<Stream, CompletionRequest>(outer, std::move(request), std::move(ready), &Middleware::stream_async,
                                               &dispatch_stream_async);
}

EmbeddingResponse run_embed_unsplit(const MiddlewareList& outer, const EmbeddingRequest& request) {
    if (no_middleware(outer, request.options.middleware)) return dispatch_embed(request);
    return embed_from(combine(outer, request.options.middleware, request.model), 0)(request);
}

void run_embed_unsplit_async(const MiddlewareList& outer, EmbeddingRequest&& request,
                             Callback<EmbeddingResponse> done) {
    run_async_chain<EmbeddingResponse, EmbeddingRequest>(outer, std::move(request), std::move(done),
                                                         &Middleware::embed_async, &dispatch_embed_async);
}

EmbeddingResponse run_embed(const MiddlewareList& outer, const EmbeddingRequest& request) {
    return embed_in_batches(outer, request);
}

void run_embed_async(const MiddlewareList& outer, EmbeddingRequest request, Callback<EmbeddingResponse> done) {
    embed_in_batches_async(outer, std::move(request), std::move(done));
}

}  // namespace llmgate::detail
