// An adapter's API key: the per-call one, else the provider's environment variables; never logged or echoed.
#include "providers/toolkit/api_key.hpp"

#include <cctype>

#include "llmgate/errors.hpp"
#include "util/environment.hpp"

namespace llmgate::inline v1::detail {

namespace {

void strip_spaces(std::string& key) {
    while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
    std::size_t lead = 0;
    while (lead < key.size() && std::isspace(static_cast<unsigned char>(key[lead]))) ++lead;
    key.erase(0, lead);
}

template <class Variables>
std::string find_key_in(const std::string& override_key, const Variables& variables, KeySpaces spaces) {
    std::string key = override_key;
    for (const char* v : variables) {
        if (!key.empty()) break;
        if (v != nullptr) key = first_env({v}).value_or("");
    }
    if (spaces == KeySpaces::strip) strip_spaces(key);
    return key;
}

template <class Variables>
std::string require_key_in(const std::string& provider, const std::string& override_key, const Variables& variables,
                           const std::string& model, KeySpaces spaces) {
    std::string key = find_key_in(override_key, variables, spaces);
    if (!key.empty()) return key;
    std::string names;
    for (const char* v : variables)
        if (v != nullptr) names += (names.empty() ? "" : " or ") + std::string(v);
    throw AuthError(ErrorInfo{.provider = provider,
                              .model = model,
                              .message = "no API key for " + provider + ": set " + names + " or pass api_key"});
}

}  // namespace

std::string find_key(const std::string& override_key, std::initializer_list<const char*> variables, KeySpaces spaces) {
    return find_key_in(override_key, variables, spaces);
}

std::string find_key(const std::string& override_key, std::span<const char* const> variables, KeySpaces spaces) {
    return find_key_in(override_key, variables, spaces);
}

std::string require_key(const std::string& provider, const std::string& override_key,
                        std::initializer_list<const char*> variables, const std::string& model, KeySpaces spaces) {
    return require_key_in(provider, override_key, variables, model, spaces);
}

std::string require_key(const std::string& provider, const std::string& override_key,
                        std::span<const char* const> variables, const std::string& model, KeySpaces spaces) {
    return require_key_in(provider, override_key, variables, model, spaces);
}

}  // namespace llmgate::inline v1::detail
