// libcurl easy-handle setup, header/body callbacks, the shared DNS/TLS cache and curl-error mapping.
#include "transport/event_loop.hpp"
#include "transport/curl_transfer.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <mutex>

#include "llmgate/errors.hpp"
#include "llmgate/version.hpp"

namespace llmgate::inline v1 {
namespace detail {
namespace {

struct CurlGlobal {
    CURLSH* share = nullptr;
    std::array<std::mutex, CURL_LOCK_DATA_LAST> locks;

    CurlGlobal() {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        share = curl_share_init();
        curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &CurlGlobal::lock);
        curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &CurlGlobal::unlock);
        curl_share_setopt(share, CURLSHOPT_USERDATA, this);
        // Connections are deliberately NOT shared: libcurl 7.88 does not support sharing the connection
        // cache between threads. Each driver (event loop, pooled sync sessions) keeps its own pool.
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    }
    // Never cleaned up: transfers may still run from static destructors of user objects.

    static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
        static_cast<CurlGlobal*>(self)->locks.at(static_cast<std::size_t>(data)).lock();
    }
    static void unlock(CURL*, curl_lock_data data, void* self) {
        static_cast<CurlGlobal*>(self)->locks.at(static_cast<std::size_t>(data)).unlock();
    }
};

CurlGlobal& global() {
    static CurlGlobal* g = new CurlGlobal();  // leaked on purpose, see above
    return *g;
}

std::mutex settings_mutex;
// Leaked, like the loop itself: the loop thread may configure a transfer while the process exits and
// static objects are destroyed.
TransportSettings& settings = *new TransportSettings();
std::uint64_t settings_generation = 1;  // guarded by settings_mutex; bumped by configure_transport

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Reserved for a reply's headers when its status line arrives (12 pairs stay under glibc's 1 KiB
// large-chunk size, whose allocation first consolidates the fast bins).
constexpr std::size_t kTypicalHeaderCount = 12;

// The most a Content-Length header makes a stream (or a reply with no size limit) reserve up front.
constexpr std::size_t kMaxReserve = 1u << 20;
// simdjson reads up to 64 bytes past a document's end (SIMDJSON_PADDING); a body with that much spare
// capacity is parsed where it lies, without a padded copy.
constexpr std::size_t kParsePadding = 64;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

}  // namespace

void ensure_curl_initialised() { (void)global(); }
CURLSH* curl_share() { return global().share; }

TransportSettings current_transport_settings() {
    std::lock_guard lock(settings_mutex);
    return settings;
}

std::string find_header(const Headers& headers, std::string_view name) {
    for (const auto& [k, v] : headers) {
        if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
            }))
            return v;
    }
    return {};
}

void set_header(Headers& headers, const std::string& name, const std::string& value) {
    const std::string key = lower(name);
    std::erase_if(headers, [&](const auto& h) { return lower(h.first) == key; });
    headers.emplace_back(name, value);
}

Transfer::Transfer(HttpRequest&& request) : request_(std::move(request)) {}

Transfer::~Transfer() {
    // curl_mime_free unbinds the parts from the handle that referenced them; the next request on that handle
    // sets CURLOPT_MIMEPOST back to null before anything reads it (AppliedOptions::mime).
    if (mime_ != nullptr) curl_mime_free(mime_);
}

// A multipart/form-data POST (a file upload) through libcurl's MIME API, which writes the boundary and
// the Content-Type header itself.
void Transfer::attach_multipart(EasySlot& slot) {
    CURL* easy = slot.easy;
    mime_ = curl_mime_init(easy);
    for (const MultipartPart& p : request_.multipart) {
        curl_mimepart* part = curl_mime_addpart(mime_);
        curl_mime_name(part, p.name.c_str());
        curl_mime_data(part, p.data.data(), p.data.size());
        if (!p.filename.empty()) curl_mime_filename(part, p.filename.c_str());
        if (!p.content_type.empty()) curl_mime_type(part, p.content_type.c_str());
    }
    curl_easy_setopt(easy, CURLOPT_MIMEPOST, mime_);
    slot.applied.mime = true;
    slot.applied.method = AppliedOptions::Method::unknown;  // the next request sets its method in full
}

