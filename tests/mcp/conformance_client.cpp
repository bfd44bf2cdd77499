// The MCP client as the official conformance suite (@modelcontextprotocol/conformance) drives it: run with
// the scenario's server URL as the last argument and the scenario in MCP_CONFORMANCE_SCENARIO; it does what
// the scenario expects of a client and exits 0, or prints the error and exits 1.
#include <cstdlib>
#include <iostream>
#include <string>

#include "llmgate/mcp.hpp"

namespace mcp = llmgate::mcp;

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: mcp_conformance_client <server-url>   (scenario in MCP_CONFORMANCE_SCENARIO)\n";
        return 2;
    }
    const std::string url = argv[argc - 1];
    const char* env = std::getenv("MCP_CONFORMANCE_SCENARIO");
    const std::string scenario = env ? env : "initialize";
    try {
        mcp::ClientOptions options;
        options.timeout = std::chrono::seconds(10);
        options.client_name = "llmgate-conformance-client";
        // Accept every elicitation with nothing filled in: the client adds the schema's defaults.
        options.on_elicitation = [](const mcp::ElicitationRequest&) { return mcp::ElicitationResponse::accept({}); };
        auto client = mcp::Client::http(url, options);
        auto tools = client.list_tools();
        if (scenario == "tools_call") {
            std::cout << client.call_tool("add_numbers", {{"a", 5}, {"b", 3}}).text() << "\n";
        } else if (scenario == "elicitation-sep1034-client-defaults") {
            std::cout << client.call_tool("test_client_elicitation_defaults").text() << "\n";
        } else if (scenario == "sse-retry") {
            std::cout << client.call_tool("test_reconnection").text() << "\n";
        }
        client.close();
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "scenario " << scenario << " failed: " << e.what() << "\n";
        return 1;
    }
}
