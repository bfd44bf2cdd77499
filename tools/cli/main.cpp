// The llmgate command-line tool: runs one completion, stream or embedding and prints it.
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <llmgate/llmgate.hpp>

#include "args.hpp"
#include "interrupt.hpp"

namespace {

using llmgate::cli::CliArgs;
using llmgate::cli::InterruptCancels;
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

// The unified response as the CLI prints it: with "cost" in USD when the model has a known price.
llmgate::json response_json(const llmgate::CompletionResponse& r) {
    llmgate::json j = llmgate::response_to_json(r);
    if (const auto usd = llmgate::cost(r)) j["cost"] = *usd;
    return j;
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

// --schema FILE.json: the JSON Schema as the call's response_format (its "title", if any, names it).
llmgate::ResponseFormat read_schema(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw UsageError("cannot read --schema file '" + path + "'");
    const llmgate::json schema = llmgate::json::parse(file, nullptr, false);
    if (schema.is_discarded() || !schema.is_object())
        throw UsageError("--schema file '" + path + "' is not a JSON Schema object");
    llmgate::ResponseFormat format{.schema = schema};
    if (const auto title = schema.find("title"); title != schema.end() && title->is_string())
        format.name = title->get<std::string>();
    return format;
}

// --image: URLs and data: URIs go as given (llmgate fetches them client-side for providers that need
// bytes); anything else is a local file.
llmgate::ContentPart image_part(const std::string& arg) {
    for (const char* scheme : {"http://", "https://", "data:"})
        if (arg.rfind(scheme, 0) == 0) return llmgate::ContentPart::image_from_url(arg);
    return llmgate::ContentPart::image_from_file(arg);
}

// The MCP servers named on the command line, connected for the run, and their tools (closed at the end).
class McpServers {
public:
    explicit McpServers(const CliArgs& args) {
        for (const auto& command : args.mcp_commands) {
            std::vector<std::string> argv;
            std::istringstream words(command);
            for (std::string w; words >> w;) argv.push_back(w);
            if (argv.empty()) throw UsageError("--mcp needs a command");
            clients_.push_back(llmgate::mcp::Client::stdio(std::move(argv)));
        }
        for (const auto& url : args.mcp_urls) clients_.push_back(llmgate::mcp::Client::http(url));
    }
    std::vector<llmgate::FunctionTool> tools() {
        std::vector<llmgate::FunctionTool> all;
        for (auto& c : clients_)
            for (auto& t : c.tools()) all.push_back(std::move(t));
        return all;
    }

private:
    std::vector<llmgate::mcp::Client> clients_;
};

int run_completion(const CliArgs& args) {
    std::string prompt = args.words.empty() ? read_stdin() : join(args.words);
    if (prompt.empty()) throw UsageError("no prompt given (as arguments or on stdin)");

    std::vector<llmgate::Message> messages;
    if (!args.system.empty()) messages.push_back(llmgate::Message::system(args.system));
    if (args.images.empty()) {
        messages.push_back(llmgate::Message::user(std::move(prompt)));
    } else {
        std::vector<llmgate::ContentPart> parts{llmgate::ContentPart::text_part(std::move(prompt))};
        for (const auto& image : args.images) parts.push_back(image_part(image));
        messages.push_back(llmgate::Message::user(std::move(parts)));
    }

    llmgate::Options options;
    options.provider = args.provider;
    options.api_base = args.api_base;
    options.max_tokens = args.max_tokens;
    options.temperature = args.temperature;
    options.timeout = to_timeout(args.timeout_seconds);

    if (!args.schema_file.empty()) options.response_format = read_schema(args.schema_file);

    const std::string model = args.model.empty() ? llmgate::default_model() : args.model;
    if (options.response_format) {
        try {
            const auto response = llmgate::completion(model, messages, options);
            if (args.json)
                std::cout << dump(response_json(response)) << '\n';
            else
                std::cout << response.parsed_json.dump(2, ' ', false, llmgate::json::error_handler_t::replace) << '\n';
        } catch (const llmgate::StructuredOutputError& e) {
            for (const auto& problem : e.problems()) std::cerr << "  " << problem << '\n';
            throw;
        }
        return 0;
    }
    if (!args.stream) {
        const auto response = llmgate::completion(model, messages, options);
        if (args.json)
            std::cout << dump(response_json(response)) << '\n';
        else
            print_reply(response);
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
    if (args.json)
        std::cout << dump(response_json(response)) << '\n';
    else if (printed_text)
        std::cout << '\n';
    else
        print_reply(response);  // no text streamed: show tool calls (or the empty line)
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

// llmgate tokens: the token count (or ids) of a file or stdin, offline.
int run_tokens(const CliArgs& args) {
    std::string text;
    if (args.words.empty() || args.words.front() == "-") {
        text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
        std::ifstream file(args.words.front(), std::ios::binary);
        if (!file) throw UsageError("cannot read '" + args.words.front() + "'");
        text.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    }
    const llmgate::Encoding& enc = !args.model.empty()     ? llmgate::encoding_for_model(args.model)
                                   : !args.encoding.empty() ? llmgate::encoding(args.encoding)
                                                            : llmgate::encoding("o200k_base");
    if (args.ids)
        std::cout << llmgate::json(enc.encode(text)).dump() << '\n';
    else
        std::cout << enc.count(text) << '\n';
    return 0;
}

// llmgate providers: every provider name, each a model prefix.
int run_providers() {
    for (const auto& name : llmgate::providers()) std::cout << name << '\n';
    return 0;
}

// llmgate models PROVIDER: what the provider's models endpoint lists.
int run_models(const CliArgs& args) {
    llmgate::ListModelsOptions options{.api_base = args.api_base, .timeout = to_timeout(args.timeout_seconds)};
    const auto models = llmgate::list_models(args.words.front(), options);
    if (!args.json) {
        for (const auto& m : models) std::cout << m.id << '\n';
        return 0;
    }
    llmgate::json out = llmgate::json::array();
    for (const auto& m : models) {
        llmgate::json item{{"id", m.id}, {"provider", m.provider}};
        if (!m.display_name.empty()) item["display_name"] = m.display_name;
        if (!m.owned_by.empty()) item["owned_by"] = m.owned_by;
        if (m.created) item["created"] = *m.created;
        if (m.context_window) item["context_window"] = *m.context_window;
        out.push_back(std::move(item));
    }
    std::cout << dump(out) << '\n';
    return 0;
}

// llmgate agent: the tool-call loop over the tools of MCP servers, printed as it runs.
int run_agent(const CliArgs& args) {
    std::string prompt = args.words.empty() ? read_stdin() : join(args.words);
    if (prompt.empty()) throw UsageError("no prompt given (as arguments or on stdin)");
    std::vector<llmgate::Message> messages;
    if (!args.system.empty()) messages.push_back(llmgate::Message::system(args.system));
    messages.push_back(llmgate::Message::user(std::move(prompt)));

    McpServers servers(args);
    llmgate::ToolRunOptions options;
    options.options.provider = args.provider;
    options.options.api_base = args.api_base;
    options.options.max_tokens = args.max_tokens;
    options.options.temperature = args.temperature;
    options.options.timeout = to_timeout(args.timeout_seconds);
    if (args.max_steps) options.max_steps = *args.max_steps;
    llmgate::CancelToken stop;
    options.options.cancel = stop;
    InterruptCancels ctrl_c(stop);

    const std::string model = args.model.empty() ? llmgate::default_model() : args.model;
    if (args.json) {
        const auto run = llmgate::run_tools(model, messages, servers.tools(), options);
        llmgate::json j = llmgate::tool_run_result_to_json(run);
        if (const auto usd = llmgate::cost(run)) j["cost"] = *usd;
        std::cout << dump(j) << '\n';
        return 0;
    }
    auto run = llmgate::stream_tools(model, messages, servers.tools(), options);
    bool mid_line = false;
    const auto end_line = [&] {
        if (mid_line) std::cout << '\n';
        mid_line = false;
    };
    for (const auto& event : run) {
        using Type = llmgate::ToolStreamEvent::Type;
        switch (event.type) {
            case Type::text_delta:
                std::cout << event.text << std::flush;
                mid_line = !event.text.empty() || mid_line;
                break;
            case Type::tool_call_started:
                end_line();
                std::cout << "tool_call " << event.tool_call.function << ' '
                          << (event.tool_call.arguments.is_null() ? event.tool_call.arguments_raw
                                                                  : dump(event.tool_call.arguments))
                          << '\n';
                break;
            case Type::tool_call_finished:
                std::cout << (event.tool_result.is_error() ? "tool_error " : "tool_result ") << event.tool_result.name
                          << ' ' << event.tool_result.content() << '\n';
                break;
            case Type::final_response:
                end_line();
                break;
            case Type::reasoning_delta:
            case Type::step_finished:
                break;
        }
    }
    return 0;
}

// The requests of FILE.jsonl ("-" = stdin) for batch, one per line, the command line's defaults filled in.
llmgate::json read_batch_file(const CliArgs& args) {
    const std::string& path = args.words.front();
    std::ifstream file;
    if (path != "-") {
        file.open(path);
        if (!file) throw UsageError("cannot read '" + path + "'");
    }
    std::istream& in = path == "-" ? std::cin : file;

    llmgate::json requests = llmgate::json::array();
    std::size_t line_no = 0;
    for (std::string line; std::getline(in, line);) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank lines are not requests
        llmgate::json request = llmgate::json::parse(line, nullptr, false);
        // A line that is not JSON stays in place as a null: it fails at its own index, the rest run.
        if (request.is_discarded()) request = nullptr;
        if (request.is_object()) {
            if (!request.contains("model"))
                request["model"] = args.model.empty() ? llmgate::default_model() : args.model;
            if (!args.provider.empty() && !request.contains("provider")) request["provider"] = args.provider;
            if (!args.api_base.empty() && !request.contains("api_base")) request["api_base"] = args.api_base;
            if (args.timeout_seconds && !request.contains("timeout")) request["timeout"] = *args.timeout_seconds;
        }
        requests.push_back(std::move(request));
    }

    return requests;
}

// Prints a batch's results, one JSON line per request in input order; 0 when all succeeded, else 1.
int print_batch_result(const llmgate::BatchResult& result) {
    std::size_t next_error = 0;
    for (std::size_t i = 0; i < result.results.size(); ++i) {
        llmgate::json line{{"index", i}};
        if (result.results[i]) {
            line["ok"] = true;
            line["response"] = response_json(*result.results[i]);
        } else {
            while (next_error < result.errors.size() && result.errors[next_error].index < i) ++next_error;
            line["ok"] = false;
            if (next_error < result.errors.size() && result.errors[next_error].index == i)
                line["error"] = {{"type", result.errors[next_error].error_type},
                                 {"message", result.errors[next_error].message}};
        }
        std::cout << dump(line) << '\n';
    }
    return result.failed == 0 ? 0 : 1;
}

// JOB of --provider-batch status|results|cancel: a saved job line, a file holding one, or an id (-m / --provider).
llmgate::BatchJob batch_job_argument(const CliArgs& args) {
    std::string text = args.words.front();
    if (text.empty() || text.front() != '{') {
        if (std::ifstream file(text); file) {
            text.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
            while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
        }
    }
    if (!text.empty() && text.front() == '{') return llmgate::BatchJob::from_string(text);
    if (args.provider.empty() && args.model.empty())
        throw UsageError("a job id needs -m MODEL or --provider NAME (or pass the saved job line instead)");
    llmgate::ProviderBatchOptions options;
    options.api_base = args.api_base;
    return llmgate::get_batch(args.provider.empty() ? args.model : args.provider, text, options);
}

// llmgate batch --provider-batch submit|status|results|cancel (llmgate/provider_batch.hpp).
int run_provider_batch(const CliArgs& args) {
    llmgate::ProviderBatchOptions options;
    options.api_base = args.api_base;
    if (args.timeout_seconds)
        options.timeout = std::chrono::milliseconds(static_cast<long long>(*args.timeout_seconds * 1000));
    const std::string& action = args.provider_batch;
    if (action == "submit") {
        const llmgate::BatchJob job = llmgate::submit_batch(read_batch_file(args), options);
        std::cerr << "batch: submitted " << job.id << " (" << job.request_count << " requests) to " << job.provider << '\n';
        std::cout << job.to_string() << '\n';
        return 0;
    }
    llmgate::BatchJob job = batch_job_argument(args);
    auto report = [](const llmgate::BatchJob& j) {
        std::cerr << "batch: " << j.id << " " << llmgate::to_string(j.status) << " (" << j.raw_status << "), "
                  << j.counts.completed << " completed, " << j.counts.failed << " failed of " << j.counts.total << '\n';
    };
    if (action == "status") {
        job = llmgate::poll(job, options);
        report(job);
        std::cout << job.to_string() << '\n';
        return 0;
    }
    if (action == "cancel") {
        job = llmgate::cancel(job, options);
        report(job);
        std::cout << job.to_string() << '\n';
        return 0;
    }
    if (args.wait) {
        llmgate::BatchWaitOptions wait;
        if (args.poll_seconds)
            wait.poll_interval = std::chrono::milliseconds(static_cast<long long>(*args.poll_seconds * 1000));
        wait.call = options;
        llmgate::CancelToken stop;
        wait.cancel = stop;
        wait.on_poll = report;
        InterruptCancels ctrl_c(stop);
        job = llmgate::wait(job, wait);
    } else if (!job.done()) {
        job = llmgate::poll(job, options);
    }
    return print_batch_result(llmgate::results(job, options));
}

// llmgate batch FILE.jsonl: one request per line in, one JSON line per request out, in input order.
int run_batch(const CliArgs& args) {
    if (!args.provider_batch.empty()) return run_provider_batch(args);
    const llmgate::json requests = read_batch_file(args);

    llmgate::BatchOptions options;
    if (args.concurrency) options.max_concurrency = static_cast<std::size_t>(*args.concurrency);
    options.fail_fast = args.fail_fast;
    if (args.rpm || args.tpm) {
        const double rpm = args.rpm.value_or(0), tpm = args.tpm.value_or(0);
        if (args.redis.empty())
            options.middleware.push_back(std::make_shared<llmgate::RateLimitMiddleware>(rpm, tpm));
        else
            options.middleware.push_back(std::make_shared<llmgate::RedisRateLimitMiddleware>(
                llmgate::RedisOptions{.url = args.redis}, llmgate::RedisRateLimitOptions{.rpm = rpm, .tpm = tpm}));
    }
    options.on_progress = [](std::size_t done, std::size_t total, std::size_t failed) {
        std::cerr << "\rbatch: " << done << '/' << total << " done, " << failed << " failed" << std::flush;
    };
    llmgate::CancelToken stop;
    options.cancel = stop;
    llmgate::BatchResult result;
    bool interrupted = false;
    try {
        InterruptCancels ctrl_c(stop);  // only while the batch runs
        result = llmgate::batch(requests, options);
        interrupted = ctrl_c.interrupted();
    } catch (...) {
        std::cerr << '\n';  // end the progress line before the error is printed
        throw;
    }
    std::cerr << '\n';
    if (interrupted) std::cerr << "batch: interrupted; the requests not answered by then are marked CancelledError\n";
    const int status = print_batch_result(result);
    if (interrupted) return 130;  // as a shell reports a program ended by SIGINT
    return status;
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
            case llmgate::cli::Command::batch:
                return run_batch(args);
            case llmgate::cli::Command::agent:
                return run_agent(args);
            case llmgate::cli::Command::tokens:
                return run_tokens(args);
            case llmgate::cli::Command::providers:
                return run_providers();
            case llmgate::cli::Command::models:
                return run_models(args);
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