void Transfer::configure(EasySlot& slot, bool for_event_loop) {
    ensure_curl_initialised();
    // Only what every request needs is read here; the whole settings (with their strings) are copied
    // only when the handle must be set up again.
    std::uint64_t generation = 0;
    long connect_timeout_ms = 0;
    std::size_t max_response_bytes = 0;
    {
        std::lock_guard lock(settings_mutex);
        generation = settings_generation;
        connect_timeout_ms = settings.connect_timeout_ms;
        max_response_bytes = settings.max_response_bytes;
    }
    CURL* easy = slot.easy;
    easy_ = easy;
    max_bytes_ = request_.max_response_bytes != 0 ? request_.max_response_bytes : max_response_bytes;

    AppliedOptions& applied = slot.applied;
    if (slot.settings_generation != generation) {
        // A new handle, or settings changed since it was set up: start from libcurl's defaults (the
        // handle keeps its live connections and caches) and set what is the same for every request.
        TransportSettings s;
        {
            std::lock_guard lock(settings_mutex);
            s = settings;
            generation = settings_generation;  // a change in between is picked up by the next request
        }
        curl_easy_reset(easy);
        applied = AppliedOptions{};
        curl_easy_setopt(easy, CURLOPT_SHARE, curl_share());
        curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");  // used only when following
        curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, s.verify_tls ? 1L : 0L);
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, s.verify_tls ? 2L : 0L);
        if (!s.ca_bundle.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, s.ca_bundle.c_str());
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::write_cb);
        curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Transfer::header_cb);
        curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, &Transfer::progress_cb);
        slot.settings_generation = generation;
    }

    // Everything below varies per request. It is set when it differs from what the handle's previous
    // request left, including the "off" values: a reused handle must not carry that request's choices.
    // The pointers into this transfer change every time.
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf_);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, this);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, this);
    if (applied.url != request_.url) {
        curl_easy_setopt(easy, CURLOPT_URL, request_.url.c_str());  // libcurl keeps its own copy
        applied.url = request_.url;
    }
    if (applied.max_redirects != request_.max_redirects) {
        curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, request_.max_redirects > 0 ? 1L : 0L);
        if (request_.max_redirects > 0)  // e.g. client-side image fetches; never provider calls
            curl_easy_setopt(easy, CURLOPT_MAXREDIRS, static_cast<long>(request_.max_redirects));
        applied.max_redirects = request_.max_redirects;
    }
    // On the event loop, a request to a host whose first connection is still being set up waits for it
    // and shares it through HTTP/2 multiplexing, if TLS (ALPN) says the server speaks HTTP/2. Only over
    // TLS: over plain http (Ollama, local gateways) libcurl cannot tell until the first reply's status
    // line, so every other request to that host would wait for it (a whole generation, for a first
    // non-streamed completion) instead of opening its own connection.
    const bool tls = request_.url.starts_with("https://") || request_.url.starts_with("HTTPS://");
    if (const signed char pipewait = for_event_loop && tls ? 1 : 0; applied.pipewait != pipewait) {
        curl_easy_setopt(easy, CURLOPT_PIPEWAIT, static_cast<long>(pipewait));
        applied.pipewait = pipewait;
    }

    const long timeout_ms = static_cast<long>(request_.timeout.count());
    if (const long connect_ms = std::min(connect_timeout_ms, timeout_ms); applied.connect_timeout_ms != connect_ms) {
        curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
        applied.connect_timeout_ms = connect_ms;
    }
    // A stream may legitimately run for a long time; what must not happen is a long silence. libcurl's
    // LOW_SPEED check averages over seconds and misses short stalls, so the progress callback (called at
    // least once a second) enforces the limit exactly.
    const long whole_transfer_ms = request_.streaming ? 0L : timeout_ms;
    if (applied.timeout_ms != whole_transfer_ms) {
        curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, whole_transfer_ms);
        applied.timeout_ms = whole_transfer_ms;
    }
    // The progress callback runs for streams (the idle limit) and for calls that can be cancelled.
    const bool progress = request_.streaming || request_.cancel.has_value();
    if (const signed char p = progress ? 1 : 0; applied.progress != p) {
        curl_easy_setopt(easy, CURLOPT_NOPROGRESS, progress ? 0L : 1L);
        applied.progress = p;
    }
    if (progress) curl_easy_setopt(easy, CURLOPT_XFERINFODATA, this);
    if (request_.streaming) {
        idle_limit_ = request_.timeout;
        restart_idle_clock();
    }

    using Method = AppliedOptions::Method;
    if (applied.mime) {
        curl_easy_setopt(easy, CURLOPT_MIMEPOST, nullptr);
        applied.mime = false;
        applied.method = Method::unknown;
    }
    if (!request_.multipart.empty()) {
        attach_multipart(slot);
    } else if (request_.method == "POST") {
        if (applied.method != Method::post) {
            curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, nullptr);
            curl_easy_setopt(easy, CURLOPT_POST, 1L);
            applied.method = Method::post;
        }
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request_.body.c_str());
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request_.body.size()));
    } else {
        const bool get = request_.method == "GET";
        if (!get || applied.method != Method::get) {
            curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);  // also undoes a previous request's POST
            curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, get ? nullptr : request_.method.c_str());
        }
        if (!get && !request_.body.empty()) {
            curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request_.body.c_str());
            curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request_.body.size()));
        }
        // Other methods are set in full every time, and leave the next request to do the same.
        applied.method = get ? Method::get : Method::unknown;
    }

    build_header_list(slot);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, slot.header_nodes.data());
}

