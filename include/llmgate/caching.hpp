// Gemini explicit context caching (the `cachedContents` API): cache a long prompt prefix once, answer many
// calls from it with Options::prompt_cache.gemini_cached_content, delete it when done. Anthropic, Bedrock and
// OpenAI caching needs no API of its own: see CacheMarker (llmgate/types.hpp), PromptCacheOptions
// (llmgate/options.hpp) and docs/caching.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "llmgate/arguments.hpp"
#include "llmgate/types.hpp"

namespace llmgate::inline v1 {

struct CachedContentOptions {
    std::string api_key{};   // overrides GEMINI_API_KEY / GOOGLE_API_KEY for this call
    std::string api_base{};  // overrides GEMINI_BASE_URL for this call
    // How long the cache lives, sent as "<seconds>s"; zero leaves it to the API (one hour).
    std::chrono::seconds ttl{0};
    std::string display_name{};
    // Tool definitions cached with the prompt (and tool_choice as in Options); calls answering from the cache
    // must not send tools again.
    std::vector<Tool> tools{};
    std::string tool_choice{};
    std::chrono::milliseconds timeout{0};  // 0 = 600 s
    std::map<std::string, std::string> extra_headers{};
};

// A cache as the API describes it.
struct CachedContent {
    std::string name{};          // "cachedContents/…": pass as Options::prompt_cache.gemini_cached_content
    std::string model{};         // "models/gemini-2.5-flash"
    std::string display_name{};
    std::string expire_time{};   // RFC 3339
    std::int64_t total_tokens = 0;  // usageMetadata.totalTokenCount: what the cache holds
    RawJson raw{};
};

// POST /v1beta/cachedContents with the messages (system messages as its systemInstruction) and tools, in the
// shape generateContent would send them. `model` is a Gemini model ("gemini-2.5-flash", "gemini/…",
// "models/…"). Errors are the Gemini adapter's typed errors (a prompt below the model's minimum cacheable
// size is the API's 400, as ProviderAPIError).
CachedContent create_cached_content(const std::string& model, Messages messages, const CachedContentOptions& options = {});
// GET /v1beta/{name}.
CachedContent get_cached_content(const std::string& name, const CachedContentOptions& options = {});
// DELETE /v1beta/{name}.
void delete_cached_content(const std::string& name, const CachedContentOptions& options = {});

}  // namespace llmgate::inline v1
