// Per-call options for completion/stream and embed, as structs meant for designated initialisers.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "llmgate/cancel.hpp"
#include "llmgate/types.hpp"

namespace llmgate::inline v1 {

class Middleware;  // llmgate/middleware.hpp
class Error;       // llmgate/errors.hpp

// What a streamed fallback chain does when its model fails after chunks were already delivered (a
// failure before the first chunk always moves on to the next model transparently). See
// docs/middleware.md.
enum class StreamFallbackMode {
    raise,    // rethrow the error (the default: nothing is sent twice)
    restart,  // start the whole reply again on the next model; its chunks carry the new model/provider
    resume,   // ask the next model to continue from the text already delivered (sent as an assistant turn)
};

// How structured output is obtained from the provider. `automatic` picks the provider's native
// schema-constrained mode where its API has one, else JSON mode, else the schema in the system prompt,
// and steps down when a provider rejects the stronger mode.
enum class StructuredStrategy { automatic, native, json_mode, prompt };

// completion(model, messages, {.response_format = ResponseFormat::of<Movie>()}) — see llmgate/structured.hpp.
struct ResponseFormat {
    json schema{};                  // JSON Schema of the expected value (an object, or true / false)
    std::string name = "response";  // schema name, where the provider's API takes one
    std::string description{};
    bool strict = true;  // ask for strict schema adherence where the provider offers it
    StructuredStrategy strategy = StructuredStrategy::automatic;
    // Also check "format" (date-time, date, time, email, hostname, ipv4, ipv6, uuid, uri, ...) when
    // validating the reply. Off by default: JSON Schema makes format an annotation unless asked.
    bool assert_format = false;

    // The format for an LLMGATE_STRUCT type; defined in llmgate/structured.hpp.
    template <class T>
    static ResponseFormat of(std::string name = {});
};

// Prompt caching beyond the explicit markers (CacheMarker on messages, parts and tools). See docs/caching.md.
struct PromptCacheOptions {
    // Anthropic and Bedrock: breakpoints placed on the longest prefix that stays the same from call to call
    // (the last tool, the system prompt, and the conversation up to its last message), as far as the
    // provider's breakpoint limit allows, besides the explicit markers.
    // OpenAI gpt-5.6 and later (chat completions and Responses; Azure deployments named so): the markers and
    // automatic placement become explicit `prompt_cache_breakpoint`s on content blocks (not on tools, nor on
    // the Responses API's `instructions`: a marked system prompt is sent as an input message instead).
    bool automatic = false;
    // Anthropic / Bedrock: of the automatic breakpoints, "5m" | "1h"; empty = the provider's default.
    // OpenAI: "30m" (its only value) is sent as prompt_cache_options.ttl; other values are not sent there.
    std::string ttl{};
    // OpenAI gpt-5.6 and later: prompt_cache_options.mode, "implicit" (OpenAI adds a breakpoint of its own on
    // the latest message) | "explicit" (only yours); empty = not sent (the API's default, implicit).
    std::string mode{};
    // OpenAI (chat completions and Responses) and Azure: `prompt_cache_key`, which routes requests sharing a
    // long prefix to the same cache, and `prompt_cache_retention` ("in_memory" | "24h").
    std::string key{};
    std::string retention{};
    // Gemini: answer from this explicit cached content ("cachedContents/..."), sent as `cachedContent`; its
    // contents, system instruction and tools are the prompt's prefix and must not be sent again.
    std::string gemini_cached_content{};
};

// completion(model, messages, {.max_tokens = 100, .temperature = 0.2})
struct Options {
    std::string provider{};  // override the provider detected from the model string ("openai", "groq", ...)
    std::string api_key{};   // overrides the environment for this call only
    std::string api_base{};  // overrides the provider's base URL for this call only

    std::optional<int> max_tokens{};
    std::optional<double> temperature{};
    std::optional<double> top_p{};
    std::vector<std::string> stop{};
    std::optional<std::int64_t> seed{};

    std::vector<Tool> tools{};
    std::string tool_choice{};  // "auto" | "none" | "required" | the name of one tool; empty = provider default
    std::optional<bool> parallel_tool_calls{};

