// Environment lookup shared by all providers: process environment first, then `.env`.
#pragma once

#include <optional>
#include <string>

#include "llmgate/config.hpp"

namespace llmgate::inline v1::detail {

// First non-empty value among the given variable names.
std::optional<std::string> first_env(std::initializer_list<const char*> names);

}  // namespace llmgate::detail
