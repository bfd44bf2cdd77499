// An agent: typed C++ tools and the automatic tool-call loop. The model calls get_weather and convert,
// llmgate runs them (arguments validated first), sends the results back, and prints the final answer
// with what each step did.
#include <iostream>
#include <string>

#include <llmgate/llmgate.hpp>

#include "default_model.hpp"

namespace weather {

struct WeatherArgs {
    std::string city;
};
LLMGATE_STRUCT(WeatherArgs, city)
LLMGATE_DESCRIBE(WeatherArgs, {"city", "City name, e.g. Paris"})

struct Report {
    std::string city;
    double temperature_c = 0;
    std::string conditions;
};
LLMGATE_STRUCT(Report, city, temperature_c, conditions)

struct ConvertArgs {
    double celsius = 0;
};
LLMGATE_STRUCT(ConvertArgs, celsius)

}  // namespace weather

int main() {
    using namespace weather;
    const std::string model = default_model();

    // A handler returns a struct (sent to the model as JSON), a string, or a json value.
    auto get_weather = llmgate::tool<WeatherArgs>("get_weather", "Current weather for a city",
                                                  [](const WeatherArgs& a) { return Report{a.city, 18.5, "sunny"}; });
    auto to_fahrenheit = llmgate::tool<ConvertArgs>("to_fahrenheit", "Convert Celsius to Fahrenheit",
                                                    [](const ConvertArgs& a) { return a.celsius * 9 / 5 + 32; });

    llmgate::ToolRunOptions options;
    options.max_steps = 5;
    options.on_step = [](const llmgate::ToolStep& step) {
        for (const auto& r : step.tool_results)
            std::cout << "step " << step.index << ": " << r.name << ' ' << r.arguments.dump() << " -> " << r.content()
                      << '\n';
    };
    // The mock cannot decide to call tools by itself: script the two tool steps it should take.
    if (is_mock(model)) {
        options.options.extra["mock_script"] = {
            {{"tool_calls", {{{"name", "get_weather"}, {"arguments", {{"city", "Paris"}}}}}}},
            {{"tool_calls", {{{"name", "to_fahrenheit"}, {"arguments", {{"celsius", 18.5}}}}}}},
            "It is sunny in Paris: 18.5 C (65.3 F)."};
    }

    try {
        const auto run = llmgate::run_tools(
            model, {llmgate::Message::user("What's the weather in Paris, in Fahrenheit?")}, {get_weather, to_fahrenheit},
            options);
        std::cout << "answer: " << run.text() << '\n'
                  << "steps: " << run.steps.size() << ", tokens: " << run.usage.total_tokens << '\n';
    } catch (const llmgate::MaxStepsExceededError& e) {
        std::cerr << "gave up after " << e.result().steps.size() << " steps\n";
        return 1;
    } catch (const llmgate::Error& e) {
        std::cerr << e.type_name() << ": " << e.what() << '\n';
        return 1;
    }
}
