// The text of one LoggingMiddleware line, kept pure so tests can check what is (and is not) logged.
#pragma once

#include <cstdint>
#include <exception>
#include <optional>
#include <string>

namespace llmgate::inline v1::detail {

struct CallRecord {
    std::string call{};  // "completion" | "stream" | "embedding"
    std::string provider{};
    std::string model{};
    std::int64_t latency_ms = 0;
    std::optional<std::int64_t> tokens{};
    std::exception_ptr error{};  // null: success
    std::string outcome{};       // overrides "ok" on success ("cancelled" for a dropped stream)
    std::string prompt{};        // only with log_content
    std::string reply{};         // only with log_content
};

// "llmgate call=completion provider=openai model=gpt-4o-mini latency_ms=12 tokens=15 outcome=ok".
// The error part names the class and status (never the message body, which could echo a request).
std::string log_line(const CallRecord& record);

}  // namespace llmgate::detail
