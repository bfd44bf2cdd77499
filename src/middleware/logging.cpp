// LoggingMiddleware: times each call and writes one spdlog line when it ends.
#include "llmgate/middleware/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <mutex>

#include "core/chain.hpp"
#include "core/stream_sources.hpp"
#include "llmgate/config.hpp"
#include "llmgate/errors.hpp"
#include "middleware/log_line.hpp"
#include "util/logger.hpp"

namespace llmgate::inline v1 {
namespace detail {

namespace {
// Values are single tokens on the line: spaces and newlines in them would break the key=value format.
std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s.substr(0, 500)) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    if (s.size() > 500) out += "...";
    return out + "\"";
}
}  // namespace

std::string log_line(const CallRecord& r) {
    std::string line = "llmgate call=" + r.call + " provider=" + (r.provider.empty() ? "-" : r.provider) +
                       " model=" + (r.model.empty() ? "-" : r.model) + " latency_ms=" + std::to_string(r.latency_ms);
    if (r.tokens) line += " tokens=" + std::to_string(*r.tokens);
    if (r.error) {
        std::string type = "error";
        int status = 0;
        try {
            std::rethrow_exception(r.error);
        } catch (const Error& e) {
            type = e.type_name();
            status = e.status();
        } catch (const std::exception&) {
            type = "std::exception";
        } catch (...) {
        }
        line += " outcome=" + type;
        if (status) line += " status=" + std::to_string(status);
    } else {
        line += " outcome=" + (r.outcome.empty() ? std::string("ok") : r.outcome);
    }
    if (!r.prompt.empty()) line += " prompt=" + quoted(r.prompt);
    if (!r.reply.empty()) line += " reply=" + quoted(r.reply);
    return line;
}

}  // namespace detail

namespace {

using Clock = std::chrono::steady_clock;

std::shared_ptr<spdlog::logger> logger() { return detail::library_logger(); }

std::int64_t ms_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

std::string provider_of(const std::string& model, const std::string& override_name) {
    try {
        return provider_for(model, override_name);
    } catch (...) {
        return {};
    }
}

std::string last_user_text(const std::vector<Message>& messages) {
    for (auto it = messages.rbegin(); it != messages.rend(); ++it)
        if (it->role == "user") return it->text();
    return {};
}

// Fills the record for a finished call and writes it.
struct Emitter {
    int level;
    bool content;

    void emit(detail::CallRecord r) const {
        if (level == static_cast<int>(spdlog::level::off)) return;
        if (r.error) {
            try {
                std::rethrow_exception(r.error);
            } catch (const Error& e) {
                if (!e.provider().empty()) r.provider = e.provider();
            } catch (...) {
            }
        }
        const auto lvl = r.error ? std::max(static_cast<spdlog::level::level_enum>(level), spdlog::level::warn)
                                 : static_cast<spdlog::level::level_enum>(level);
        auto l = logger();
        if (!l->should_log(lvl)) return;
        if (!content) {
            r.prompt.clear();
            r.reply.clear();
        }
        l->log(lvl, "{}", detail::log_line(r));
    }

