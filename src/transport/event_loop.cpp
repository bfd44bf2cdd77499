// The one shared event loop: a single background thread driving a libcurl multi handle for every
// asynchronous call in the process (no thread per request; connections reused and multiplexed).
#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <queue>
#include <thread>
#include <unordered_map>
#include <vector>

#include "transport/event_loop.hpp"
#include "llmgate/errors.hpp"
#include "transport/credential_scrub.hpp"
#include "transport/curl_transfer.hpp"
#include "transport/http.hpp"

namespace llmgate::inline v1::detail {
namespace {

// Shared between the loop (producer) and the caller iterating a stream (consumer).
struct StreamChannel {
    std::mutex mutex;
    std::condition_variable cv;
    std::string buffer;
    bool done = false;
    bool paused = false;
    std::exception_ptr error;
    long status = 0;
    Headers headers;
};

class EventLoop;

class AsyncTransfer final : public Transfer {
public:
    AsyncTransfer(HttpRequest&& request, Callback<HttpResponse> done)
        : Transfer(std::move(request)), on_response_(std::move(done)) {}
    AsyncTransfer(HttpRequest&& request, Callback<std::unique_ptr<BodyReader>> ready)
        : Transfer(std::move(request)), on_stream_(std::move(ready)) {}

    std::uint64_t id = 0;
    EasySlot slot{};

    void finish(CURLcode code);

protected:
    std::size_t on_body(const char* data, std::size_t n) override;
    void on_headers_complete() override;

private:
    bool streaming() const { return static_cast<bool>(on_stream_); }

    Callback<HttpResponse> on_response_;
    Callback<std::unique_ptr<BodyReader>> on_stream_;
    std::shared_ptr<StreamChannel> channel_;  // set once a stream has been handed to the caller
};

class EventLoop {
public:
    static EventLoop& instance() {
        static EventLoop* loop = [] {
            auto* l = new EventLoop();  // leaked: futures may be resolved during static destruction
            created.store(l);
            return l;
        }();
        return *loop;
    }
    // The loop if it has been started, else nullptr (settings changes need not start it).
    static EventLoop* if_started() { return created.load(); }
    bool on_loop_thread() const {
        return std::this_thread::get_id() == loop_thread_id_.load(std::memory_order_relaxed);
    }

    void apply_connection_limits() {
        post([this] {
            const TransportSettings s = current_transport_settings();
            curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, s.max_host_connections);
            curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, s.max_total_connections);
        });
    }

    void post(std::function<void()> task) {
        {
            std::lock_guard lock(mutex_);
            tasks_.push_back(std::move(task));
        }
        // The loop looks at its task queue before it next waits, so a task posted from the loop thread
        // itself (a batch starting its next request from a finished one) needs no wake-up syscall.
        if (std::this_thread::get_id() != loop_thread_id_.load(std::memory_order_relaxed)) wake();
    }

    // Runs `task` on the loop thread once `delay` has passed (retry backoff, rate-limit waits): a timer,
    // so waiting never blocks the loop or costs a thread.
    void post_after(std::chrono::milliseconds delay, std::function<void()> task) {
        {
            std::lock_guard lock(mutex_);
            timers_.push(Timer{std::chrono::steady_clock::now() + delay, next_timer_seq_++, std::move(task)});
        }
        wake();
    }

    // (Made with make_shared: one allocation for the transfer and its count.)
    void start(std::shared_ptr<AsyncTransfer> shared) {
        // On the loop thread outside libcurl (a batch starting its next request from a finished one),
        // the transfer is added at once; libcurl forbids adding handles from inside its callbacks, and
        // other threads must hand it over.
        if (std::this_thread::get_id() == loop_thread_id_.load(std::memory_order_relaxed) && !in_curl_) {
            add(shared);
            return;
        }
        post([this, t = std::move(shared)] { add(t); });
    }