    // Reasoning, in one spelling for every provider (docs/reasoning.md says what each one receives):
    // - reasoning_effort: "none" | "minimal" | "low" | "medium" | "high"; empty = the model's default.
    //   "none" turns reasoning off where the model can (elsewhere the provider's lowest setting is sent);
    //   each provider gets its own field (OpenAI reasoning_effort, Anthropic thinking budget_tokens / effort,
    //   Gemini thinkingConfig, Ollama think, ...).
    // - reasoning_budget_tokens: the most tokens the model may spend thinking, where the provider takes a
    //   budget (Anthropic, Gemini 2.5, Bedrock Claude, Cohere); 0 = no reasoning. Providers without a budget
    //   get the effort nearest to it. With both set, the budget wins where a budget is taken.
    // An effort outside that list, or a negative budget, is InvalidRequestError before anything is sent.
    std::string reasoning_effort{};
    std::optional<int> reasoning_budget_tokens{};
    std::string user{};  // end-user id for abuse monitoring, where the provider takes one

    // Server-side conversation state (OpenAI Responses API: `openai-responses/...`, `azure-responses/...` and
    // the models that exist only there). llmgate is stateless by default: each call sends the whole
    // conversation, reasoning included, with `store: false`. `store = true` keeps the response on OpenAI's
    // side; `previous_response_id` continues from a stored response (a CompletionResponse::id), and then only
    // the messages after the last assistant turn are sent. Providers without server-side state refuse
    // previous_response_id with InvalidRequestError and ignore `store`.
    std::optional<bool> store{};
    std::string previous_response_id{};

    // Prompt caching: automatic breakpoints (Anthropic, Bedrock), OpenAI's cache key and retention.
    PromptCacheOptions prompt_cache{};

    // Whole-call timeout for a completion; for a stream, the longest silence allowed between bytes.
    // Zero means the default (600 s, as the official SDKs use).
    std::chrono::milliseconds timeout{0};

    // Ask the provider to report usage on the last stream chunk (stream_options.include_usage) where
    // its API accepts the flag. On by default: without it OpenAI streams carry no token counts.
    bool stream_include_usage = true;

    // Extra top-level JSON fields merged into the provider request body untouched (they win over
    // fields llmgate sets), and extra HTTP headers. Null (the default) is the same as an empty object and
    // costs no allocation per request; anything else must be an object.
    json extra{};
    std::map<std::string, std::string> extra_headers{};

    // Structured output: the reply is validated against the schema and parsed into resp.parsed<T>().
    std::optional<ResponseFormat> response_format{};

    // Middleware for this call only, outermost first (Python's completion(..., middleware=[...])).
    std::vector<std::shared_ptr<Middleware>> middleware{};

    // Fallback chains (completion({"a", "b"}, ...), FallbackMiddleware, LLMGate's fallback_chain): which
    // errors move on to the next model (empty = RateLimitError, ProviderAPIError, AuthError; see
    // llmgate::fallback_on_errors<...>()), and what a stream does when its model fails mid-stream.
    std::function<bool(const Error&)> fallback_on{};
    StreamFallbackMode stream_fallback_mode = StreamFallbackMode::raise;

    // Stops this call when cancelled, from any thread: not sent if not sent yet, aborted if in flight,
    // a stream ended; the call then fails with CancelledError (never retried, never a fallback).
    std::optional<CancelToken> cancel{};

    // The largest reply body this call accepts, in bytes (for a stream: all its events together). A reply
    // past it fails with ResponseParseError, naming the limit. 0 = the gate's GateConfig::max_response_bytes,
    // else TransportSettings::max_response_bytes (256 MiB unless configure_transport changed it).
    std::size_t max_response_bytes = 0;
};

// embed(model, texts, {.dimensions = 256})
struct EmbedOptions {
    std::string provider{};
    std::string api_key{};
    std::string api_base{};

    std::optional<int> dimensions{};  // OpenAI / Azure / Gemini / Mistral (output_dimension)
    std::string encoding_format{};    // "float" | "base64" (OpenAI, Azure, Mistral); vectors are always decoded
    std::string user{};               // OpenAI, Azure

    std::string task_type{};   // Gemini: RETRIEVAL_DOCUMENT, RETRIEVAL_QUERY, ...
    std::string title{};       // Gemini
    std::string input_type{};  // Cohere, Bedrock: search_document, search_query, classification, clustering
    std::string truncate{};    // Cohere: NONE | START | END; Ollama: "true" | "false"

    std::chrono::milliseconds timeout{0};
    json extra{};  // extra body fields, as in Options; null = none
    std::map<std::string, std::string> extra_headers{};

    std::vector<std::shared_ptr<Middleware>> middleware{};  // for this call only, outermost first

    // Stops this call when cancelled, as Options::cancel does (CancelledError).
    std::optional<CancelToken> cancel{};

    // The largest reply body accepted, as Options::max_response_bytes (0 = the gate's, else the global one).
    std::size_t max_response_bytes = 0;
};

}  // namespace llmgate::inline v1
