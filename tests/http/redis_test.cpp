// RedisRateLimitMiddleware and RedisCacheStore against a real redis-server on loopback, through the real
// transport and the fake provider server: a fleet shares one quota and one cache, and Redis trouble degrades.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "llmgate/middleware/redis_cache.hpp"
#include "llmgate/middleware/redis_rate_limit.hpp"
#include "redis_server.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::openai;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

// The library's "llmgate" spdlog logger, captured for the test.
class LogCapture {
public:
    LogCapture() {
        spdlog::drop("llmgate");
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
        auto logger = std::make_shared<spdlog::logger>("llmgate", sink);
        logger->set_level(spdlog::level::trace);
        spdlog::register_logger(logger);
    }
    ~LogCapture() { spdlog::drop("llmgate"); }
    std::string text() {
        spdlog::get("llmgate")->flush();
        return out_.str();
    }
    int count(const std::string& needle) {
        const std::string t = text();
        int n = 0;
        for (auto at = t.find(needle); at != std::string::npos; at = t.find(needle, at + 1)) ++n;
        return n;
    }

private:
    std::ostringstream out_;
};

class RedisHttp : public OpenAIServerTest {
protected:
    RedisHttp() : OpenAIServerTest("sk-redis") {}
    void SetUp() override {
        if (redis_server_binary().empty()) GTEST_SKIP() << "redis-server is not installed (scripts/install-deps.sh)";
        OpenAIServerTest::SetUp();
        server.set_handler([this](const RecordedRequest& r) {
            std::lock_guard lock(mutex);
            arrivals.push_back(Clock::now());
            if (r.path.find("embeddings") != std::string::npos) return fake::embeddings({{0.5f, 0.25f}});
            if (r.body.find("\"stream\":true") != std::string::npos) return fake::stream_text({"o", "k"});
            return reply_usage.is_null() ? fake::chat_text("ok") : fake::chat_text("ok", "gpt-4o-mini", "stop", reply_usage);
        });
    }
    std::vector<Clock::time_point> arrival_times() {
        std::lock_guard lock(mutex);
        return arrivals;
    }
    RedisOptions fast(const std::string& url) const {
        return RedisOptions{.url = url,
                            .command_timeout = milliseconds(150),
                            .retry_after = milliseconds(200),
                            .max_retry_after = milliseconds(400)};
    }
    std::mutex mutex;
    std::vector<Clock::time_point> arrivals;
    nlohmann::json reply_usage;  // set before the first call; null: the fake server's default usage
};

std::string scratch(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("llmgate-redis-" + std::to_string(::getpid()) + "-" + name)).string();
}

