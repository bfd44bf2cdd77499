// The MCP client against tests/mcp/fake_server.js: pagination, server pings, elicitation, result mapping,
// and hostile servers (garbage, crashes, hangs, slowness, refusing to die) over stdio.
#include <fcntl.h>
#include <signal.h>

#include <atomic>
#include <thread>

#include "llmgate/llmgate.hpp"
#include "mcp_test_support.hpp"

namespace mcp = llmgate::mcp;
using llmgate::json;
using namespace std::chrono_literals;

namespace {
std::vector<std::string> fake(const std::string& mode = "normal") { return {mcp_test::node(), mcp_test::fake_script(), "stdio", mode}; }

mcp::ClientOptions quick() {
    mcp::ClientOptions o;
    o.timeout = 5s;
    o.connect_timeout = 5s;
    o.kill_grace = 300ms;
    return o;
}

std::string error_text(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST(McpFakeStdio, ListsEveryPageOfTools) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto client = mcp::Client::stdio(fake(), quick());
    auto tools = client.list_tools();
    ASSERT_EQ(tools.size(), 14u);
    EXPECT_EQ(tools.front().name, "echo");
    EXPECT_EQ(tools.back().name, "garbage");
    EXPECT_EQ(client.instructions(), "be nice");
}

TEST(McpFakeStdio, ListChangedDropsTheCacheAndCallsBack) {
    ASSERT_TRUE(mcp_test::servers_installed());
    std::atomic<int> changed{0};
    auto options = quick();
    options.on_tools_changed = [&] { ++changed; };
    auto client = mcp::Client::stdio(fake(), options);
    client.list_tools();
    EXPECT_EQ(client.call_tool("changed").text(), "changed");
    EXPECT_EQ(changed.load(), 1);
    EXPECT_EQ(client.list_tools().size(), 14u);
}

TEST(McpFakeStdio, AnswersTheServersPing) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto client = mcp::Client::stdio(fake(), quick());
    EXPECT_EQ(client.call_tool("ping_me").text(), "pong {}");
}

TEST(McpFakeStdio, AJsonRpcErrorIsAnMCPErrorWithCodeAndData) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto client = mcp::Client::stdio(fake(), quick());
    try {
        client.call_tool("rpc_error");
        FAIL() << "expected MCPError";
    } catch (const mcp::MCPError& e) {
        EXPECT_EQ(e.code(), -32602);
        EXPECT_EQ(e.data()["field"], "message");
        EXPECT_NE(std::string(e.what()).find("bad arguments"), std::string::npos) << e.what();
    }
    auto failed = client.call_tool("fail").to_output();
    EXPECT_TRUE(failed.is_error);
    EXPECT_EQ(failed.content, "it went wrong");
}

TEST(McpFakeStdio, MixedContentIsDescribedForTheModel) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto client = mcp::Client::stdio(fake(), quick());
    auto out = client.call_tool("mixed").to_output();
    EXPECT_EQ(out.content,
              "a picture\n[image: image/png, 12 bytes base64]\n[resource: file:///notes.txt]\nthe notes\n"
              "[resource link: file:///big.bin (big)]");
    EXPECT_EQ(out.value["content"].size(), 4u);
}

TEST(McpFakeStdio, ProgressGoesToTheClientWideCallbackWithTheToolName) {
    ASSERT_TRUE(mcp_test::servers_installed());
    std::vector<std::string> seen;
    std::mutex mu;
    auto options = quick();
    options.on_progress = [&](const std::string& tool, const mcp::Progress& p) {
        std::lock_guard lock(mu);
        seen.push_back(tool + ":" + p.message);
    };
    auto client = mcp::Client::stdio(fake(), options);
    EXPECT_EQ(client.call_tool("progress").text(), "done");
    std::lock_guard lock(mu);
    EXPECT_EQ(seen, (std::vector<std::string>{"progress:step 1", "progress:step 2", "progress:step 3"}));
}

