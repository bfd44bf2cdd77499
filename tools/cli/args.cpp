// Command-line parsing for the llmgate tool: argv -> CliArgs, or a UsageError saying what was wrong.
#include "args.hpp"

#include <charconv>
#include <cmath>
#include <string_view>
#include <system_error>

namespace llmgate::cli {
namespace {

constexpr const char* kUsage =
    R"(usage: llmgate [options] [PROMPT...]
       llmgate embed -m MODEL [--dimensions N] [--provider NAME] [--api-base URL] [--timeout SECONDS] [TEXT...]
       llmgate batch [-m MODEL] [--concurrency N] [--fail-fast] [--timeout SECONDS]
                     [--rpm N] [--tpm N] [--redis URL] FILE.jsonl
       llmgate batch --provider-batch submit [-m MODEL] FILE.jsonl
       llmgate batch --provider-batch status|results|cancel [--wait] [--poll-interval S] JOB
       llmgate tokens [-m MODEL | --encoding NAME] [--ids] [FILE]
       llmgate agent [-m MODEL] [--mcp "COMMAND ARGS..."]... [--mcp-url URL]... [--max-steps N] [PROMPT...]
       llmgate providers
       llmgate models PROVIDER [--api-base URL] [--timeout SECONDS] [--json]
       llmgate --help | --version

Send one prompt to any LLM provider and print the reply. The prompt words are joined by
spaces; without them the prompt is read from stdin.

options:
  -m, --model MODEL      e.g. gpt-4o-mini, groq/llama-3.1-8b-instant, mistral/mistral-small-latest,
                         azure/<deployment>, mock/<name> (offline). Default: $LLMGATE_MODEL, else the
                         first provider with a key set (OPENAI_, GROQ_, MISTRAL_API_KEY), else
                         mock/llmgate-offline
  --system TEXT          system message sent before the prompt
  --max-tokens N         cap on reply tokens
  --temperature T        sampling temperature
  --stream               print the reply as it arrives
  --json                 print the unified response as one JSON object (with --stream: at the end)
  --schema FILE.json     structured output: ask for JSON fitting this JSON Schema, validate the reply
                         and print the validated JSON (exit 1 with each mismatch when it does not fit)
  --image PATH|URL       send an image with the prompt (repeatable): a local file (png, jpeg, gif,
                         webp), an http(s) URL or a data: URI
  --provider NAME        use this provider whatever the model string says
  --api-base URL         send requests to this base URL instead of the provider's
  --timeout SECONDS      whole-call timeout (for --stream: longest silence allowed)
  -h, --help             show this help
  -V, --version          show the llmgate version

embed: prints {"provider","model","embeddings":[[...]],"usage":{...}} for the TEXTs
(one text per stdin line when none are given).
  --dimensions N         ask for N-dimensional vectors, where the provider supports it

batch: runs every request of FILE.jsonl ("-" = stdin), one JSON object per line in the Python dict
shape ({"model": ..., "messages": [...], "max_tokens": ...}; -m fills in a missing "model"), with N in
flight at once (default 5). Prints one JSON line per request, in input order:
{"index":0,"ok":true,"response":{...}} or {"index":1,"ok":false,"error":{"type":...,"message":...}},
and a progress line on stderr. Exit status 1 when any request failed. Ctrl-C stops the batch: requests
in flight are cancelled, the rest are not sent, every line is still printed (the stopped ones with
"CancelledError") and the exit status is 130; a second Ctrl-C ends it at once.
  --concurrency N        requests in flight at once
  --fail-fast            stop at the first failure (exit 1 with that error, nothing printed)
  --rpm N, --tpm N       hold the batch under N requests / tokens per minute (waiting, never failing)
  --redis URL            share that --rpm/--tpm budget with every process using the same Redis
                         (redis://[user:pass@]host:port/db, rediss:// for TLS); see docs/redis.md

batch --provider-batch: the provider's own batch API (OpenAI, Azure OpenAI, Anthropic, Gemini: about half
the price, results within 24 hours), one provider and model per job. submit sends FILE.jsonl (the format
above) as one job and prints the job as one JSON line: save it. status, results and cancel take JOB: that
saved line, a file holding it, or the provider's job id with -m MODEL or --provider NAME. status and cancel
print the job again; results prints one line per request as batch does (exit 1 when any failed), or exits 1
with an InvalidRequestError while the job is still running.
  --wait                 results: poll until the job has finished (status on stderr)
  --poll-interval S      seconds between polls with --wait (default 30)

tokens: counts the tokens of FILE (or stdin) with OpenAI's tokeniser for MODEL's family, or with --encoding
o200k_base | cl100k_base (default o200k_base), offline; --ids prints the token ids as a JSON array.

agent: runs the tool-call loop with the tools of the given MCP servers: prints each tool call and its
result as they happen, then the answer (--json: the whole run as one JSON object). The options of a
completion apply to each model call.
  --mcp "COMMAND ARGS"   an MCP server to spawn over stdio (repeatable); split on spaces
  --mcp-url URL          a Streamable HTTP MCP server (repeatable)
  --max-steps N          model calls at most (default 8); exit 1 with MaxStepsExceededError past it

providers: prints the provider names, one a line (each is a model prefix: deepseek/MODEL, ...).

models: prints the ids PROVIDER's models endpoint lists, one a line (--json: one JSON array of
{"id","provider","display_name","owned_by","created","context_window"}).

API keys are read from the environment or a .env file (OPENAI_API_KEY, GROQ_API_KEY, ...).
exit status: 0 ok, 1 llmgate error (printed as "error: <Type>: <message>"), 2 bad usage.
)";

