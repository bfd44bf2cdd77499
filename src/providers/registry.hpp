// Resolves a model string ("groq/llama-3.1-8b-instant", "gpt-4o-mini") to a provider and its model id.
#pragma once

#include <string>

#include "providers/provider.hpp"

namespace llmgate::inline v1::detail {

struct Route {
    Provider* provider;  // owned by the registry, lives for the whole process
    std::string model;   // the model id without the provider prefix
};

// Throws ModelNotFoundError for an unknown provider override, ProviderNotAvailableError for a provider
// reserved but not built in yet, InvalidRequestError for an empty model.
Route route(const std::string& model, const std::string& provider_override);

// The provider registered as `name` ("deepseek"; a trailing "/" is ignored). ModelNotFoundError when none is.
Provider& provider_named(const std::string& name);

}  // namespace llmgate::detail