// libcurl only reads a CURLOPT_HTTPHEADER list during the transfer (it never frees or changes it), so
// the list is built here in two buffers: every "Name: value" line in one, NUL-separated, and the nodes
// pointing into it. curl_slist_append would cost three allocations (line, copy, node) per header. The
// buffers belong to the handle's slot, so a reused handle usually needs no allocation at all; one that
// carried unusually large headers gives the memory back instead of keeping it while idle.
void Transfer::build_header_list(EasySlot& slot) const {
    static constexpr std::string_view kUserAgent = "User-Agent: llmgate-cpp/" LLMGATE_VERSION_STRING;
    static constexpr std::string_view kNoExpect = "Expect:";  // no 100-continue round trip for big bodies
    bool has_user_agent = false;
    std::size_t size = kUserAgent.size() + 1 + kNoExpect.size() + 1;
    for (const auto& [k, v] : request_.headers) {
        if (k.size() == 10 && lower(k) == "user-agent") has_user_agent = true;
        size += k.size() + 2 + v.size() + 1;
    }
    constexpr std::size_t kKeepBytes = 16 * 1024;
    if (slot.header_text.capacity() > kKeepBytes && size <= kKeepBytes) std::string().swap(slot.header_text);
    slot.header_text.clear();
    slot.header_text.reserve(size);  // the nodes point into it, so it must never reallocate
    slot.header_nodes.clear();
    slot.header_nodes.reserve(request_.headers.size() + 2);
    auto add = [&](std::string_view a, std::string_view b = {}, bool colon = false) {
        char* line = slot.header_text.data() + slot.header_text.size();
        slot.header_text.append(a);
        if (colon) slot.header_text.append(": ");
        slot.header_text.append(b);
        slot.header_text.push_back('\0');
        slot.header_nodes.push_back(curl_slist{line, nullptr});
    };
    for (const auto& [k, v] : request_.headers) add(k, v, true);
    if (!has_user_agent) add(kUserAgent);
    add(kNoExpect);
    for (std::size_t i = 0; i + 1 < slot.header_nodes.size(); ++i)
        slot.header_nodes[i].next = &slot.header_nodes[i + 1];
}

bool Transfer::exceeds_limit(std::size_t more) {
    if (max_bytes_ != 0 && received_ + more > max_bytes_) {
        too_large_ = true;
        return true;
    }
    received_ += more;
    return false;
}

int Transfer::progress_cb(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* t = static_cast<Transfer*>(self);
    if (t->check_cancelled()) return 1;  // abort: CURLE_ABORTED_BY_CALLBACK, reported as CancelledError
    if (t->idle_limit_.count() > 0 && std::chrono::steady_clock::now() - t->last_activity_ > t->idle_limit_) {
        t->idle_timed_out_ = true;
        return 1;  // abort: CURLE_ABORTED_BY_CALLBACK, reported as TimeoutError
    }
    return 0;
}

std::size_t Transfer::write_cb(char* ptr, std::size_t size, std::size_t nmemb, void* self) {
    auto* t = static_cast<Transfer*>(self);
    const std::size_t n = size * nmemb;
    t->restart_idle_clock();
    if (!t->headers_done_) {  // a body without a header terminator we saw (e.g. HTTP/0.9-ish): treat as done
        t->headers_done_ = true;
        curl_easy_getinfo(t->easy_, CURLINFO_RESPONSE_CODE, &t->status_);
        t->on_headers_complete();
    }
    return t->on_body(ptr, n);
}

