// The MCP Streamable HTTP transport over llmgate's libcurl transport: each request a POST whose reply is
// JSON or an SSE stream (resumed with GET + Last-Event-ID after the server's `retry`), the session id and
// protocol version headers, DELETE of the session on close.
#include <atomic>
#include <future>
#include <memory>
#include <list>
#include <mutex>
#include <thread>
#include <utility>

#include "llmgate/errors.hpp"
#include "mcp/jsonrpc.hpp"
#include "mcp/oauth.hpp"
#include "mcp/transport.hpp"
#include "transport/http.hpp"
#include "transport/sse.hpp"

namespace llmgate::inline v1::mcp::detail {

namespace {

using llmgate::detail::BodyReader;
using llmgate::detail::Headers;
using llmgate::detail::HttpRequest;
using llmgate::detail::SseEvent;
using llmgate::detail::SseParser;

ErrorInfo info(std::string message, int status = 0) {
    return ErrorInfo{.provider = "mcp", .status = status, .message = std::move(message)};
}

bool starts_with_ci(const std::string& value, std::string_view prefix) {
    if (value.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(value[i])) != prefix[i]) return false;
    return true;
}

class HttpTransport final : public Transport {
public:
    HttpTransport(std::string url, const ClientOptions& options) : url_(std::move(url)), options_(options) {
        if (!url_.starts_with("http://") && !url_.starts_with("https://"))
            throw InvalidRequestError(info("MCP: the server URL must be http:// or https://"));
        if (options_.oauth) oauth_ = std::make_unique<OAuth>(url_, *options_.oauth, options_.connect_timeout);
    }
    ~HttpTransport() override { close(); }

    void start(TransportSink sink) override { sink_ = std::move(sink); }

    void send(const json& message) override {
        if (closed_) throw ConnectionError(info("MCP HTTP session is closed"));
        const bool is_request = message.contains("method") && message.contains("id");
        if (!is_request && message.value("method", "") == "notifications/cancelled") {
            // Sent when a call gave up waiting: in the background, so a hung server cannot hold the caller
            // past its deadline a second time.
            auto stream = std::make_shared<Stream>();
            std::lock_guard lock(mu_);
            reap_finished();
            streams_.push_back(stream);
            stream->thread = std::thread([this, stream, body = message.dump()] {
                try {
                    llmgate::detail::perform(make_request("POST", body, std::min(options_.timeout, std::chrono::milliseconds(10000)),
                                                          stream->cancel));
                } catch (const std::exception&) {
                }
                stream->finished = true;
            });
            return;
        }
        if (!is_request) {
            // A notification or our reply to the server: 202 Accepted, nothing to read.
            auto reader = open_authorized("POST", message.dump(), options_.timeout, std::nullopt);
            std::string text = reader->read_all();
            if (!llmgate::detail::is_success_status(reader->status())) throw_error(http_error_ptr(reader->status(), text));
            return;
        }
        auto stream = std::make_shared<Stream>();
        stream->id = message["id"];
        {
            std::lock_guard lock(mu_);
            reap_finished();
            streams_.push_back(stream);
            stream->thread = std::thread([this, stream, body = message.dump()] { run_request(*stream, body); });
        }
    }

    void abandon(const json& id) override {
        std::lock_guard lock(mu_);
        for (auto& s : streams_)
            if (s->id == id) s->cancel.cancel();
    }

    // The standalone GET stream: server requests and notifications outside any call (elicitation sent
    // without a related request, tools/list_changed). A server without one answers 405.
    // It is open (or refused) before initialized() returns, so the server sees it before the session's
    // first call: opened in the background instead, it could reach a busy server in the middle of a call,
    // where a server expecting a call's resumption GET takes it for one (the conformance suite's
    // sse-retry scenario failed that way on a loaded machine).
    void initialized() override {
        std::promise<void> opened;
        std::future<void> first_open = opened.get_future();
        {
            std::lock_guard lock(mu_);
            if (closed_ || listener_.joinable()) return;
            listener_ = std::thread([this, opened = std::move(opened)]() mutable { listen(opened); });
        }
        first_open.wait_for(options_.connect_timeout);
    }

