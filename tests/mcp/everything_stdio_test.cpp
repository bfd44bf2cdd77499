// The MCP client over stdio against the pinned reference server (@modelcontextprotocol/server-everything),
// spawned once for the suite.
#include <atomic>
#include <memory>
#include <thread>

#include "llmgate/llmgate.hpp"
#include "mcp_test_support.hpp"

namespace mcp = llmgate::mcp;
using llmgate::json;
using namespace std::chrono_literals;

namespace {

std::atomic<int> g_elicitations{0};
std::mutex g_elicitation_mu;  // the callback runs on a client thread; the ordering through the server is invisible to TSan
mcp::ElicitationRequest g_last_elicitation;

class EverythingStdio : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!mcp_test::servers_installed()) return;
        mcp::ClientOptions options;
        options.timeout = 10s;
        options.on_elicitation = [](const mcp::ElicitationRequest& r) {
            ++g_elicitations;
            std::lock_guard lock(g_elicitation_mu);
            g_last_elicitation = r;
            return mcp::ElicitationResponse::accept({{"name", "Ada"}, {"check", true}});
        };
        client_ = std::make_unique<mcp::Client>(
            mcp::Client::stdio({mcp_test::node(), mcp_test::everything_script(), "stdio"}, options));
    }
    static void TearDownTestSuite() { client_.reset(); }
    void SetUp() override { ASSERT_TRUE(mcp_test::servers_installed()); ASSERT_TRUE(client_); }

    static std::unique_ptr<mcp::Client> client_;
};
std::unique_ptr<mcp::Client> EverythingStdio::client_;

const mcp::ToolInfo* find_tool(const std::vector<mcp::ToolInfo>& tools, const std::string& name) {
    for (const auto& t : tools)
        if (t.name == name) return &t;
    return nullptr;
}

}  // namespace

TEST_F(EverythingStdio, NegotiatesTheLatestProtocolVersion) {
    EXPECT_EQ(client_->protocol_version(), "2025-11-25");
    EXPECT_EQ(client_->server_info().value("name", ""), "mcp-servers/everything");
    EXPECT_TRUE(client_->server_capabilities().contains("tools"));
    EXPECT_FALSE(client_->instructions().empty());
}

TEST_F(EverythingStdio, ListsToolsWithTheirSchemas) {
    auto tools = client_->list_tools();
    for (const char* name : {"echo", "get-sum", "get-structured-content", "get-tiny-image", "trigger-long-running-operation",
                             "trigger-elicitation-request"})
        EXPECT_NE(find_tool(tools, name), nullptr) << name;
    const auto* echo = find_tool(tools, "echo");
    ASSERT_NE(echo, nullptr);
    EXPECT_EQ(echo->input_schema["properties"]["message"]["type"], "string");
    auto def = echo->definition();
    EXPECT_EQ(def.name, "echo");
    EXPECT_FALSE(def.parameters.contains("$schema"));
    EXPECT_FALSE(find_tool(tools, "get-structured-content")->output_schema.is_null());
}

TEST_F(EverythingStdio, EchoReturnsText) {
    auto r = client_->call_tool("echo", {{"message", "hello"}});
    EXPECT_FALSE(r.is_error);
    EXPECT_EQ(r.text(), "Echo: hello");
}

TEST_F(EverythingStdio, GetSumAdds) {
    auto r = client_->call_tool("get-sum", {{"a", 2}, {"b", 40}});
    EXPECT_NE(r.text().find("42"), std::string::npos) << r.text();
}

TEST_F(EverythingStdio, StructuredContentBecomesTheValue) {
    auto r = client_->call_tool("get-structured-content", {{"location", "Chicago"}});
    ASSERT_TRUE(r.structured_content.is_object()) << r.raw.dump();
    EXPECT_TRUE(r.structured_content.contains("temperature"));
    auto out = r.to_output();
    EXPECT_EQ(out.value, r.structured_content);
    EXPECT_FALSE(out.content.empty());
}

TEST_F(EverythingStdio, AnImageIsDescribedAndKept) {
    auto out = client_->call_tool("get-tiny-image").to_output();
    EXPECT_NE(out.content.find("[image: image/png, "), std::string::npos) << out.content;
    ASSERT_TRUE(out.value.contains("content")) << out.value.dump();
    bool has_image = false;
    for (const auto& b : out.value["content"]) has_image = has_image || b.value("type", "") == "image";
    EXPECT_TRUE(has_image);
}

TEST_F(EverythingStdio, LongRunningOperationReportsProgress) {
    std::vector<mcp::Progress> seen;
    std::mutex mu;
    auto r = client_->call_tool("trigger-long-running-operation", {{"duration", 0.3}, {"steps", 3}},
                                {.on_progress = [&](const mcp::Progress& p) {
                                    std::lock_guard lock(mu);
                                    seen.push_back(p);
                                }});
    EXPECT_NE(r.text().find("completed"), std::string::npos) << r.text();
    std::lock_guard lock(mu);
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen.back().progress, 3);
    EXPECT_EQ(seen.back().total, 3);
}

