// RedisRateLimiter / RedisRateLimitMiddleware: fleet-wide reservations in Redis (redis/rate_limit_scripts.cpp),
// a per-process RateLimiter with the fleet's share of the budget while Redis is down.
#include "llmgate/middleware/redis_rate_limit.hpp"

#include <unistd.h>

#include <cmath>
#include <map>
#include <random>

#include "core/callbacks.hpp"
#include "llmgate/config.hpp"
#include "llmgate/middleware/rate_limit.hpp"
#include "llmgate/tokens.hpp"
#include "providers/registry.hpp"
#include "redis/client.hpp"
#include "redis/error.hpp"
#include "redis/rate_limit_scripts.hpp"
#include "tokens/local_count.hpp"

namespace llmgate::inline v1 {
namespace {

using std::chrono::milliseconds;

// Unique per limiter: host name, pid and a random part (a pid is reused across hosts and restarts).
std::string member_id() {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    std::random_device rd;
    const std::uint64_t r = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    return std::string(host) + ":" + std::to_string(::getpid()) + ":" + std::to_string(r);
}

milliseconds ceil_ms_from_us(std::int64_t us) { return milliseconds(us <= 0 ? 0 : (us + 999) / 1000); }

std::string fmt_double(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6f", v);
    return buf;
}

std::int64_t completion_usage(const CompletionResponse& r) { return r.usage.total_tokens; }
std::int64_t completion_usage(const EmbeddingResponse& r) {
    return r.usage.total_tokens > 0 ? r.usage.total_tokens : r.usage.prompt_tokens;
}

}  // namespace

struct RedisRateLimiter::Impl {
    RedisRateLimitOptions limits;
    detail::RedisClient client;
    std::string member = member_id();

    mutable std::mutex mutex;
    std::map<std::string, std::size_t> fleets;  // budget -> processes seen in the last minute
    // The per-process fallback, one limiter per budget, made at the first call of an outage with the
    // fleet size known then, dropped when Redis is back.
    std::map<std::string, std::shared_ptr<RateLimiter>> local;

    Impl(RedisOptions redis, RedisRateLimitOptions l) : limits(std::move(l)), client(redis) {}

    std::string redis_key(const std::string& budget, const char* part) const {
        return limits.prefix + "{" + budget + "}:" + part;
    }

    std::shared_ptr<RateLimiter> local_limiter(const std::string& key) {
        std::lock_guard lock(mutex);
        auto& l = local[key];
        if (!l) {
            const auto seen = fleets.find(key);
            const double fleet = static_cast<double>(
                std::max<std::size_t>(1, seen != fleets.end() ? seen->second : limits.fallback_fleet_size));
            l = std::make_shared<RateLimiter>(limits.rpm / fleet, limits.tpm > 0 ? limits.tpm / fleet : 0,
                                              limits.burst);
        }
        return l;
    }

    Reservation reserve(const std::string& key, std::int64_t tokens) {
        const double ri = limits.rpm > 0 ? 60e6 / limits.rpm : 0;
        const double ti = limits.tpm > 0 ? 60e6 / limits.tpm : 0;
        const auto reply = client.attempt([&](detail::RedisPool& pool) {
            auto r = detail::reserve_script().run(
                pool, {redis_key(key, "req"), redis_key(key, "tok"), redis_key(key, "fleet")},
                {fmt_double(ri), fmt_double(ri * std::max(1.0, limits.burst)), fmt_double(ti), "60000000",
                 std::to_string(ti > 0 ? tokens : 0), member});
            if (r.type != detail::RedisReply::Type::array || r.elements.size() != 2 ||
                r.elements[0].type != detail::RedisReply::Type::integer ||
                r.elements[1].type != detail::RedisReply::Type::integer)
                throw detail::RedisError(detail::RedisError::Kind::protocol, "unexpected reply to the rate-limit script");
            return std::pair<std::int64_t, std::int64_t>(r.elements[0].integer, r.elements[1].integer);
        });
        if (reply) {
            {
                std::lock_guard lock(mutex);
                fleets[key] = static_cast<std::size_t>(std::max<std::int64_t>(1, reply->second));
                local.clear();  // Redis is back: the next outage starts from the fleet known then
            }
            return Reservation{.wait = ceil_ms_from_us(reply->first), .shared = true, .tokens = tokens};
        }
        // Never unlimited: this process's share of the budget, by itself.
        return Reservation{.wait = local_limiter(key)->reserve(), .shared = false, .tokens = tokens};
    }

