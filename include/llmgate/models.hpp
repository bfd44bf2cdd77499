// The models a provider offers, from its own models endpoint: list_models("openai"), list_models("anthropic").
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "llmgate/cancel.hpp"
#include "llmgate/errors.hpp"
#include "llmgate/types.hpp"

namespace llmgate::inline v1 {

LLMGATE_DECLARE_ERROR(ListModelsNotSupported, Error);  // the provider has no models endpoint

// One model as the provider lists it. Fields the provider does not send stay empty; `raw` has the rest
// (pricing, capabilities, token limits under the provider's own names).
struct ModelInfo {
    std::string id{};        // the provider's own id, usable after "<provider>/" ("gpt-4o-mini", "gemini-2.5-flash")
    std::string provider{};  // "openai", "anthropic", ...
    std::string display_name{};  // Anthropic display_name, Gemini displayName, OpenRouter / Mistral name, ...
    std::string owned_by{};      // OpenAI-format owned_by (Together: organization)
    std::optional<std::int64_t> created{};         // Unix seconds, where the provider sends them
    std::optional<std::int64_t> context_window{};  // input tokens at most, where the provider says
    json raw{};                                    // the model's object exactly as listed
};

// list_models("groq", {.api_key = "..."}): the call's key, base URL and limits, as in Options.
struct ListModelsOptions {
    std::string api_key{};   // overrides the environment for this call only
    std::string api_base{};  // overrides the provider's base URL for this call only
    std::chrono::milliseconds timeout{0};  // per page request; 0 = the 600 s default
    std::map<std::string, std::string> extra_headers{};
    std::optional<CancelToken> cancel{};
    std::size_t max_response_bytes = 0;  // per page; 0 = TransportSettings::max_response_bytes
};

// Every model `provider` ("openai", "deepseek", "anthropic", ...; a trailing "/" is accepted) lists for this
// key, all pages fetched (Anthropic after_id, Gemini pageToken). Blocking. Errors are the typed errors a
// completion with the same provider would raise (AuthError for a missing or refused key, ...);
// ModelNotFoundError for an unknown provider; ListModelsNotSupported for a provider with no models endpoint
// (Perplexity). The mock provider lists its fixed offline models.
std::vector<ModelInfo> list_models(const std::string& provider, ListModelsOptions options = {});

}  // namespace llmgate::inline v1
