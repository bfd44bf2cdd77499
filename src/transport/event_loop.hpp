// Scheduling on llmgate's one event loop thread (src/transport/event_loop.cpp): tasks, timers, and the
// rules for code that waits. The HTTP types and transfers are in transport/http.hpp.
#pragma once

#include <chrono>
#include <functional>

namespace llmgate::inline v1::detail {

// Runs a task on the event loop thread (used by providers that need no HTTP, like mock/).
void post_to_event_loop(std::function<void()> task);
// Runs a task on the event loop thread after `delay` (a timer: no sleeping on the loop, no thread).
void post_to_event_loop_after(std::chrono::milliseconds delay, std::function<void()> task);
// Throws InvalidRequestError when called on the event loop thread: code about to wait for the loop (a
// stream read with nothing buffered, a stream fallback opening its next model) would wait for itself there.
void refuse_to_wait_on_event_loop();
// How soon a call that waits on its own thread (a blocking transfer, a retry backoff, a rate-limit
// slot) notices that its CancelToken was cancelled: it looks this often.
inline constexpr std::chrono::milliseconds kCancelPoll{50};
// A CancelToken was cancelled: the event loop (if running) aborts every transfer whose token now reads
// cancelled, at once instead of at libcurl's next progress call. Any thread.
void cancel_requested();
// Re-applies connection limits to a running event loop after configure_transport().
void transport_settings_changed();

}  // namespace llmgate::inline v1::detail