    void set_protocol_version(const std::string& version) override {
        std::lock_guard lock(mu_);
        protocol_version_ = version;
    }

    void reset_session() override {
        std::thread listener;
        {
            std::lock_guard lock(mu_);
            listener_cancel_.cancel();
            listener.swap(listener_);
        }
        if (listener.joinable()) listener.get_id() == std::this_thread::get_id() ? listener.detach() : listener.join();
        std::lock_guard lock(mu_);
        listener_cancel_ = CancelToken{};
        session_id_.clear();
        protocol_version_.clear();
    }

    void close() override {
        if (closed_.exchange(true)) return;
        std::list<std::shared_ptr<Stream>> streams;
        {
            std::lock_guard lock(mu_);
            for (auto& s : streams_) s->cancel.cancel();
            streams.swap(streams_);
        }
        for (auto& s : streams)
            if (s->thread.joinable()) s->thread.get_id() == std::this_thread::get_id() ? s->thread.detach() : s->thread.join();
        std::thread listener;
        {
            std::lock_guard lock(mu_);
            listener_cancel_.cancel();
            listener.swap(listener_);
        }
        if (listener.joinable()) listener.get_id() == std::this_thread::get_id() ? listener.detach() : listener.join();
        std::string session;
        {
            std::lock_guard lock(mu_);
            session = session_id_;
        }
        if (!session.empty()) {
            try {  // a server that does not allow ending sessions answers 405: nothing more to do
                llmgate::detail::perform(make_request("DELETE", "", std::min(options_.timeout, std::chrono::milliseconds(5000))));
            } catch (const std::exception&) {
            }
        }
    }

private:
    struct Stream {
        json id{};
        CancelToken cancel{};
        std::thread thread{};
        std::atomic<bool> finished{false};
    };

    HttpRequest make_request(const std::string& method, std::string body, std::chrono::milliseconds timeout,
                             std::optional<CancelToken> cancel = std::nullopt) const {
        HttpRequest r;
        r.method = method;
        r.url = url_;
        r.timeout = timeout;
        r.provider = "mcp";
        r.cancel = std::move(cancel);
        for (const auto& [k, v] : options_.headers) llmgate::detail::set_header(r.headers, k, v);
        if (oauth_ && llmgate::detail::find_header(r.headers, "authorization").empty())
            if (std::string bearer = oauth_->authorization(); !bearer.empty())
                llmgate::detail::set_header(r.headers, "Authorization", bearer);
        if (method == "POST") {
            llmgate::detail::set_header(r.headers, "Content-Type", "application/json");
            llmgate::detail::set_header(r.headers, "Accept", "application/json, text/event-stream");
        } else if (method == "GET") {
            llmgate::detail::set_header(r.headers, "Accept", "text/event-stream");
        }
        std::lock_guard lock(mu_);
        if (!session_id_.empty()) llmgate::detail::set_header(r.headers, "Mcp-Session-Id", session_id_);
        if (!protocol_version_.empty()) llmgate::detail::set_header(r.headers, "MCP-Protocol-Version", protocol_version_);
        r.body = std::move(body);
        return r;
    }

    // Opens the request; a 401 or 403 with OAuth set runs the authorization (oauth.hpp) and sends it again with
    // the new token (a few times at most: step-ups may ask for more scope once or twice).
    std::unique_ptr<BodyReader> open_authorized(const std::string& method, std::string body, std::chrono::milliseconds timeout,
                                                std::optional<CancelToken> cancel) {
        for (int attempt = 0;; ++attempt) {
            const std::uint64_t generation = oauth_ ? oauth_->generation() : 0;
            auto reader = llmgate::detail::open(make_request(method, body, timeout, cancel));
            const long status = reader->status();
            if (!oauth_ || (status != 401 && status != 403) || attempt >= 4) return reader;
            const std::string challenge = reader->header("www-authenticate");
            reader.reset();  // its body is not wanted: the transfer is dropped
            oauth_->challenge(status, challenge, generation);
        }
    }

    std::chrono::milliseconds stream_idle_limit() const { return std::max<std::chrono::milliseconds>(options_.timeout, std::chrono::hours(1)); }

