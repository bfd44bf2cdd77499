// RetryMiddleware: exponential backoff with jitter; sync waits sleep the caller, async waits use a timer.
#include "llmgate/middleware/retry.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>

#include "core/cancellable_wait.hpp"
#include "core/chain.hpp"
#include "core/stream_puller.hpp"
#include "llmgate/errors.hpp"

namespace llmgate::inline v1 {
namespace {

double random_unit() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

// Sync: call, and on a retryable error wait and call again, up to max_retries more times.
template <class Response, class Attempt>
Response retry_sync(const RetryMiddleware& mw, const std::optional<CancelToken>& cancel, Attempt&& attempt) {
    for (int retry = 1;; ++retry) {
        try {
            return attempt();
        } catch (...) {
            auto e = std::current_exception();
            if (retry > mw.settings().max_retries) throw;
            auto delay = mw.delay_before(retry, e);
            if (!delay) throw;
            detail::sleep_unless_cancelled(*delay, cancel);
        }
    }
}

// Async: each failure schedules the next attempt on an event-loop timer.
template <class Request, class Response>
struct AsyncRetry : std::enable_shared_from_this<AsyncRetry<Request, Response>> {
    RetryMiddleware::Settings settings;
    std::shared_ptr<const RetryMiddleware> policy;
    Request request;
    Callback<Response> done;
    std::function<void(Request, Callback<Response>)> next;
    int retry = 1;

    void attempt() {
        auto self = this->shared_from_this();
        next(request, [self](std::exception_ptr e, Response r) {
            if (!e) {
                self->done(nullptr, std::move(r));
                return;
            }
            std::optional<std::chrono::milliseconds> delay;
            if (self->retry <= self->policy->settings().max_retries) delay = self->policy->delay_before(self->retry, e);
            if (!delay) {
                self->done(e, detail::empty_value<Response>());
                return;
            }
            ++self->retry;
            detail::run_after_unless_cancelled(*delay, self->request.options.cancel, [self] { self->attempt(); });
        });
    }
};

template <class Request, class Response>
void retry_async(const RetryMiddleware& mw, Request request, Callback<Response> done,
                 std::function<void(Request, Callback<Response>)> next) {
    auto r = std::make_shared<AsyncRetry<Request, Response>>();
    r->policy = std::make_shared<RetryMiddleware>(mw.settings());  // outlives this call, whatever owns `mw`
    r->request = std::move(request);
    r->done = detail::once(std::move(done));
    r->next = std::move(next);
    r->attempt();
}

// A stream that is reopened on a retryable error until its first chunk has been delivered.
class RetryFirstChunkSource final : public detail::ChunkSource {
public:
    RetryFirstChunkSource(RetryMiddleware::Settings settings, Stream first, int retries_used,
                          std::function<Stream()> reopen, std::optional<CancelToken> cancel)
        : policy_(settings),
          cancel_(std::move(cancel)),
          puller_(std::make_unique<detail::StreamPuller>(std::move(first))),
          retry_(retries_used + 1),
          reopen_(std::move(reopen)) {}

    std::optional<StreamChunk> next() override {
        for (;;) {
            try {
                if (!puller_) puller_ = std::make_unique<detail::StreamPuller>(reopen_());
                auto chunk = puller_->next();
                if (!chunk || detail::carries_content(*chunk)) delivered_ = true;
                return chunk;
            } catch (...) {
                auto e = std::current_exception();
                if (delivered_ || retry_ > policy_.settings().max_retries) throw;
                auto delay = policy_.delay_before(retry_, e);
                if (!delay) throw;
                ++retry_;
                puller_.reset();  // cancels the failed transfer before waiting
                detail::sleep_unless_cancelled(*delay, cancel_);
            }
        }
    }

private:
    RetryMiddleware policy_;
    std::optional<CancelToken> cancel_;
    std::unique_ptr<detail::StreamPuller> puller_;
    int retry_;
    std::function<Stream()> reopen_;
    bool delivered_ = false;
};

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

CompletionResponse RetryMiddleware::complete(const CompletionRequest& request, const CompleteNext& next) {
    return retry_sync<CompletionResponse>(*this, request.options.cancel, [&] { return next(request); });
}

void RetryMiddleware::complete_async(CompletionRequest request, Callback<CompletionResponse> done,
                                     CompleteAsyncNext next) {
    retry_async<CompletionRequest, CompletionResponse>(*this, std::move(request), std::move(done), std::move(next));
}

EmbeddingResponse RetryMiddleware::embed(const EmbeddingRequest& request, const EmbedNext& next) {
    return retry_sync<EmbeddingResponse>(*this, request.options.cancel, [&] { return next(request); });
}

void RetryMiddleware::embed_async(EmbeddingRequest request, Callback<EmbeddingResponse> done, EmbedAsyncNext next) {
    retry_async<EmbeddingRequest, EmbeddingResponse>(*this, std::move(request), std::move(done), std::move(next));
}

Stream RetryMiddleware::stream(const CompletionRequest& request, const StreamNext& next) {
    int used = 0;
    Stream first = retry_sync<Stream>(*this, request.options.cancel, [&] {
        ++used;
        return next(request);
    });
    return Stream(std::make_unique<RetryFirstChunkSource>(
        settings_, std::move(first), used - 1, [next, request] { return next(request); }, request.options.cancel));
}

void RetryMiddleware::stream_async(CompletionRequest request, Callback<Stream> ready, StreamAsyncNext next) {
    // Opening is retried on timers; the wait for the first chunk happens on the caller's thread as it
    // iterates, so reopening there may block (on a future) and sleep.
    auto settings = settings_;
    auto attempts = std::make_shared<int>(0);
    StreamAsyncNext counted = [next, attempts](CompletionRequest r, Callback<Stream> d) {
        ++*attempts;
        next(std::move(r), std::move(d));
    };
    retry_async<CompletionRequest, Stream>(
        *this, request,
        [settings, attempts, next, request, ready = std::move(ready)](std::exception_ptr e, Stream s) {
            if (e) {
                ready(e, Stream(nullptr));
                return;
            }
            ready(nullptr,
                  Stream(std::make_unique<RetryFirstChunkSource>(
                      settings, std::move(s), *attempts - 1,
                      [next, request] { return detail::wait_for_stream(next, request); }, request.options.cancel)));
        },
        std::move(counted));
}

}  // namespace llmgate
