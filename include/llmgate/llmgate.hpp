// Umbrella header: #include <llmgate/llmgate.hpp> for the whole public API.
#pragma once

#include "llmgate/completion.hpp"
#include "llmgate/config.hpp"
#include "llmgate/embeddings.hpp"
#include "llmgate/errors.hpp"
#include "llmgate/options.hpp"
#include "llmgate/requests.hpp"
#include "llmgate/stream.hpp"
#include "llmgate/types.hpp"
#include "llmgate/version.hpp"
