#include "cost/model_names.hpp"

#include <algorithm>
#include <cctype>

namespace llmgate::inline v1::detail {
namespace {

constexpr std::string_view kProviders[] = {"openai", "azure",  "groq",   "mistral", "anthropic",       "gemini",
                                           "cohere", "ollama", "bedrock", "mock", "openai-responses", "azure-responses"};

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

// "gpt-4o-mini-2024-07-18" → "gpt-4o-mini"; "claude-haiku-4-5-20251001" → "claude-haiku-4-5";
// "anthropic.claude-3-5-sonnet-20240620-v1:0" → "anthropic.claude-3-5-sonnet".
std::string without_version(std::string name) {
    if (const auto colon = name.rfind(':'); colon != std::string::npos && all_digits(name.substr(colon + 1)))
        name.erase(colon);  // Bedrock ":0"
    if (const auto v = name.rfind("-v"); v != std::string::npos && all_digits(name.substr(v + 2)))
        name.erase(v);  // Bedrock "-v1"
    if (name.size() > 9 && name[name.size() - 9] == '-' && all_digits(std::string_view(name).substr(name.size() - 8)))
        name.erase(name.size() - 9);  // -YYYYMMDD
    if (name.size() > 11) {
        const std::string_view tail = std::string_view(name).substr(name.size() - 11);  // -YYYY-MM-DD
        if (tail[0] == '-' && all_digits(tail.substr(1, 4)) && tail[5] == '-' && all_digits(tail.substr(6, 2)) &&
            tail[8] == '-' && all_digits(tail.substr(9, 2)))
            name.erase(name.size() - 11);
    }
    return name;
}

}  // namespace

std::pair<std::string, std::string> split_known_provider(std::string_view model) {
    if (const auto slash = model.find('/'); slash != std::string_view::npos) {
        const std::string_view prefix = model.substr(0, slash);
        for (std::string_view known : kProviders)
            if (prefix == known) return {std::string(prefix), std::string(model.substr(slash + 1))};
    }
    return {"", std::string(model)};
}

std::vector<std::pair<std::string, std::string>> table_keys(std::string_view provider, std::string_view model) {
    std::string prov(provider), bare(model);
    auto [named, rest] = split_known_provider(model);
    if (prov.empty()) {
        prov = named;
        bare = std::move(rest);
        if (prov.empty()) {
            if (bare.rfind("claude-", 0) == 0) prov = "anthropic";
            else if (bare.rfind("gemini-", 0) == 0 || bare.rfind("models/", 0) == 0) prov = "gemini";
            else prov = "openai";
        }
    } else if (named == prov) {
        bare = std::move(rest);  // "groq/openai/gpt-oss-120b" on groq; "openai/gpt-oss-120b" stays whole
    }
    if (bare.rfind("models/", 0) == 0) bare.erase(0, 7);
    // The Responses API serves the same models at the same prices as chat completions.
    if (prov == "openai-responses" || prov == "azure-responses") prov.erase(prov.size() - std::string_view("-responses").size());
    if (prov == "bedrock")
        for (const std::string_view region : {"us.", "eu.", "apac.", "global.", "us-gov."})
            if (bare.rfind(region, 0) == 0) bare.erase(0, region.size());

    std::vector<std::string> names{bare};
    const std::string plain = without_version(bare);
    if (plain != bare) names.push_back(plain);
    const std::string latest = "-latest";
    for (std::size_t i = 0, n = names.size(); i < n; ++i)
        if (names[i].size() > latest.size() && names[i].ends_with(latest))
            names.push_back(names[i].substr(0, names[i].size() - latest.size()));

    std::vector<std::pair<std::string, std::string>> keys;
    for (const auto& name : names) keys.emplace_back(prov, name);
    // Azure serves OpenAI's models: a row of its own first, then OpenAI's.
    if (prov == "azure")
        for (const auto& name : names) keys.emplace_back("openai", name);
    return keys;
}

}  // namespace llmgate::inline v1::detail
