// Constructors of the built-in providers, each defined in its own adapter file.
#pragma once

#include <memory>

#include "providers/compatible_spec.hpp"
#include "providers/provider.hpp"

namespace llmgate::inline v1::detail {

std::unique_ptr<Provider> make_openai_provider();
std::unique_ptr<Provider> make_groq_provider();
std::unique_ptr<Provider> make_mistral_provider();
std::unique_ptr<Provider> make_azure_provider();
std::unique_ptr<Provider> make_openai_responses_provider();
std::unique_ptr<Provider> make_azure_responses_provider();
std::unique_ptr<Provider> make_mock_provider();
std::unique_ptr<Provider> make_anthropic_provider();
std::unique_ptr<Provider> make_gemini_provider();
std::unique_ptr<Provider> make_cohere_provider();
std::unique_ptr<Provider> make_ollama_provider();
std::unique_ptr<Provider> make_bedrock_provider();
// An OpenAI-compatible provider configured by its registry line (configured_compatible.cpp).
std::unique_ptr<Provider> make_configured_compatible_provider(const char* name, const CompatibleSpec& spec);

}  // namespace llmgate::detail
