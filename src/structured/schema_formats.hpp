// The `format` values llmgate can assert, for callers who ask for format assertion (off by default).
#pragma once

#include <string>

namespace llmgate::inline v1::detail {

// Whether `text` is a valid `format` (RFC 3339 date-time / date / time, email, hostname, ipv4, ipv6,
// uuid, uri, uri-reference, json-pointer, regex). Formats it does not know are accepted: JSON Schema
// leaves unknown formats to annotation.
bool string_has_format(const std::string& text, const std::string& format);

}  // namespace llmgate::detail
