// LLMGate: every call runs the fallback chain (when configured) around the gate middleware.
#include "llmgate/gate.hpp"

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

MiddlewareList joined(const MiddlewareList& a, const MiddlewareList& b) {
    MiddlewareList out = a;
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

// The candidates for a call, or an InvalidRequestError when there is neither a model nor a chain.
std::vector<std::string> candidates(const GateConfig& c, const std::string& model) {
    if (model.empty() && c.fallback_chain.empty())
        throw InvalidRequestError(ErrorInfo{.message = "no model given and the gate has no fallback_chain"});
    return detail::fallback_candidates(model, c.fallback_chain);
}

// The candidates into `out`, or false once the error (no model and no chain) has gone to `done`.
template <class T>
bool candidates_or_report(const GateConfig& c, const std::string& model, std::vector<std::string>& out,
                          Callback<T>& done) {
    try {
        out = candidates(c, model);
        return true;
    } catch (...) {
        done(std::current_exception(), detail::empty_value<T>());
        return false;
    }
}

CompletionResponse gate_complete(const GateConfig& c, const MiddlewareList& outer, const CompletionRequest& r) {
    if (c.fallback_chain.empty()) return detail::run_complete(outer, r);
    return detail::complete_with_fallback(
        r, candidates(c, r.model), detail::effective_fallback_on({}, r.options.fallback_on),
        [&outer](const CompletionRequest& x) { return detail::run_complete(outer, x); });
}

void gate_complete_async(const GateConfig& c, MiddlewareList outer, CompletionRequest r,
                         Callback<CompletionResponse> done) {
    if (c.fallback_chain.empty()) {
        detail::run_complete_async(outer, std::move(r), std::move(done));
        return;
    }
    std::vector<std::string> models;
    if (!candidates_or_report(c, r.model, models, done)) return;
    auto on = detail::effective_fallback_on({}, r.options.fallback_on);
    detail::complete_with_fallback_async(
        std::move(r), std::move(models), std::move(on), std::move(done),
        [outer = std::move(outer)](CompletionRequest x, Callback<CompletionResponse> d) {
            detail::run_complete_async(outer, std::move(x), std::move(d));
        });
}

// The callback handlers below report every failure, the missing-candidates error included, through `ready`.
void gate_stream_async(const GateConfig& c, CompletionRequest r, Callback<Stream> ready) {
    MiddlewareList outer = c.middleware;
    std::vector<std::string> models;
    if (!candidates_or_report(c, r.model, models, ready)) return;
    if (c.fallback_chain.empty()) {
        detail::run_stream_async(outer, std::move(r), std::move(ready));
        return;
    }
    auto on = detail::effective_fallback_on({}, r.options.fallback_on);
    detail::stream_with_fallback_async(std::move(r), std::move(models), std::move(on), std::move(ready),
                                       [outer](CompletionRequest x, Callback<Stream> d) {
                                           detail::run_stream_async(outer, std::move(x), std::move(d));
                                       });
}

void gate_embed_async(const GateConfig& c, EmbeddingRequest r, Callback<EmbeddingResponse> done) {
    MiddlewareList outer = c.middleware;
    if (c.fallback_chain.empty()) {
        detail::run_embed_async(outer, std::move(r), std::move(done));
        return;
    }
    std::vector<std::string> models;
    if (!candidates_or_report(c, r.model, models, done)) return;
    detail::embed_with_fallback_async(std::move(r), std::move(models), detail::effective_fallback_on({}, {}),
                                      std::move(done), [outer](EmbeddingRequest x, Callback<EmbeddingResponse> d) {
                                          detail::run_embed_async(outer, std::move(x), std::move(d));
                                      });
}

// The callback forms start on the event loop thread with their own copy of the gate's configuration, so
// the gate may be gone by the time they run.
template <class T, class Request, class Run>
void gate_start_on_loop(const GateConfig& c, Request request, Callback<T> handler, Run run) {
    detail::start_on_loop<T>(std::move(request), std::move(handler),
                             [c, run](Request&& r, Callback<T> d) { run(c, std::move(r), std::move(d)); });
}

}  // namespace

