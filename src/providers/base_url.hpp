// Picks a provider's base URL: per-call override, then environment variables, then the default.
#pragma once

#include <initializer_list>
#include <string>

#include "core/environment.hpp"

namespace llmgate::detail {

inline std::string strip_trailing_slashes(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

inline std::string pick_base_url(const std::string& override_base, std::initializer_list<const char*> variables,
                                 const std::string& fallback) {
    if (!override_base.empty()) return strip_trailing_slashes(override_base);
    if (auto v = first_env(variables)) return strip_trailing_slashes(*v);
    return fallback;
}

}  // namespace llmgate::detail