TEST(McpFakeStdio, ElicitationCanBeDeclinedAndIsRefusedWithoutACallback) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto options = quick();
    options.on_elicitation = [](const mcp::ElicitationRequest& r) {
        EXPECT_EQ(r.message, "Who are you?");
        return mcp::ElicitationResponse::decline();
    };
    auto client = mcp::Client::stdio(fake(), options);
    EXPECT_EQ(client.call_tool("elicit").structured_content, (json{{"action", "decline"}}));

    auto accepting = quick();
    accepting.on_elicitation = [](const mcp::ElicitationRequest&) { return mcp::ElicitationResponse::accept({{"name", "Ada"}}); };
    auto client2 = mcp::Client::stdio(fake(), accepting);
    EXPECT_EQ(client2.call_tool("elicit").structured_content,
              (json{{"action", "accept"}, {"content", {{"name", "Ada"}, {"color", "blue"}}}}));

    auto client3 = mcp::Client::stdio(fake(), quick());  // no callback: method not found
    EXPECT_EQ(client3.call_tool("elicit").structured_content["error"]["code"], -32601);
}

TEST(McpFakeStdio, AnOlderProtocolVersionIsAccepted) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto client = mcp::Client::stdio(fake("version:2025-03-26"), quick());
    EXPECT_EQ(client.protocol_version(), "2025-03-26");
}

TEST(McpFakeStdio, AnUnknownProtocolVersionIsRefused) {
    ASSERT_TRUE(mcp_test::servers_installed());
    EXPECT_THROW(mcp::Client::stdio(fake("version:1999-01-01"), quick()), llmgate::ProviderAPIError);
}

TEST(McpFakeStdio, NoFileDescriptorOfOursReachesTheServer) {
    ASSERT_TRUE(mcp_test::servers_installed());
    int leak = ::open("/tmp", O_RDONLY | O_DIRECTORY);  // deliberately without O_CLOEXEC
    ASSERT_GE(leak, 0);
    auto client = mcp::Client::stdio(fake(), quick());
    auto links = client.call_tool("fds").structured_content["links"];
    ::close(leak);
    for (const auto& l : links) EXPECT_NE(l.get<std::string>(), "/tmp") << links.dump();
}

TEST(McpHostileStdio, GarbageOnStdoutIsAResponseParseError) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto client = mcp::Client::stdio(fake("garbage"), quick());
    std::string what;
    try {
        client.call_tool("echo", {{"message", "x"}});
    } catch (const llmgate::ResponseParseError& e) {
        what = e.what();
    }
    EXPECT_NE(what.find("not JSON"), std::string::npos) << what;
    EXPECT_THROW(client.call_tool("echo"), llmgate::ResponseParseError);  // the session is over
}

TEST(McpHostileStdio, ACrashMidCallIsAConnectionErrorWithItsStderr) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto client = mcp::Client::stdio(fake("crash"), quick());
    auto start = std::chrono::steady_clock::now();
    std::string what;
    try {
        client.call_tool("echo", {{"message", "x"}});
    } catch (const llmgate::ConnectionError& e) {
        what = e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
    EXPECT_NE(what.find("exited with status 3"), std::string::npos) << what;
    EXPECT_NE(what.find("out of cheese"), std::string::npos) << what;
    EXPECT_NE(client.stderr_text().find("out of cheese"), std::string::npos);
}

TEST(McpHostileStdio, AServerThatDiesAtStartIsAConnectionError) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto what = error_text([] { mcp::Client::stdio(fake("noinit"), quick()); });
    EXPECT_NE(what.find("missing config"), std::string::npos) << what;
    EXPECT_THROW(mcp::Client::stdio(fake("noinit"), quick()), llmgate::ConnectionError);
}

TEST(McpHostileStdio, ACommandThatDoesNotExistIsAConnectionError) {
    EXPECT_THROW(mcp::Client::stdio({"/nonexistent/mcp-server"}, quick()), llmgate::ConnectionError);
    EXPECT_THROW(mcp::Client::stdio({}, quick()), llmgate::InvalidRequestError);
}

