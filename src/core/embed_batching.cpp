// Embedding batching: split to the provider's limit, send the parts concurrently, reassemble in order.
#include "core/embed_batching.hpp"

#include <future>

#include "core/chain.hpp"
#include "core/dispatch.hpp"
#include "core/window.hpp"
#include "providers/registry.hpp"
#include "util/json_numbers.hpp"

namespace llmgate::inline v1::detail {
namespace {

// At most this many parts of one embed call in flight at once: parallel, without flooding a provider.
constexpr std::size_t kPartsInFlight = 4;

// Where an embeddings request goes, as far as splitting needs to know: the provider's per-request input
// limit (0 = none or unknown: a routing error is left to dispatch to report) and its name.
struct SplitTarget {
    std::size_t limit = 0;
    std::string provider;
};

SplitTarget split_target(const EmbeddingRequest& request) {
    try {
        const Route r = route(request.model, request.options.provider);
        return {r.provider->capabilities(r.model).max_embedding_inputs, r.provider->name()};
    } catch (...) {
        return {};
    }
}

bool fits(const EmbeddingRequest& request, std::size_t limit) { return limit == 0 || request.inputs.size() <= limit; }

}  // namespace

std::vector<EmbeddingRequest> split_embedding_request(const EmbeddingRequest& request, std::size_t max_inputs) {
    if (max_inputs == 0 || request.inputs.size() <= max_inputs) return {request};
    std::vector<EmbeddingRequest> parts;
    for (std::size_t start = 0; start < request.inputs.size(); start += max_inputs) {
        EmbeddingRequest part{request.model, {}, request.options, false};
        const std::size_t end = std::min(request.inputs.size(), start + max_inputs);
        part.inputs.assign(request.inputs.begin() + static_cast<std::ptrdiff_t>(start),
                           request.inputs.begin() + static_cast<std::ptrdiff_t>(end));
        parts.push_back(std::move(part));
    }
    return parts;
}

EmbeddingResponse merge_embedding_responses(std::vector<EmbeddingResponse> parts) {
    if (parts.size() == 1) return std::move(parts.front());
    EmbeddingResponse out;
    // raw is the array of the parts' replies, joined as text so the parts' replies need not be parsed.
    std::string raw = "[";
    for (auto& p : parts) {
        if (out.model.empty()) out.model = p.model;
        if (out.provider.empty()) out.provider = p.provider;
        for (auto& v : p.embeddings) out.embeddings.push_back(std::move(v));
        out.usage.prompt_tokens = add_counts(out.usage.prompt_tokens, p.usage.prompt_tokens);
        out.usage.completion_tokens = add_counts(out.usage.completion_tokens, p.usage.completion_tokens);
        out.usage.total_tokens = add_counts(out.usage.total_tokens, p.usage.total_tokens);
        out.usage.cached_tokens = add_counts(out.usage.cached_tokens, p.usage.cached_tokens);
        if (raw.size() > 1) raw += ',';
        raw += p.raw.dump();
    }
    raw += ']';
    out.raw = RawJson::from_text(std::move(raw));
    return out;
}

namespace {

// The parts of a request that does not fit, sent concurrently and joined in order.
void embed_parts_async(const MiddlewareList& outer, const EmbeddingRequest& request, const SplitTarget& target,
                       Callback<EmbeddingResponse> done) {
    auto parts = std::make_shared<std::vector<EmbeddingRequest>>(split_embedding_request(request, target.limit));
    // Checked whole, before the parts are sent, so an error names the input as the caller counts it.
    try {
        check_embedding_inputs(request, target.provider);
    } catch (...) {
        done(std::current_exception(), {});
        return;
    }
    struct Gathered {
        std::vector<EmbeddingResponse> replies;
        std::exception_ptr error;
    };
    auto g = std::make_shared<Gathered>();
    g->replies.resize(parts->size());
    const std::size_t n = parts->size();
    run_window<EmbeddingResponse>(
        n, kPartsInFlight,
        Window<EmbeddingResponse>{
            .start =
                [outer, parts](std::size_t i, Callback<EmbeddingResponse> d) {
                    run_embed_unsplit_async(outer, std::move((*parts)[i]), std::move(d));  // each part starts once
                },
            .on_done =
                [g](std::size_t i, std::exception_ptr e, EmbeddingResponse r) {
                    if (e) {
                        g->error = e;  // one failed part fails the call: a partial list of vectors is no answer
                        return false;
                    }
                    g->replies[i] = std::move(r);
                    return true;
                },
            .finished =
                [g, done = std::move(done)] {
                    if (g->error)
                        done(g->error, {});
                    else
                        done(nullptr, merge_embedding_responses(std::move(g->replies)));
                },
        });
}

}  // namespace

void embed_in_batches_async(const MiddlewareList& outer, EmbeddingRequest request, Callback<EmbeddingResponse> done) {
    const SplitTarget target = split_target(request);
    if (fits(request, target.limit))
        run_embed_unsplit_async(outer, std::move(request), std::move(done));
    else
        embed_parts_async(outer, request, target, std::move(done));
}

EmbeddingResponse embed_in_batches(const MiddlewareList& outer, const EmbeddingRequest& request) {
    const SplitTarget target = split_target(request);
    if (fits(request, target.limit)) return run_embed_unsplit(outer, request);
    std::promise<EmbeddingResponse> promise;
    auto future = promise.get_future();
    embed_parts_async(outer, request, target, [&promise](std::exception_ptr e, EmbeddingResponse r) {
        if (e)
            promise.set_exception(e);
        else
            promise.set_value(std::move(r));
    });
    return future.get();
}

}  // namespace llmgate::inline v1::detail
