// Waits that end early when the call's CancelToken is cancelled (retry backoff, rate-limit slots): the
// call then goes on at once and fails with CancelledError before anything is sent (dispatch checks).
#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include "llmgate/cancel.hpp"
#include "transport/event_loop.hpp"

namespace llmgate::inline v1::detail {

// Sleeps the calling thread for `delay`, or until `cancel` reads cancelled.
void sleep_unless_cancelled(std::chrono::milliseconds delay, const std::optional<CancelToken>& cancel);

// Runs `task` on the event loop after `delay`, or as soon as `cancel` reads cancelled (a timer every
// kCancelPoll, from transport/http.hpp, while a token is present; one timer otherwise).
void run_after_unless_cancelled(std::chrono::milliseconds delay, const std::optional<CancelToken>& cancel,
                                std::function<void()> task);

}  // namespace llmgate::inline v1::detail
