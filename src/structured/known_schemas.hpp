// Schema documents llmgate knows by URI without fetching them (the draft-07 meta-schema).
#pragma once

#include <string>

#include "llmgate/types.hpp"

namespace llmgate::inline v1::detail {

// The document whose absolute URI (no fragment) is `uri`, or nullptr.
const json* known_schema(const std::string& uri);

}  // namespace llmgate::detail
