// acompletion / astream / aembed on the one shared event loop, over real HTTP.
#include <gtest/gtest.h>

#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <mutex>

#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::openai;

namespace {

std::size_t thread_count() {
    std::size_t n = 0;
    if (DIR* d = opendir("/proc/self/task")) {
        while (dirent* e = readdir(d))
            if (e->d_name[0] != '.') ++n;
        closedir(d);
    }
    return n;
}

// The fake server in its own process, so its threads do not count as ours.
class ChildFakeServer {
public:
    explicit ChildFakeServer(int delay_ms) {
        int fds[2];
        if (pipe(fds) != 0) throw std::runtime_error("pipe");
        pid_ = fork();
        if (pid_ == 0) {
            dup2(fds[1], STDOUT_FILENO);
            close(fds[0]);
            const std::string delay = std::to_string(delay_ms);
            execl(LLMGATE_FAKE_SERVER_BIN, LLMGATE_FAKE_SERVER_BIN, "--delay-ms", delay.c_str(),
                  static_cast<char*>(nullptr));
            _exit(127);
        }
        close(fds[1]);
        FILE* out = fdopen(fds[0], "r");
        char line[256] = {};
        if (out == nullptr || fgets(line, sizeof line, out) == nullptr)
            throw std::runtime_error("fake server did not start");
        std::string l(line);
        const auto at = l.find("http://");
        url_ = l.substr(at, l.find_first_of("\r\n", at) - at);
        out_ = out;
    }
    ~ChildFakeServer() {
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
        if (out_) fclose(out_);
    }
    const std::string& url() const { return url_; }

private:
    pid_t pid_ = -1;
    FILE* out_ = nullptr;
    std::string url_;
};

class AsyncHttp : public OpenAIServerTest {
protected:
    AsyncHttp() : OpenAIServerTest("sk-async") {}
};

}  // namespace

TEST_F(AsyncHttp, AcompletionResolvesWithTheParsedReply) {
    server.enqueue(fake::chat_text("async hello"));
    auto f = acompletion("gpt-4o-mini", hello());
    auto r = f.get();
    EXPECT_EQ(r.text(), "async hello");
    EXPECT_EQ(server.last_request().header("authorization"), "Bearer sk-async");
}

TEST_F(AsyncHttp, AcompletionCarriesTypedErrors) {
    server.enqueue(fake::error(429, "slow down"));
    EXPECT_THROW(acompletion("gpt-4o-mini", hello()).get(), RateLimitError);
    server.enqueue(fake::malformed_json());
    EXPECT_THROW(acompletion("gpt-4o-mini", hello()).get(), ResponseParseError);
    EXPECT_THROW(acompletion("gpt-4o-mini", hello(), {.provider = "nosuch"}).get(), ModelNotFoundError);
}

TEST_F(AsyncHttp, AstreamDeliversChunksInOrder) {
    server.enqueue(fake::stream_text({"one ", "two ", "three"}));
    Stream s = astream("gpt-4o-mini", hello()).get();
    std::string text;
    for (const auto& c : s) text += c.delta;
    EXPECT_EQ(text, "one two three");
    EXPECT_GT(s.response().usage.total_tokens, 0);
}

TEST_F(AsyncHttp, AstreamErrorStatusFailsTheFuture) {
    server.enqueue(fake::error(401, "bad key"));
    EXPECT_THROW(astream("gpt-4o-mini", hello()).get(), AuthError);
}

TEST_F(AsyncHttp, AstreamTruncatedIsAnError) {
    server.enqueue(fake::stream_text({"a"}, "gpt-4o-mini", true, false));
    Stream s = astream("gpt-4o-mini", hello()).get();
    EXPECT_THROW(
        {
            for (const auto& c : s) (void)c;
        },
        ResponseParseError);
}

TEST_F(AsyncHttp, AstreamDroppedEarlyCancelsAndTheLoopKeepsWorking) {
    Reply slow = fake::stream_text(std::vector<std::string>(100, "x"));
    slow.delay_between_chunks = std::chrono::milliseconds(100);
    server.enqueue(slow);
    {
        Stream s = astream("gpt-4o-mini", hello()).get();
        for (const auto& c : s) {
            if (!c.delta.empty()) break;
        }
    }
    server.enqueue(fake::chat_text("still alive"));
    EXPECT_EQ(acompletion("gpt-4o-mini", hello()).get().text(), "still alive");
}