    // Never the request's headers (they carry the credentials): the status and an excerpt of the body.
    std::exception_ptr http_error_ptr(long status, const std::string& body) const {
        std::string message = "MCP server answered HTTP " + std::to_string(status);
        if (!body.empty()) message += ": " + excerpt(body, 300);
        if (status == 404 && has_session())
            return std::make_exception_ptr(SessionExpiredError(info("MCP session expired (HTTP 404)", 404)));
        if (status == 401 || status == 403) return std::make_exception_ptr(AuthError(info(message, static_cast<int>(status))));
        return std::make_exception_ptr(ProviderAPIError(info(message, static_cast<int>(status))));
    }
    [[noreturn]] static void throw_error(std::exception_ptr e) { std::rethrow_exception(e); }

    bool has_session() const {
        std::lock_guard lock(mu_);
        return !session_id_.empty();
    }

    void remember_session(const BodyReader& reader) {
        std::string id = reader.header("mcp-session-id");
        if (id.empty()) return;
        // Visible ASCII only (the spec's rule): it goes back verbatim in a header of every request.
        for (unsigned char c : id)
            if (c < 0x21 || c > 0x7e) throw ResponseParseError(info("MCP server sent a session id that is not visible ASCII"));
        std::lock_guard lock(mu_);
        if (session_id_.empty()) session_id_ = id;
    }

    void reap_finished() {  // with mu_ held
        for (auto it = streams_.begin(); it != streams_.end();) {
            if ((*it)->finished && (*it)->thread.joinable()) {
                (*it)->thread.join();
                it = streams_.erase(it);
            } else {
                ++it;
            }
        }
    }

    // Delivers one message; true when it is the reply to `id`.
    bool deliver(json message, const json& id) {
        bool is_reply = !message.contains("method") && message.contains("id") && message["id"] == id;
        if (sink_.on_message) sink_.on_message(std::move(message));
        return is_reply;
    }

    void run_request(Stream& stream, std::string body) {
        try {
            if (!read_reply(stream, std::move(body))) {
                stream.finished = true;
                return;
            }
        } catch (const CancelledError&) {
            // abandoned or closing: nobody waits for it
        } catch (...) {
            if (!stream.cancel.cancelled()) if (sink_.on_request_failed) sink_.on_request_failed(stream.id, std::current_exception());
        }
        stream.finished = true;
    }

