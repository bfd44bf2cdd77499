// MCP tools in the tool loop: run_tools (mock model, scripted) calls the fake server's tools next to a C++ tool,
// in parallel, and each MCP result reaches the model as CallToolResult::to_output maps it.
#include "llmgate/llmgate.hpp"
#include "mcp_test_support.hpp"

namespace mcp = llmgate::mcp;
using llmgate::json;
using namespace std::chrono_literals;

namespace {
json call(const std::string& name, json args) { return json{{"name", name}, {"arguments", std::move(args)}}; }
}  // namespace

TEST(McpRunTools, McpToolsRunNextToCppToolsAndTheirResultsReachTheModel) {
    ASSERT_TRUE(mcp_test::servers_installed());
    auto client = mcp::Client::stdio({mcp_test::node(), mcp_test::fake_script(), "stdio"}, {.timeout = 5s});
    auto tools = client.tools();
    tools.push_back(llmgate::tool("double", "Doubles x", json{{"type", "object"}, {"properties", {{"x", {{"type", "number"}}}}}},
                                  [](const json& a) { return json(a.value("x", 0) * 2); }));
    llmgate::ToolRunOptions options;
    options.options.extra = {{"mock_script",
                              {{{"tool_calls",
                                 {call("echo", {{"message", "hi"}}), call("mixed", json::object()), call("fail", json::object()),
                                  call("rpc_error", json::object()), call("double", {{"x", 21}})}}},
                               "done"}}};
    auto run = llmgate::run_tools("mock/agent", {llmgate::Message::user("go")}, tools, options);
    EXPECT_EQ(run.text(), "done");
    ASSERT_EQ(run.steps.size(), 2u);
    const auto& results = run.steps[0].tool_results;
    ASSERT_EQ(results.size(), 5u);
    EXPECT_EQ(results[0].content(), "echo: hi");
    EXPECT_FALSE(results[0].is_error());
    EXPECT_NE(results[1].content().find("[image: image/png, 12 bytes base64]"), std::string::npos) << results[1].content();
    EXPECT_TRUE(results[2].is_error());
    EXPECT_EQ(results[2].content(), "it went wrong");
    EXPECT_TRUE(results[3].is_error());  // a JSON-RPC error: the handler threw MCPError, the model is told
    EXPECT_NE(results[3].content().find("bad arguments"), std::string::npos) << results[3].content();
    EXPECT_EQ(results[4].content(), "42");
}
