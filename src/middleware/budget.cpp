// BudgetMiddleware and CostTracker: what calls cost, added up as their replies arrive.
#include "llmgate/middleware/budget.hpp"

#include <cstdio>

#include "cost/stream_cost.hpp"

namespace llmgate::inline v1 {
namespace {

std::string usd_text(double usd) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6f", usd);
    return buf;
}

// The reply's own price when it has one, else the price of the model the request named.
std::optional<double> reply_cost(const CompletionResponse& r, const std::string& provider, const std::string& model) {
    if (auto c = cost(r)) return c;
    if (auto price = price_of(provider, model)) return cost_of(r.usage, *price);
    return std::nullopt;
}

std::optional<double> embed_cost(const EmbeddingResponse& r, const std::string& provider, const std::string& model) {
    if (auto c = cost(r)) return c;
    // Priced as the model the request named: cost(EmbeddingResponse) on the same usage.
    EmbeddingResponse named;
    named.provider = provider;
    named.model = model;
    named.usage = r.usage;
    return cost(named);
}

// The three hooks of both middleware: forward the call and record what it cost in `ledger` once the reply
// (or the stream's end) is in. The request's provider and model price a reply that names no priced model.
void record_complete(std::shared_ptr<detail::CostLedger> ledger, CompletionRequest request,
                     const Middleware::CompleteNext& next, Callback<CompletionResponse> done) {
    std::string provider = request.options.provider, model = request.model;
    next(std::move(request), [ledger = std::move(ledger), provider = std::move(provider), model = std::move(model),
                              done = std::move(done)](std::exception_ptr err, CompletionResponse r) {
        if (!err) ledger->record(reply_cost(r, provider, model));
        done(err, std::move(r));
    });
}

void record_stream(std::shared_ptr<detail::CostLedger> ledger, CompletionRequest request,
                   const Middleware::StreamNext& next, Callback<Stream> done) {
    std::string provider = request.options.provider, model = request.model;
    next(std::move(request), [ledger = std::move(ledger), provider = std::move(provider), model = std::move(model),
                              done = std::move(done)](std::exception_ptr err, Stream s) mutable {
        if (err) return done(err, std::move(s));
        done(nullptr, detail::observe_stream_cost(std::move(s), provider, model,
                                                  [ledger](std::optional<double> usd) { ledger->record(usd); }));
    });
}

void record_embed(std::shared_ptr<detail::CostLedger> ledger, EmbeddingRequest request,
                  const Middleware::EmbedNext& next, Callback<EmbeddingResponse> done) {
    std::string provider = request.options.provider, model = request.model;
    next(std::move(request), [ledger = std::move(ledger), provider = std::move(provider), model = std::move(model),
                              done = std::move(done)](std::exception_ptr err, EmbeddingResponse r) {
        if (!err) ledger->record(embed_cost(r, provider, model));
        done(err, std::move(r));
    });
}

}  // namespace

void detail::CostLedger::record(std::optional<double> usd) {
    std::lock_guard lock(mutex);
    if (usd && *usd >= 0) {
        total_usd += *usd;
        ++priced;
    } else {
        ++unpriced;
    }
}

BudgetMiddleware::BudgetMiddleware(double budget_usd, bool allow_unpriced)
    : budget_(budget_usd), allow_unpriced_(allow_unpriced) {
    if (!(budget_usd >= 0))
        throw InvalidRequestError(ErrorInfo{.message = "BudgetMiddleware: the budget must be a non-negative number of USD"});
}

double BudgetMiddleware::spent_usd() const {
    std::lock_guard lock(ledger_->mutex);
    return ledger_->total_usd;
}

double BudgetMiddleware::remaining_usd() const {
    const double spent = spent_usd();
    return spent >= budget_ ? 0.0 : budget_ - spent;
}

void BudgetMiddleware::add_spent(double usd) {
    if (usd >= 0) ledger_->record(usd);
}

void BudgetMiddleware::check_can_start(const std::string& provider, const std::string& model) const {
    const double spent = spent_usd();
    if (spent >= budget_)
        throw BudgetExceededError(ErrorInfo{.provider = provider,
                                            .model = model,
                                            .message = "the budget of " + usd_text(budget_) + " USD is spent (" +
                                                       usd_text(spent) + " USD so far)",
                                            .error_type = "budget_exceeded"},
                                  budget_, spent);
    if (!allow_unpriced_ && !price_of(provider, model))
        throw InvalidRequestError(ErrorInfo{
            .provider = provider,
            .model = model,
            .message = "BudgetMiddleware: no price is known for model \"" + model +
                       "\", so its cost cannot be counted; set one with llmgate::set_price or load_prices, or "
                       "construct the middleware with allow_unpriced = true"});
}

void BudgetMiddleware::complete(CompletionRequest request, CompleteNext next, Callback<CompletionResponse> done) {
    check_can_start(request.options.provider, request.model);
    record_complete(ledger_, std::move(request), next, std::move(done));
}

void BudgetMiddleware::stream(CompletionRequest request, StreamNext next, Callback<Stream> done) {
    check_can_start(request.options.provider, request.model);
    record_stream(ledger_, std::move(request), next, std::move(done));
}

void BudgetMiddleware::embed(EmbeddingRequest request, EmbedNext next, Callback<EmbeddingResponse> done) {
    check_can_start(request.options.provider, request.model);
    record_embed(ledger_, std::move(request), next, std::move(done));
}

double CostTracker::total_usd() const {
    std::lock_guard lock(ledger_->mutex);
    return ledger_->total_usd;
}

std::size_t CostTracker::priced_calls() const {
    std::lock_guard lock(ledger_->mutex);
    return ledger_->priced;
}

std::size_t CostTracker::unpriced_calls() const {
    std::lock_guard lock(ledger_->mutex);
    return ledger_->unpriced;
}

void CostTracker::reset() {
    std::lock_guard lock(ledger_->mutex);
    ledger_->total_usd = 0;
    ledger_->priced = ledger_->unpriced = 0;
}

void CostTracker::complete(CompletionRequest request, CompleteNext next, Callback<CompletionResponse> done) {
    record_complete(ledger_, std::move(request), next, std::move(done));
}

void CostTracker::stream(CompletionRequest request, StreamNext next, Callback<Stream> done) {
    record_stream(ledger_, std::move(request), next, std::move(done));
}

void CostTracker::embed(EmbeddingRequest request, EmbedNext next, Callback<EmbeddingResponse> done) {
    record_embed(ledger_, std::move(request), next, std::move(done));
}

}  // namespace llmgate::inline v1
