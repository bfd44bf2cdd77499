// CacheMiddleware and its in-memory LRU + TTL store; keys are SHA-256 digests of the canonical request.
#include "llmgate/middleware/cache.hpp"

#include <openssl/evp.h>

#include <list>
#include <mutex>
#include <unordered_map>

#include "core/stream_sources.hpp"

namespace llmgate::inline v1 {
namespace {

using Clock = std::chrono::steady_clock;

std::string sha256_hex(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(len * 2);
    for (unsigned int i = 0; i < len; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

// nlohmann::json keeps object keys sorted, so dump() of this is canonical.
json tool_json(const Tool& t) {
    json j{{"name", t.name}, {"description", t.description}, {"parameters", t.parameters}};
    if (t.strict) j["strict"] = *t.strict;
    return j;
}

template <class T>
json opt(const std::optional<T>& v) {
    return v ? json(*v) : json(nullptr);
}

// `extra` defaults to null, which means the same as {}: both give one key (and the keys stored before
// the default changed from {} stay valid).
json extra_or_empty(const json& extra) { return extra.is_null() ? json::object() : extra; }

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Replays a cached completion as a stream: the text, then a finish chunk with tool calls and usage.
std::vector<StreamChunk> replay_chunks(const CompletionResponse& r) {
    std::vector<StreamChunk> chunks;
    StreamChunk text{.id = r.id, .model = r.model, .provider = r.provider};
    text.delta = r.text();
    text.reasoning = r.reasoning();
    if (!text.delta.empty() || !text.reasoning.empty()) chunks.push_back(std::move(text));
    StreamChunk last{.id = r.id, .model = r.model, .provider = r.provider};
    last.finish_reason = r.finish_reason.empty() ? "stop" : r.finish_reason;
    last.usage = r.usage;
    last.tool_calls = r.tool_calls();
    int index = 0;
    for (const auto& tc : last.tool_calls)
        last.tool_call_deltas.push_back(
            ToolCallDelta{.index = index++, .id = tc.id, .function = tc.function, .arguments = tc.arguments_raw});
    if (!r.choices.empty()) last.provider_data = r.choices.front().message.provider_data;
    chunks.push_back(std::move(last));
    return chunks;
}

// Passes a stream through and stores its assembled reply once it ended cleanly.
class StoringChunkSource final : public ChunkSource {
public:
    StoringChunkSource(Stream inner, std::shared_ptr<CacheStore> store, std::string key, std::chrono::milliseconds ttl)
        : inner_(std::move(inner)), store_(std::move(store)), key_(std::move(key)), ttl_(ttl) {}
    std::optional<StreamChunk> next() override {
        auto chunk = inner_.next();
        if (!chunk) store_->put(key_, CachedReply(inner_.response()), ttl_);
        return chunk;
    }

private:
    Stream inner_;
    std::shared_ptr<CacheStore> store_;
    std::string key_;
    std::chrono::milliseconds ttl_;
};

// The stored reply for `key`, when there is one of the operation's kind (a completion hit is marked).
template <class Result>
std::optional<Result> as_result(std::optional<CachedReply> hit) {
    if (!hit) return std::nullopt;
    auto* r = std::get_if<Result>(&*hit);
    if (!r) return std::nullopt;
    Result out = std::move(*r);
    if constexpr (std::is_same_v<Result, CompletionResponse>) out.cache_hit = true;
    return out;
}

template <class Result>
std::optional<Result> cached(CacheStore& store, const std::string& key) {
    return as_result<Result>(store.get(key));
}

// A completion or an embedding: the stored reply, or the call's reply stored once it succeeded.
template <class Request, class Result>
void answer_or_store(const std::shared_ptr<CacheStore>& store, std::chrono::milliseconds ttl, Request request,
                     const Next<Request, Result>& next, Callback<Result> done) {
    std::string key = CacheMiddleware::key_for(request);
    const bool blocking = next.blocking();
    auto on_lookup = [store, ttl, key, blocking, next, request = std::move(request),
                      done = std::move(done)](std::optional<Result> hit) mutable {
        if (hit) {
            done(nullptr, std::move(*hit));
            return;
        }
        next(std::move(request),
             [store, ttl, key = std::move(key), blocking, done = std::move(done)](std::exception_ptr e, Result r) {
                 if (!e) {
                     if (blocking)
                         store->put(key, CachedReply(r), ttl);
                     else
                         store->put_async(key, CachedReply(r), ttl);
                 }
                 done(e, std::move(r));
             });
    };
    if (blocking) {
        on_lookup(cached<Result>(*store, key));
        return;
    }
    // An async call: the store may do its lookup off the loop thread and come back to the loop.
    store->get_async(key, [on_lookup = std::move(on_lookup)](std::optional<CachedReply> hit) mutable {
        on_lookup(as_result<Result>(std::move(hit)));
    });
}

}  // namespace

struct InMemoryCacheStore::Impl {
    struct Entry {
        std::string key;
        CachedReply value;
        Clock::time_point expires;
    };
    std::size_t max_entries;
    mutable std::mutex mutex;
    std::list<Entry> lru;  // most recently used first
    std::unordered_map<std::string, std::list<Entry>::iterator> index;
};

InMemoryCacheStore::InMemoryCacheStore(std::size_t max_entries) : impl_(std::make_unique<Impl>()) {
    impl_->max_entries = max_entries == 0 ? 1 : max_entries;
}
InMemoryCacheStore::~InMemoryCacheStore() = default;

std::optional<CachedReply> InMemoryCacheStore::get(const std::string& key) {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->index.find(key);
    if (it == impl_->index.end()) return std::nullopt;
    if (it->second->expires <= Clock::now()) {
        impl_->lru.erase(it->second);
        impl_->index.erase(it);
        return std::nullopt;
    }
    impl_->lru.splice(impl_->lru.begin(), impl_->lru, it->second);
    return it->second->value;
}

void InMemoryCacheStore::put(const std::string& key, const CachedReply& value, std::chrono::milliseconds ttl) {
    std::lock_guard lock(impl_->mutex);
    if (auto it = impl_->index.find(key); it != impl_->index.end()) {
        impl_->lru.erase(it->second);
        impl_->index.erase(it);
    }
    impl_->lru.push_front(Impl::Entry{key, value, Clock::now() + ttl});
    impl_->index[key] = impl_->lru.begin();
    while (impl_->lru.size() > impl_->max_entries) {
        impl_->index.erase(impl_->lru.back().key);
        impl_->lru.pop_back();
    }
}

std::size_t InMemoryCacheStore::size() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->lru.size();
}

CacheMiddleware::CacheMiddleware(std::chrono::seconds ttl, std::size_t max_entries, std::shared_ptr<CacheStore> store)
    : ttl_(ttl), store_(store ? std::move(store) : std::make_shared<InMemoryCacheStore>(max_entries)) {}

std::string CacheMiddleware::key_for(const CompletionRequest& request) {
    const Options& o = request.options;
    json messages = json::array();
    for (const auto& m : request.messages) messages.push_back(message_to_json(m));
    json tools = json::array();
    for (const auto& t : o.tools) tools.push_back(tool_json(t));
    json format = nullptr;
    if (o.response_format)
        format = json{{"schema", o.response_format->schema},
                      {"name", o.response_format->name},
                      {"description", o.response_format->description},
                      {"strict", o.response_format->strict},
                      {"strategy", static_cast<int>(o.response_format->strategy)}};
    // Only when set, so the keys of every existing cache entry stay what they were.
    if (o.response_format && o.response_format->assert_format) format["assert_format"] = true;
    // Deliberately absent: api_key, extra_headers (may carry secrets), timeout, middleware.
    json key{{"kind", "completion"},
             {"model", request.model},
             {"provider", o.provider},
             {"api_base", o.api_base},
             {"messages", messages},
             {"max_tokens", opt(o.max_tokens)},
             {"temperature", opt(o.temperature)},
             {"top_p", opt(o.top_p)},
             {"stop", o.stop},
             {"seed", opt(o.seed)},
             {"tools", tools},
             {"tool_choice", o.tool_choice},
             {"parallel_tool_calls", opt(o.parallel_tool_calls)},
             {"reasoning_effort", o.reasoning_effort},
             {"user", o.user},
             {"response_format", format},
             {"extra", extra_or_empty(o.extra)}};
    // Only when set, so the keys of calls without a budget stay what they were before the option existed.
    if (o.reasoning_budget_tokens) key["reasoning_budget_tokens"] = *o.reasoning_budget_tokens;
    return sha256_hex(dump(key));
}

std::string CacheMiddleware::key_for(const EmbeddingRequest& request) {
    const EmbedOptions& o = request.options;
    const json key{{"kind", "embedding"},
                   {"model", request.model},
                   {"provider", o.provider},
                   {"api_base", o.api_base},
                   {"inputs", request.inputs},
                   {"single_input", request.single_input},
                   {"dimensions", opt(o.dimensions)},
                   {"encoding_format", o.encoding_format},
                   {"user", o.user},
                   {"task_type", o.task_type},
                   {"title", o.title},
                   {"input_type", o.input_type},
                   {"truncate", o.truncate},
                   {"extra", extra_or_empty(o.extra)}};
    return sha256_hex(dump(key));
}

void CacheMiddleware::complete(CompletionRequest request, CompleteNext next, Callback<CompletionResponse> done) {
    answer_or_store(store_, ttl_, std::move(request), next, std::move(done));
}

// A hit is replayed as chunks; a miss is stored once the stream ended cleanly.
void CacheMiddleware::stream(CompletionRequest request, StreamNext next, Callback<Stream> done) {
    std::string key = key_for(request);
    auto on_lookup = [store = store_, ttl = ttl_, key, next, request = std::move(request),
                      done = std::move(done)](std::optional<CompletionResponse> hit) mutable {
        if (hit) {
            done(nullptr, Stream(std::make_unique<detail::ReplayChunkSource>(replay_chunks(*hit))));
            return;
        }
        // The stream is stored by whichever thread iterates it to its end: never the loop thread.
        next(std::move(request),
             [store, ttl, key = std::move(key), done = std::move(done)](std::exception_ptr e, Stream s) {
                 if (e) {
                     done(e, Stream(nullptr));
                     return;
                 }
                 done(nullptr, Stream(std::make_unique<StoringChunkSource>(std::move(s), store, key, ttl)));
             });
    };
    if (next.blocking()) {
        on_lookup(cached<CompletionResponse>(*store_, key));
        return;
    }
    store_->get_async(key, [on_lookup = std::move(on_lookup)](std::optional<CachedReply> hit) mutable {
        on_lookup(as_result<CompletionResponse>(std::move(hit)));
    });
}

void CacheMiddleware::embed(EmbeddingRequest request, EmbedNext next, Callback<EmbeddingResponse> done) {
    answer_or_store(store_, ttl_, std::move(request), next, std::move(done));
}

}  // namespace llmgate::inline v1
