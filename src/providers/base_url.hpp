// Picks a provider's base URL: per-call override, then environment variables, then the default.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "util/environment.hpp"

namespace llmgate::inline v1::detail {

inline std::string strip_trailing_slashes(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

// (The fallback is a view: most callers pass a literal, which is then copied only when it is used.)
inline std::string pick_base_url(const std::string& override_base, std::initializer_list<const char*> variables,
                                 std::string_view fallback) {
    if (!override_base.empty()) return strip_trailing_slashes(override_base);
    if (auto v = first_env(variables)) return strip_trailing_slashes(std::move(*v));
    return std::string(fallback);
}

}  // namespace llmgate::detail
