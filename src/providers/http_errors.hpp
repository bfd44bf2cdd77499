// Maps non-2xx provider replies to the typed error hierarchy; shared by every HTTP adapter.
#pragma once

#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>

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
// in `overload_statuses`) RateLimitError with retry-after, anything else ProviderAPIError.
[[noreturn]] void throw_for_status(ErrorInfo info, const Headers& headers,
                                   std::initializer_list<int> overload_statuses = {});

}  // namespace llmgate::inline v1::detail