std::size_t Transfer::header_cb(char* ptr, std::size_t size, std::size_t nmemb, void* self) {
    auto* t = static_cast<Transfer*>(self);
    const std::size_t n = size * nmemb;
    t->restart_idle_clock();
    std::string_view line(ptr, n);
    if (line.substr(0, 5) == "HTTP/") {  // a new status line: 1xx interim replies start over
        t->headers_.clear();
        // Room for a typical provider reply's headers (OpenAI sends about twenty), in one allocation
        // instead of a vector growing 1, 2, 4, 8.
        t->headers_.reserve(kTypicalHeaderCount);
        t->headers_done_ = false;
        return n;
    }
    if (trim(line).empty()) {
        long code = 0;
        curl_easy_getinfo(t->easy_, CURLINFO_RESPONSE_CODE, &code);
        if (code >= 200 && !t->headers_done_) {
            t->status_ = code;
            t->headers_done_ = true;
            t->on_headers_complete();
        }
        return n;
    }
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
        auto& [name, value] = t->headers_.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
        for (char& c : name)  // header names are ASCII; std::tolower would be a locale call per byte
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        // One allocation for the whole body instead of a chain of growing ones (bounded: the header
        // may lie, and the size cap still applies as bytes arrive).
        if (name == "content-length") {
            std::size_t length = 0;
            const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
            if (ec == std::errc() && end == value.data() + value.size()) {
                // A reply that announces more than the limit fails now, before its body is downloaded.
                if (t->max_bytes_ != 0 && length > t->max_bytes_) {
                    t->too_large_ = true;
                    t->announced_bytes_ = length;
                    return 0;  // aborts the transfer (CURLE_WRITE_ERROR), reported by error_for
                }
                // A buffered body is reserved whole (untouched pages cost no memory until bytes arrive),
                // with room for the parser's read-ahead padding; a stream's pieces are handed on as they
                // come, so its buffer stays small.
                const std::size_t most = t->request_.streaming || t->max_bytes_ == 0 ? kMaxReserve : t->max_bytes_;
                if (length <= most) t->buffer_.reserve(length + kParsePadding);
            }
        }
    }
    return n;
}

std::exception_ptr Transfer::error_for(CURLcode code) const {
    ErrorInfo info;
    info.provider = request_.provider;
    info.model = request_.model;
    info.status = static_cast<int>(status_);
    const std::string detail = errbuf_[0] != '\0' ? std::string(errbuf_) : std::string(curl_easy_strerror(code));
    if (cancelled_) {
        info.status = 0;
        info.message = "cancelled by the caller (its CancelToken)";
        return std::make_exception_ptr(CancelledError(std::move(info)));
    }
    if (idle_timed_out_) {
        info.message = "timed out: no data from the provider for " + std::to_string(idle_limit_.count()) + " ms";
        return std::make_exception_ptr(TimeoutError(std::move(info)));
    }
    if (too_large_) {
        info.message = (announced_bytes_ != 0 ? "the reply announces " + std::to_string(announced_bytes_) + " bytes, more"
                                              : std::string("the reply is larger")) +
                       " than the response size limit of " + std::to_string(max_bytes_) +
                       " bytes; raise it with Options::max_response_bytes (EmbedOptions::max_response_bytes for "
                       "embeddings) for one call, GateConfig::max_response_bytes for a gate, or "
                       "TransportSettings::max_response_bytes (llmgate::configure_transport) for the process";
        return std::make_exception_ptr(ResponseParseError(std::move(info)));
    }
    switch (code) {
        case CURLE_OPERATION_TIMEDOUT:
            info.message = "timed out: " + detail;
            return std::make_exception_ptr(TimeoutError(std::move(info)));
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL:
            info.message = "bad URL: " + detail;
            return std::make_exception_ptr(InvalidRequestError(std::move(info)));
        case CURLE_PARTIAL_FILE:
            info.message = "connection closed before the reply was complete: " + detail;
            return std::make_exception_ptr(ConnectionError(std::move(info)));
        default:
            info.message = "transport error: " + detail;
            return std::make_exception_ptr(ConnectionError(std::move(info)));
    }
}

}  // namespace detail

void configure_transport(const TransportSettings& s) {
    {
        std::lock_guard lock(detail::settings_mutex);
        detail::settings = s;
        ++detail::settings_generation;  // reused handles pick up TLS and CA changes
    }
    detail::transport_settings_changed();
}

TransportSettings transport_settings() { return detail::current_transport_settings(); }

}  // namespace llmgate
