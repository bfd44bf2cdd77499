// How a model name as a caller writes it or a provider returns it finds its row in llmgate's model tables
// (prices, context windows): provider prefixes, date and version suffixes, "-latest", Gemini's "models/",
// Bedrock's region prefixes, Azure deployments of OpenAI models.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmgate::inline v1::detail {

// "groq/llama-3.1-8b-instant" → {"groq", "llama-3.1-8b-instant"}; no known provider prefix → {"", model}.
std::pair<std::string, std::string> split_known_provider(std::string_view model);

// The (provider, name) pairs to look up, most specific first. `provider` may be empty (told by the name,
// as the registry would: claude-… → anthropic, gemini-… → gemini, else openai).
std::vector<std::pair<std::string, std::string>> table_keys(std::string_view provider, std::string_view model);

}  // namespace llmgate::inline v1::detail
