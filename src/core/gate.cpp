// LLMGate, and through a default gate the free functions: every call form packages its arguments as one
// request and runs it through the call's chain — the fallback chain (a list of models, the gate's
// fallback_chain) outermost, then the gate's middleware, then the call's own — down to dispatch.
#include "llmgate/gate.hpp"

#include <algorithm>

#include "core/batch_runner.hpp"
#include "core/chain.hpp"
#include "core/fallback.hpp"
#include "core/handler.hpp"

namespace llmgate::inline v1 {
namespace {

template <class T>
Callback<T> fulfil(std::shared_ptr<std::promise<T>> promise) {
    return [promise = std::move(promise)](std::exception_ptr err, T value) {
        if (err)
            promise->set_exception(err);
        else
            promise->set_value(std::move(value));
    };
}

// A future for `start(done)`; a failure found before anything was sent (bad arguments) is held by it.
template <class T, class Start>
std::future<T> start_async(Start start) {
    auto promise = std::make_shared<std::promise<T>>();
    auto future = promise->get_future();
    try {
        start(fulfil(promise));
    } catch (...) {
        promise->set_exception(std::current_exception());
    }
    return future;
}

// Where one call goes: the first model to try, and the steps around the provider (`outer`, before the
// call's own middleware).
struct Route {
    std::string model;
    std::vector<std::string> chain;  // the models a fallback chain tries; empty for a single model
    MiddlewareList outer;
};

// The models a call tries are its own, then the gate's fallback chain (a model already tried is not
// repeated). One model and no chain is a plain call: no fallback step, errors as the provider raised them.
Route route_call(const GateConfig& config, Models&& models, const MiddlewareList& batch_middleware = {}) {
    Route r;
    const bool chain = models.is_chain() || !config.fallback_chain.empty();
    if (!chain) {
        r.model = std::move(models).take_first();
        if (r.model.empty())
            throw InvalidRequestError(ErrorInfo{.message = "no model given (and no fallback_chain to use instead)"});
    } else {
        if (!models.is_chain() && !models.first().empty()) r.chain.push_back(models.first());
        for (const auto& m : models.chain())
            if (!m.empty()) r.chain.push_back(m);
        for (const auto& m : config.fallback_chain)
            if (std::find(r.chain.begin(), r.chain.end(), m) == r.chain.end()) r.chain.push_back(m);
        if (r.chain.empty())
            throw InvalidRequestError(ErrorInfo{.message = "a fallback chain needs at least one model"});
        r.model = r.chain.front();
    }
    r.outer.insert(r.outer.end(), config.middleware.begin(), config.middleware.end());
    r.outer.insert(r.outer.end(), batch_middleware.begin(), batch_middleware.end());
    return r;
}

// Completions and streams: the fallback chain is the outermost step of the call's chain.
MiddlewareList with_chain_step(Route& r) {
    if (r.chain.empty()) return std::move(r.outer);
    MiddlewareList out{detail::model_chain(std::move(r.chain))};
    out.insert(out.end(), r.outer.begin(), r.outer.end());
    return out;
}

// What a callback form carries to the event loop, where it starts: a copy of the gate's configuration
// (the gate may be gone by then) and the arguments, converted there so their errors reach the handler.
template <class Inputs, class CallOptions>
struct PendingCall {
    GateConfig config;
    Models models;
    Inputs inputs;
    CallOptions options;
};

// A callback form: `run(config, models, inputs, options, handler)` on the event loop (core/handler.hpp).
template <class T, class Inputs, class CallOptions, class Run>
void start_on_loop(const GateConfig& config, Models&& models, Inputs&& inputs, CallOptions&& options,
                   Callback<T> handler, Run run) {
    using Pending = PendingCall<Inputs, CallOptions>;
    detail::start_on_loop<T>(Pending{config, std::move(models), std::move(inputs), std::move(options)},
                             std::move(handler), [run](Pending&& p, Callback<T> done) {
                                 run(p.config, std::move(p.models), std::move(p.inputs), std::move(p.options),
                                     std::move(done));
                             });
}

// A completion or stream: its chain (fallback step first) and its request.
struct ChatCall {
    MiddlewareList outer;
    CompletionRequest request;
};

// The gate's reply size limit, for a call whose options leave it to the gate.
template <class CallOptions>
void apply_gate_limits(const GateConfig& config, CallOptions& options) {
    if (options.max_response_bytes == 0) options.max_response_bytes = config.max_response_bytes;
}

ChatCall chat_call(const GateConfig& config, Models&& models, Messages&& messages, Options&& options) {
    apply_gate_limits(config, options);
    auto r = route_call(config, std::move(models));
    auto outer = with_chain_step(r);
    return {std::move(outer), CompletionRequest{std::move(r.model), std::move(messages).take(), std::move(options)}};
}

// An embedding: its request, and the fallback chain kept apart (it goes around the split).
struct EmbedCall {
    Route route;
    EmbeddingRequest request;
};

EmbedCall embed_call(const GateConfig& config, Models&& models, EmbedInputs&& inputs, EmbedOptions&& options) {
    apply_gate_limits(config, options);
    auto r = route_call(config, std::move(models));
    const bool single = inputs.single();
    std::string model = std::move(r.model);
    return {std::move(r), EmbeddingRequest{std::move(model), std::move(inputs).take(), std::move(options), single}};
}

void complete_async(const GateConfig& config, Models&& models, Messages&& messages, Options&& options,
                    Callback<CompletionResponse> done) {
    auto call = chat_call(config, std::move(models), std::move(messages), std::move(options));
    detail::run_complete_async(call.outer, std::move(call.request), std::move(done));
}

void stream_async(const GateConfig& config, Models&& models, Messages&& messages, Options&& options,
                  Callback<Stream> ready) {
    auto call = chat_call(config, std::move(models), std::move(messages), std::move(options));
    detail::run_stream_async(call.outer, std::move(call.request), std::move(ready));
}

// Embeddings split long input lists to the provider's limit before the chain, so a fallback chain is
// tried around the split (every part of one reply comes from the same model).
EmbeddingResponse embed_blocking(const GateConfig& config, Models&& models, EmbedInputs&& inputs,
                                 EmbedOptions&& options) {
    auto call = embed_call(config, std::move(models), std::move(inputs), std::move(options));
    const MiddlewareList& outer = call.route.outer;
    if (call.route.chain.empty()) return detail::run_embed(outer, call.request);
    // A blocking Next: each candidate runs inline, so the result is in when embed_with_fallback returns.
    std::optional<EmbeddingResponse> result;
    std::exception_ptr error;
    detail::embed_with_fallback(std::move(call.request), std::move(call.route.chain),
                                detail::effective_fallback_on({}, {}),
                                detail::next_to<EmbeddingRequest, EmbeddingResponse>(
                                    [&outer](EmbeddingRequest x, Callback<EmbeddingResponse> d) {
                                        EmbeddingResponse reply;
                                        try {
                                            reply = detail::run_embed(outer, x);
                                        } catch (...) {
                                            d(std::current_exception(), {});
                                            return;
                                        }
                                        d(nullptr, std::move(reply));
                                    },
                                    true),
                                [&](std::exception_ptr e, EmbeddingResponse reply) {
                                    error = e;
                                    if (!e) result.emplace(std::move(reply));
                                });
    if (error) std::rethrow_exception(error);
    return std::move(*result);
}

void embed_async(const GateConfig& config, Models&& models, EmbedInputs&& inputs, EmbedOptions&& options,
                 Callback<EmbeddingResponse> done) {
    auto call = embed_call(config, std::move(models), std::move(inputs), std::move(options));
    if (call.route.chain.empty()) {
        detail::run_embed_async(call.route.outer, std::move(call.request), std::move(done));
        return;
    }
    detail::embed_with_fallback(std::move(call.request), std::move(call.route.chain),
                                detail::effective_fallback_on({}, {}),
                                detail::next_to<EmbeddingRequest, EmbeddingResponse>(
                                    [outer = call.route.outer](EmbeddingRequest x, Callback<EmbeddingResponse> d) {
                                        detail::run_embed_async(outer, std::move(x), std::move(d));
                                    },
                                    false),
                                std::move(done));
}

}  // namespace

CompletionResponse LLMGate::completion(Models models, Messages messages, Options options) const {
    auto call = chat_call(config_, std::move(models), std::move(messages), std::move(options));
    return detail::run_complete(call.outer, call.request);
}

Stream LLMGate::stream(Models models, Messages messages, Options options) const {
    auto call = chat_call(config_, std::move(models), std::move(messages), std::move(options));
    return detail::run_stream(call.outer, call.request);
}

std::future<CompletionResponse> LLMGate::acompletion(Models models, Messages messages, Options options) const {
    return start_async<CompletionResponse>([&](Callback<CompletionResponse> done) {
        complete_async(config_, std::move(models), std::move(messages), std::move(options), std::move(done));
    });
}

std::future<Stream> LLMGate::astream(Models models, Messages messages, Options options) const {
    return start_async<Stream>([&](Callback<Stream> ready) {
        stream_async(config_, std::move(models), std::move(messages), std::move(options), std::move(ready));
    });
}

void LLMGate::acompletion(Models models, Messages messages, Options options,
                          Callback<CompletionResponse> on_done) const {
    start_on_loop(config_, std::move(models), std::move(messages), std::move(options), std::move(on_done),
                  complete_async);
}

void LLMGate::astream(Models models, Messages messages, Options options, Callback<Stream> on_ready) const {
    start_on_loop(config_, std::move(models), std::move(messages), std::move(options), std::move(on_ready),
                  stream_async);
}

EmbeddingResponse LLMGate::embed(Models models, EmbedInputs inputs, EmbedOptions options) const {
    return embed_blocking(config_, std::move(models), std::move(inputs), std::move(options));
}

std::future<EmbeddingResponse> LLMGate::aembed(Models models, EmbedInputs inputs, EmbedOptions options) const {
    return start_async<EmbeddingResponse>([&](Callback<EmbeddingResponse> done) {
        embed_async(config_, std::move(models), std::move(inputs), std::move(options), std::move(done));
    });
}

void LLMGate::aembed(Models models, EmbedInputs inputs, EmbedOptions options,
                     Callback<EmbeddingResponse> on_done) const {
    start_on_loop(config_, std::move(models), std::move(inputs), std::move(options), std::move(on_done), embed_async);
}

namespace {

// Every request of a gate's batch goes through the gate (its fallback chain, its middleware, then the
// batch's, then the request's own). The configuration is copied: the gate may go before the batch ends.
detail::BatchRunner gate_batch_runner(const GateConfig& config) {
    return
        [c = config](const MiddlewareList& batch_mw, CompletionRequest&& request, Callback<CompletionResponse> done) {
            Route r;
            try {
                r = route_call(c, Models(std::move(request.model)), batch_mw);
            } catch (...) {
                done(std::current_exception(), {});
                return;
            }
            auto outer = with_chain_step(r);
            request.model = std::move(r.model);
            apply_gate_limits(c, request.options);
            detail::run_complete_async(outer, std::move(request), std::move(done));
        };
}

}  // namespace

std::future<BatchResult> LLMGate::abatch(BatchRequests requests, const BatchOptions& options) const {
    return detail::start_batch(std::move(requests), options, gate_batch_runner(config_));
}

std::future<BatchResult> LLMGate::abatch(std::size_t count, RequestMaker make_request,
                                         const BatchOptions& options) const {
    return detail::start_batch(count, std::move(make_request), options, gate_batch_runner(config_));
}

BatchResult LLMGate::batch(BatchRequests requests, const BatchOptions& options) const {
    return abatch(std::move(requests), options).get();
}

BatchResult LLMGate::batch(std::size_t count, RequestMaker make_request, const BatchOptions& options) const {
    return abatch(count, std::move(make_request), options).get();
}

}  // namespace llmgate::inline v1
