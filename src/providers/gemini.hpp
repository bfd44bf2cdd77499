// Gemini's pure translation functions (request bodies, replies, stream events, errors), for tests and fuzzing.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "providers/provider.hpp"
#include "providers/stream_decoder.hpp"
#include "transport/http.hpp"

namespace llmgate::inline v1::detail {

// What the Gemini Developer API takes for `model`: native JSON Schema output and JSON mode (not for Gemma),
// images only as bytes (URLs are fetched client-side), at most 100 texts per batchEmbedContents.
Capabilities gemini_capabilities(const std::string& model);

// "models/<id>" as the REST paths and embedding requests name a model ("models/…" and "tunedModels/…" kept).
std::string gemini_model_resource(const std::string& model);

// The generateContent / streamGenerateContent body (the same for both), `extra` merged in.
json gemini_chat_body(const ChatRequest& request);

// A generateContent reply. Throws ResponseParseError on malformed bodies and ContentFilterError when the prompt was
// blocked (promptFeedback.blockReason with no candidates).
CompletionResponse gemini_parse_chat(const std::string& model, std::string body);
Usage gemini_parse_usage(const json& usage_metadata);
// "stop" | "length" | "content_filter" | "tool_calls" (STOP with function calls) | the provider's value.
std::string gemini_finish_reason(const std::string& finish_reason, bool has_tool_calls);
// The id given to a function call the API sent without one: the same call at the same position always gets the same id.
std::string gemini_tool_call_id(const std::string& name, const json& args, std::size_t position);

// SSE of full GenerateContentResponse objects; the end of the body is the end of the stream, so a body that ends
// before any finishReason is a ResponseParseError.
std::unique_ptr<StreamDecoder> make_gemini_stream_decoder(std::string model);

// embedContent (one text given as a string) or batchEmbedContents (a list) body, `extra` merged in.
json gemini_embed_body(const EmbedRequest& request);
EmbeddingResponse gemini_parse_embeddings(const std::string& model, std::string body, bool single);

// RetryInfo.retryDelay ("12s", "0.5s") from an error body's details.
std::optional<std::chrono::milliseconds> gemini_retry_delay(const std::string& body);
// The API root for this call: the per-call base, else GEMINI_BASE_URL / GOOGLE_GEMINI_BASE_URL, else Google's,
// followed by the API version ("https://generativelanguage.googleapis.com/v1beta").
std::string gemini_api_root(const std::string& override_base);
// The key in the x-goog-api-key header (never in the URL); AuthError naming the variables when there is none.
void gemini_add_key(HttpRequest& http, const std::string& override_key, const std::string& model);
// Throws the typed error for a non-2xx reply (or an error object sent with status 200 / mid-stream).
[[noreturn]] void gemini_raise_error(const std::string& model, int status, const Headers& headers,
                                     const std::string& body);

}  // namespace llmgate::detail
