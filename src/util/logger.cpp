// The "llmgate" spdlog logger: looked up each time, so an application may register its own sink by that name.
#include "util/logger.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <mutex>

namespace llmgate::inline v1::detail {

std::shared_ptr<spdlog::logger> library_logger() {
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    if (auto l = spdlog::get("llmgate")) return l;
    return spdlog::stderr_color_mt("llmgate");
}

}  // namespace llmgate::inline v1::detail
