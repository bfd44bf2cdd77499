// Anthropic: placeholder until its adapter lands; the registry reports it as not available yet.
#include "providers/factories.hpp"

namespace llmgate::detail {

std::unique_ptr<Provider> make_anthropic_provider() { return nullptr; }

}  // namespace llmgate::detail