    void unpause(std::uint64_t id) {
        post([this, id] {
            if (auto it = transfers_.find(id); it != transfers_.end()) {
                it->second->restart_idle_clock();
                in_curl_ = true;  // unpausing delivers held data through the callbacks
                curl_easy_pause(it->second->slot.easy, CURLPAUSE_CONT);
                in_curl_ = false;
            }
        });
    }

    // The caller dropped a stream before its end: abort the transfer and forget it.
    void cancel(std::uint64_t id) {
        post([this, id] {
            if (auto it = transfers_.find(id); it != transfers_.end()) {
                curl_multi_remove_handle(multi_, it->second->slot.easy);
                curl_easy_cleanup(it->second->slot.easy);  // never reused: it may be mid-transfer or paused
                transfers_.erase(it);
            }
        });
    }

    // A token was cancelled: abort every transfer whose token now reads cancelled. Collected first, as
    // finishing one runs callbacks that may start others.
    void sweep_cancelled() {
        std::vector<std::shared_ptr<AsyncTransfer>> stopped;
        for (auto& [id, t] : transfers_)
            if (t->check_cancelled()) stopped.push_back(t);
        for (auto& t : stopped) {
            curl_multi_remove_handle(multi_, t->slot.easy);
            curl_easy_cleanup(t->slot.easy);  // mid-transfer: never reused
            t->slot = EasySlot{};
            transfers_.erase(t->id);
            try {
                t->finish(CURLE_ABORTED_BY_CALLBACK);
            } catch (...) {  // a throwing callback must never take the shared loop down with it
            }
        }
    }

private:
    // Interrupts curl_multi_poll so the loop sees a new task or timer.
    void wake() { curl_multi_wakeup(multi_); }

