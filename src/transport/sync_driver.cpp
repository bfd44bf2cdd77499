// Drives transfers in the calling thread: a pool of (multi, easy) sessions so sequential calls reuse
// connections, and a body reader that moves bytes only when the caller asks for more.
#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "transport/event_loop.hpp"
#include "llmgate/errors.hpp"
#include "transport/credential_scrub.hpp"
#include "transport/curl_transfer.hpp"
#include "transport/http.hpp"

namespace llmgate::inline v1::detail {
namespace {

// A multi handle owns a connection cache; keeping (multi, easy) pairs alive keeps connections warm.
struct Session {
    CURLM* multi = curl_multi_init();
    EasySlot slot{.easy = curl_easy_init()};
    CURL* easy() const { return slot.easy; }
    ~Session() {
        curl_easy_cleanup(slot.easy);
        curl_multi_cleanup(multi);
    }
};

class SessionPool {
public:
    std::unique_ptr<Session> take() {
        {
            std::lock_guard lock(mutex_);
            if (!idle_.empty()) {
                auto s = std::move(idle_.back());  // the most recently used one has the warmest connections
                idle_.pop_back();
                return s;
            }
        }
        ensure_curl_initialised();
        return std::make_unique<Session>();
    }
    void give_back(std::unique_ptr<Session> s) {
        std::lock_guard lock(mutex_);
        if (idle_.size() < kMaxIdle) idle_.push_back(std::move(s));
    }

private:
    static constexpr std::size_t kMaxIdle = 32;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Session>> idle_;
};

SessionPool& pool() {
    static SessionPool* p = new SessionPool();  // leaked: may be used from static destructors
    return *p;
}

class PulledTransfer final : public Transfer {
public:
    using Transfer::Transfer;
    std::string& pending() { return body_buffer(); }
    // Whether libcurl holds the body back until the reader has taken what is pending (it then hands the
    // held bytes again); clears it.
    bool take_paused() { return std::exchange(paused_, false); }

protected:
    std::size_t on_body(const char* data, std::size_t n) override {
        // One curl_multi_perform reads whatever the socket holds: when the server is ahead of a slow
        // caller, megabytes. Past this much not yet taken, libcurl keeps the rest in the socket, as the
        // event loop's streams do (event_loop.cpp), so a long stream's memory stays flat.
        if (body_buffer().size() >= kPendingLimit) {
            paused_ = true;
            hold_idle_clock();  // waiting for our own caller is not provider silence
            return CURL_WRITEFUNC_PAUSE;
        }
        if (exceeds_limit(n)) return 0;
        body_buffer().append(data, n);
        return n;
    }

private:
    static constexpr std::size_t kPendingLimit = 64 * 1024;
    bool paused_ = false;
};

class SyncBodyReader final : public BodyReader {
public:
    explicit SyncBodyReader(HttpRequest request) : session_(pool().take()), transfer_(std::move(request)) {
        transfer_.configure(session_->slot, false);
        curl_multi_add_handle(session_->multi, session_->easy());
        pump_until([this] { return transfer_.headers_done(); });
        if (finished_ && result_ != CURLE_OK) {
            auto err = transfer_.error_for(result_);
            release();
            std::rethrow_exception(err);
        }
    }
    ~SyncBodyReader() override { release(); }

    long status() const override { return transfer_.status(); }
    const Headers& headers() const override { return transfer_.headers(); }
    Headers take_headers() { return transfer_.take_headers(); }
    const HttpRequest& request() const { return transfer_.request(); }

    bool read(std::string& out) override {
        if (transfer_.take_paused()) {
            transfer_.restart_idle_clock();
            curl_easy_pause(session_->easy(), CURLPAUSE_CONT);  // may hand the held bytes over at once
        }
        pump_until([this] { return !transfer_.pending().empty(); });
        if (!transfer_.pending().empty()) {
            if (out.empty())
                out.swap(transfer_.pending());
            else
                out += transfer_.pending();
            transfer_.pending().clear();
            return true;
        }
        if (result_ != CURLE_OK) std::rethrow_exception(transfer_.error_for(result_));
        return false;
    }

private:
    // Runs libcurl until `ready()` holds or the transfer ends, waiting on the sockets in between.
    template <class Ready>
    void pump_until(Ready ready) {
        transfer_.restart_idle_clock();  // the time the caller spent between reads is not provider silence
        while (!ready() && !finished_) {
            if (transfer_.check_cancelled()) {  // cancelled from another thread (or before the start)
                finished_ = true;
                result_ = CURLE_ABORTED_BY_CALLBACK;
                break;
            }
            int running = 0;
            const CURLMcode mc = curl_multi_perform(session_->multi, &running);
            int left = 0;
            while (CURLMsg* msg = curl_multi_info_read(session_->multi, &left)) {
                if (msg->msg == CURLMSG_DONE) {
                    finished_ = true;
                    result_ = msg->data.result;
                }
            }
            if (mc != CURLM_OK && !finished_) {
                finished_ = true;
                result_ = CURLE_RECV_ERROR;
            }
            // A cancellable call wakes often enough to notice its token soon; others wait for the sockets.
            const int wait_ms = transfer_.request().cancel ? static_cast<int>(kCancelPoll.count()) : 1000;
            if (!ready() && !finished_) curl_multi_poll(session_->multi, nullptr, 0, wait_ms, nullptr);
        }
    }

    void release() {
        if (!session_) return;
        // Removing a finished transfer keeps its connection in the session's cache; removing an
        // unfinished one (the caller stopped early) closes that connection, cancelling the transfer.
        curl_multi_remove_handle(session_->multi, session_->easy());
        // A transfer that did not end cleanly (stopped early, failed, aborted) leaves no doubt behind:
        // the handle's next use starts from a full reset.
        if (!finished_ || result_ != CURLE_OK) session_->slot.settings_generation = 0;
        pool().give_back(std::move(session_));
    }

    std::unique_ptr<Session> session_;
    PulledTransfer transfer_;
    bool finished_ = false;
    CURLcode result_ = CURLE_OK;
};

}  // namespace

std::unique_ptr<BodyReader> open(HttpRequest request) { return std::make_unique<SyncBodyReader>(std::move(request)); }

HttpResponse perform(HttpRequest request) {
    SyncBodyReader reader(std::move(request));
    HttpResponse response;
    response.body = reader.read_all();
    response.status = reader.status();
    response.headers = reader.take_headers();  // the reader is done with them
    scrub_error_reply(reader.request().headers, response.status, response.body);
    return response;
}

}  // namespace llmgate::detail
