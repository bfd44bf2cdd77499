// A window of asynchronous jobs: at most `width` in flight on the event loop, the next one started as
// each finishes (no thread per job). Used by batch() and by embedding batching.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/chain.hpp"
#include "transport/event_loop.hpp"
#include "transport/http.hpp"

namespace llmgate::inline v1::detail {

template <class T>
struct Window {
    // Starts job `i`; must call `done` exactly once (chain.hpp's async runners do).
    std::function<void(std::size_t, Callback<T>)> start;
    // Called once per finished job, serialised; return false to stop starting new jobs (fail fast).
    std::function<bool(std::size_t, std::exception_ptr, T)> on_done;
    // Called once, when every job has reported or as soon as on_done asked to stop.
    std::function<void()> finished;
};

// Runs jobs 0..count-1, started in index order, one at a time, on the event loop thread. `finished` is
// called when every started job has reported, or at once when on_done asks to stop (late results of jobs
// still in flight are then dropped). A job that reports twice is heard once; a start that throws reports
// that job as failed.
template <class T>
void run_window(std::size_t count, std::size_t width, Window<T> w) {
    using Pump = std::function<void()>;
    struct State {
        std::mutex mutex;
        Window<T> w;
        std::size_t count = 0, width = 1, next = 0, in_flight = 0;
        bool stopped = false, over = false;
        // A pump task is posted and has not run yet: the jobs that finish in one turn of the loop share
        // it instead of posting one each.
        bool pump_posted = false;
        // Per job, whether it has reported: exactly-once without an allocation per job.
        std::vector<bool> reported;
    };
    auto st = std::make_shared<State>();
    st->w = std::move(w);
    st->count = count;
    st->width = width == 0 ? 1 : width;
    if (count == 0) {
        st->w.finished();
        return;
    }
    st->reported.assign(count, false);

    // A job's result. `pump` keeps the pump alive while a job is in flight.
    auto report = [](const std::shared_ptr<State>& st, std::size_t i, const std::shared_ptr<Pump>& pump,
                     std::exception_ptr e, T v) {
        bool finish = false, post_pump = false;
        {
            std::lock_guard lock(st->mutex);
            if (st->reported[i]) return;
            st->reported[i] = true;
            --st->in_flight;
            if (st->over) return;
            if (!st->w.on_done(i, e, std::move(v))) st->stopped = true;
            if (st->stopped || (st->next >= st->count && st->in_flight == 0)) {
                st->over = true;
                finish = true;
            } else if (!st->pump_posted && st->next < st->count) {
                st->pump_posted = true;
                post_pump = true;
            }
        }
        if (finish) st->w.finished();
        // Posted rather than called: a job failing synchronously must not recurse a thousand deep.
        if (post_pump && pump) post_to_event_loop([pump] { (*pump)(); });
    };

    // Starts as many jobs as the window allows. Started outside the lock: a job may report at once.
    auto pump = std::make_shared<Pump>();
    std::weak_ptr<Pump> weak_pump = pump;
    *pump = [st, weak_pump, report] {
        {
            std::lock_guard lock(st->mutex);
            st->pump_posted = false;
        }
        for (;;) {
            std::size_t i;
            {
                std::lock_guard lock(st->mutex);
                if (st->stopped || st->over || st->next >= st->count || st->in_flight >= st->width) return;
                i = st->next++;
                ++st->in_flight;
            }
            auto self = weak_pump.lock();
            try {
                st->w.start(i, [st, i, self, report](std::exception_ptr e, T v) {
                    report(st, i, self, std::move(e), std::move(v));
                });
            } catch (...) {
                report(st, i, self, std::current_exception(), empty_value<T>());
            }
        }
    };
    // The first jobs start on the loop thread too: every start then runs there, one at a time and in
    // index order, which batch relies on to take its requests without a lock and free the list after the
    // last one.
    st->pump_posted = true;
    post_to_event_loop([pump] { (*pump)(); });
    // The pump lives as long as a callback (or that first task) holds it.
}

}  // namespace llmgate::inline v1::detail