// Runs the CLI with `args`, its output discarded; its exit status.
int run_cli_status(const std::vector<std::string>& args) {
    std::vector<std::string> all{LLMGATE_CLI_BIN};
    all.insert(all.end(), args.begin(), args.end());
    const pid_t pid = spawn_quiet(std::move(all));
    if (pid < 0) return -1;
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

// Four `llmgate batch --rpm 600 --redis URL` processes, each sending as fast as its limiter lets it: the
// fake server sees 10 requests a second in all, not 40.
TEST_F(RedisHttp, FourProcessesSharing600RpmHoldTheAggregateWithin2Percent) {
    if (std::string(LLMGATE_CLI_BIN).empty()) GTEST_SKIP() << "the CLI is not built";
    RedisServer redis;
    ASSERT_TRUE(redis.start());
    const std::string file = scratch("batch.jsonl");
    {
        std::ofstream out(file);
        for (int i = 0; i < 22; ++i)
            out << R"({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]})" << '\n';
    }
    std::vector<pid_t> children;
    for (int p = 0; p < 4; ++p) {
        std::vector<std::string> args{LLMGATE_CLI_BIN, "batch",   "--concurrency", "8",  "--rpm",
                                      "600",           "--redis", redis.url(),     file};
        const pid_t pid = spawn_quiet(std::move(args));
        ASSERT_GT(pid, 0);
        children.push_back(pid);
    }
    for (pid_t pid : children) {
        int status = 0;
        ::waitpid(pid, &status, 0);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    std::remove(file.c_str());
    auto times = arrival_times();
    ASSERT_EQ(times.size(), 88u);
    std::sort(times.begin(), times.end());
    // Warm-up: the first 8 (process start-up); then a window of 72 requests while all four still send.
    const std::size_t first = 8, last = 80;
    const double seconds = std::chrono::duration<double>(times[last] - times[first]).count();
    const double rate = static_cast<double>(last - first) / seconds;
    EXPECT_NEAR(rate, 10.0, 0.2) << "requests per second over " << seconds << " s";
    // And no second of the window held a burst: slots are 100 ms apart, so a closed 1 s interval starting at
    // an arrival holds 11; one more is an arrival that lagged its slot (request latency on a loaded machine).
    for (std::size_t i = first; i < last; ++i) {
        const auto end = std::upper_bound(times.begin(), times.end(), times[i] + std::chrono::seconds(1));
        EXPECT_LE(end - (times.begin() + static_cast<long>(i)), 12) << i;
    }
}

// A reply cached through one store (one process's pool) is a hit through another, for completion,
// stream and async calls alike; the provider is asked once.
TEST_F(RedisHttp, CacheEntryWrittenThroughOneStoreIsAHitThroughAnother) {
    RedisServer redis;
    ASSERT_TRUE(redis.start());
    auto writer_store = std::make_shared<RedisCacheStore>(fast(redis.url()));
    auto writer = std::make_shared<CacheMiddleware>(std::chrono::seconds(60), 0, writer_store);
    auto reader_store = std::make_shared<RedisCacheStore>(fast(redis.url()));
    auto reader = std::make_shared<CacheMiddleware>(std::chrono::seconds(60), 0, reader_store);

    const auto first = completion("gpt-4o-mini", hello(), Options{.middleware = {writer}});
    EXPECT_FALSE(first.cache_hit);
    const auto second = completion("gpt-4o-mini", hello(), Options{.middleware = {reader}});
    EXPECT_TRUE(second.cache_hit);
    EXPECT_EQ(second.text(), "ok");
    EXPECT_EQ(second.usage.total_tokens, first.usage.total_tokens);
    EXPECT_EQ(second.id, first.id);

    // A stream replays the stored completion as chunks.
    std::string text;
    auto s = llmgate::stream("gpt-4o-mini", hello(), Options{.middleware = {reader}});
    for (const auto& chunk : s) text += chunk.delta;
    EXPECT_EQ(text, "ok");
    // An async call looks it up off the loop thread (get_async) and is a hit too.
    EXPECT_TRUE(acompletion("gpt-4o-mini", hello(), Options{.middleware = {reader}}).get().cache_hit);
    EXPECT_EQ(server.request_count(), 1u);

    // An async miss is stored (put_async) and then found by the other store.
    auto other = acompletion("gpt-4o-mini", {{{"role", "user"}, {"content", "other"}}}, Options{.middleware = {reader}}).get();
    EXPECT_FALSE(other.cache_hit);
    // put_async may land after the call returned: wait for the entry in the other store, then read it there.
    const std::string key =
        CacheMiddleware::key_for(CompletionRequest{.model = "gpt-4o-mini", .messages = {Message::user("other")}});
    bool found = false;
    for (int i = 0; i < 100 && !found; ++i) {
        found = writer_store->get(key).has_value();
        if (!found) std::this_thread::sleep_for(milliseconds(20));
    }
    ASSERT_TRUE(found);
    EXPECT_TRUE(completion("gpt-4o-mini", {{{"role", "user"}, {"content", "other"}}}, Options{.middleware = {writer}}).cache_hit);
    EXPECT_EQ(server.request_count(), 2u);
}

// Redis killed mid-run: calls keep succeeding, held to the per-process share meanwhile, one warning;
// after Redis restarts the shared limit is back (and one line says so).
TEST_F(RedisHttp, RedisKilledAndRestartedDegradesToALocalLimitThenRecovers) {
    RedisServer redis;
    ASSERT_TRUE(redis.start());
    LogCapture log;
    auto limiter = std::make_shared<RedisRateLimiter>(fast(redis.url()), RedisRateLimitOptions{.rpm = 1200});
    const Options o{.middleware = {std::make_shared<RedisRateLimitMiddleware>(limiter)}};
    for (int i = 0; i < 3; ++i) EXPECT_EQ(completion("gpt-4o-mini", hello(), o).text(), "ok");
    EXPECT_TRUE(limiter->shared());
    EXPECT_EQ(limiter->fleet_size("openai"), 1u);

    redis.kill();
    const auto outage_start = arrival_times().size();
    for (int i = 0; i < 6; ++i) EXPECT_EQ(completion("gpt-4o-mini", hello(), o).text(), "ok");
    EXPECT_FALSE(limiter->shared());
    EXPECT_EQ(log.count("llmgate: Redis at"), 1) << log.text();
    EXPECT_NE(log.text().find("per-process"), std::string::npos);
    // Still limited: 1200 rpm / fleet of 1 = one request per 50 ms, by this process alone (slots are
    // reserved 50 ms apart; an arrival lags its slot by the request's own latency, hence the slack).
    const auto times = arrival_times();
    ASSERT_EQ(times.size(), outage_start + 6);
    EXPECT_GE(times.back() - times[outage_start], milliseconds(5 * 50 - 15));
    for (std::size_t i = outage_start + 1; i < times.size(); ++i)
        EXPECT_GE(times[i] - times[i - 1], milliseconds(30)) << i;

    ASSERT_TRUE(redis.restart());
    std::this_thread::sleep_for(milliseconds(450));  // past the backoff
    for (int i = 0; i < 3; ++i) EXPECT_EQ(completion("gpt-4o-mini", hello(), o).text(), "ok");
    EXPECT_TRUE(limiter->shared());
    EXPECT_EQ(log.count("is back"), 1) << log.text();
    EXPECT_EQ(log.count("llmgate: Redis at"), 2) << log.text();  // the warning and the recovery, nothing more
}

// A Redis that stops answering (SIGSTOP): the command times out, the call goes through after a bounded
// delay, and later calls do not wait for Redis at all while it is down.
TEST_F(RedisHttp, SlowRedisTimesOutAndCallsStillGoThrough) {
    RedisServer redis;
    ASSERT_TRUE(redis.start());
    LogCapture log;
    auto limiter = std::make_shared<RedisRateLimiter>(fast(redis.url()), RedisRateLimitOptions{.rpm = 6000});
    const Options o{.middleware = {std::make_shared<RedisRateLimitMiddleware>(limiter)}};
    EXPECT_EQ(completion("gpt-4o-mini", hello(), o).text(), "ok");
    redis.pause();
    auto start = Clock::now();
    EXPECT_EQ(completion("gpt-4o-mini", hello(), o).text(), "ok");
    EXPECT_LT(Clock::now() - start, milliseconds(1000));
    start = Clock::now();
    for (int i = 0; i < 5; ++i) EXPECT_EQ(completion("gpt-4o-mini", hello(), o).text(), "ok");
    EXPECT_LT(Clock::now() - start, milliseconds(1000));
    // Async calls too, and the loop stays free meanwhile.
    std::vector<std::future<CompletionResponse>> futures;
    for (int i = 0; i < 4; ++i) futures.push_back(acompletion("gpt-4o-mini", hello(), o));
    for (auto& f : futures) EXPECT_EQ(f.get().text(), "ok");
    EXPECT_NE(log.text().find("timed out"), std::string::npos) << log.text();
    EXPECT_EQ(log.count("llmgate: Redis at"), 1) << log.text();
    redis.resume();
}

// A wrong password: one warning naming the problem (never the password), calls go on, nothing crashes.
TEST_F(RedisHttp, WrongPasswordWarnsOnceWithoutThePasswordAndDegrades) {
    RedisServer redis;
    ASSERT_TRUE(redis.start({"--requirepass", "right-horse-battery"},
                            "redis://:right-horse-battery@127.0.0.1:" + std::to_string(redis.port()) + "/0"));
    LogCapture log;
    const std::string wrong = "redis://:Wr0ng-Passw0rd@127.0.0.1:" + std::to_string(redis.port()) + "/0";
    auto limiter = std::make_shared<RedisRateLimiter>(fast(wrong), RedisRateLimitOptions{.rpm = 6000});
    auto store = std::make_shared<RedisCacheStore>(fast(wrong));
    const Options o{.middleware = {std::make_shared<CacheMiddleware>(std::chrono::seconds(60), 0, store),
                                   std::make_shared<RedisRateLimitMiddleware>(limiter)}};
    for (int i = 0; i < 4; ++i) EXPECT_FALSE(completion("gpt-4o-mini", hello(), o).cache_hit);  // no cache
    EXPECT_EQ(server.request_count(), 4u);
    EXPECT_FALSE(limiter->shared());
    EXPECT_FALSE(store->available());
    EXPECT_EQ(log.count("refusing authentication"), 2) << log.text();  // once per client: limiter, store
    EXPECT_EQ(log.text().find("Wr0ng-Passw0rd"), std::string::npos) << log.text();
    EXPECT_EQ(log.text().find("right-horse-battery"), std::string::npos);

    // No password at all where one is required (NOAUTH): the same kind of warning, from the cache too.
    LogCapture none;
    RedisCacheStore anonymous(fast(redis.url()));
    EXPECT_FALSE(anonymous.get("k"));
    EXPECT_EQ(none.count("refusing authentication"), 1) << none.text();

    // The right password (user "default" given explicitly) shares the budget.
    auto good = std::make_shared<RedisRateLimiter>(
        fast("redis://default:right-horse-battery@127.0.0.1:" + std::to_string(redis.port()) + "/3"),
        RedisRateLimitOptions{.rpm = 6000});
    EXPECT_TRUE(good->reserve("openai", 0).shared);
    EXPECT_EQ(good->fleet_size("openai"), 1u);
}

// rediss:// with a private CA: verified with ca_file; without it the certificate is refused.
TEST_F(RedisHttp, TlsVerifiesTheServerWithTheGivenCaFileAndRefusesItWithout) {
    const std::string dir = scratch("tls");
    std::filesystem::create_directories(dir);
    const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
                            "-addext subjectAltName=DNS:localhost -keyout '" + dir + "/key.pem' -out '" + dir +
                            "/cert.pem' >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "openssl cannot make a test certificate";
    RedisServer redis;
    const std::string url = "rediss://localhost:" + std::to_string(redis.port()) + "/0";
    if (!redis.start({"--port", "0", "--tls-port", std::to_string(redis.port()), "--tls-cert-file", dir + "/cert.pem",
                      "--tls-key-file", dir + "/key.pem", "--tls-ca-cert-file", dir + "/cert.pem",
                      "--tls-auth-clients", "no"},
                     url, dir + "/cert.pem"))
        GTEST_SKIP() << "this redis-server has no TLS support";
    RedisOptions with_ca = fast(url);
    with_ca.ca_file = dir + "/cert.pem";
    with_ca.connect_timeout = milliseconds(2000);
    with_ca.command_timeout = milliseconds(2000);
    RedisCacheStore store(with_ca);
    CompletionResponse r;
    r.id = "tls-1";
    r.choices.push_back(Choice{.message = Message::assistant("over TLS")});
    store.put("k", CachedReply(r), milliseconds(60000));
    auto hit = store.get("k");
    ASSERT_TRUE(hit);
    EXPECT_EQ(std::get<CompletionResponse>(*hit).text(), "over TLS");

    LogCapture log;
    RedisOptions without_ca = with_ca;
    without_ca.ca_file.clear();
    RedisCacheStore unverified(without_ca);
    EXPECT_FALSE(unverified.get("k"));
    EXPECT_FALSE(unverified.available());
    EXPECT_NE(log.text().find("certificate verification failed"), std::string::npos) << log.text();
    std::filesystem::remove_all(dir);
}

// tpm: the reservation is the local estimate; the reply's real usage moves the budget by the difference,
// so the next wait follows the real usage.
TEST_F(RedisHttp, RealUsageCorrectsTheTokenReservationAndChangesTheNextWait) {
    RedisServer redis;
    ASSERT_TRUE(redis.start());
    RedisRateLimiter limiter(fast(redis.url()), RedisRateLimitOptions{.tpm = 600});  // 10 tokens a second
    // The first 600 tokens (a minute's budget) go at once; the next 10 wait a second.
    const auto a = limiter.reserve("corrected", 600);
    EXPECT_TRUE(a.shared);
    EXPECT_EQ(a.wait, milliseconds(0));
    const auto control = limiter.reserve("control", 600);
    EXPECT_EQ(control.wait, milliseconds(0));
    // The call reserved 600 but used 1200: 600 more tokens is a minute more to wait.
    limiter.record_usage("corrected", a, 1200);
    const auto b = limiter.reserve("corrected", 10);
    const auto c = limiter.reserve("control", 10);
    EXPECT_NEAR(c.wait.count(), 1000, 60);
    EXPECT_NEAR(b.wait.count(), 61000, 100);
    // Used less than reserved: the difference is given back.
    const auto d = limiter.reserve("returned", 600);
    limiter.record_usage("returned", d, 10);
    EXPECT_EQ(limiter.reserve("returned", 580).wait, milliseconds(0));

    // Through the middleware over HTTP: max_tokens 5 makes a small estimate; the reply says 6000 tokens.
    reply_usage = {{"prompt_tokens", 5000}, {"completion_tokens", 1000}, {"total_tokens", 6000}};
    auto shared = std::make_shared<RedisRateLimiter>(fast(redis.url()), RedisRateLimitOptions{.tpm = 600, .key = RateLimitKey::name, .name = "http"});
    const Options o{.max_tokens = 5, .middleware = {std::make_shared<RedisRateLimitMiddleware>(shared)}};
    EXPECT_LT(shared->estimate_tokens(CompletionRequest{"gpt-4o-mini", {Message::user("Hello")}, o}), 30);
    EXPECT_EQ(completion("gpt-4o-mini", hello(), o).text(), "ok");
    // 6000 tokens at 10 a second is 600 s, less the minute of tolerance: about 540 s to wait now.
    EXPECT_GT(shared->reserve("http", 1).wait, milliseconds(500000));
}

// Async calls through the limiter: reservations made on the worker, waits on loop timers, FIFO spacing.
TEST_F(RedisHttp, AsyncCallsAreSpacedByTheSharedLimit) {
    RedisServer redis;
    ASSERT_TRUE(redis.start());
    auto mw = std::make_shared<RedisRateLimitMiddleware>(fast(redis.url()), RedisRateLimitOptions{.rpm = 1200});
    const Options o{.middleware = {mw}};
    std::vector<std::future<CompletionResponse>> futures;
    for (int i = 0; i < 8; ++i) futures.push_back(acompletion("gpt-4o-mini", hello(), o));
    for (auto& f : futures) EXPECT_EQ(f.get().text(), "ok");
    auto times = arrival_times();
    ASSERT_EQ(times.size(), 8u);
    std::sort(times.begin(), times.end());
    EXPECT_GE(times.back() - times.front(), milliseconds(7 * 50 - 20));
    EXPECT_TRUE(mw->limiter()->shared());
}

// A Redis restarted between two calls leaves the pool's idle connections closed: the next command reopens
// one instead of declaring an outage (no warning, the shared budget stays in force).
TEST_F(RedisHttp, AnIdleConnectionClosedByARestartIsReopenedWithoutAnOutage) {
    RedisServer redis;
    ASSERT_TRUE(redis.start());
    LogCapture log;
    auto limiter = std::make_shared<RedisRateLimiter>(fast(redis.url()), RedisRateLimitOptions{.rpm = 6000});
    const Options o{.middleware = {std::make_shared<RedisRateLimitMiddleware>(limiter)}};
    EXPECT_EQ(completion("gpt-4o-mini", hello(), o).text(), "ok");
    redis.kill();
    ASSERT_TRUE(redis.restart());
    EXPECT_EQ(completion("gpt-4o-mini", hello(), o).text(), "ok");
    EXPECT_TRUE(limiter->shared());
    EXPECT_EQ(log.text(), "");
}

// Embeddings draw on the same budget: spaced by rpm, their inputs' tokens reserved against tpm.
TEST_F(RedisHttp, EmbeddingsCountAgainstTheSharedBudget) {
    RedisServer redis;
    ASSERT_TRUE(redis.start());
    auto limiter = std::make_shared<RedisRateLimiter>(fast(redis.url()), RedisRateLimitOptions{.rpm = 1200, .tpm = 60000});
    EXPECT_GT(limiter->estimate_tokens(EmbeddingRequest{"text-embedding-3-small", {"one two three", "four five"}}), 3);
    const EmbedOptions o{.middleware = {std::make_shared<RedisRateLimitMiddleware>(limiter)}};
    for (int i = 0; i < 4; ++i) EXPECT_EQ(embed("text-embedding-3-small", "some text", o).embeddings.size(), 1u);
    auto times = arrival_times();
    ASSERT_EQ(times.size(), 4u);
    EXPECT_GE(times.back() - times.front(), milliseconds(3 * 50 - 10));
    EXPECT_EQ(limiter->fleet_size("openai"), 1u);
}

// While Redis is down each process takes its share: with two limiters seen on the budget, 1200 rpm
// becomes 600 rpm here (100 ms apart), not the whole 1200.
TEST_F(RedisHttp, DuringAnOutageEachProcessEnforcesTheLimitOverTheLastKnownFleetSize) {
    RedisServer redis;
    ASSERT_TRUE(redis.start());
    LogCapture log;
    RedisRateLimiter other(fast(redis.url()), RedisRateLimitOptions{.rpm = 1200});  // another process
    RedisRateLimiter self(fast(redis.url()), RedisRateLimitOptions{.rpm = 1200});
    EXPECT_TRUE(other.reserve("openai", 0).shared);
    EXPECT_TRUE(self.reserve("openai", 0).shared);
    EXPECT_EQ(self.fleet_size("openai"), 2u);
    redis.kill();
    const auto first = self.reserve("openai", 0);
    EXPECT_FALSE(first.shared);
    EXPECT_EQ(first.wait, milliseconds(0));
    const auto second = self.reserve("openai", 0);
    const auto third = self.reserve("openai", 0);
    EXPECT_FALSE(second.shared);
    EXPECT_NEAR(second.wait.count(), 100, 3);
    EXPECT_NEAR(third.wait.count(), 200, 3);
}

// The CLI: --rpm alone is this process's limit; --redis without --rpm/--tpm, or the flags outside batch,
// are usage errors.
TEST_F(RedisHttp, CliRpmWithoutRedisIsAPerProcessLimitAndBadCombinationsAreUsageErrors) {
    if (std::string(LLMGATE_CLI_BIN).empty()) GTEST_SKIP() << "the CLI is not built";
    const std::string file = scratch("cli.jsonl");
    {
        std::ofstream out(file);
        for (int i = 0; i < 3; ++i) out << R"({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]})" << '\n';
    }
    EXPECT_EQ(run_cli_status({"batch", "--rpm", "600", file}), 0);
    auto times = arrival_times();
    ASSERT_EQ(times.size(), 3u);
    std::sort(times.begin(), times.end());
    EXPECT_GE(times.back() - times.front(), milliseconds(2 * 100 - 20));
    EXPECT_EQ(run_cli_status({"batch", "--redis", "redis://127.0.0.1:1/0", file}), 2);
    EXPECT_EQ(run_cli_status({"--rpm", "60", "hello"}), 2);
    EXPECT_EQ(run_cli_status({"batch", "--rpm", "0", file}), 2);
    std::remove(file.c_str());
}

// Streams draw on the budget too, and the usage on their last chunk corrects the token reservation:
// max_tokens 1000 reserves about a second of a 60,000 tpm budget; the stream's 15 real tokens give it back.
TEST_F(RedisHttp, AStreamsUsageCorrectsItsReservation) {
    RedisServer redis;
    ASSERT_TRUE(redis.start());
    auto limiter = std::make_shared<RedisRateLimiter>(
        fast(redis.url()), RedisRateLimitOptions{.tpm = 60000, .key = RateLimitKey::name, .name = "streams"});
    const Options o{.max_tokens = 1000, .middleware = {std::make_shared<RedisRateLimitMiddleware>(limiter)}};
    std::string text;
    for (const auto& chunk : llmgate::stream("gpt-4o-mini", hello(), o)) text += chunk.delta;
    EXPECT_EQ(text, "ok");
    // The correction runs on the limiter's worker: give it a moment. Uncorrected, the ~1,010 tokens still
    // reserved would make a whole minute's budget wait ~800 ms more.
    std::this_thread::sleep_for(milliseconds(200));
    const auto full = limiter->reserve("streams", 60000);
    EXPECT_LT(full.wait, milliseconds(300)) << "the stream's reservation was not corrected by its usage";
}

// Another process (a program of its own) finds what this one cached, and this one finds what it cached.
TEST_F(RedisHttp, CacheEntryWrittenByOneProcessIsAHitInAnother) {
    RedisServer redis;
    ASSERT_TRUE(redis.start());
    auto store = std::make_shared<RedisCacheStore>(fast(redis.url()));
    const Options o{.middleware = {std::make_shared<CacheMiddleware>(std::chrono::seconds(60), 0, store)}};
    EXPECT_FALSE(completion("gpt-4o-mini", {Message::user("from parent")}, o).cache_hit);

    const auto child = [&](const std::string& prompt) {
        const std::string cmd = std::string("'") + LLMGATE_REDIS_CACHE_CHILD_BIN + "' '" + redis.url() + "' '" + prompt + "'";
        FILE* p = ::popen(cmd.c_str(), "r");
        std::string out;
        char buf[256];
        while (p && std::fgets(buf, sizeof buf, p)) out += buf;
        if (p) ::pclose(p);
        return out;
    };
    EXPECT_EQ(child("from parent"), "hit ok\n");
    EXPECT_EQ(server.request_count(), 1u);
    EXPECT_EQ(child("from child"), "miss ok\n");
    EXPECT_EQ(server.request_count(), 2u);
    EXPECT_TRUE(completion("gpt-4o-mini", {Message::user("from child")}, o).cache_hit);
    EXPECT_EQ(server.request_count(), 2u);
}

// The lookup is bounded too (libcurl's resolver under the connect timeout; getaddrinfo alone has none): a host
// no resolver knows fails as a RedisError within the timeout, whether the resolver says so or stays silent.
TEST(RedisConnect, AnUnresolvableHostFailsWithinTheConnectTimeout) {
    const auto start = Clock::now();
    try {
        detail::RedisPool pool(detail::parse_redis_url("redis://no-such-host.invalid:6379/0"),
                               detail::RedisConnectSettings{milliseconds(1500), milliseconds(1500), {}}, 1);
        pool.command({"PING"});
        FAIL() << "no error";
    } catch (const detail::RedisError& e) {
        const std::string what = e.what();
        EXPECT_TRUE(what.find("cannot resolve Redis host 'no-such-host.invalid'") != std::string::npos ||
                    what.find("timed out") != std::string::npos)
            << what;
    }
    EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
}
