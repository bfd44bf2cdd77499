// Constructors of the built-in providers, each defined in its own adapter file.
#pragma once

#include <memory>

#include "providers/provider.hpp"

namespace llmgate::detail {

std::unique_ptr<Provider> make_openai_provider();
std::unique_ptr<Provider> make_groq_provider();
std::unique_ptr<Provider> make_mistral_provider();
std::unique_ptr<Provider> make_azure_provider();
std::unique_ptr<Provider> make_mock_provider();

}  // namespace llmgate::detail
