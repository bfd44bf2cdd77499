// Process-wide settings: environment lookup (with .env), provider listing, transport limits.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace llmgate::inline v1 {

// Reads a variable the way llmgate does: the process environment first, then a `.env` file in the
// working directory (read once, never overriding a variable that is already set).
std::optional<std::string> getenv(const std::string& name);

// Re-reads `.env` (e.g. after changing directory). Mostly for tests.
void reload_dotenv();

// Names of the providers the registry knows ("openai", "groq", ...), including reserved ones.
std::vector<std::string> providers();

// The provider a model string routes to, without sending anything ("groq/llama-3.1-8b" -> "groq";
// names with no known prefix, such as "meta-llama/Llama-3-8b", go to OpenAI as in the Python library).
// Throws ModelNotFoundError for an unknown provider_override.
std::string provider_for(const std::string& model, const std::string& provider_override = {});

// The model to use when none is named: $LLMGATE_MODEL, else a default model of the first provider
// whose key is set (OPENAI_API_KEY, GROQ_API_KEY, MISTRAL_API_KEY), else "mock/llmgate-offline",
// the built-in offline provider, so a first program runs with no key and no network.
std::string default_model();

// Limits of the shared transport. Changes apply to transfers started afterwards; the connection limits
// apply to the shared event loop (asynchronous calls).
struct TransportSettings {
    long max_host_connections = 0;                // 0 = unlimited (HTTP/2 multiplexes anyway)
    long max_total_connections = 0;               // 0 = unlimited
    std::size_t max_response_bytes = 256u << 20;  // replies larger than this fail with ResponseParseError
    long connect_timeout_ms = 30000;
    bool verify_tls = true;   // never turn off outside tests
    std::string ca_bundle{};  // extra CA file, e.g. for a corporate proxy
};
void configure_transport(const TransportSettings& settings);
TransportSettings transport_settings();

}  // namespace llmgate::inline v1
