// The model used when the caller names none: LLMGATE_MODEL, else the first provider with a key, else mock/.
#include "llmgate/config.hpp"

namespace llmgate::inline v1 {
namespace {

// An empty variable (KEY= in .env) counts as unset: it could never authenticate.
bool has_value(const char* name) {
    const auto value = llmgate::getenv(name);
    return value && !value->empty();
}

}  // namespace

std::string default_model() {
    if (auto model = llmgate::getenv("LLMGATE_MODEL"); model && !model->empty()) return *model;
    if (has_value("OPENAI_API_KEY")) return "gpt-4o-mini";
    if (has_value("GROQ_API_KEY")) return "groq/llama-3.1-8b-instant";
    if (has_value("MISTRAL_API_KEY")) return "mistral/mistral-small-latest";
    return "mock/llmgate-offline";
}

}  // namespace llmgate::inline v1
