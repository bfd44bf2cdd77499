// The MCP client over Streamable HTTP: the reference server (started once for the suite on a free loopback
// port) and tests/mcp/fake_server.js for sessions, auth, SSE resumption and bad replies.
#include <atomic>
#include <memory>
#include <thread>

#include "llmgate/llmgate.hpp"
#include "mcp_test_support.hpp"

namespace mcp = llmgate::mcp;
using llmgate::json;
using namespace std::chrono_literals;

namespace {

class EverythingHttp : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!mcp_test::servers_installed()) return;
        port_ = mcp_test::free_loopback_port();
        server_ = std::make_unique<mcp_test::ServerProcess>(
            std::vector<std::string>{mcp_test::node(), mcp_test::everything_script(), "streamableHttp"},
            std::vector<std::string>{"PORT=" + std::to_string(port_)});
        if (!server_->wait_for_port(port_)) return;
        mcp::ClientOptions options;
        options.timeout = 10s;
        options.on_elicitation = [](const mcp::ElicitationRequest&) { return mcp::ElicitationResponse::accept({{"name", "Grace"}}); };
        client_ = std::make_unique<mcp::Client>(mcp::Client::http(url(), options));
    }
    static void TearDownTestSuite() {
        client_.reset();
        server_.reset();
    }
    void SetUp() override {
        ASSERT_TRUE(mcp_test::servers_installed());
        ASSERT_TRUE(client_) << "the server did not start: " << (server_ ? server_->output() : "");
    }
    static std::string url() { return "http://127.0.0.1:" + std::to_string(port_) + "/mcp"; }

    static int port_;
    static std::unique_ptr<mcp_test::ServerProcess> server_;
    static std::unique_ptr<mcp::Client> client_;
};
int EverythingHttp::port_ = 0;
std::unique_ptr<mcp_test::ServerProcess> EverythingHttp::server_;
std::unique_ptr<mcp::Client> EverythingHttp::client_;

}  // namespace

TEST_F(EverythingHttp, InitializesASession) {
    EXPECT_EQ(client_->protocol_version(), "2025-11-25");
    EXPECT_EQ(client_->server_info().value("name", ""), "mcp-servers/everything");
    EXPECT_TRUE(server_->wait_for_output("Session initialized with ID"));
}

TEST_F(EverythingHttp, ListsAndCallsTools) {
    auto tools = client_->list_tools();
    EXPECT_GE(tools.size(), 10u);
    EXPECT_EQ(client_->call_tool("echo", {{"message", "over http"}}).text(), "Echo: over http");
    auto r = client_->call_tool("get-structured-content", {{"location", "New York"}});
    EXPECT_TRUE(r.structured_content.contains("temperature")) << r.raw.dump();
    client_->ping();
}

TEST_F(EverythingHttp, ProgressArrivesOnTheCallsStream) {
    std::atomic<int> seen{0};
    auto r = client_->call_tool("trigger-long-running-operation", {{"duration", 0.3}, {"steps", 3}},
                                {.on_progress = [&](const mcp::Progress&) { ++seen; }});
    EXPECT_NE(r.text().find("completed"), std::string::npos) << r.text();
    EXPECT_EQ(seen.load(), 3);
}

TEST_F(EverythingHttp, ATimedOutCallFailsQuickly) {
    auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(client_->call_tool("trigger-long-running-operation", {{"duration", 5}, {"steps", 5}}, {.timeout = 200ms}),
                 llmgate::TimeoutError);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    EXPECT_EQ(client_->call_tool("echo", {{"message", "again"}}).text(), "Echo: again");
}

TEST_F(EverythingHttp, ElicitationMidCallIsAnsweredOverHttp) {
    auto r = client_->call_tool("trigger-elicitation-request");
    const std::string all = r.raw.dump();
    EXPECT_NE(all.find("Grace"), std::string::npos) << all;
    EXPECT_NE(all.find("It was a dark and stormy night."), std::string::npos) << all;
}

TEST_F(EverythingHttp, ConcurrentCalls) {
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int t = 0; t < 6; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 4; ++i) {
                std::string m = std::to_string(t) + "/" + std::to_string(i);
                if (client_->call_tool("echo", {{"message", m}}).text() == "Echo: " + m) ++ok;
            }
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(ok.load(), 24);
}

TEST_F(EverythingHttp, CloseEndsTheSession) {
    auto client = mcp::Client::http(url());
    EXPECT_EQ(client.call_tool("echo", {{"message", "x"}}).text(), "Echo: x");
    client.close();
    EXPECT_TRUE(server_->wait_for_output("Received session termination request", 5s)) << server_->output();
    EXPECT_THROW(client.ping(), llmgate::ConnectionError);
}