TEST(McpHostileStdio, AHangingCallTimesOutAndIsCancelledOnTheServer) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto client = mcp::Client::stdio(fake("hang"), quick());
    auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(client.call_tool("echo", {}, {.timeout = 300ms}), llmgate::TimeoutError);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    client.ping();  // the session goes on
    for (int i = 0; i < 500 && client.stderr_text().find("cancelled") == std::string::npos; ++i) std::this_thread::sleep_for(10ms);
    EXPECT_NE(client.stderr_text().find("\"reason\":\"timed out\""), std::string::npos) << client.stderr_text();
}

TEST(McpHostileStdio, ASlowServerIsWaitedForWithinTheTimeout) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto client = mcp::Client::stdio(fake("slow"), quick());
    EXPECT_EQ(client.call_tool("echo", {{"message", "late"}}, {.timeout = 3s}).text(), "echo: late");
    EXPECT_THROW(client.call_tool("echo", {{"message", "late"}}, {.timeout = 50ms}), llmgate::TimeoutError);
}

TEST(McpHostileStdio, AServerIgnoringSigtermIsKilledWithinTheGracePeriods) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto client = mcp::Client::stdio(fake("stubborn"), quick());
    client.ping();
    auto start = std::chrono::steady_clock::now();
    client.close();
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_LT(took, 2s);
    EXPECT_GE(took, 400ms);  // stdin closed (150 ms), SIGTERM (300 ms), then SIGKILL
}

TEST(McpHostileStdio, PendingCallsFailWhenAnotherThreadCloses) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto client = mcp::Client::stdio(fake("hang"), quick());
    std::thread closer([&] {
        std::this_thread::sleep_for(100ms);
        client.close();
    });
    EXPECT_THROW(client.call_tool("echo", {}, {.timeout = 10s}), llmgate::ConnectionError);
    closer.join();
}

TEST(McpFakeStdio, EnvAndCwdReachTheServer) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto options = quick();
    options.env = {{"LLMGATE_FAKE_VAR", "forty-two"}};
    options.cwd = "/tmp";
    auto client = mcp::Client::stdio(fake(), options);
    auto who = client.call_tool("whoami").structured_content;
    EXPECT_EQ(who["var"], "forty-two");
    EXPECT_EQ(who["cwd"], "/tmp");
    EXPECT_EQ(who["has_path"], true);

    auto bare = quick();
    bare.inherit_env = false;
    bare.env = {{"LLMGATE_FAKE_VAR", "only-me"}};
    auto client2 = mcp::Client::stdio(fake(), bare);
    auto who2 = client2.call_tool("whoami").structured_content;
    EXPECT_EQ(who2["var"], "only-me");
    EXPECT_EQ(who2["has_path"], false);
}

TEST(McpHostileStdio, StderrIsKeptWithinItsLimit) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto options = quick();
    options.stderr_limit = 10;
    auto client = mcp::Client::stdio(fake("crash"), options);
    EXPECT_THROW(client.call_tool("echo"), llmgate::ConnectionError);
    EXPECT_EQ(client.stderr_text(), "of cheese\n");
}

TEST(McpHostileStdio, CloseEndsTheServersWholeProcessGroup) {
    ASSERT_TRUE(mcp_test::servers_installed());
    // A wrapper shell leaves a background child in the group, as npx leaves node.
    const std::string script = "sleep 300 & echo \"child $!\" >&2; exec '" + mcp_test::node() + "' '" + mcp_test::fake_script() + "' stdio";
    auto client = mcp::Client::stdio({"/bin/sh", "-c", script}, quick());
    client.ping();
    const std::string err = client.stderr_text();
    ASSERT_NE(err.find("child "), std::string::npos) << err;
    const int child = std::stoi(err.substr(err.find("child ") + 6));
    client.close();
    // Gone, or a zombie waiting for init to reap it: no longer running either way.
    bool running = true;
    for (int i = 0; i < 200 && running; ++i) {
        std::ifstream stat("/proc/" + std::to_string(child) + "/stat");
        std::string line;
        running = static_cast<bool>(std::getline(stat, line)) && line.find(") Z") == std::string::npos;
        if (running) std::this_thread::sleep_for(10ms);
    }
    EXPECT_FALSE(running);
}
