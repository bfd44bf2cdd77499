// The llmgate command-line tool: runs one completion, stream or embedding and prints it.
#include <chrono>
#include <cstdio>
#include <exception>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <llmgate/llmgate.hpp>

#include "args.hpp"

namespace {

using llmgate::cli::CliArgs;
using llmgate::cli::UsageError;

// Invalid UTF-8 from a provider must not turn into a json::type_error after the call succeeded.
std::string dump(const llmgate::json& j) { return j.dump(-1, ' ', false, llmgate::json::error_handler_t::replace); }

std::string read_stdin() {
    std::string all{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    // The newline `echo` and heredocs add is not part of the prompt.
    while (!all.empty() && (all.back() == '\n' || all.back() == '\r')) all.pop_back();
    return all;
}

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += ' ';
        out += w;
    }
    return out;
}

std::chrono::milliseconds to_timeout(const std::optional<double>& seconds) {
    if (!seconds) return std::chrono::milliseconds(0);
    // Round up so a tiny positive value never becomes 0, which means "the default".
    const auto ms = static_cast<long long>(*seconds * 1000.0 + 0.999);
    return std::chrono::milliseconds(ms < 1 ? 1 : ms);
}

void print_reply(const llmgate::CompletionResponse& r) {
    const std::string text = r.text();
    if (text.empty() && !r.tool_calls().empty()) {
        for (const auto& tc : r.tool_calls()) {
            // arguments is null when the model sent invalid JSON; show what it sent instead.
            std::cout << "tool_call " << tc.function << ' '
                      << (tc.arguments.is_null() ? tc.arguments_raw : dump(tc.arguments)) << '\n';
        }
        return;
    }
    std::cout << text << '\n';
}

int run_completion(const CliArgs& args) {
    std::string prompt = args.words.empty() ? read_stdin() : join(args.words);
    if (prompt.empty()) throw UsageError("no prompt given (as arguments or on stdin)");

    std::vector<llmgate::Message> messages;
    if (!args.system.empty()) messages.push_back(llmgate::Message::system(args.system));
    messages.push_back(llmgate::Message::user(std::move(prompt)));

    llmgate::Options options;
    options.provider = args.provider;
    options.api_base = args.api_base;
    options.max_tokens = args.max_tokens;
    options.temperature = args.temperature;
    options.timeout = to_timeout(args.timeout_seconds);

    const std::string model = args.model.empty() ? llmgate::default_model() : args.model;
    if (!args.stream) {
        const auto response = llmgate::completion(model, messages, options);
        if (args.json) std::cout << dump(llmgate::response_to_json(response)) << '\n';
        else print_reply(response);
        return 0;
    }

    auto stream = llmgate::stream(model, messages, options);
    bool printed_text = false;
    for (const auto& chunk : stream) {
        if (args.json || chunk.delta.empty()) continue;
        std::cout << chunk.delta << std::flush;
        printed_text = true;
    }
    const auto response = stream.response();
    if (args.json) std::cout << dump(llmgate::response_to_json(response)) << '\n';
    else if (printed_text) std::cout << '\n';
    else print_reply(response);  // no text streamed: show tool calls (or the empty line)
    return 0;
}

int run_embed(const CliArgs& args) {
    std::vector<std::string> texts = args.words;
    if (texts.empty()) {
        for (std::string line; std::getline(std::cin, line);) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (!line.empty()) texts.push_back(std::move(line));
        }
    }
    if (texts.empty()) throw UsageError("no text to embed (as arguments or stdin lines)");

    llmgate::EmbedOptions options;
    options.provider = args.provider;
    options.api_base = args.api_base;
    options.dimensions = args.dimensions;
    options.timeout = to_timeout(args.timeout_seconds);
    // One text goes out as a plain string, as the official SDKs send a single input.
    const auto response = texts.size() == 1 ? llmgate::embed(args.model, texts.front(), options)
                                            : llmgate::embed(args.model, texts, options);
    std::cout << dump(llmgate::embedding_response_to_json(response)) << '\n';
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const CliArgs args = llmgate::cli::parse_args(argc, argv);
        switch (args.command) {
            case llmgate::cli::Command::help:
                std::cout << llmgate::cli::usage_text();
                return 0;
            case llmgate::cli::Command::version:
                std::cout << "llmgate " << llmgate::version << '\n';
                return 0;
            case llmgate::cli::Command::embed:
                return run_embed(args);
            case llmgate::cli::Command::complete:
                return run_completion(args);
        }
    } catch (const UsageError& e) {
        std::cerr << "llmgate: " << e.what() << "\n\n" << llmgate::cli::usage_text();
        return 2;
    } catch (const llmgate::Error& e) {
        // Error messages are built from ErrorInfo, which never holds an API key.
        std::cout << std::flush;
        std::cerr << "error: " << e.type_name() << ": " << e.what() << '\n';
        return 1;
    } catch (const std::exception& e) {
        std::cout << std::flush;
        std::cerr << "error: " << e.what() << '\n';
        return 1;
    }
    return 1;
}
