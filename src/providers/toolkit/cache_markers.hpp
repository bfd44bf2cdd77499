// Prompt-cache breakpoints (CacheMarker, PromptCacheOptions::automatic) as the adapters that take explicit
// breakpoints (Anthropic cache_control, Bedrock cachePoint) place them: the same limit, TTL check and count.
#pragma once

#include <string>

#include "providers/provider.hpp"
#include "providers/toolkit/adapter_errors.hpp"

namespace llmgate::inline v1::detail {

// Anthropic ("A maximum of 4 blocks with cache_control may be provided") and Bedrock (four cache
// checkpoints per request) take at most this many breakpoints.
inline constexpr int kMaxCacheBreakpoints = 4;

// The markers the caller placed on messages, content parts and tools; InvalidRequestError (nothing sent)
// for a TTL the providers do not take or more markers than kMaxCacheBreakpoints.
inline int explicit_cache_markers(const std::string& provider, const ChatRequest& request) {
    auto check_ttl = [&](const std::string& ttl) {
        if (!ttl.empty() && ttl != "5m" && ttl != "1h")
            invalid_request(provider, request.model, "cache TTL \"" + ttl + "\" is not one of \"5m\", \"1h\"");
    };
    int n = 0;
    auto count = [&](const std::optional<CacheMarker>& marker) {
        if (!marker) return;
        check_ttl(marker->ttl);
        ++n;
    };
    for (const auto& m : request.messages) {
        count(m.cache);
        if (const auto* parts = std::get_if<std::vector<ContentPart>>(&m.content))
            for (const auto& p : *parts) count(p.cache);
    }
    for (const auto& t : request.options.tools) count(t.cache);
    if (request.options.prompt_cache.automatic) check_ttl(request.options.prompt_cache.ttl);
    if (n > kMaxCacheBreakpoints)
        invalid_request(provider, request.model,
                        std::to_string(n) + " cache markers: " + provider + " takes at most " +
                            std::to_string(kMaxCacheBreakpoints));
    return n;
}

}  // namespace llmgate::inline v1::detail