int parse_positive_int(std::string_view option, std::string_view text) {
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value <= 0)
        throw UsageError(std::string(option) + " needs a positive whole number, got '" + std::string(text) + "'");
    return value;
}

double parse_number(std::string_view option, std::string_view text, bool allow_zero) {
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value) || value < 0 ||
        (!allow_zero && value == 0))
        throw UsageError(std::string(option) + " needs a " + (allow_zero ? "non-negative" : "positive") +
                         " number, got '" + std::string(text) + "'");
    return value;
}

bool takes_value(std::string_view name) {
    return name == "-m" || name == "--model" || name == "--system" || name == "--max-tokens" ||
           name == "--temperature" || name == "--provider" || name == "--api-base" || name == "--timeout" ||
           name == "--dimensions" || name == "--concurrency" || name == "--schema" || name == "--image" ||
           name == "--max-steps" || name == "--mcp" || name == "--mcp-url" || name == "--encoding" ||
           name == "--provider-batch" || name == "--poll-interval" || name == "--rpm" || name == "--tpm" ||
           name == "--redis";
}

void apply(CliArgs& args, std::string_view name, const std::string& value) {
    if (name == "-m" || name == "--model")
        args.model = value;
    else if (name == "--system")
        args.system = value;
    else if (name == "--max-tokens")
        args.max_tokens = parse_positive_int(name, value);
    else if (name == "--temperature")
        args.temperature = parse_number(name, value, true);
    else if (name == "--provider")
        args.provider = value;
    else if (name == "--api-base")
        args.api_base = value;
    else if (name == "--timeout")
        args.timeout_seconds = parse_number(name, value, false);
    else if (name == "--dimensions")
        args.dimensions = parse_positive_int(name, value);
    else if (name == "--concurrency")
        args.concurrency = parse_positive_int(name, value);
    else if (name == "--schema")
        args.schema_file = value;
    else if (name == "--image")
        args.images.push_back(value);
    else if (name == "--encoding")
        args.encoding = value;
    else if (name == "--max-steps")
        args.max_steps = parse_positive_int(name, value);
    else if (name == "--mcp")
        args.mcp_commands.push_back(value);
    else if (name == "--mcp-url")
        args.mcp_urls.push_back(value);
    else if (name == "--provider-batch")
        args.provider_batch = value;
    else if (name == "--poll-interval")
        args.poll_seconds = parse_number(name, value, false);
    else if (name == "--rpm")
        args.rpm = parse_number(name, value, false);
    else if (name == "--tpm")
        args.tpm = parse_number(name, value, false);
    else if (name == "--redis")
        args.redis = value;
}

