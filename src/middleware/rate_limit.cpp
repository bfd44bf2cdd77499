// RateLimitMiddleware: token buckets shared by sync callers (who sleep) and async callers (on timers).
#include "llmgate/middleware/rate_limit.hpp"

#include <algorithm>
#include <mutex>
#include <thread>

#include "core/cancellable_wait.hpp"
#include "core/chain.hpp"
#include "core/stream_sources.hpp"

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
class ChargingChunkSource final : public ChunkSource {
public:
    ChargingChunkSource(Stream inner, std::shared_ptr<RateLimiter> limiter)
        : inner_(std::move(inner)), limiter_(std::move(limiter)) {}
    std::optional<StreamChunk> next() override {
        auto chunk = inner_.next();
        if (chunk && chunk->usage) limiter_->record_tokens(chunk->usage->total_tokens);
        return chunk;
    }

private:
    Stream inner_;
    std::shared_ptr<RateLimiter> limiter_;
};

// Waits for a slot (next.after: the caller sleeps in a blocking call, a timer serves an async one), then
// sends the request on, charging its tokens once its reply is in. A call cancelled meanwhile goes on at
// once (and fails with CancelledError before anything is sent); its reserved slot is not given back.
template <class Request, class Result>
void after_slot(const std::shared_ptr<RateLimiter>& limiter, Request request, Next<Request, Result> next,
                Callback<Result> done) {
    const auto wait = limiter->reserve();
    auto go = [limiter, request = std::move(request), next, done = std::move(done)]() mutable {
        next(std::move(request), [limiter, done = std::move(done)](std::exception_ptr e, Result r) {
            if (e) {
                done(e, detail::empty_value<Result>());
                return;
            }
            if constexpr (std::is_same_v<Result, Stream>)
                done(nullptr, Stream(std::make_unique<ChargingChunkSource>(std::move(r), limiter)));
            else {
                limiter->record_tokens(r.usage.total_tokens);
                done(nullptr, std::move(r));
            }
        });
    };
    if (wait.count() <= 0)
        go();
    else
        next.after(wait, std::move(go));
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

void RateLimitMiddleware::complete(CompletionRequest request, CompleteNext next, Callback<CompletionResponse> done) {
    after_slot(limiter_, std::move(request), std::move(next), std::move(done));
}

void RateLimitMiddleware::stream(CompletionRequest request, StreamNext next, Callback<Stream> done) {
    after_slot(limiter_, std::move(request), std::move(next), std::move(done));
}

void RateLimitMiddleware::embed(EmbeddingRequest request, EmbedNext next, Callback<EmbeddingResponse> done) {
    after_slot(limiter_, std::move(request), std::move(next), std::move(done));
}

}  // namespace llmgate::inline v1
