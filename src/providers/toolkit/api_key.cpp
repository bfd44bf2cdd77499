// An adapter's API key: the per-call one, else the provider's environment variables; never logged or echoed.
#include "providers/toolkit/api_key.hpp"

#include <cctype>

#include "llmgate/errors.hpp"
#include "util/environment.hpp"

namespace llmgate::inline v1::detail {

std::string find_key(const std::string& override_key, std::initializer_list<const char*> variables, KeySpaces spaces) {
    std::string key = override_key;
    if (key.empty()) key = first_env(variables).value_or("");
    if (spaces == KeySpaces::strip) {
        while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
        std::size_t lead = 0;
        while (lead < key.size() && std::isspace(static_cast<unsigned char>(key[lead]))) ++lead;
        key.erase(0, lead);
    }
    return key;
}

std::string require_key(const std::string& provider, const std::string& override_key,
                        std::initializer_list<const char*> variables, const std::string& model, KeySpaces spaces) {
    std::string key = find_key(override_key, variables, spaces);
    if (!key.empty()) return key;
    std::string names;
    for (const char* v : variables) names += (names.empty() ? "" : " or ") + std::string(v);
    throw AuthError(ErrorInfo{.provider = provider,
                              .model = model,
                              .message = "no API key for " + provider + ": set " + names + " or pass api_key"});
}

}  // namespace llmgate::inline v1::detail
