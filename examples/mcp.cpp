// An MCP server's tools, resources and prompts in a program: connect over stdio, let the model call the server's
// tools in the tool-call loop, read a resource, and turn one of the server's prompts into a completion.
//
//   ./mcp                                  # the reference server, through npx (needs node and the npm registry)
//   ./mcp node /path/to/server.js stdio    # any stdio server: its command line
//
// The model is default_model(): the offline mock unless LLMGATE_MODEL or a provider key says otherwise.
#include <iostream>
#include <string>
#include <vector>

#include <llmgate/llmgate.hpp>

#include "default_model.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> command(argv + 1, argv + argc);
    if (command.empty()) command = {"npx", "-y", "@modelcontextprotocol/server-everything", "stdio"};
    const std::string model = default_model();

    try {
        auto server = llmgate::mcp::Client::stdio(command, {.timeout = std::chrono::seconds(20)});
        std::cout << "connected to " << server.server_info().value("name", "?") << " (protocol "
                  << server.protocol_version() << ")\n";

        // 1. Its tools in the loop, next to any C++ tools.
        llmgate::ToolRunOptions options;
        if (is_mock(model)) {  // the mock cannot decide to call a tool: script one call, then the answer
            options.options.extra["mock_script"] = {
                {{"tool_calls", {{{"name", "get-sum"}, {"arguments", {{"a", 2}, {"b", 40}}}}}}}, "2 + 40 = 42."};
        }
        const auto run = llmgate::run_tools(model, {llmgate::Message::user("What is 2 + 40? Use the tool.")},
                                            server.tools(), options);
        for (const auto& step : run.steps)
            for (const auto& result : step.tool_results) std::cout << "tool " << result.name << " -> " << result.content() << '\n';
        std::cout << "answer: " << run.response.text() << '\n';

        // 2. A resource: its text (or its bytes, for a binary one).
        const auto resources = server.list_resources();
        std::cout << resources.size() << " resources\n";
        if (!resources.empty()) {
            const auto contents = server.read_resource(resources.front().uri);
            if (!contents.empty()) std::cout << resources.front().uri << ": " << contents.front().bytes().size() << " bytes\n";
        }

        // 3. A prompt, filled in by the server, straight into a completion.
        for (const auto& prompt : server.list_prompts()) {
            if (!prompt.arguments.empty()) continue;  // the first one that needs no arguments
            const auto messages = server.get_prompt(prompt.name).to_messages();
            std::cout << "prompt " << prompt.name << ": " << llmgate::completion(model, messages).text() << '\n';
            break;
        }
    } catch (const llmgate::Error& e) {
        std::cerr << e.type_name() << ": " << e.what() << '\n';
        return 1;
    }
}
