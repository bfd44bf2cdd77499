// run_window (src/core/window.hpp), the job window under batch() and embedding batching, driven with
// synthetic jobs on the real event loop: every job reports exactly once, whatever the job does.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/window.hpp"

namespace llmgate::detail {
namespace {

using namespace std::chrono_literals;

struct Outcome {
    std::mutex mutex;
    std::vector<int> heard;  // on_done calls per job
    std::vector<std::string> errors;
    std::size_t max_in_flight = 0;
    std::promise<void> finished;
    int finished_calls = 0;
};

// Runs `count` jobs `width` at a time; `job(i, done)` is each job's start.
std::shared_ptr<Outcome> run(std::size_t count, std::size_t width,
                             std::function<void(std::size_t, Callback<int>)> job) {
    auto out = std::make_shared<Outcome>();
    out->heard.assign(count, 0);
    out->errors.assign(count, "");
    run_window<int>(count, width,
                    Window<int>{.start = std::move(job),
                                .on_done =
                                    [out](std::size_t i, std::exception_ptr e, int) {
                                        std::lock_guard lock(out->mutex);
                                        ++out->heard[i];
                                        if (e) {
                                            try {
                                                std::rethrow_exception(e);
                                            } catch (const std::exception& ex) {
                                                out->errors[i] = ex.what();
                                            }
                                        }
                                        return true;
                                    },
                                .finished =
                                    [out] {
                                        std::lock_guard lock(out->mutex);
                                        if (++out->finished_calls == 1) out->finished.set_value();
                                    }});
    EXPECT_EQ(out->finished.get_future().wait_for(10s), std::future_status::ready) << "the window never finished";
    return out;
}

TEST(Window, AJobThatReportsTwiceIsHeardOnce) {
    auto out = run(500, 16, [](std::size_t i, Callback<int> done) {
        done(nullptr, static_cast<int>(i));
        done(std::make_exception_ptr(std::runtime_error("second report")), -1);
    });
    for (std::size_t i = 0; i < out->heard.size(); ++i) {
        EXPECT_EQ(out->heard[i], 1) << "job " << i;
        EXPECT_EQ(out->errors[i], "") << "job " << i;
    }
    EXPECT_EQ(out->finished_calls, 1);
}

TEST(Window, AStartThatThrowsFailsOnlyThatJob) {
    auto out = run(300, 8, [](std::size_t i, Callback<int> done) {
        if (i % 7 == 3) throw std::runtime_error("could not start " + std::to_string(i));
        done(nullptr, static_cast<int>(i));
    });
    for (std::size_t i = 0; i < out->heard.size(); ++i) {
        EXPECT_EQ(out->heard[i], 1) << "job " << i;
        EXPECT_EQ(out->errors[i], i % 7 == 3 ? "could not start " + std::to_string(i) : "") << "job " << i;
    }
    EXPECT_EQ(out->finished_calls, 1);
}

TEST(Window, JobsFinishingOnOtherThreadsStayWithinTheWidth) {
    constexpr std::size_t kWidth = 5;
    auto in_flight = std::make_shared<std::atomic<std::size_t>>(0);
    auto max_seen = std::make_shared<std::atomic<std::size_t>>(0);
    auto out = run(200, kWidth, [in_flight, max_seen](std::size_t i, Callback<int> done) {
        const std::size_t now = ++*in_flight;
        std::size_t seen = max_seen->load();
        while (now > seen && !max_seen->compare_exchange_weak(seen, now)) {
        }
        std::thread([in_flight, i, done = std::move(done)] {
            std::this_thread::sleep_for(std::chrono::microseconds(200 + 37 * (i % 5)));
            --*in_flight;
            done(nullptr, static_cast<int>(i));
        }).detach();
    });
    for (std::size_t i = 0; i < out->heard.size(); ++i) EXPECT_EQ(out->heard[i], 1) << "job " << i;
    EXPECT_LE(max_seen->load(), kWidth);
    EXPECT_GT(max_seen->load(), 1u);  // the window did run jobs side by side
}

}  // namespace
}  // namespace llmgate::detail
