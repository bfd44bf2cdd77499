// An adapter's API key: the per-call one, else the provider's environment variables; never logged or echoed.
#pragma once

#include <initializer_list>
#include <span>
#include <string>

namespace llmgate::inline v1::detail {

enum class KeySpaces { keep, strip };  // strip: leading/trailing whitespace removed (a stray newline from a file)

// The per-call key, else the first of `variables` that is set, else "".
std::string find_key(const std::string& override_key, std::initializer_list<const char*> variables,
                     KeySpaces spaces = KeySpaces::keep);

// As find_key, but no key at all is an AuthError for `provider` (and `model`, when given): "no API key for
// <provider>: set <A> or <B> or pass api_key". The message names the variables, never a key.
std::string require_key(const std::string& provider, const std::string& override_key,
                        std::initializer_list<const char*> variables, const std::string& model = {},
                        KeySpaces spaces = KeySpaces::keep);
// The same over a table's list of variables (null entries ignored).
std::string find_key(const std::string& override_key, std::span<const char* const> variables,
                     KeySpaces spaces = KeySpaces::keep);
std::string require_key(const std::string& provider, const std::string& override_key,
                        std::span<const char* const> variables, const std::string& model = {},
                        KeySpaces spaces = KeySpaces::keep);

}  // namespace llmgate::inline v1::detail
