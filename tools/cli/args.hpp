// Command-line parsing for the llmgate tool: argv -> CliArgs, or a UsageError saying what was wrong.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace llmgate::cli {

// Bad usage, kept apart from llmgate::Error because it exits 2 (with the usage text), not 1.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class Command { complete, embed, batch, agent, tokens, providers, models, help, version };

struct CliArgs {
    Command command = Command::complete;
    std::string model{};  // empty: choose default_model() (completion) / required (embed)
    std::string system{};
    std::optional<int> max_tokens{};
    std::optional<double> temperature{};
    std::optional<int> dimensions{};
    bool stream = false;
    bool json = false;
    std::string provider{};
    std::string api_base{};
    std::optional<double> timeout_seconds{};
    std::optional<int> concurrency{};   // batch: requests in flight at once
    bool fail_fast = false;             // batch: stop at the first failure
    std::optional<double> rpm{};        // batch --rpm N: requests per minute (per process, or fleet-wide with --redis)
    std::optional<double> tpm{};        // batch --tpm N: tokens per minute (likewise)
    std::string redis{};                // batch --redis URL: share the --rpm/--tpm budget through this Redis
    std::string schema_file{};          // --schema FILE.json: structured output validated against it
    std::vector<std::string> images{};  // --image PATH|URL (repeatable): images sent with the prompt
    std::string encoding{};               // tokens --encoding NAME
    bool ids = false;                     // tokens --ids: print the token ids, not the count
    std::optional<int> max_steps{};       // agent: model calls at most
    std::vector<std::string> mcp_commands{};  // agent --mcp "COMMAND ARGS..." (repeatable): stdio MCP servers
    std::vector<std::string> mcp_urls{};      // agent --mcp-url URL (repeatable): Streamable HTTP MCP servers
    // batch --provider-batch submit|status|results|cancel: the provider's asynchronous batch API instead
    std::string provider_batch{};
    bool wait = false;                        // --provider-batch results --wait: poll until the job is done
    std::optional<double> poll_seconds{};     // --poll-interval SECONDS for --wait (default 30)
    std::vector<std::string> words{};   // prompt words (completion) or texts (embed); empty: read stdin
};

// Throws UsageError. Never reads the environment, so it stays testable and side-effect free.
CliArgs parse_args(int argc, const char* const* argv);

// The full --help text.
const char* usage_text();

}  // namespace llmgate::cli
