// RateLimitMiddleware: token buckets shared by sync callers (who sleep) and async callers (on timers).
#include "llmgate/middleware/rate_limit.hpp"

#include <algorithm>
#include <mutex>
#include <thread>

#include "core/cancellable_wait.hpp"
#include "core/chain.hpp"
#include "core/stream_puller.hpp"

namespace llmgate::inline v1 {
namespace {

using Clock = std::chrono::steady_clock;

// A bucket that may go into debt: a reservation that finds it empty is granted a future time slot
// (the debt is paid off by the refill), so concurrent callers queue in order instead of racing.
struct Bucket {
    double per_second = 0;  // 0: unlimited
    double capacity = 1;
    double level = 1;
    Clock::time_point last = Clock::now();

    void refill(Clock::time_point now) {
        const double dt = std::chrono::duration<double>(now - last).count();
        level = std::min(capacity, level + dt * per_second);
        last = now;
    }
    double seconds_until_non_negative() const { return level >= 0 ? 0.0 : -level / per_second; }
};

std::chrono::milliseconds ceil_ms(double seconds) {
    return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000.0 + 0.999));
}

// Charges a stream's usage when it ends.
class ChargingChunkSource final : public detail::ChunkSource {
public:
    ChargingChunkSource(Stream inner, std::shared_ptr<RateLimiter> limiter)
        : puller_(std::move(inner)), limiter_(std::move(limiter)) {}
    std::optional<StreamChunk> next() override {
        auto chunk = puller_.next();
        if (chunk && chunk->usage) limiter_->record_tokens(chunk->usage->total_tokens);
        return chunk;
    }

private:
    detail::StreamPuller puller_;
    std::shared_ptr<RateLimiter> limiter_;
};

// Waits for a slot, on a timer, then runs `go`. A call cancelled meanwhile goes on at once (and fails
// with CancelledError before anything is sent); its reserved slot is not given back.
void after_slot(RateLimiter& limiter, const std::optional<CancelToken>& cancel, std::function<void()> go) {
    const auto wait = limiter.reserve();
    if (wait.count() <= 0)
        go();
    else
        detail::run_after_unless_cancelled(wait, cancel, std::move(go));
}

void wait_for_slot(RateLimiter& limiter, const std::optional<CancelToken>& cancel) {
    const auto wait = limiter.reserve();
    if (wait.count() > 0) detail::sleep_unless_cancelled(wait, cancel);
}

}  // namespace

struct RateLimiter::Impl {
    std::mutex mutex;
    Bucket requests;
    Bucket tokens;
};

RateLimiter::RateLimiter(double rpm, double tpm, double burst) : impl_(std::make_unique<Impl>()) {
    if (rpm > 0) {
        impl_->requests.per_second = rpm / 60.0;
        impl_->requests.capacity = impl_->requests.level = std::max(1.0, burst);
    }
    if (tpm > 0) {
        impl_->tokens.per_second = tpm / 60.0;
        impl_->tokens.capacity = impl_->tokens.level = tpm;
    }
}
RateLimiter::~RateLimiter() = default;

std::chrono::milliseconds RateLimiter::reserve() {
    std::lock_guard lock(impl_->mutex);
    const auto now = Clock::now();
    double wait = 0;
    if (impl_->tokens.per_second > 0) {
        impl_->tokens.refill(now);
        wait = impl_->tokens.seconds_until_non_negative();
    }
    if (impl_->requests.per_second > 0) {
        impl_->requests.refill(now);
        impl_->requests.level -= 1;
        wait = std::max(wait, impl_->requests.seconds_until_non_negative());
    }
    return ceil_ms(wait);
}

void RateLimiter::record_tokens(std::int64_t tokens) {
    std::lock_guard lock(impl_->mutex);
    if (impl_->tokens.per_second <= 0 || tokens <= 0) return;
    impl_->tokens.refill(Clock::now());
    impl_->tokens.level -= static_cast<double>(tokens);
}

CompletionResponse RateLimitMiddleware::complete(const CompletionRequest& request, const CompleteNext& next) {
    wait_for_slot(*limiter_, request.options.cancel);
    CompletionResponse r = next(request);
    limiter_->record_tokens(r.usage.total_tokens);
    return r;
}

void RateLimitMiddleware::complete_async(CompletionRequest request, Callback<CompletionResponse> done,
                                         CompleteAsyncNext next) {
    auto limiter = limiter_;
    auto cancel = request.options.cancel;  // copied first: the request itself moves into the task
    after_slot(*limiter, cancel,
               [limiter, request = std::move(request), done = std::move(done), next = std::move(next)]() mutable {
                   next(std::move(request),
                        [limiter, done = std::move(done)](std::exception_ptr e, CompletionResponse r) {
                            if (!e) limiter->record_tokens(r.usage.total_tokens);
                            done(e, std::move(r));
                        });
               });
}

Stream RateLimitMiddleware::stream(const CompletionRequest& request, const StreamNext& next) {
    wait_for_slot(*limiter_, request.options.cancel);
    return Stream(std::make_unique<ChargingChunkSource>(next(request), limiter_));
}

void RateLimitMiddleware::stream_async(CompletionRequest request, Callback<Stream> ready, StreamAsyncNext next) {
    auto limiter = limiter_;
    auto cancel = request.options.cancel;  // copied first: the request itself moves into the task
    after_slot(*limiter, cancel,
               [limiter, request = std::move(request), ready = std::move(ready), next = std::move(next)]() mutable {
                   next(std::move(request), [limiter, ready = std::move(ready)](std::exception_ptr e, Stream s) {
                       if (e) {
                           ready(e, Stream(nullptr));
                           return;
                       }
                       ready(nullptr, Stream(std::make_unique<ChargingChunkSource>(std::move(s), limiter)));
                   });
               });
}

EmbeddingResponse RateLimitMiddleware::embed(const EmbeddingRequest& request, const EmbedNext& next) {
    wait_for_slot(*limiter_, request.options.cancel);
    EmbeddingResponse r = next(request);
    limiter_->record_tokens(r.usage.total_tokens);
    return r;
}

void RateLimitMiddleware::embed_async(EmbeddingRequest request, Callback<EmbeddingResponse> done, EmbedAsyncNext next) {
    auto limiter = limiter_;
    auto cancel = request.options.cancel;  // copied first: the request itself moves into the task
    after_slot(*limiter, cancel,
               [limiter, request = std::move(request), done = std::move(done), next = std::move(next)]() mutable {
                   next(std::move(request),
                        [limiter, done = std::move(done)](std::exception_ptr e, EmbeddingResponse r) {
                            if (!e) limiter->record_tokens(r.usage.total_tokens);
                            done(e, std::move(r));
                        });
               });
}

}  // namespace llmgate
