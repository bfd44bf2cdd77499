// The Redis worker thread: a FIFO of tasks; stopped and joined with its owner (detached if the owner dies on it).
#include "redis/worker.hpp"

namespace llmgate::inline v1::detail {

RedisWorker::~RedisWorker() {
    {
        std::lock_guard lock(state_->mutex);
        state_->stop = true;
    }
    state_->wake.notify_all();
    if (!thread_.joinable()) return;
    // The last owner may be released by a task on the worker itself: it cannot join itself.
    if (thread_.get_id() == std::this_thread::get_id())
        thread_.detach();
    else
        thread_.join();
}

void RedisWorker::submit(std::function<void()> task) {
    std::call_once(started_, [this] {
        thread_ = std::thread([state = state_] {
            for (;;) {
                std::function<void()> next;
                {
                    std::unique_lock lock(state->mutex);
                    state->wake.wait(lock, [&] { return state->stop || !state->tasks.empty(); });
                    if (state->tasks.empty()) return;  // stopped, and nothing left to run
                    next = std::move(state->tasks.front());
                    state->tasks.pop_front();
                }
                next();
            }
        });
    });
    {
        std::lock_guard lock(state_->mutex);
        state_->tasks.push_back(std::move(task));
    }
    state_->wake.notify_one();
}

}  // namespace llmgate::inline v1::detail
