// The library's one spdlog logger, "llmgate" (stderr unless the application registered its own by that name).
#pragma once

#include <memory>

namespace spdlog {
class logger;
}

namespace llmgate::inline v1::detail {

std::shared_ptr<spdlog::logger> library_logger();

}  // namespace llmgate::inline v1::detail
