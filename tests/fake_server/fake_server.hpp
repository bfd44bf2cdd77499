// FakeServer: a scripted local HTTP server that stands in for an LLM provider in tests.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmgate::testing {

// One part of a multipart/form-data request body.
struct FormPart {
    std::string filename, content_type, content;
};

// One request as the server saw it, kept so tests can assert on what the client sent.
struct RecordedRequest {
    std::string method, path;                    // path without query string
    std::string query;                           // raw query string without '?', "" if none
    std::map<std::string, std::string> params;   // decoded query params
    std::map<std::string, std::string> headers;  // header names lower-cased
    std::string body;                       // empty for multipart/form-data: see `form`
    std::map<std::string, FormPart> form;   // multipart/form-data parts by field name
    int client_port = 0;  // the client's TCP port: equal ports mean one reused connection

    std::string header(const std::string& name) const;  // case-insensitive, "" if absent
    nlohmann::json json() const;                        // parsed body (throws if not JSON)
};

// What the server sends back for one request.
struct Reply {
    int status = 200;
    std::string content_type = "application/json";
    std::string body{};                                          // used when chunks is empty
    std::vector<std::pair<std::string, std::string>> headers{};  // extra response headers
    std::vector<std::string> chunks{};                // if non-empty: chunked transfer encoding, one write per element
    std::chrono::milliseconds delay_before_reply{0};  // sleep before sending status/headers
    std::chrono::milliseconds delay_between_chunks{0};
    // After the last chunk, close the connection without the terminating zero-length chunk,
    // so the client sees a truncated stream.
    bool drop_connection_after_chunks = false;
    // Fault injection (tests/http/fault_injection_test.cpp):
    // After the last chunk, keep the connection open and silent this long before ending as scripted
    // (a provider that hangs mid-stream). Cut short when the server is destroyed.
    std::chrono::milliseconds stall_after_chunks{0};
    // With drop_connection_after_chunks: abort with a TCP reset (RST) instead of a clean close (FIN).
    bool reset_connection = false;
    // If non-zero: the reply body is `body` followed by this many generated filler bytes, sent with a
    // Content-Length in 64 KiB writes, so a huge body never has to exist in memory. Ignores chunks.
    std::size_t filler_bytes = 0;
    char filler = 'x';
};

class FakeServer {
public:
    FakeServer();                   // listens on 127.0.0.1, random free port; ready when the ctor returns
    explicit FakeServer(int port);  // a fixed port (0 = random free port), for the CLI program
    // How long an idle kept-alive connection stays open (1 s in the constructors above, which frees the
    // thread of a connection a client abandoned). The benches run their server under valgrind too, where
    // a second of wall time is short enough for the server to close connections the client still reuses.
    FakeServer(int port, std::chrono::seconds keep_alive);
    ~FakeServer();  // stop()
    // Stops listening, ends every connection and joins the handler threads; does not hang even if clients
    // are mid-request. Idempotent. A fixture calls it before members its handler uses are destroyed.
    void stop();
    FakeServer(const FakeServer&) = delete;
    FakeServer& operator=(const FakeServer&) = delete;

    int port() const;
    std::string base_url() const;  // "http://127.0.0.1:<port>"

    // Replies are chosen per (method, path) route first (exact path match), else from the FIFO
    // queue, else a 599 reply whose body says no reply was scripted.
    void enqueue(Reply r);                                             // FIFO, consumed one per request
    void route(std::string method, std::string path, Reply r);         // sticky: every matching request
    void set_handler(std::function<Reply(const RecordedRequest&)> h);  // if set, used instead

    std::vector<RecordedRequest> requests() const;  // all received so far, in arrival order
    RecordedRequest last_request() const;           // throws std::runtime_error if none
    std::size_t request_count() const;
    void clear();  // forget requests, queue and routes

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace llmgate::testing
