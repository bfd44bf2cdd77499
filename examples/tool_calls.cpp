// Tool calls: offer get_weather, run the call the model asks for, send the result back, print the answer.
#include <iostream>
#include <string>
#include <vector>

#include <llmgate/llmgate.hpp>

#include "default_model.hpp"

namespace {

// Stands in for a real weather API.
llmgate::json get_weather(const llmgate::json& args) {
    return {{"city", args.value("city", "unknown")}, {"temperature_c", 18}, {"conditions", "sunny"}};
}

}  // namespace

int main() {
    using llmgate::Message;
    const std::string model = default_model();

    const llmgate::Tool weather{
        .name = "get_weather",
        .description = "Current weather for a city",
        .parameters = {{"type", "object"},
                       {"properties", {{"city", {{"type", "string"}, {"description", "City name"}}}}},
                       {"required", {"city"}}},
    };
    std::vector<Message> messages{Message::user("What's the weather in Paris?")};

    try {
        llmgate::Options first;
        first.tools = {weather};
        first.tool_choice = "auto";
        // The mock cannot decide to call a tool by itself, so tell it which call to make.
        if (is_mock(model))
            first.extra["mock_tool_calls"] = {{{"name", "get_weather"}, {"arguments", {{"city", "Paris"}}}}};
        auto resp = llmgate::completion(model, messages, first);
        if (resp.tool_calls().empty()) {
            std::cout << "model answered without a tool: " << resp.text() << '\n';
            return 0;
        }

        // Replay the assistant turn (with its tool calls), then one tool turn per call, matched by id.
        messages.push_back(resp.choices.front().message);
        for (const auto& call : resp.tool_calls()) {
            std::cout << "tool call: " << call.function << ' ' << call.arguments_raw << '\n';
            const auto result = get_weather(call.arguments);
            std::cout << "tool result: " << result.dump() << '\n';
            messages.push_back(Message::tool(call.id, result.dump()));
        }

        // The tools stay declared: most providers reject tool turns for tools they were not offered.
        llmgate::Options second;
        second.tools = {weather};
        auto answer = llmgate::completion(model, messages, second);
        std::cout << "answer: " << answer.text() << '\n';
    } catch (const llmgate::Error& e) {
        std::cerr << e.type_name() << ": " << e.what() << '\n';
        return 1;
    }
}