TEST_F(EverythingStdio, ATimedOutCallFailsQuicklyAndTheSessionGoesOn) {
    auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(client_->call_tool("trigger-long-running-operation", {{"duration", 5}, {"steps", 5}}, {.timeout = 200ms}),
                 llmgate::TimeoutError);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    EXPECT_EQ(client_->call_tool("echo", {{"message", "still here"}}).text(), "Echo: still here");
}

TEST_F(EverythingStdio, ACancelledCallStopsWaiting) {
    llmgate::CancelToken cancel;
    std::thread canceller([cancel] {
        std::this_thread::sleep_for(100ms);
        cancel.cancel();
    });
    auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(client_->call_tool("trigger-long-running-operation", {{"duration", 5}, {"steps", 5}}, {.cancel = cancel}),
                 llmgate::CancelledError);
    canceller.join();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(EverythingStdio, ElicitationIsAnsweredByTheCallbackWithDefaultsFilledIn) {
    g_elicitations = 0;
    auto r = client_->call_tool("trigger-elicitation-request");
    EXPECT_EQ(g_elicitations.load(), 1);
    {
        std::lock_guard lock(g_elicitation_mu);
        EXPECT_FALSE(g_last_elicitation.message.empty());
        EXPECT_TRUE(g_last_elicitation.requested_schema["properties"].contains("name"));
    }
    const std::string all = r.raw.dump();
    EXPECT_NE(all.find("Ada"), std::string::npos) << all;
    EXPECT_NE(all.find("It was a dark and stormy night."), std::string::npos) << all;  // a default, filled in
}

TEST_F(EverythingStdio, BadArgumentsComeBackFromTheServer) {
    try {
        auto r = client_->call_tool("get-sum", {{"a", "not a number"}});
        EXPECT_TRUE(r.is_error) << r.raw.dump();
        EXPECT_TRUE(r.to_output().is_error);
    } catch (const mcp::MCPError& e) {
        EXPECT_EQ(e.code(), -32602) << e.what();
    }
}

TEST_F(EverythingStdio, AnUnknownToolIsAnError) {
    try {
        auto r = client_->call_tool("no-such-tool");
        EXPECT_TRUE(r.is_error) << r.raw.dump();
    } catch (const mcp::MCPError& e) {
        EXPECT_EQ(e.code(), -32602) << e.what();
    }
}

TEST_F(EverythingStdio, AnUnknownMethodIsAnMCPErrorWithItsCode) {
    try {
        client_->request("no/such/method");
        FAIL() << "expected MCPError";
    } catch (const mcp::MCPError& e) {
        EXPECT_EQ(e.code(), -32601);
        EXPECT_STREQ(e.type_name(), "MCPError");
    }
}

TEST_F(EverythingStdio, ConcurrentCallsFromManyThreadsGetTheirOwnReplies) {
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 5; ++i) {
                std::string m = "t" + std::to_string(t) + "-" + std::to_string(i);
                if (client_->call_tool("echo", {{"message", m}}).text() == "Echo: " + m) ++ok;
            }
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(ok.load(), 40);
}

TEST_F(EverythingStdio, ToolsAreFunctionToolsThatCallTheServer) {
    auto tools = client_->tools();
    const llmgate::FunctionTool* echo = nullptr;
    for (const auto& t : tools)
        if (t.name() == "echo") echo = &t;
    ASSERT_NE(echo, nullptr);
    EXPECT_FALSE(echo->validate_arguments);
    EXPECT_EQ(echo->definition.parameters["properties"]["message"]["type"], "string");
    llmgate::ToolCall call;
    call.id = "call_1";
    call.function = "echo";
    llmgate::ToolCallContext context{.call = call, .step = 0, .cancel = std::nullopt};
    auto out = echo->handler(json{{"message", "from the loop"}}, context);
    EXPECT_EQ(out.content, "Echo: from the loop");
    EXPECT_FALSE(out.is_error);
}

TEST_F(EverythingStdio, PingAndStderrCapture) {
    client_->ping();
    EXPECT_NE(client_->stderr_text().find("Starting default (STDIO) server"), std::string::npos) << client_->stderr_text();
}

TEST(EverythingStdioLifecycle, AfterCloseACallFailsWithConnectionError) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto client = mcp::Client::stdio({mcp_test::node(), mcp_test::everything_script(), "stdio"});
    EXPECT_EQ(client.call_tool("echo", {{"message", "x"}}).text(), "Echo: x");
    auto tools = client.tools();
    auto start = std::chrono::steady_clock::now();
    client.close();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
    EXPECT_THROW(client.call_tool("echo", {{"message", "x"}}), llmgate::ConnectionError);
    llmgate::ToolCall call;
    llmgate::ToolCallContext context{.call = call, .step = 0, .cancel = std::nullopt};
    EXPECT_THROW(tools.front().handler(json::object(), context), llmgate::ConnectionError);
    client.close();  // idempotent
}

TEST(EverythingStdioLifecycle, AnOlderProtocolVersionIsNegotiated) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto client = mcp::Client::stdio({mcp_test::node(), mcp_test::everything_script(), "stdio"},
                                     {.protocol_versions = {"2025-06-18", "2025-03-26"}});
    EXPECT_EQ(client.protocol_version(), "2025-06-18");
    EXPECT_EQ(client.call_tool("echo", {{"message", "old"}}).text(), "Echo: old");
}