CompletionResponse LLMGate::completion(const std::string& model, const std::vector<Message>& messages,
                                       const Options& options) const {
    if (model.empty()) candidates(config_, model);  // a clear error when there is nothing to try
    return gate_complete(config_, config_.middleware, CompletionRequest{model, messages, options});
}

CompletionResponse LLMGate::completion(const std::string& model, const json& messages, const Options& options) const {
    return completion(model, messages_from_json(messages), options);
}

CompletionResponse LLMGate::completion(const std::vector<Message>& messages, const Options& options) const {
    return completion(std::string(), messages, options);
}

CompletionResponse LLMGate::completion(const json& messages, const Options& options) const {
    return completion(std::string(), messages_from_json(messages), options);
}

std::future<CompletionResponse> LLMGate::acompletion(const std::string& model, const std::vector<Message>& messages,
                                                     const Options& options) const {
    return start_async<CompletionResponse>([&](Callback<CompletionResponse> done) {
        if (model.empty()) candidates(config_, model);
        gate_complete_async(config_, config_.middleware, CompletionRequest{model, messages, options}, std::move(done));
    });
}

std::future<CompletionResponse> LLMGate::acompletion(const std::vector<Message>& messages,
                                                     const Options& options) const {
    return acompletion(std::string(), messages, options);
}

void LLMGate::acompletion(const std::string& model, const std::vector<Message>& messages, const Options& options,
                          Callback<CompletionResponse> on_done) const {
    gate_start_on_loop<CompletionResponse>(
        config_, CompletionRequest{model, messages, options}, std::move(on_done),
        [](const GateConfig& c, CompletionRequest&& r, Callback<CompletionResponse> d) {
            std::vector<std::string> unused;
            if (r.model.empty() && !candidates_or_report(c, r.model, unused, d)) return;
            gate_complete_async(c, c.middleware, std::move(r), std::move(d));
        });
}

void LLMGate::acompletion(const std::vector<Message>& messages, const Options& options,
                          Callback<CompletionResponse> on_done) const {
    acompletion(std::string(), messages, options, std::move(on_done));
}

Stream LLMGate::stream(const std::string& model, const std::vector<Message>& messages, const Options& options) const {
    CompletionRequest r{model, messages, options};
    const MiddlewareList& outer = config_.middleware;
    if (config_.fallback_chain.empty()) {
        if (model.empty()) candidates(config_, model);
        return detail::run_stream(outer, r);
    }
    return detail::stream_with_fallback(r, candidates(config_, model),
                                        detail::effective_fallback_on({}, options.fallback_on),
                                        [outer](const CompletionRequest& x) { return detail::run_stream(outer, x); });
}

Stream LLMGate::stream(const std::vector<Message>& messages, const Options& options) const {
    return stream(std::string(), messages, options);
}

std::future<Stream> LLMGate::astream(const std::string& model, const std::vector<Message>& messages,
                                     const Options& options) const {
    return start_async<Stream>([&](Callback<Stream> ready) {
        gate_stream_async(config_, CompletionRequest{model, messages, options}, std::move(ready));
    });
}

std::future<Stream> LLMGate::astream(const std::vector<Message>& messages, const Options& options) const {
    return astream(std::string(), messages, options);
}

void LLMGate::astream(const std::string& model, const std::vector<Message>& messages, const Options& options,
                      Callback<Stream> on_ready) const {
    gate_start_on_loop<Stream>(config_, CompletionRequest{model, messages, options}, std::move(on_ready),
                               gate_stream_async);
}

void LLMGate::astream(const std::vector<Message>& messages, const Options& options, Callback<Stream> on_ready) const {
    astream(std::string(), messages, options, std::move(on_ready));
}

EmbeddingResponse LLMGate::embed(const std::string& model, const std::vector<std::string>& inputs,
                                 const EmbedOptions& options) const {
    EmbeddingRequest r{model, inputs, options, false};
    const MiddlewareList& outer = config_.middleware;
    if (config_.fallback_chain.empty()) return detail::run_embed(outer, r);
    return detail::embed_with_fallback(r, candidates(config_, model), detail::effective_fallback_on({}, {}),
                                       [&outer](const EmbeddingRequest& x) { return detail::run_embed(outer, x); });
}