    detail::CallRecord base(const char* call, const CompletionRequest& req) const {
        detail::CallRecord r{
            .call = call, .provider = provider_of(req.model, req.options.provider), .model = req.model};
        if (content) r.prompt = last_user_text(req.messages);
        return r;
    }
    detail::CallRecord base(const EmbeddingRequest& req) const {
        detail::CallRecord r{
            .call = "embedding", .provider = provider_of(req.model, req.options.provider), .model = req.model};
        if (content && !req.inputs.empty()) r.prompt = req.inputs.front();
        return r;
    }
    void ok(detail::CallRecord r, const CompletionResponse& resp, Clock::time_point start) const {
        r.latency_ms = ms_since(start);
        if (!resp.provider.empty()) r.provider = resp.provider;
        r.tokens = resp.usage.total_tokens;
        if (resp.cache_hit) r.outcome = "cache_hit";
        r.reply = resp.text();
        emit(std::move(r));
    }
    void ok(detail::CallRecord r, const EmbeddingResponse& resp, Clock::time_point start) const {
        r.latency_ms = ms_since(start);
        if (!resp.provider.empty()) r.provider = resp.provider;
        r.tokens = resp.usage.total_tokens;
        r.reply.clear();
        emit(std::move(r));
    }
    void failed(detail::CallRecord r, std::exception_ptr e, Clock::time_point start) const {
        r.latency_ms = ms_since(start);
        r.error = std::move(e);
        emit(std::move(r));
    }
};

// Logs a stream once: when it ends, fails, or is dropped unfinished.
class LoggedChunkSource final : public ChunkSource {
public:
    LoggedChunkSource(Stream inner, Emitter emitter, detail::CallRecord record, Clock::time_point start)
        : inner_(std::move(inner)), emitter_(emitter), record_(std::move(record)), start_(start) {}
    ~LoggedChunkSource() override {
        if (logged_) return;
        record_.outcome = "cancelled";
        emitter_.ok(std::move(record_), inner_.response(), start_);
    }
    std::optional<StreamChunk> next() override {
        try {
            auto chunk = inner_.next();
            if (!chunk) {
                logged_ = true;
                emitter_.ok(record_, inner_.response(), start_);
            }
            return chunk;
        } catch (...) {
            logged_ = true;
            emitter_.failed(record_, std::current_exception(), start_);
            throw;
        }
    }

private:
    Stream inner_;
    Emitter emitter_;
    detail::CallRecord record_;
    Clock::time_point start_;
    bool logged_ = false;
};

spdlog::level::level_enum parse_level(const std::string& name) {
    std::string lower;
    for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "warning") lower = "warn";
    if (lower == "critical") lower = "critical";
    const auto lvl = spdlog::level::from_str(lower);
    // from_str answers "off" for names it does not know; only an explicit "off" should silence it.
    return (lvl == spdlog::level::off && lower != "off") ? spdlog::level::info : lvl;
}

// A completion or an embedding: one line when its result is in.
template <class Request, class Result>
void log_call(const Emitter& em, detail::CallRecord record, Request request, const Next<Request, Result>& next,
              Callback<Result> done) {
    const auto start = Clock::now();
    next(std::move(request),
         [em, start, record = std::move(record), done = std::move(done)](std::exception_ptr e, Result r) {
             if (e)
                 em.failed(record, e, start);
             else
                 em.ok(record, r, start);
             done(e, std::move(r));
         });
}

}  // namespace

LoggingMiddleware::LoggingMiddleware(std::string level, bool log_content)
    : level_(static_cast<int>(parse_level(level))), log_content_(log_content) {}

void LoggingMiddleware::complete(CompletionRequest request, CompleteNext next, Callback<CompletionResponse> done) {
    const Emitter em{level_, log_content_};
    auto record = em.base("completion", request);
    log_call(em, std::move(record), std::move(request), next, std::move(done));
}

// A stream logs when it ends, fails or is dropped: its line is written by the stream handed back.
void LoggingMiddleware::stream(CompletionRequest request, StreamNext next, Callback<Stream> done) {
    const Emitter em{level_, log_content_};
    const auto start = Clock::now();
    auto record = em.base("stream", request);
    next(std::move(request), [em, start, record, done = std::move(done)](std::exception_ptr e, Stream s) {
        if (e) {
            em.failed(record, e, start);
            done(e, Stream(nullptr));
            return;
        }
        done(nullptr, Stream(std::make_unique<LoggedChunkSource>(std::move(s), em, record, start)));
    });
}

void LoggingMiddleware::embed(EmbeddingRequest request, EmbedNext next, Callback<EmbeddingResponse> done) {
    const Emitter em{level_, log_content_};
    auto record = em.base(request);
    log_call(em, std::move(record), std::move(request), next, std::move(done));
}

}  // namespace llmgate::inline v1
