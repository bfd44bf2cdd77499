// The MCP client as the official conformance suite (@modelcontextprotocol/conformance) drives it: run with
// the scenario's server URL as the last argument and the scenario in MCP_CONFORMANCE_SCENARIO; it does what
// the scenario expects of a client and exits 0, or prints the error and exits 1.
#include <curl/curl.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "llmgate/mcp.hpp"

namespace mcp = llmgate::mcp;

namespace {
// The user's part of the authorization code flow, without a user: the suite's authorization endpoint redirects
// at once, so this fetches the URL without following the redirect and hands back where it points.
std::string follow_authorization(const std::string& url) {
    CURL* curl = curl_easy_init();
    if (curl == nullptr) throw std::runtime_error("curl_easy_init failed");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, +[](char*, size_t size, size_t n, void*) { return size * n; });
    const CURLcode rc = curl_easy_perform(curl);
    char* location = nullptr;
    curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &location);
    std::string back = location != nullptr ? location : "";
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK || back.empty()) throw std::runtime_error("the authorization endpoint did not redirect");
    return back;
}
}  // namespace

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
        if (scenario.rfind("auth/", 0) == 0) {
            options.oauth = mcp::OAuthOptions{};
            options.oauth->authorize = follow_authorization;
            options.oauth->client_name = "llmgate-conformance-client";
            // The metadata document URL the suite expects a CIMD-capable client to present.
            options.oauth->client_metadata_url = "https://conformance-test.local/client-metadata.json";
            // The client_credentials scenarios hand over the client's credentials in MCP_CONFORMANCE_CONTEXT.
            if (scenario.rfind("auth/client-credentials", 0) == 0) {
                const char* context = std::getenv("MCP_CONFORMANCE_CONTEXT");
                const auto c = llmgate::json::parse(context != nullptr ? context : "{}");
                options.oauth->client_credentials = true;
                options.oauth->client_id = c.value("client_id", "");
                options.oauth->client_secret = c.value("client_secret", "");
                options.oauth->private_key_pem = c.value("private_key_pem", "");
                options.oauth->signing_algorithm = c.value("signing_algorithm", "ES256");
            }
        }
        auto client = mcp::Client::http(url, options);
        auto tools = client.list_tools();
        if (scenario == "tools_call") {
            std::cout << client.call_tool("add_numbers", {{"a", 5}, {"b", 3}}).text() << "\n";
        } else if (scenario == "elicitation-sep1034-client-defaults") {
            std::cout << client.call_tool("test_client_elicitation_defaults").text() << "\n";
        } else if (scenario == "sse-retry") {
            std::cout << client.call_tool("test_reconnection").text() << "\n";
        } else if (scenario.rfind("auth/", 0) == 0) {
            for (const auto& tool : tools)  // a call may need more scope than listing did (step-up)
                if (tool.name == "test-tool") std::cout << client.call_tool("test-tool").text() << "\n";
        }
        client.close();
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "scenario " << scenario << " failed: " << e.what() << "\n";
        return 1;
    }
}
