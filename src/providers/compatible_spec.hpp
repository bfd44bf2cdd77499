// What the registry table says about an OpenAI-compatible provider that needs no code of its own.
#pragma once

#include <array>

namespace llmgate::inline v1::detail {

// The environment variables a provider reads, first set wins; unused slots stay null.
using EnvVariables = std::array<const char*, 3>;

// The few ways a compatible provider departs from OpenAI's API. Each is a fact from that provider's docs;
// the registry line says which apply.
struct CompatibleQuirks {
    bool key_required = true;          // false: local servers; no key set means no Authorization header
    bool embeddings = true;            // false: no OpenAI-style /embeddings (EmbeddingsNotSupported, nothing sent)
    bool model_listing = true;         // false: no GET /models (ListModelsNotSupported)
    bool json_schema = true;           // false: response_format json_object only (structured output steps down)
    bool stream_usage_option = true;   // false: stream_options is rejected or ignored; usage arrives unasked
    bool stream_done_marker = true;    // false: the stream ends with the body, no `data: [DONE]` (Perplexity)
    // An assistant turn that called tools sends its reasoning back as reasoning_content (DeepSeek's thinking
    // mode requires it; other turns' reasoning is never sent).
    bool tool_call_reasoning_replayed = false;
    bool openrouter_attribution = false;  // HTTP-Referer / X-Title from OPENROUTER_SITE_URL / OPENROUTER_APP_NAME
};

// A registry line: the generic adapter (configured_compatible.cpp) reads everything it needs from here.
struct CompatibleSpec {
    EnvVariables key_variables{};   // the API key: per call api_key, else these
    EnvVariables base_variables{};  // the base URL: per call api_base, else these, else default_base
    const char* default_base = nullptr;  // the base URL, /v1 (or its equivalent) included
    CompatibleQuirks quirks{};

    constexpr bool configured() const { return default_base != nullptr; }
};

}  // namespace llmgate::inline v1::detail