EmbeddingResponse LLMGate::embed(const std::string& model, const std::string& input,
                                 const EmbedOptions& options) const {
    EmbeddingRequest r{model, {input}, options, true};
    const MiddlewareList& outer = config_.middleware;
    if (config_.fallback_chain.empty()) return detail::run_embed(outer, r);
    return detail::embed_with_fallback(r, candidates(config_, model), detail::effective_fallback_on({}, {}),
                                       [&outer](const EmbeddingRequest& x) { return detail::run_embed(outer, x); });
}

namespace {
std::future<EmbeddingResponse> gate_aembed(const GateConfig& c, EmbeddingRequest r) {
    return start_async<EmbeddingResponse>(
        [&](Callback<EmbeddingResponse> done) { gate_embed_async(c, std::move(r), std::move(done)); });
}
}  // namespace

std::future<EmbeddingResponse> LLMGate::aembed(const std::string& model, const std::vector<std::string>& inputs,
                                               const EmbedOptions& options) const {
    return gate_aembed(config_, EmbeddingRequest{model, inputs, options, false});
}

std::future<EmbeddingResponse> LLMGate::aembed(const std::string& model, const std::string& input,
                                               const EmbedOptions& options) const {
    return gate_aembed(config_, EmbeddingRequest{model, {input}, options, true});
}

void LLMGate::aembed(const std::string& model, const std::vector<std::string>& inputs, const EmbedOptions& options,
                     Callback<EmbeddingResponse> on_done) const {
    gate_start_on_loop<EmbeddingResponse>(config_, EmbeddingRequest{model, inputs, options, false}, std::move(on_done),
                                          gate_embed_async);
}

void LLMGate::aembed(const std::string& model, const std::string& input, const EmbedOptions& options,
                     Callback<EmbeddingResponse> on_done) const {
    gate_start_on_loop<EmbeddingResponse>(config_, EmbeddingRequest{model, {input}, options, true}, std::move(on_done),
                                          gate_embed_async);
}

namespace {

// Every request of a gate's batch goes through the gate (its middleware, then the batch's, then the
// request's own; its fallback chain). The configuration is copied: the gate may go before the batch ends.
detail::BatchRunner gate_batch_runner(const GateConfig& config) {
    return [c = config](const MiddlewareList& batch_mw, CompletionRequest&& r, Callback<CompletionResponse> done) {
        gate_complete_async(c, joined(c.middleware, batch_mw), std::move(r), std::move(done));
    };
}

}  // namespace

std::future<BatchResult> LLMGate::abatch(std::vector<CompletionRequest> requests, const BatchOptions& options) const {
    return detail::start_batch(std::move(requests), {}, options, gate_batch_runner(config_));
}

std::future<BatchResult> LLMGate::abatch(std::size_t count, RequestMaker make_request,
                                         const BatchOptions& options) const {
    return detail::start_batch(count, std::move(make_request), options, gate_batch_runner(config_));
}

BatchResult LLMGate::batch(std::size_t count, RequestMaker make_request, const BatchOptions& options) const {
    return abatch(count, std::move(make_request), options).get();
}

std::future<BatchResult> LLMGate::abatch(const json& requests, const BatchOptions& options) const {
    try {
        auto parsed = detail::parse_batch(requests);
        return detail::start_batch(std::move(parsed.requests), std::move(parsed.errors), options,
                                   gate_batch_runner(config_));
    } catch (...) {
        std::promise<BatchResult> p;
        p.set_exception(std::current_exception());
        return p.get_future();
    }
}

BatchResult LLMGate::batch(std::vector<CompletionRequest> requests, const BatchOptions& options) const {
    return abatch(std::move(requests), options).get();
}

BatchResult LLMGate::batch(const json& requests, const BatchOptions& options) const {
    return abatch(requests, options).get();
}

}  // namespace llmgate
