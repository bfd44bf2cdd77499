// list_models: the named provider's own models endpoint, through its adapter (no middleware: nothing to retry
// or cache per model call).
#include "llmgate/models.hpp"

#include "providers/registry.hpp"

namespace llmgate::inline v1 {

std::vector<ModelInfo> list_models(const std::string& provider, ListModelsOptions options) {
    return detail::provider_named(provider).list_models(options);
}

}  // namespace llmgate::inline v1