    void record(const std::string& key, const Reservation& res, std::int64_t actual) {
        if (limits.tpm <= 0 || actual <= 0) return;  // no usage reported: the estimate stands
        if (!res.shared) {
            local_limiter(key)->record_tokens(actual);
            return;
        }
        const std::int64_t delta = actual - res.tokens;
        if (delta == 0) return;
        const double ti = 60e6 / limits.tpm;
        client.attempt([&](detail::RedisPool& pool) {
            return detail::adjust_tokens_script()
                .run(pool, {redis_key(key, "tok")}, {fmt_double(ti * static_cast<double>(delta))})
                .integer;
        });
    }
};

RedisRateLimiter::RedisRateLimiter(RedisOptions redis, RedisRateLimitOptions limits)
    : impl_(std::make_shared<Impl>(std::move(redis), std::move(limits))) {
    if (impl_->limits.key == RateLimitKey::name && impl_->limits.name.empty())
        throw InvalidRequestError(ErrorInfo{.message = "RedisRateLimitOptions: key = name needs a name"});
}
RedisRateLimiter::~RedisRateLimiter() = default;

const RedisRateLimitOptions& RedisRateLimiter::limits() const noexcept { return impl_->limits; }

namespace {

std::string budget_for(const RedisRateLimitOptions& limits, const std::string& model, const std::string& provider) {
    switch (limits.key) {
        case RateLimitKey::name: return limits.name;
        case RateLimitKey::model: return model;
        case RateLimitKey::provider: break;
    }
    try {
        return provider_for(model, provider);
    } catch (const Error&) {
        return model;  // an unknown provider fails at dispatch; its budget is its model's meanwhile
    }
}

const Encoding& encoding_of(const std::string& model, const std::string& provider, bool* exact = nullptr) {
    try {
        const detail::Route route = detail::route(model, provider);
        const detail::LocalCounter c = detail::local_counter(route.provider->name(), route.model);
        if (exact) *exact = c.exact;
        return *c.encoding;
    } catch (const Error&) {
        return encoding("o200k_base");
    }
}

}  // namespace

std::string RedisRateLimiter::key_for(const CompletionRequest& request) const {
    return budget_for(impl_->limits, request.model, request.options.provider);
}
std::string RedisRateLimiter::key_for(const EmbeddingRequest& request) const {
    return budget_for(impl_->limits, request.model, request.options.provider);
}

std::int64_t RedisRateLimiter::estimate_tokens(const CompletionRequest& request) const {
    if (impl_->limits.tpm <= 0) return 0;
    const std::int64_t output = request.options.max_tokens ? *request.options.max_tokens
                                                           : impl_->limits.default_output_tokens;
    try {
        const detail::Route route = detail::route(request.model, request.options.provider);
        const detail::LocalCounter c = detail::local_counter(route.provider->name(), route.model);
        return detail::local_count(c, request.messages, request.options.tools) + output;
    } catch (const Error&) {
        const detail::LocalCounter c{&encoding("o200k_base"), false};
        return detail::local_count(c, request.messages, request.options.tools) + output;
    }
}

std::int64_t RedisRateLimiter::estimate_tokens(const EmbeddingRequest& request) const {
    if (impl_->limits.tpm <= 0) return 0;
    const Encoding& enc = encoding_of(request.model, request.options.provider);
    std::int64_t n = 0;
    for (const auto& input : request.inputs) n += static_cast<std::int64_t>(enc.count(input));
    return n;
}

RedisRateLimiter::Reservation RedisRateLimiter::reserve(const std::string& key, std::int64_t tokens) {
    return impl_->reserve(key, tokens);
}

void RedisRateLimiter::reserve_async(std::string key, std::int64_t tokens, std::function<void(Reservation)> then) {
    impl_->client.worker().submit([impl = impl_, key = std::move(key), tokens, then = std::move(then)]() mutable {
        Reservation r;
        try {
            r = impl->reserve(key, tokens);
        } catch (...) {
            // Only allocation failures get here: go on unlimited for this one call rather than lose it.
        }
        run_after(milliseconds(0), [then = std::move(then), r] { then(r); });
    });
}

void RedisRateLimiter::record_usage(const std::string& key, const Reservation& reservation, std::int64_t actual) {
    impl_->record(key, reservation, actual);
}

void RedisRateLimiter::record_usage_async(std::string key, Reservation reservation, std::int64_t actual) {
    if (impl_->limits.tpm <= 0 || actual <= 0) return;
    impl_->client.worker().submit([impl = impl_, key = std::move(key), reservation, actual] {
        try {
            impl->record(key, reservation, actual);
        } catch (...) {
        }
    });
}

std::size_t RedisRateLimiter::fleet_size(const std::string& key) const {
    std::lock_guard lock(impl_->mutex);
    const auto it = impl_->fleets.find(key);
    return it == impl_->fleets.end() ? 0 : it->second;
}

bool RedisRateLimiter::shared() const { return impl_->client.health().up(); }

namespace {

// Corrects the stream's reservation by its usage, when the provider reports it.
class UsageChunkSource final : public ChunkSource {
public:
    UsageChunkSource(Stream inner, std::shared_ptr<RedisRateLimiter> limiter, std::string key,
                     RedisRateLimiter::Reservation reservation)
        : inner_(std::move(inner)), limiter_(std::move(limiter)), key_(std::move(key)), reservation_(reservation) {}
    std::optional<StreamChunk> next() override {
        auto chunk = inner_.next();
        if (chunk && chunk->usage && !recorded_) {
            recorded_ = true;
            limiter_->record_usage_async(key_, reservation_, chunk->usage->total_tokens);
        }
        return chunk;
    }

private:
    Stream inner_;
    std::shared_ptr<RedisRateLimiter> limiter_;
    std::string key_;
    RedisRateLimiter::Reservation reservation_;
    bool recorded_ = false;
};

template <class Request, class Result>
void limited(const std::shared_ptr<RedisRateLimiter>& limiter, Request request, Next<Request, Result> next,
             Callback<Result> done) {
    std::string key = limiter->key_for(request);
    const std::int64_t tokens = limiter->estimate_tokens(request);
    const bool blocking = next.blocking();
    auto send = [limiter, key, blocking, next, request = std::move(request),
                 done = std::move(done)](RedisRateLimiter::Reservation res) mutable {
        auto go = [limiter, key = std::move(key), blocking, res, next, request = std::move(request),
                   done = std::move(done)]() mutable {
            next(std::move(request), [limiter, key, blocking, res, done = std::move(done)](std::exception_ptr e,
                                                                                        Result r) {
                if (e) {
                    done(e, detail::empty_value<Result>());
                    return;
                }
                if constexpr (std::is_same_v<Result, Stream>) {
                    done(nullptr, Stream(std::make_unique<UsageChunkSource>(std::move(r), limiter, key, res)));
                } else {
                    // A blocking caller corrects in place, so its next call already sees the real usage.
                    if (blocking)
                        limiter->record_usage(key, res, completion_usage(r));
                    else
                        limiter->record_usage_async(key, res, completion_usage(r));
                    done(nullptr, std::move(r));
                }
            });
        };
        if (res.wait.count() <= 0)
            go();
        else
            next.after(res.wait, std::move(go));
    };
    if (blocking) {
        send(limiter->reserve(key, tokens));
    } else {
        // The round trip runs on the limiter's worker; the rest of the call comes back to the loop.
        limiter->reserve_async(key, tokens, [send = std::make_shared<decltype(send)>(std::move(send))](
                                                RedisRateLimiter::Reservation res) { (*send)(res); });
    }
}

}  // namespace

void RedisRateLimitMiddleware::complete(CompletionRequest request, CompleteNext next, Callback<CompletionResponse> done) {
    limited(limiter_, std::move(request), std::move(next), std::move(done));
}

void RedisRateLimitMiddleware::stream(CompletionRequest request, StreamNext next, Callback<Stream> done) {
    limited(limiter_, std::move(request), std::move(next), std::move(done));
}

void RedisRateLimitMiddleware::embed(EmbeddingRequest request, EmbedNext next, Callback<EmbeddingResponse> done) {
    limited(limiter_, std::move(request), std::move(next), std::move(done));
}

}  // namespace llmgate::inline v1
