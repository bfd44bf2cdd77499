// The provider table: names, model prefixes and constructors. Adding a provider is one line here.
#include "providers/registry.hpp"

#include <array>
#include <memory>
#include <mutex>

#include "llmgate/config.hpp"
#include "llmgate/errors.hpp"
#include "providers/factories.hpp"

namespace llmgate::inline v1::detail {
namespace {

struct Entry {
    const char* name;
    // Bare model-name prefixes that imply this provider ("claude-"); "name/" always works too.
    std::array<const char*, 6> bare_prefixes;
    std::unique_ptr<Provider> (*make)();  // returns nullptr while the provider is reserved, not built in yet
};

// Unrecognised model names go to OpenAI, as in the Python library.
const std::array<Entry, 12> kProviders{{
    {"openai", {"gpt-", "o1-", "o3-", "o4-", "chatgpt-", "text-embedding-"}, &make_openai_provider},
    {"groq", {}, &make_groq_provider},
    {"mistral", {}, &make_mistral_provider},
    {"azure", {}, &make_azure_provider},
    {"mock", {}, &make_mock_provider},
    {"anthropic", {"claude-"}, &make_anthropic_provider},
    {"gemini", {"gemini-"}, &make_gemini_provider},
    {"cohere", {}, &make_cohere_provider},
    {"ollama", {}, &make_ollama_provider},
    {"bedrock", {}, &make_bedrock_provider},
    {"openai-responses", {}, &make_openai_responses_provider},
    {"azure-responses", {}, &make_azure_responses_provider},
}};

const Entry* find_entry(std::string_view name) {
    for (const auto& e : kProviders) {
        if (name == e.name) return &e;
    }
    return nullptr;
}

Provider* instance(const Entry& e, const std::string& model) {
    static std::mutex mutex;
    static std::array<std::unique_ptr<Provider>, kProviders.size()>* instances =
        new std::array<std::unique_ptr<Provider>, kProviders.size()>();  // leaked: used until exit
    std::lock_guard lock(mutex);
    auto& slot = (*instances)[static_cast<std::size_t>(&e - kProviders.data())];
    if (!slot) slot = e.make();
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
    return {&kProviders.front(), model};
}

}  // namespace

Route route(const std::string& model, const std::string& provider_override) {
    auto [entry, id] = resolve(model, provider_override);
    return Route{instance(*entry, id), std::move(id)};
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
