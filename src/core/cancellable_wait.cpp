// Cancellable waits: the sync one sleeps in kCancelPoll steps, the async one re-arms a loop timer.
#include "core/cancellable_wait.hpp"
#include "transport/event_loop.hpp"

#include <algorithm>
#include <thread>

#include "transport/http.hpp"

namespace llmgate::inline v1::detail {

void sleep_unless_cancelled(std::chrono::milliseconds delay, const std::optional<CancelToken>& cancel) {
    if (!cancel) {
        std::this_thread::sleep_for(delay);
        return;
    }
    const auto until = std::chrono::steady_clock::now() + delay;
    while (!cancel->cancelled()) {
        const auto left = until - std::chrono::steady_clock::now();
        if (left <= std::chrono::steady_clock::duration::zero()) return;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, kCancelPoll));
    }
}

void run_after_unless_cancelled(std::chrono::milliseconds delay, const std::optional<CancelToken>& cancel,
                                std::function<void()> task) {
    if (delay.count() <= 0 || (cancel && cancel->cancelled())) {
        post_to_event_loop(std::move(task));
    } else if (!cancel || delay <= kCancelPoll) {
        post_to_event_loop_after(delay, std::move(task));
    } else {
        post_to_event_loop_after(kCancelPoll, [delay, cancel, task = std::move(task)]() mutable {
            run_after_unless_cancelled(delay - kCancelPoll, cancel, std::move(task));
        });
    }
}

}  // namespace llmgate::inline v1::detail