// batch --provider-batch ACTION: the action, its one argument, and the options that go with it.
void check_provider_batch_options(const CliArgs& args) {
    if (args.provider_batch.empty()) {
        if (args.wait || args.poll_seconds) throw UsageError("--wait and --poll-interval only apply to --provider-batch results");
        return;
    }
    if (args.command != Command::batch) throw UsageError("--provider-batch only applies to batch");
    const std::string& a = args.provider_batch;
    if (a != "submit" && a != "status" && a != "results" && a != "cancel")
        throw UsageError("--provider-batch takes submit, status, results or cancel, not '" + a + "'");
    if (args.concurrency || args.fail_fast) throw UsageError("--concurrency and --fail-fast do not apply to --provider-batch");
    if (args.rpm || args.tpm || !args.redis.empty())
        throw UsageError("--rpm, --tpm and --redis do not apply to --provider-batch (the provider paces its own batch jobs)");
    if (a != "results" && (args.wait || args.poll_seconds))
        throw UsageError("--wait and --poll-interval only apply to --provider-batch results");
    if (args.words.size() != 1)
        throw UsageError(a == "submit" ? "--provider-batch submit needs exactly one FILE.jsonl (or - for stdin)"
                                       : "--provider-batch " + a + " needs exactly one JOB (the saved job, a file holding it, or a job id)");
}

// Options that only make sense for one command are rejected for the other rather than ignored, so a
// typo such as `llmgate embed --stream` is noticed.
void check_command_options(const CliArgs& args) {
    check_provider_batch_options(args);
    if (args.command == Command::providers || args.command == Command::models) {
        const bool listing = args.command == Command::models;
        if (args.words.size() != (listing ? 1u : 0u))
            throw UsageError(listing ? "models needs exactly one PROVIDER" : "providers takes no arguments");
        if (!args.model.empty() || !args.system.empty() || args.max_tokens || args.temperature || args.stream ||
            args.dimensions || !args.provider.empty() || !args.schema_file.empty() || !args.images.empty() ||
            !args.encoding.empty() || args.ids || args.max_steps || !args.mcp_commands.empty() ||
            !args.mcp_urls.empty() || args.concurrency || args.fail_fast)
            throw UsageError(listing ? "models takes only --api-base, --timeout and --json"
                                     : "providers takes no options");
        if (!listing && (!args.api_base.empty() || args.timeout_seconds || args.json))
            throw UsageError("providers takes no options");
        return;
    }
    if (args.command != Command::tokens && (!args.encoding.empty() || args.ids))
        throw UsageError("--encoding and --ids only apply to tokens");
    if (args.command == Command::tokens) {
        if (!args.encoding.empty() && !args.model.empty()) throw UsageError("tokens takes -m MODEL or --encoding NAME, not both");
        if (args.words.size() > 1) throw UsageError("tokens reads one FILE (or stdin)");
        return;
    }
    if (args.command != Command::agent && (args.max_steps || !args.mcp_commands.empty() || !args.mcp_urls.empty()))
        throw UsageError("--max-steps, --mcp and --mcp-url only apply to agent");
    if (args.command == Command::agent && (!args.schema_file.empty() || !args.images.empty() || args.dimensions))
        throw UsageError("--schema, --image and --dimensions do not apply to agent");
    if (!args.schema_file.empty() && args.command != Command::complete)
        throw UsageError("--schema only applies to a completion");
    if (!args.schema_file.empty() && args.stream) throw UsageError("--schema cannot be used with --stream");
    if (!args.images.empty() && args.command != Command::complete)
        throw UsageError("--image only applies to a completion");
    if (args.command != Command::batch && (args.concurrency || args.fail_fast))
        throw UsageError("--concurrency and --fail-fast only apply to batch");
    if (args.command != Command::batch && (args.rpm || args.tpm || !args.redis.empty()))
        throw UsageError("--rpm, --tpm and --redis only apply to batch");
    if (!args.redis.empty() && !args.rpm && !args.tpm) throw UsageError("--redis needs --rpm or --tpm");
    if (args.command == Command::batch) {
        if (args.words.size() != 1) throw UsageError("batch needs exactly one FILE.jsonl (or - for stdin)");
        if (!args.system.empty() || args.max_tokens || args.temperature || args.stream || args.dimensions)
            throw UsageError("--system, --max-tokens, --temperature, --stream and --dimensions do not apply to batch");
        return;
    }
    if (args.command == Command::embed) {
        if (args.model.empty()) throw UsageError("embed needs -m MODEL (an embedding model)");
        if (!args.system.empty() || args.max_tokens || args.temperature || args.stream)
            throw UsageError("--system, --max-tokens, --temperature and --stream do not apply to embed");
    } else if (args.dimensions) {
        throw UsageError("--dimensions only applies to embed");
    }
}

}  // namespace

