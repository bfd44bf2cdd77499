// The exception hierarchy: every failure is a typed llmgate::Error carrying provider, status and request id.
#pragma once

#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "llmgate/types.hpp"

namespace llmgate::inline v1 {

// What every llmgate error carries. No field ever holds an API key.
struct ErrorInfo {
    std::string provider{};  // "openai", "groq", ... (empty when not yet resolved)
    std::string model{};
    int status = 0;            // HTTP status; 0 when no HTTP reply was received
    std::string request_id{};  // provider's request id header, when sent
    std::string message{};     // the provider's own message (or ours)
    std::string error_type{};  // the provider's error type/code string, when sent
    std::string body{};        // the raw error body (truncated), for debugging
};

class Error : public std::runtime_error {
public:
    // Every text field is kept valid UTF-8: bytes that are not (a provider body cut mid-character, another
    // encoding) become U+FFFD, so what() and the fields can always be logged or serialised to JSON.
    explicit Error(ErrorInfo info);
    const std::string& provider() const noexcept { return info_.provider; }
    const std::string& model() const noexcept { return info_.model; }
    int status() const noexcept { return info_.status; }
    const std::string& request_id() const noexcept { return info_.request_id; }
    const std::string& provider_message() const noexcept { return info_.message; }
    const std::string& error_type() const noexcept { return info_.error_type; }
    const std::string& body() const noexcept { return info_.body; }
    const ErrorInfo& info() const noexcept { return info_; }
    // The class name as Python spells it ("RateLimitError"), for logs and the CLI.
    virtual const char* type_name() const noexcept { return "Error"; }

private:
    Error(ErrorInfo&& valid, int);  // `valid` already checked: builds what() from the same fields
    ErrorInfo info_{};
};

#define LLMGATE_DECLARE_ERROR(Name, Base)                                 \
    class Name : public Base {                                            \
    public:                                                               \
        using Base::Base;                                                 \
        const char* type_name() const noexcept override { return #Name; } \
    }

LLMGATE_DECLARE_ERROR(AuthError, Error);               // 401 / 403: bad or missing key
LLMGATE_DECLARE_ERROR(ProviderAPIError, Error);        // any other provider-side failure
LLMGATE_DECLARE_ERROR(ModelNotFoundError, Error);      // unknown model / no provider matched
LLMGATE_DECLARE_ERROR(EmbeddingsNotSupported, Error);  // provider has no embeddings API
LLMGATE_DECLARE_ERROR(VisionNotSupported, Error);      // provider takes no image input
LLMGATE_DECLARE_ERROR(InvalidRequestError, Error);     // the caller's arguments are unusable
LLMGATE_DECLARE_ERROR(TimeoutError, Error);            // no (complete) reply within the timeout
LLMGATE_DECLARE_ERROR(ConnectionError, Error);         // could not connect, or the connection dropped
LLMGATE_DECLARE_ERROR(ResponseParseError, Error);      // malformed or truncated provider reply
LLMGATE_DECLARE_ERROR(CancelledError, Error);          // the call's CancelToken was cancelled (llmgate/cancel.hpp)
LLMGATE_DECLARE_ERROR(ProviderNotAvailableError, ModelNotFoundError);  // provider known but not built in yet
// An image URL could not be fetched client-side (for providers that take only inline image bytes):
// bad scheme, not an image, too large, too many redirects, HTTP error, timeout.
LLMGATE_DECLARE_ERROR(ImageFetchError, InvalidRequestError);

// 429 and provider overload codes. `retry_after` is set when the provider said how long to wait.
class RateLimitError : public Error {
public:
    RateLimitError(ErrorInfo info, std::optional<std::chrono::milliseconds> retry_after)
        : Error(std::move(info)), retry_after_(retry_after) {}
    explicit RateLimitError(ErrorInfo info) : Error(std::move(info)) {}
    std::optional<std::chrono::milliseconds> retry_after() const noexcept { return retry_after_; }
    const char* type_name() const noexcept override { return "RateLimitError"; }

private:
    std::optional<std::chrono::milliseconds> retry_after_{};
};

// The model stopped before producing anything usable (e.g. a reasoning model spent the whole
// max_tokens budget thinking: empty reply with finish_reason "length"). Carries the usage so the
// caller can see where the tokens went, and the finish reason the provider gave.
class IncompleteResponseError : public ProviderAPIError {
public:
    IncompleteResponseError(ErrorInfo info, std::string finish_reason, Usage usage)
        : ProviderAPIError(std::move(info)), finish_reason_(std::move(finish_reason)), usage_(usage) {}
    const std::string& finish_reason() const noexcept { return finish_reason_; }
    const Usage& usage() const noexcept { return usage_; }
    const char* type_name() const noexcept override { return "IncompleteResponseError"; }

private:
    std::string finish_reason_{};
    Usage usage_{};
};

// The prompt (with max_tokens, where the provider counts it) does not fit the model's context window:
// OpenAI's code "context_length_exceeded", Anthropic's "prompt is too long", Gemini's "exceeds the maximum
// number of tokens", Bedrock's "Input is too long", ... (docs/errors.md lists each provider's shape). A
// ProviderAPIError, as every such 400 was before this class existed, so existing handlers and the default
// fallback_on (a model with a larger window may take the call) still see it.
LLMGATE_DECLARE_ERROR(ContextLengthExceededError, ProviderAPIError);

// The provider refused the prompt or the reply under its content policy: Azure's code "content_filter",
// OpenAI's "content_policy_violation", Gemini's promptFeedback.blockReason, Bedrock's guardrail, ... A
// ProviderAPIError, as these errors were before this class existed. `categories()` holds what the provider
// named, in its own spelling: Azure's filtered categories ("hate", "violence", "jailbreak", ...), Gemini's
// blockReason and the categories of its blocking safety ratings ("SAFETY", "HARM_CATEGORY_HARASSMENT");
// empty when it named none.
class ContentFilterError : public ProviderAPIError {
public:
    ContentFilterError(ErrorInfo info, std::vector<std::string> categories)
        : ProviderAPIError(std::move(info)), categories_(std::move(categories)) {}
    explicit ContentFilterError(ErrorInfo info) : ProviderAPIError(std::move(info)) {}
    const std::vector<std::string>& categories() const noexcept { return categories_; }
    const char* type_name() const noexcept override { return "ContentFilterError"; }

private:
    std::vector<std::string> categories_{};
};

// A structured-output reply (Options::response_format) that is not valid JSON or does not fit the
// schema. Carries the model's raw text and each mismatch ("$.year: expected integer, got string").
class StructuredOutputError : public Error {
public:
    StructuredOutputError(ErrorInfo info, std::string raw_text, std::vector<std::string> problems)
        : Error(std::move(info)), raw_text_(std::move(raw_text)), problems_(std::move(problems)) {}
    const std::string& raw_text() const noexcept { return raw_text_; }
    const std::vector<std::string>& problems() const noexcept { return problems_; }
    const char* type_name() const noexcept override { return "StructuredOutputError"; }

private:
    std::string raw_text_{};
    std::vector<std::string> problems_{};
};

// Every model of a fallback chain failed. `errors()` lists each model with the error it raised, in
// the order they were tried.
class AllProvidersFailedError : public Error {
public:
    using ModelError = std::pair<std::string, std::exception_ptr>;
    AllProvidersFailedError(ErrorInfo info, std::vector<ModelError> errors)
        : Error(std::move(info)), errors_(std::move(errors)) {}
    const std::vector<ModelError>& errors() const noexcept { return errors_; }
    const char* type_name() const noexcept override { return "AllProvidersFailedError"; }

private:
    std::vector<ModelError> errors_{};
};

}  // namespace llmgate::inline v1
