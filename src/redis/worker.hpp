// One thread that runs Redis round trips for async calls, so the event loop never waits on Redis.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace llmgate::inline v1::detail {

class RedisWorker {
public:
    RedisWorker() = default;
    ~RedisWorker();
    RedisWorker(const RedisWorker&) = delete;
    RedisWorker& operator=(const RedisWorker&) = delete;

    // Runs `task` on the worker thread (started on first use), in submission order. A task must not throw.
    void submit(std::function<void()> task);

private:
    struct State {
        std::mutex mutex;
        std::condition_variable wake;
        std::deque<std::function<void()>> tasks;
        bool stop = false;
    };
    std::shared_ptr<State> state_ = std::make_shared<State>();
    std::thread thread_;
    std::once_flag started_;
};

}  // namespace llmgate::inline v1::detail