const char* usage_text() { return kUsage; }

CliArgs parse_args(int argc, const char* const* argv) {
    CliArgs args;
    int i = 1;
    // "embed" is a command only in first position, so `llmgate explain embed vectors` stays a prompt.
    if (argc > 1 && std::string_view(argv[1]) == "embed") {
        args.command = Command::embed;
        ++i;
    } else if (argc > 1 && std::string_view(argv[1]) == "batch") {
        args.command = Command::batch;
        ++i;
    } else if (argc > 1 && std::string_view(argv[1]) == "tokens") {
        args.command = Command::tokens;
        ++i;
    } else if (argc > 1 && std::string_view(argv[1]) == "agent") {
        args.command = Command::agent;
        ++i;
    } else if (argc > 1 && std::string_view(argv[1]) == "providers") {
        args.command = Command::providers;
        ++i;
    } else if (argc > 1 && std::string_view(argv[1]) == "models") {
        args.command = Command::models;
        ++i;
    }
    bool options_done = false;
    for (; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (options_done || arg.size() < 2 || arg[0] != '-') {
            args.words.emplace_back(arg);  // a lone "-" is a word, not an option
            continue;
        }
        if (arg == "--") {
            options_done = true;
            continue;
        }
        if (arg == "-h" || arg == "--help") {
            args.command = Command::help;
            return args;
        }
        if (arg == "-V" || arg == "--version") {
            args.command = Command::version;
            return args;
        }
        if (arg == "--stream") {
            args.stream = true;
            continue;
        }
        if (arg == "--json") {
            args.json = true;
            continue;
        }
        if (arg == "--ids") {
            args.ids = true;
            continue;
        }
        if (arg == "--fail-fast") {
            args.fail_fast = true;
            continue;
        }
        if (arg == "--wait") {
            args.wait = true;
            continue;
        }
        // --name=value as well as --name value.
        const std::size_t eq = arg.rfind("--", 0) == 0 ? arg.find('=') : std::string_view::npos;
        const std::string_view name = arg.substr(0, eq);
        if (!takes_value(name)) throw UsageError("unknown option '" + std::string(name) + "'");
        if (eq != std::string_view::npos) {
            apply(args, name, std::string(arg.substr(eq + 1)));
        } else {
            if (i + 1 >= argc) throw UsageError(std::string(name) + " needs a value");
            apply(args, name, argv[++i]);
        }
    }
    check_command_options(args);
    return args;
}

}  // namespace llmgate::cli
