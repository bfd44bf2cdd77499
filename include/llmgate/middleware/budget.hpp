// BudgetMiddleware: stops calls once a USD budget is spent; CostTracker: a running total of what calls cost.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>

#include "llmgate/cost.hpp"
#include "llmgate/errors.hpp"
#include "llmgate/middleware.hpp"

namespace llmgate::inline v1 {

namespace detail {
// What the calls through one middleware cost so far. Shared with the callbacks of calls in flight and
// with streams still being read, which may outlive the middleware itself.
struct CostLedger {
    mutable std::mutex mutex;
    double total_usd = 0;
    std::size_t priced = 0;
    std::size_t unpriced = 0;
    void record(std::optional<double> usd);
};
}  // namespace detail

// A call refused because the budget of the BudgetMiddleware it went through is spent.
class BudgetExceededError : public Error {
public:
    BudgetExceededError(ErrorInfo info, double budget_usd, double spent_usd)
        : Error(std::move(info)), budget_(budget_usd), spent_(spent_usd) {}
    double budget_usd() const noexcept { return budget_; }
    double spent_usd() const noexcept { return spent_; }
    const char* type_name() const noexcept override { return "BudgetExceededError"; }

private:
    double budget_ = 0;
    double spent_ = 0;
};

// Adds up what every call through it cost (llmgate::cost of each reply, stream and embedding) and refuses
// new calls with BudgetExceededError once the total reaches the budget. Put it on a gate to cap a whole
// program: `LLMGate gate({.middleware = {std::make_shared<BudgetMiddleware>(5.00)}});`.
//
// Safe under concurrent calls: the total is shared and locked. The budget is checked when a call starts,
// so calls already in flight when it runs out still finish (and are counted): the overrun is at most what
// those calls cost. A model with no price cannot be budgeted: its calls fail up front with
// InvalidRequestError, unless `allow_unpriced` (then they count as free).
class BudgetMiddleware : public Middleware {
public:
    explicit BudgetMiddleware(double budget_usd, bool allow_unpriced = false);

    double budget_usd() const noexcept { return budget_; }
    double spent_usd() const;
    double remaining_usd() const;
    // Counts spending made elsewhere (another process's share, a call not made through this middleware).
    void add_spent(double usd);

    void complete(CompletionRequest request, CompleteNext next, Callback<CompletionResponse> done) override;
    void stream(CompletionRequest request, StreamNext next, Callback<Stream> done) override;
    void embed(EmbeddingRequest request, EmbedNext next, Callback<EmbeddingResponse> done) override;

private:
    // Throws BudgetExceededError when spent, InvalidRequestError for an unpriced model (unless allowed).
    void check_can_start(const std::string& provider, const std::string& model) const;

    double budget_;
    bool allow_unpriced_;
    std::shared_ptr<detail::CostLedger> ledger_ = std::make_shared<detail::CostLedger>();
};

// A running total of what the calls through it cost: put it on a gate for a gate-level total.
// Replies of models with no price are counted in unpriced_calls(), not guessed at.
class CostTracker : public Middleware {
public:
    double total_usd() const;
    std::size_t priced_calls() const;
    std::size_t unpriced_calls() const;
    void reset();

    void complete(CompletionRequest request, CompleteNext next, Callback<CompletionResponse> done) override;
    void stream(CompletionRequest request, StreamNext next, Callback<Stream> done) override;
    void embed(EmbeddingRequest request, EmbedNext next, Callback<EmbeddingResponse> done) override;

    // Records one call's cost (nullopt: unpriced).
    void record(std::optional<double> usd) { ledger_->record(usd); }

private:
    std::shared_ptr<detail::CostLedger> ledger_ = std::make_shared<detail::CostLedger>();
};

}  // namespace llmgate::inline v1