    // POSTs the request and reads its reply; resumes a broken SSE stream. False when nothing more to do.
    bool read_reply(Stream& stream, std::string body) {
        // The session bounds the wait (per call) and abandons the stream when it ends: the transport's own
        // silence limit only guards against a stream nobody watches.
        auto reader = open_authorized("POST", std::move(body), stream_idle_limit(), stream.cancel);
        remember_session(*reader);
        if (!llmgate::detail::is_success_status(reader->status())) {
            std::string text = reader->read_all();
            // A JSON-RPC error body (e.g. 400 with {"error": ...}) is the server's answer: deliver it as such.
            try {
                json m = parse_message(text);
                if (m.contains("error") && m.contains("id") && m["id"] == stream.id) {
                    deliver(std::move(m), stream.id);
                    return false;
                }
            } catch (const ResponseParseError&) {
            }
            throw_error(http_error_ptr(reader->status(), text));
        }
        const std::string type = reader->header("content-type");
        if (starts_with_ci(type, "application/json")) {
            std::string text = reader->read_all();
            json parsed = json::parse(text, nullptr, false);
            if (parsed.is_array()) {  // a batch (2025-03-26)
                for (auto& m : parsed) deliver(parse_message(m.dump()), stream.id);
            } else {
                deliver(parse_message(text), stream.id);
            }
            return false;
        }
        if (!starts_with_ci(type, "text/event-stream")) {
            if (reader->status() == 202) throw ResponseParseError(info("MCP server accepted a request without replying"));
            throw ResponseParseError(info("MCP server replied with Content-Type '" + excerpt(type, 80) + "'"));
        }
        SseParser parser;
        int reconnects = 0;
        for (;;) {
            bool got_reply = false;
            std::exception_ptr broke;
            try {
                std::string chunk;
                std::vector<SseEvent> events;
                while (!got_reply && reader->read(chunk)) {
                    parser.feed(chunk, events);
                    chunk.clear();
                    for (auto& e : events) {
                        if (e.data.empty()) continue;  // a priming event: only its id matters
                        if (e.event.empty() || e.event == "message") got_reply = deliver(parse_message(e.data), stream.id) || got_reply;
                    }
                    events.clear();
                }
            } catch (const ConnectionError&) {
                broke = std::current_exception();
            } catch (const TimeoutError&) {
                broke = std::current_exception();
            }
            if (got_reply) return false;
            // The stream ended before the reply: resume it if the server gave event ids, else give up.
            if (parser.last_event_id().empty() || reconnects >= options_.max_reconnects || closed_) {
                if (broke) std::rethrow_exception(broke);
                throw ConnectionError(info("MCP server closed the stream before replying"));
            }
            ++reconnects;
            const long retry = parser.retry_ms() >= 0 ? parser.retry_ms() : 1000;
            const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(retry);
            while (std::chrono::steady_clock::now() < until) {
                if (stream.cancel.cancelled()) return false;
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            auto get = make_request("GET", "", stream_idle_limit(), stream.cancel);
            llmgate::detail::set_header(get.headers, "Last-Event-ID", parser.last_event_id());
            reader = llmgate::detail::open(std::move(get));
            if (!llmgate::detail::is_success_status(reader->status())) throw_error(http_error_ptr(reader->status(), reader->read_all()));
        }
    }

    // `opened` is told once the first GET has its reply headers (or has failed, or the loop ends).
    void listen(std::promise<void>& opened) {
        bool told = false;
        const auto tell = [&] {
            if (!std::exchange(told, true)) opened.set_value();
        };
        struct TellOnExit {
            const decltype(tell)& t;
            ~TellOnExit() { t(); }
        } tell_on_exit{tell};
        SseParser parser;
        int failures = 0;
        while (!closed_ && !listener_cancel_.cancelled()) {
            bool got_event = false;
            try {
                auto get = make_request("GET", "", stream_idle_limit(), listener_cancel_);
                if (!parser.last_event_id().empty()) llmgate::detail::set_header(get.headers, "Last-Event-ID", parser.last_event_id());
                std::unique_ptr<llmgate::detail::BodyReader> reader;
                try {
                    reader = llmgate::detail::open(std::move(get));
                } catch (...) {
                    tell();
                    throw;
                }
                tell();
                if (reader->status() == 405) return;  // the server offers no such stream
                if (!llmgate::detail::is_success_status(reader->status()) ||
                    !starts_with_ci(reader->header("content-type"), "text/event-stream")) {
                    ++failures;
                } else {
                    std::string chunk;
                    std::vector<SseEvent> events;
                    while (reader->read(chunk)) {
                        parser.feed(chunk, events);
                        chunk.clear();
                        for (auto& e : events) {
                            got_event = true;
                            if (e.data.empty() || !(e.event.empty() || e.event == "message")) continue;
                            deliver(parse_message(e.data), json());
                        }
                        events.clear();
                    }
                }
            } catch (const CancelledError&) {
                return;
            } catch (const ResponseParseError&) {
                ++failures;  // a bad message on this stream fails no call: reconnect, within limits
            } catch (const Error&) {
                ++failures;
            }
            if (got_event) failures = 0;
            if (failures > options_.max_reconnects) return;
            const long retry = parser.retry_ms() >= 0 ? parser.retry_ms() : 1000;
            const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(retry);
            while (std::chrono::steady_clock::now() < until) {
                if (closed_ || listener_cancel_.cancelled()) return;
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        }
    }

    std::string url_;
    ClientOptions options_;
    TransportSink sink_{};
    mutable std::mutex mu_;
    std::string session_id_{};
    std::string protocol_version_{};
    std::list<std::shared_ptr<Stream>> streams_{};
    std::atomic<bool> closed_{false};
    std::thread listener_{};
    CancelToken listener_cancel_{};
    std::unique_ptr<OAuth> oauth_{};  // set by ClientOptions::oauth
};

}  // namespace

std::unique_ptr<Transport> make_http_transport(const std::string& url, const ClientOptions& options) {
    return std::make_unique<HttpTransport>(url, options);
}

}  // namespace llmgate::inline v1::mcp::detail
