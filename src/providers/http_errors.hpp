// Maps non-2xx provider replies to the typed error hierarchy; shared by every HTTP adapter.
#pragma once

#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "llmgate/errors.hpp"
#include "transport/http.hpp"

namespace llmgate::inline v1::detail {

// Retry-After as a delay: `retry-after-ms`, then `retry-after` in seconds or as an HTTP date.
std::optional<std::chrono::milliseconds> parse_retry_after(const Headers& headers);

// The provider's own message from the usual error body shapes: {"error":{"message"}}, {"error":"..."},
// {"message":"..."}, {"detail":...}; the raw text (truncated) when the body is not JSON.
std::string error_message_from_body(const std::string& body);
// The provider's error type/code string, when the body has one.
std::string error_type_from_body(const std::string& body);

// First present header among `names`.
std::string first_header(const Headers& headers, std::initializer_list<const char*> names);

// Throws the error class for `status`: 401/403 AuthError, 404 ModelNotFoundError, 429 (and any status
// in `overload_statuses`) RateLimitError with retry-after, anything else throw_provider_error.
[[noreturn]] void throw_for_status(ErrorInfo info, const Headers& headers,
                                   std::initializer_list<int> overload_statuses = {});

// A provider-side failure: ContextLengthExceededError or ContentFilterError when the error's code, type or
// message says so (context_window_exceeded / content_filter below), else ProviderAPIError. For the HTTP
// statuses throw_for_status leaves to it, and for errors inside a 200 reply or a stream.
[[noreturn]] void throw_provider_error(ErrorInfo info);

// Whether the error is a prompt too long for the model's context window, in any provider's words: the code
// "context_length_exceeded" (OpenAI, Azure, Groq), "prompt is too long" (Anthropic, Bedrock's Claude), "exceeds
// the maximum number of tokens" (Gemini), "Input is too long" (Bedrock), "maximum context length" (OpenAI's
// message, Mistral's "... too large for model with N maximum context length"), "too many tokens" (Cohere),
// "exceeds the context length" (Ollama).
bool context_window_exceeded(const ErrorInfo& info);

// The content-policy categories when the error is a content filter's refusal, else nullopt: the code
// "content_filter" (Azure; its innererror.content_filter_result lists each category with filtered:true) or
// "content_policy_violation" (OpenAI).
std::optional<std::vector<std::string>> content_filter_categories(const ErrorInfo& info);

}  // namespace llmgate::inline v1::detail