TEST_F(AsyncHttp, LargeStreamIsDeliveredCompletelyToASlowConsumer) {
    // More than the loop's read-ahead buffer, so the transfer must pause and resume without losing bytes.
    std::vector<std::string> pieces;
    std::string expected;
    for (int i = 0; i < 3000; ++i) {
        pieces.emplace_back(512, static_cast<char>('a' + i % 26));
        expected += pieces.back();
    }
    server.enqueue(fake::stream_text(pieces));
    Stream s = astream("gpt-4o-mini", hello()).get();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the loop fill its buffer
    std::string text;
    for (const auto& c : s) text += c.delta;
    EXPECT_EQ(text.size(), expected.size());
    EXPECT_EQ(text, expected);
}

TEST_F(AsyncHttp, AembedResolvesWithVectors) {
    server.enqueue(fake::embeddings({{0.5f, 0.25f}}, "text-embedding-3-small", true));
    auto r = aembed("text-embedding-3-small", "x").get();
    EXPECT_EQ(r.embeddings[0], (std::vector<double>{0.5, 0.25}));
}

// No provider configured: every variable cleared.
namespace {
class AsyncConcurrency : public ProviderEnvTest {};
}  // namespace

TEST_F(AsyncConcurrency, ThousandInFlightCallsUseOneLoopThreadNotAThreadEach) {
    ChildFakeServer child(/*delay_ms=*/300);
    configure_transport({.max_host_connections = 64});  // stay inside the default fd limit
    const Options opts{.api_key = "sk-many", .api_base = child.url() + "/v1"};
    // Warm the loop up so its one thread already exists.
    ASSERT_EQ(acompletion("gpt-4o-mini", hello(), opts).get().text(), "Hello from the fake server");
    const std::size_t before = thread_count();

    std::vector<std::future<CompletionResponse>> futures;
    futures.reserve(1000);
    for (int i = 0; i < 1000; ++i)
        futures.push_back(acompletion("gpt-4o-mini", {Message::user(std::to_string(i))}, opts));
    const std::size_t during = thread_count();
    std::size_t ok = 0;
    for (auto& f : futures) ok += f.get().text() == "Hello from the fake server";
    EXPECT_EQ(ok, 1000u);
    EXPECT_LE(during, before + 2) << "acompletion must not start a thread per call";
}

// The first calls to a plain-http host (Ollama, a local gateway) run in parallel: the others must not
// wait for the first call's reply to learn whether its connection could be shared (libcurl's PIPEWAIT
// waits until the status line; only TLS says so up front). Each test's server is a new host:port, so
// nothing from earlier tests has settled what its connections can do.
TEST_F(AsyncHttp, CallsToAPlainHttpHostDoNotWaitForTheFirstCallsReply) {
    using namespace std::chrono;
    constexpr auto kSlow = milliseconds(3000);  // the first request the server sees: a slow generation
    std::atomic<bool> first_taken{false};
    server.set_handler([&](const RecordedRequest&) {
        Reply r = fake::chat_text("ok");
        if (!first_taken.exchange(true)) r.delay_before_reply = kSlow;
        return r;
    });
    const auto start = steady_clock::now();
    std::mutex m;
    std::vector<milliseconds> took;  // per call, in the order they finished
    std::promise<void> all_done;
    int left = 4;
    for (int i = 0; i < 4; ++i)
        acompletion("gpt-4o-mini", hello(), {}, [&](std::exception_ptr e, CompletionResponse) {
            std::lock_guard lock(m);
            took.push_back(e ? milliseconds::max() : duration_cast<milliseconds>(steady_clock::now() - start));
            if (--left == 0) all_done.set_value();
        });
    ASSERT_EQ(all_done.get_future().wait_for(seconds(20)), std::future_status::ready);
    ASSERT_EQ(took.size(), 4u);
    // Three calls were answered long before the slow one; waiting for it would put them all past kSlow.
    for (int k = 0; k < 3; ++k) EXPECT_LT(took[static_cast<std::size_t>(k)], kSlow - milliseconds(1000)) << k;
    EXPECT_GE(took[3], kSlow);
    EXPECT_LT(took[3], milliseconds::max());
}
