// RetryMiddleware: exponential backoff with jitter; waits through next.after (the caller sleeps in a
// blocking call, a timer serves an async one).
#include "llmgate/middleware/retry.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include "core/cancellable_wait.hpp"
#include "core/chain.hpp"
#include "core/stream_sources.hpp"
#include "llmgate/errors.hpp"

namespace llmgate::inline v1 {
namespace {

double random_unit() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

// A stream that is reopened on a retryable error until its first chunk has been delivered. It runs on
// the caller's thread as it iterates, so it waits there.
class RetryFirstChunkSource final : public ChunkSource {
public:
    RetryFirstChunkSource(RetryMiddleware::Settings settings, Stream first, int retries_used,
                          Middleware::StreamNext reopen, CompletionRequest request)
        : policy_(settings),
          stream_(std::move(first)),
          retry_(retries_used + 1),
          reopen_(std::move(reopen)),
          request_(std::move(request)) {}

    std::optional<StreamChunk> next() override {
        for (;;) {
            try {
                if (!open_) {
                    stream_ = detail::wait_for_stream(reopen_, request_);
                    open_ = true;
                }
                auto chunk = stream_.next();
                if (!chunk || detail::carries_content(*chunk)) delivered_ = true;
                return chunk;
            } catch (...) {
                auto e = std::current_exception();
                if (delivered_ || retry_ > policy_.settings().max_retries) throw;
                auto delay = policy_.delay_before(retry_, e);
                if (!delay) throw;
                ++retry_;
                stream_ = Stream(nullptr);  // cancels the failed transfer before waiting
                open_ = false;
                detail::sleep_unless_cancelled(*delay, request_.options.cancel);
            }
        }
    }

private:
    RetryMiddleware policy_;
    Stream stream_;
    bool open_ = true;
    int retry_;
    Middleware::StreamNext reopen_;
    CompletionRequest request_;
    bool delivered_ = false;
};

// One call with its retries: each failure worth retrying waits (next.after: the caller's thread for a
// blocking call, a timer for an async one) and tries again, up to max_retries more times.
template <class Request, class Result>
struct Attempts : std::enable_shared_from_this<Attempts<Request, Result>> {
    std::shared_ptr<const RetryMiddleware> policy;  // outlives the call, whatever owns the middleware
    Request request;
    Next<Request, Result> next;
    Callback<Result> done;
    int retry = 1;

    Attempts(std::shared_ptr<const RetryMiddleware> p, Request r, Next<Request, Result> n, Callback<Result> d)
        : policy(std::move(p)), request(std::move(r)), next(std::move(n)), done(std::move(d)) {}

    void run() {
        auto self = this->shared_from_this();
        next(request, [self](std::exception_ptr e, Result r) {
            if (!e) {
                self->succeeded(std::move(r));
                return;
            }
            std::optional<std::chrono::milliseconds> delay;
            if (self->retry <= self->policy->settings().max_retries) delay = self->policy->delay_before(self->retry, e);
            if (!delay) {
                self->done(e, detail::empty_value<Result>());
                return;
            }
            ++self->retry;
            self->next.after(*delay, [self] { self->run(); });
        });
    }

    void succeeded(Result r) {
        if constexpr (std::is_same_v<Result, Stream>) {
            // Opened: until its first chunk, a failure reopens it (on the caller's thread, as it iterates).
            done(nullptr, Stream(std::make_unique<RetryFirstChunkSource>(policy->settings(), std::move(r), retry - 1,
                                                                         next, request)));
        } else {
            done(nullptr, std::move(r));
        }
    }
};

template <class Request, class Result>
void with_retries(const RetryMiddleware& mw, Request request, Next<Request, Result> next, Callback<Result> done) {
    std::make_shared<Attempts<Request, Result>>(std::make_shared<const RetryMiddleware>(mw.settings()),
                                                std::move(request), std::move(next), std::move(done))
        ->run();
}

}  // namespace

bool RetryMiddleware::retryable(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const RateLimitError&) {
        return true;
    } catch (const TimeoutError&) {
        return true;
    } catch (const ConnectionError&) {
        return true;
    } catch (const IncompleteResponseError&) {
        return false;  // the model's answer, not a transient failure
    } catch (const ProviderAPIError& e) {
        return e.status() >= 500;
    } catch (...) {
        return false;
    }
}

std::optional<std::chrono::milliseconds> RetryMiddleware::delay_before(int retry,
                                                                       const std::exception_ptr& error) const {
    if (!retryable(error)) return std::nullopt;
    try {
        std::rethrow_exception(error);
    } catch (const RateLimitError& e) {
        if (auto after = e.retry_after()) {
            if (*after > settings_.max_retry_after) return std::nullopt;
            return *after;
        }
    } catch (...) {
    }
    const double seconds = std::max(0.0, settings_.backoff_factor) * std::pow(2.0, std::max(0, retry - 1));
    double ms = std::min(seconds * 1000.0, static_cast<double>(settings_.max_backoff.count()));
    if (settings_.jitter) ms *= 0.5 + 0.5 * random_unit();
    return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
}

void RetryMiddleware::complete(CompletionRequest request, CompleteNext next, Callback<CompletionResponse> done) {
    with_retries(*this, std::move(request), std::move(next), std::move(done));
}

void RetryMiddleware::stream(CompletionRequest request, StreamNext next, Callback<Stream> done) {
    with_retries(*this, std::move(request), std::move(next), std::move(done));
}

void RetryMiddleware::embed(EmbeddingRequest request, EmbedNext next, Callback<EmbeddingResponse> done) {
    with_retries(*this, std::move(request), std::move(next), std::move(done));
}

}  // namespace llmgate::inline v1
