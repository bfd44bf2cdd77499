// The provider table: names, model prefixes and constructors, or for an OpenAI-compatible provider its
// variables, base URL and quirks. Adding a provider is one line here.
#include "providers/registry.hpp"

#include <array>
#include <iterator>
#include <string_view>
#include <memory>
#include <mutex>

#include "llmgate/config.hpp"
#include "llmgate/errors.hpp"
#include "providers/compatible_spec.hpp"
#include "providers/factories.hpp"

namespace llmgate::inline v1::detail {
namespace {

struct Entry {
    const char* name;
    // Bare model-name prefixes that imply this provider ("claude-"); "name/" always works too.
    std::array<const char*, 6> bare_prefixes;
    // A native adapter's constructor (returns nullptr while the provider is reserved, not built in yet), or
    // null for an OpenAI-compatible provider described by `compatible` alone.
    std::unique_ptr<Provider> (*make)();
    CompatibleSpec compatible{};
};

// A provider with an adapter of its own.
constexpr Entry native(const char* name, std::unique_ptr<Provider> (*make)(), std::array<const char*, 6> bare_prefixes = {}) {
    return Entry{name, bare_prefixes, make, CompatibleSpec{}};
}

// An OpenAI-compatible provider that needs no code of its own: its key variables, base-URL variables,
// default base URL and quirks (providers/compatible_spec.hpp). Each fact is from the provider's docs; see
// docs/providers.md for the sources.
constexpr Entry compatible(const char* name, EnvVariables keys, EnvVariables bases, const char* default_base,
                           CompatibleQuirks quirks = {}) {
    return Entry{name, {}, nullptr, CompatibleSpec{keys, bases, default_base, quirks}};
}

// Unrecognised model names go to OpenAI, as in the Python library.
const Entry kProviders[] = {
    native("openai", &make_openai_provider, {"gpt-", "o1-", "o3-", "o4-", "chatgpt-", "text-embedding-"}),
    native("groq", &make_groq_provider),
    native("mistral", &make_mistral_provider),
    native("azure", &make_azure_provider),
    native("mock", &make_mock_provider),
    native("anthropic", &make_anthropic_provider, {"claude-"}),
    native("gemini", &make_gemini_provider, {"gemini-"}),
    native("cohere", &make_cohere_provider),
    native("ollama", &make_ollama_provider),
    native("bedrock", &make_bedrock_provider),
    // The Responses API of OpenAI and Azure OpenAI for every model (openai_responses.hpp).
    native("openai-responses", &make_openai_responses_provider),
    native("azure-responses", &make_azure_responses_provider),
    // name, key variables, base-URL variables, default base URL, quirks
    compatible("deepseek", {"DEEPSEEK_API_KEY"}, {"DEEPSEEK_BASE_URL", "DEEPSEEK_API_BASE"}, "https://api.deepseek.com",
               {.embeddings = false, .json_schema = false, .tool_call_reasoning_replayed = true}),
    compatible("xai", {"XAI_API_KEY"}, {"XAI_BASE_URL", "XAI_API_BASE"}, "https://api.x.ai/v1"),
    compatible("openrouter", {"OPENROUTER_API_KEY", "OR_API_KEY"}, {"OPENROUTER_BASE_URL", "OPENROUTER_API_BASE", "OR_API_BASE"},
               "https://openrouter.ai/api/v1", {.openrouter_attribution = true}),
    compatible("together", {"TOGETHER_API_KEY", "TOGETHERAI_API_KEY"}, {"TOGETHER_BASE_URL", "TOGETHER_API_BASE"},
               "https://api.together.xyz/v1"),
    compatible("fireworks", {"FIREWORKS_API_KEY", "FIREWORKS_AI_API_KEY"}, {"FIREWORKS_BASE_URL", "FIREWORKS_API_BASE"},
               "https://api.fireworks.ai/inference/v1"),
    compatible("perplexity", {"PERPLEXITY_API_KEY", "PERPLEXITYAI_API_KEY"}, {"PERPLEXITY_BASE_URL", "PERPLEXITY_API_BASE"},
               "https://api.perplexity.ai",
               {.embeddings = false, .model_listing = false, .stream_done_marker = false}),
    compatible("cerebras", {"CEREBRAS_API_KEY"}, {"CEREBRAS_BASE_URL", "CEREBRAS_API_BASE"}, "https://api.cerebras.ai/v1",
               {.embeddings = false}),
    compatible("deepinfra", {"DEEPINFRA_API_KEY", "DEEPINFRA_API_TOKEN"}, {"DEEPINFRA_BASE_URL", "DEEPINFRA_API_BASE"},
               "https://api.deepinfra.com/v1/openai"),
    compatible("vllm", {"VLLM_API_KEY", "HOSTED_VLLM_API_KEY"}, {"VLLM_BASE_URL", "VLLM_API_BASE", "HOSTED_VLLM_API_BASE"},
               "http://localhost:8000/v1", {.key_required = false}),
    compatible("lmstudio", {"LM_STUDIO_API_KEY"}, {"LM_STUDIO_BASE_URL", "LM_STUDIO_API_BASE"}, "http://localhost:1234/v1",
               {.key_required = false}),
    compatible("llamacpp", {"LLAMACPP_API_KEY"}, {"LLAMACPP_BASE_URL", "LLAMACPP_API_BASE"}, "http://localhost:8080/v1",
               {.key_required = false}),
};
constexpr std::size_t kProviderCount = std::size(kProviders);

const Entry* find_entry(std::string_view name) {
    for (const auto& e : kProviders) {
        if (name == e.name) return &e;
    }
    return nullptr;
}

Provider* instance(const Entry& e, const std::string& model) {
    static std::mutex mutex;
    static std::array<std::unique_ptr<Provider>, kProviderCount>* instances =
        new std::array<std::unique_ptr<Provider>, kProviderCount>();  // leaked: used until exit
    std::lock_guard lock(mutex);
    auto& slot = (*instances)[static_cast<std::size_t>(&e - kProviders)];
    if (!slot) slot = e.make != nullptr ? e.make() : make_configured_compatible_provider(e.name, e.compatible);
    if (!slot)
        throw ProviderNotAvailableError(ErrorInfo{
            .provider = e.name,
            .model = model,
            .message =
                std::string("provider '") + e.name + "' is reserved but not available in this llmgate build yet"});
    return slot.get();
}

std::pair<const Entry*, std::string> resolve(const std::string& model, const std::string& provider_override) {
    if (model.empty()) throw InvalidRequestError(ErrorInfo{.message = "model must not be empty"});
    if (!provider_override.empty()) {
        const Entry* e = find_entry(provider_override);
        if (e == nullptr)
            throw ModelNotFoundError(ErrorInfo{.provider = provider_override,
                                               .model = model,
                                               .message = "unknown provider '" + provider_override + "'"});
        const std::string prefix = std::string(e->name) + "/";
        return {e, model.compare(0, prefix.size(), prefix) == 0 ? model.substr(prefix.size()) : model};
    }
    if (const std::size_t slash = model.find('/'); slash != std::string::npos) {
        if (const Entry* e = find_entry(std::string_view(model).substr(0, slash))) {
            std::string id = model.substr(slash + 1);
            if (id.empty())
                throw InvalidRequestError(
                    ErrorInfo{.provider = e->name, .model = model, .message = "model id missing after '/'"});
            return {e, std::move(id)};
        }
    }
    for (const auto& e : kProviders) {
        for (const char* p : e.bare_prefixes) {
            if (p != nullptr && model.rfind(p, 0) == 0) return {&e, model};
        }
    }
    return {&kProviders[0], model};
}

}  // namespace

Route route(const std::string& model, const std::string& provider_override) {
    auto [entry, id] = resolve(model, provider_override);
    return Route{instance(*entry, id), std::move(id)};
}

Provider& provider_named(const std::string& name) {
    std::string_view wanted = name;
    if (!wanted.empty() && wanted.back() == '/') wanted.remove_suffix(1);
    const Entry* e = find_entry(wanted);
    if (e == nullptr)
        throw ModelNotFoundError(
            ErrorInfo{.provider = name, .message = "unknown provider '" + name + "' (llmgate::providers() lists them)"});
    return *instance(*e, "");
}

}  // namespace llmgate::detail

namespace llmgate::inline v1 {

std::vector<std::string> providers() {
    std::vector<std::string> out;
    for (const auto& e : detail::kProviders) out.emplace_back(e.name);
    return out;
}

std::string provider_for(const std::string& model, const std::string& provider_override) {
    return detail::resolve(model, provider_override).first->name;
}

}  // namespace llmgate
