// One libcurl transfer: easy-handle setup, header/body callbacks and curl-error mapping, shared by the
// in-thread (sync) driver and the event loop.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "llmgate/config.hpp"
#include "transport/http.hpp"

namespace llmgate::inline v1::detail {

// Process-wide libcurl state: global init, and a share handle for DNS and TLS sessions.
void ensure_curl_initialised();
CURLSH* curl_share();
TransportSettings current_transport_settings();

// The per-request options the previous request left on a reused handle. Transfer::configure sets only
// the ones that differ: every curl_easy_setopt is a trip through libcurl's large option switch, and a
// batch of small requests spent more on those calls than on the rest of its libcurl set-up.
struct AppliedOptions {
    enum class Method : signed char { unknown, post, get };  // any other method is set in full each time
    std::string url{};
    long connect_timeout_ms = -1;
    long timeout_ms = -1;
    int max_redirects = -1;
    Method method = Method::unknown;
    signed char progress = -1;  // CURLOPT_NOPROGRESS off (a stream, or a cancellable call); -1: not set
    signed char pipewait = -1;
    bool mime = false;  // CURLOPT_MIMEPOST was set by the previous request
};

// A reusable easy handle, the transport-settings generation its fixed options were set for (0 when
// never configured) and the per-request options it carries. Owners (the sync session pool, the event
// loop) keep one per handle.
struct EasySlot {
    CURL* easy = nullptr;
    std::uint64_t settings_generation = 0;
    AppliedOptions applied{};
    // The CURLOPT_HTTPHEADER list of the request on the handle: every "Name: value" line in one
    // buffer, NUL-separated, and the list nodes pointing into it. Kept with the handle, so the next
    // request on it reuses both buffers instead of allocating its own.
    std::string header_text{};
    std::vector<curl_slist> header_nodes{};
};

// Per-transfer state the curl callbacks write into. Subclasses decide what happens to body bytes.
class Transfer {
public:
    explicit Transfer(HttpRequest&& request);
    virtual ~Transfer();
    Transfer(const Transfer&) = delete;
    Transfer& operator=(const Transfer&) = delete;

    // Sets every option on the slot's handle for this request. A handle already configured under the
    // current transport settings keeps its fixed options (no curl_easy_reset); an option that varies per
    // request is set whenever it differs from what the slot's previous request left (slot.applied), to
    // its "off" value where this request does not use it.
    void configure(EasySlot& slot, bool for_event_loop);

    const HttpRequest& request() const { return request_; }
    long status() const { return status_; }
    const Headers& headers() const { return headers_; }
    // Moves the headers out once the transfer is finished with them (a buffered reply's last step).
    Headers take_headers() { return std::move(headers_); }
    bool headers_done() const { return headers_done_; }

    // The typed error for a finished transfer that did not end in CURLE_OK.
    std::exception_ptr error_for(CURLcode code) const;

    // The request's CancelToken reads cancelled: the transfer is to end (or never start) with
    // CancelledError. Checks the token and remembers the answer.
    bool check_cancelled() {
        if (!cancelled_ && request_.cancel && request_.cancel->cancelled()) cancelled_ = true;
        return cancelled_;
    }

    // Streams time out after `request.timeout` of silence. Time in which *we* were not reading
    // (the caller was busy, or the transfer was paused for a slow consumer) is not silence:
    // restart the clock when reading resumes, and hold it while paused.
    // Only streams have an idle limit; a buffered transfer skips the clock read (it runs per callback).
    void restart_idle_clock() {
        if (idle_limit_.count() > 0) last_activity_ = std::chrono::steady_clock::now();
    }
    void hold_idle_clock() { last_activity_ = std::chrono::steady_clock::time_point::max(); }

protected:
    // Body bytes. Return n to accept, 0 to abort, CURL_WRITEFUNC_PAUSE to be called again later.
    virtual std::size_t on_body(const char* data, std::size_t n) = 0;
    // The final (non-1xx) status line and all its headers have arrived.
    virtual void on_headers_complete() {}

    std::string& body_buffer() { return buffer_; }
    bool exceeds_limit(std::size_t more);

    HttpRequest request_;
    CURL* easy_ = nullptr;
    std::string buffer_;

private:
    static std::size_t write_cb(char* ptr, std::size_t size, std::size_t nmemb, void* self);
    static std::size_t header_cb(char* ptr, std::size_t size, std::size_t nmemb, void* self);
    static int progress_cb(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t);

    void build_header_list(EasySlot& slot) const;
    void attach_multipart(EasySlot& slot);
    curl_mime* mime_ = nullptr;  // the multipart body, owned; freed with the transfer
    long status_ = 0;
    Headers headers_;
    bool headers_done_ = false;
    std::size_t received_ = 0;
    std::size_t max_bytes_ = 0;
    bool too_large_ = false;
    std::size_t announced_bytes_ = 0;  // the Content-Length that was over the limit, when that was how we knew
    std::chrono::steady_clock::time_point last_activity_{};
    std::chrono::milliseconds idle_limit_{0};
    bool idle_timed_out_ = false;
    bool cancelled_ = false;
    char errbuf_[CURL_ERROR_SIZE] = {};
};

}  // namespace llmgate::detail