    EventLoop() {
        ensure_curl_initialised();
        multi_ = curl_multi_init();
        const TransportSettings s = current_transport_settings();
        curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, s.max_host_connections);
        curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, s.max_total_connections);
        thread_ = std::thread([this] {
            loop_thread_id_.store(std::this_thread::get_id(), std::memory_order_relaxed);
            run();
        });
        thread_.detach();  // lives for the whole process
    }

    // Easy handles are reused: creating one (and freeing it) costs more than the rest of a small
    // request's client-side work in libcurl. Transfer::configure resets a reused handle completely.
    EasySlot take_easy() {
        if (idle_easy_.empty()) return EasySlot{.easy = curl_easy_init()};
        EasySlot slot = std::move(idle_easy_.back());
        idle_easy_.pop_back();
        return slot;
    }
    void recycle(EasySlot&& slot) {
        if (idle_easy_.size() < kMaxIdleEasy)
            idle_easy_.push_back(std::move(slot));
        else
            curl_easy_cleanup(slot.easy);
    }

    void add(const std::shared_ptr<AsyncTransfer>& shared) {
        AsyncTransfer* raw = shared.get();
        raw->id = next_id_++;
        if (raw->check_cancelled()) {  // cancelled while it waited to be added: never sent
            raw->finish(CURLE_ABORTED_BY_CALLBACK);
            return;
        }
        raw->slot = take_easy();
        if (raw->slot.easy == nullptr) {
            raw->finish(CURLE_FAILED_INIT);
            return;
        }
        raw->configure(raw->slot, true);
        if (curl_multi_add_handle(multi_, raw->slot.easy) != CURLM_OK) {
            raw->finish(CURLE_FAILED_INIT);
            curl_easy_cleanup(raw->slot.easy);
            return;
        }
        transfers_.emplace(raw->id, shared);
    }

    void run() {
        for (;;) {
            std::deque<std::function<void()>> tasks;
            {
                std::lock_guard lock(mutex_);
                tasks.swap(tasks_);
                const auto now = std::chrono::steady_clock::now();
                while (!timers_.empty() && timers_.top().due <= now) {
                    tasks.push_back(std::move(const_cast<Timer&>(timers_.top()).task));
                    timers_.pop();
                }
            }
            for (auto& task : tasks) {
                try {
                    task();
                } catch (...) {  // a task's failure is its own; the loop serves everyone else
                }
            }

            int running = 0;
            in_curl_ = true;
            curl_multi_perform(multi_, &running);
            in_curl_ = false;
            int left = 0;
            while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
                if (msg->msg != CURLMSG_DONE) continue;
                AsyncTransfer* t = nullptr;
                curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
                const CURLcode code = msg->data.result;
                CURL* easy = msg->easy_handle;
                curl_multi_remove_handle(multi_, easy);
                auto it = transfers_.find(t->id);
                auto owned = it->second;
                transfers_.erase(it);
                // Only a handle whose transfer ended cleanly is reused; after an error (an abort, a
                // timeout) a fresh one costs little and leaves no doubt about leftover state. It goes
                // back before the callbacks run, so a request they start at once reuses it. (finish()
                // reads only the transfer's own fields, never the handle.)
                if (code == CURLE_OK)
                    recycle(std::move(owned->slot));
                else
                    curl_easy_cleanup(easy);
                owned->slot = EasySlot{};
                // A throwing callback must never take the shared loop down with it.
                try {
                    owned->finish(code);
                } catch (...) {
                }
            }
            int wait_ms = 1000;
            {
                std::lock_guard lock(mutex_);
                if (!tasks_.empty()) continue;
                if (!timers_.empty()) {
                    const auto until = std::chrono::duration_cast<std::chrono::milliseconds>(
                        timers_.top().due - std::chrono::steady_clock::now());
                    wait_ms = static_cast<int>(std::clamp<std::int64_t>(until.count() + 1, 0, 1000));
                }
            }
            curl_multi_poll(multi_, nullptr, 0, wait_ms, nullptr);
        }
    }

    struct Timer {
        std::chrono::steady_clock::time_point due;
        std::uint64_t seq;  // equal deadlines run in the order they were posted
        std::function<void()> task;
        bool operator>(const Timer& o) const { return due != o.due ? due > o.due : seq > o.seq; }
    };

    static inline std::atomic<EventLoop*> created{nullptr};
    CURLM* multi_ = nullptr;
    std::thread thread_;
    std::mutex mutex_;
    std::deque<std::function<void()>> tasks_;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;  // guarded by mutex_
    std::uint64_t next_timer_seq_ = 0;
    std::unordered_map<std::uint64_t, std::shared_ptr<AsyncTransfer>> transfers_;
    std::uint64_t next_id_ = 1;
    // As many as a busy batch keeps in flight; beyond that a burst's extra handles are freed.
    static constexpr std::size_t kMaxIdleEasy = 256;
    std::vector<EasySlot> idle_easy_;  // loop thread only
    bool in_curl_ = false;             // loop thread only: inside a libcurl call that runs our callbacks
    std::atomic<std::thread::id> loop_thread_id_{};
};

// The consumer's side of an event-loop stream.
class ChannelBodyReader final : public BodyReader {
public:
    ChannelBodyReader(std::shared_ptr<StreamChannel> ch, std::uint64_t id) : ch_(std::move(ch)), id_(id) {}
    ~ChannelBodyReader() override {
        bool done;
        {
            std::lock_guard lock(ch_->mutex);
            done = ch_->done;
        }
        if (!done) EventLoop::instance().cancel(id_);
    }
    long status() const override { return ch_->status; }
    const Headers& headers() const override { return ch_->headers; }

    bool read(std::string& out) override {
        bool resume = false;
        {
            std::unique_lock lock(ch_->mutex);
            if (ch_->buffer.empty() && !ch_->done) refuse_to_wait_on_event_loop();
            ch_->cv.wait(lock, [&] { return !ch_->buffer.empty() || ch_->done; });
            if (!ch_->buffer.empty()) {
                out += ch_->buffer;
                ch_->buffer.clear();
                resume = ch_->paused;
                ch_->paused = false;
            } else if (ch_->error) {
                std::rethrow_exception(ch_->error);
            } else {
                return false;
            }
        }
        if (resume) EventLoop::instance().unpause(id_);
        return true;
    }

private:
    std::shared_ptr<StreamChannel> ch_;
    std::uint64_t id_;
};

