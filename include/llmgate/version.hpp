// Library version.
#pragma once

#define LLMGATE_VERSION_MAJOR 0
#define LLMGATE_VERSION_MINOR 1
#define LLMGATE_VERSION_PATCH 0
#define LLMGATE_VERSION_STRING "0.1.0"

namespace llmgate::inline v1 {
inline constexpr const char* version = LLMGATE_VERSION_STRING;
}