namespace {

class McpFakeHttp : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!mcp_test::servers_installed()) return;
        server_ = std::make_unique<mcp_test::ServerProcess>(std::vector<std::string>{mcp_test::node(), mcp_test::fake_script(), "http"});
        if (!server_->wait_for_output("PORT ")) return;
        std::string out = server_->output();
        port_ = std::stoi(out.substr(out.find("PORT ") + 5));
    }
    static void TearDownTestSuite() { server_.reset(); }
    void SetUp() override {
        ASSERT_TRUE(mcp_test::servers_installed());
        ASSERT_GT(port_, 0) << (server_ ? server_->output() : "");
    }
    static std::string url() { return "http://127.0.0.1:" + std::to_string(port_) + "/mcp"; }
    static mcp::ClientOptions authed() {
        mcp::ClientOptions o;
        o.timeout = 5s;
        o.headers = {{"Authorization", "Bearer secret-token"}};
        return o;
    }

    static int port_;
    static std::unique_ptr<mcp_test::ServerProcess> server_;
};
int McpFakeHttp::port_ = 0;
std::unique_ptr<mcp_test::ServerProcess> McpFakeHttp::server_;

}  // namespace

TEST_F(McpFakeHttp, SendsTheSessionIdAndProtocolVersionAndDeletesTheSession) {
    auto client = mcp::Client::http(url(), authed());
    EXPECT_EQ(client.list_tools().size(), 14u);  // paginated, each page a JSON reply
    EXPECT_EQ(client.call_tool("echo", {{"message", "sse"}}).text(), "echo: sse");  // an SSE reply
    client.close();
    // session-1, or a later one when the session-expiry test ran first
    EXPECT_TRUE(server_->wait_for_output("DELETE session-", 3s)) << server_->output();
}

TEST_F(McpFakeHttp, AnExpiredSessionIsReplacedByANewOneAndTheCallSentAgain) {
    auto client = mcp::Client::http(url(), authed());
    EXPECT_EQ(client.call_tool("forget", {}).text(), "forgotten");  // the server drops the session
    // The next call gets 404 for the old session id: the client initializes a new session (no id sent)
    // and the call goes again in it, so the caller sees its answer, not a ConnectionError.
    EXPECT_EQ(client.call_tool("echo", {{"message", "again"}}).text(), "echo: again");
    const std::string out = server_->output();
    const auto expired = out.rfind("404 tools/call");
    ASSERT_NE(expired, std::string::npos) << out;
    const auto renewed = out.find("initialize session-", expired);
    ASSERT_NE(renewed, std::string::npos) << out;
    EXPECT_EQ(out.find("initialize session-1", expired), std::string::npos) << out;  // a new id, not the old one
    EXPECT_EQ(client.list_tools().size(), 14u);  // later calls use the new session
}

TEST_F(McpFakeHttp, ABrokenStreamIsResumedWithLastEventId) {
    auto client = mcp::Client::http(url(), authed());
    std::atomic<int> progress{0};
    auto r = client.call_tool("resume", {}, {.on_progress = [&](const mcp::Progress&) { ++progress; }});
    EXPECT_EQ(r.text(), "resumed");
    EXPECT_EQ(progress.load(), 1);  // e1 came before the break; the GET replays only what followed it
    EXPECT_NE(server_->output().find("GET last-event-id=e1"), std::string::npos) << server_->output();
}

TEST_F(McpFakeHttp, NotificationsOutsideACallArriveOnTheGetStream) {
    std::atomic<int> changed{0};
    auto options = authed();
    options.on_tools_changed = [&] { ++changed; };
    auto client = mcp::Client::http(url(), options);
    for (int i = 0; i < 300 && changed.load() == 0; ++i) std::this_thread::sleep_for(10ms);
    EXPECT_EQ(changed.load(), 1);
    auto start = std::chrono::steady_clock::now();
    client.close();  // the open GET stream does not hold it up
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(McpFakeHttp, AWrongTokenIsAnAuthErrorThatDoesNotShowTheToken) {
    auto options = authed();
    options.headers = {{"Authorization", "Bearer wrong-token-123"}};
    try {
        mcp::Client::http(url(), options);
        FAIL() << "expected AuthError";
    } catch (const llmgate::AuthError& e) {
        EXPECT_EQ(e.status(), 401);
        EXPECT_EQ(std::string(e.what()).find("wrong-token-123"), std::string::npos) << e.what();
    }
}

TEST_F(McpFakeHttp, GarbageInTheStreamIsAResponseParseError) {
    auto client = mcp::Client::http(url(), authed());
    EXPECT_THROW(client.call_tool("garbage"), llmgate::ResponseParseError);
    EXPECT_EQ(client.call_tool("echo", {{"message", "ok"}}).text(), "echo: ok");  // only that call failed
}

TEST_F(McpFakeHttp, AHangingStreamTimesOut) {
    auto client = mcp::Client::http(url(), authed());
    auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(client.call_tool("hang", {}, {.timeout = 300ms}), llmgate::TimeoutError);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(McpHttpErrors, NothingListeningIsAConnectionError) {
    int port = mcp_test::free_loopback_port();
    EXPECT_THROW(mcp::Client::http("http://127.0.0.1:" + std::to_string(port) + "/mcp", {.timeout = 2s, .connect_timeout = 2s}),
                 llmgate::ConnectionError);
    EXPECT_THROW(mcp::Client::http("ftp://example/mcp"), llmgate::InvalidRequestError);
}