// How much a stream may buffer ahead of a slow consumer before the loop pauses its transfer.
constexpr std::size_t kStreamBufferLimit = 1u << 20;

void AsyncTransfer::on_headers_complete() {
    if (!streaming() || status() >= 400) return;  // errors are delivered whole, at the end
    channel_ = std::make_shared<StreamChannel>();
    channel_->status = status();
    channel_->headers = headers();
    auto ready = std::move(on_stream_);
    on_stream_ = [](std::exception_ptr, std::unique_ptr<BodyReader>) {};  // keep streaming() true
    try {
        ready(nullptr, std::make_unique<ChannelBodyReader>(channel_, id));
    } catch (...) {
    }
}

std::size_t AsyncTransfer::on_body(const char* data, std::size_t n) {
    if (!channel_) {
        if (exceeds_limit(n)) return 0;
        buffer_.append(data, n);
        return n;
    }
    std::lock_guard lock(channel_->mutex);
    if (channel_->buffer.size() >= kStreamBufferLimit) {
        // libcurl hands these same bytes again after unpause, so they are not stored (or counted
        // against max_response_bytes) now.
        channel_->paused = true;
        hold_idle_clock();  // waiting for our own consumer is not provider silence
        return CURL_WRITEFUNC_PAUSE;
    }
    if (exceeds_limit(n)) return 0;
    channel_->buffer.append(data, n);
    channel_->cv.notify_one();
    return n;
}

void AsyncTransfer::finish(CURLcode code) {
    std::exception_ptr error = code == CURLE_OK ? nullptr : error_for(code);
    if (channel_) {
        std::lock_guard lock(channel_->mutex);
        channel_->done = true;
        channel_->error = error;
        channel_->cv.notify_all();
        return;
    }
    if (on_response_) {
        if (error) {
            on_response_(error, HttpResponse{});
        } else {
            scrub_error_reply(request_.headers, status(), buffer_);
            on_response_(nullptr, HttpResponse{status(), take_headers(), std::move(buffer_)});
        }
        return;
    }
    // A stream that failed before headers, or whose status is an error: hand over a finished reader.
    if (error) {
        on_stream_(error, nullptr);
        return;
    }
    auto ch = std::make_shared<StreamChannel>();
    ch->status = status();
    ch->headers = take_headers();
    // (A stream's error body is scrubbed where it is read, by HttpProvider::make_stream, for the sync
    // and async paths alike: the sync reader hands it over in pieces.)
    ch->buffer = std::move(buffer_);
    ch->done = true;
    on_stream_(nullptr, std::make_unique<ChannelBodyReader>(ch, id));
}

}  // namespace

void cancel_requested() {
    if (EventLoop* loop = EventLoop::if_started()) loop->post([loop] { loop->sweep_cancelled(); });
}

void perform_async(HttpRequest&& request, Callback<HttpResponse> done) {
    EventLoop::instance().start(std::make_shared<AsyncTransfer>(std::move(request), std::move(done)));
}

void open_async(HttpRequest&& request, Callback<std::unique_ptr<BodyReader>> ready) {
    request.streaming = true;
    EventLoop::instance().start(std::make_shared<AsyncTransfer>(std::move(request), std::move(ready)));
}

void post_to_event_loop(std::function<void()> task) { EventLoop::instance().post(std::move(task)); }

void post_to_event_loop_after(std::chrono::milliseconds delay, std::function<void()> task) {
    EventLoop::instance().post_after(delay, std::move(task));
}

void refuse_to_wait_on_event_loop() {
    const EventLoop* loop = EventLoop::if_started();
    if (loop != nullptr && loop->on_loop_thread())
        throw InvalidRequestError(
            ErrorInfo{.message = "a stream cannot be read on llmgate's event loop thread (inside an llmgate callback), "
                                 "where it would wait for itself: hand it to a thread of your own"});
}

void transport_settings_changed() {
    if (EventLoop* loop = EventLoop::if_started()) loop->apply_connection_limits();
}

}  // namespace llmgate::detail
