// The servers the benchmarks talk to, each started inside a ServerProcess child: the project's FakeServer
// answering OpenAI chat requests from pre-built replies, and a tiny raw-socket SSE server that stamps
// every event with the time it was written (FakeServer pre-builds its chunks, so it cannot).
#pragma once

#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench_common.hpp"
#include "fake_server.hpp"
#include "openai_replies.hpp"

namespace llmgate::bench {

inline constexpr const char* kModel = "gpt-bench";           // short replies / 200-event streams
inline constexpr const char* kLongModel = "gpt-bench-long";  // the 100k-chunk stream
inline constexpr const char* kApiKey = "sk-bench-not-a-real-key";

// Text pieces of a streamed reply: words of a few bytes, like real token deltas.
inline std::vector<std::string> pieces(std::size_t n) {
    static const char* words[] = {" the", " quick", " brown", " fox", " jumps", " over", " a", " lazy", " dog", "."};
    std::vector<std::string> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.emplace_back(words[i % 10]);
    return out;
}

// openai::stream_text sends a role delta, one delta per piece, a finish delta and a usage event (then
// [DONE]); `events` counts all of those.
inline testing::Reply openai_stream_of(std::size_t events, const std::string& model) {
    return testing::openai::stream_text(pieces(events > 3 ? events - 3 : 1), model, true, true);
}

// FakeServer answering POST .../chat/completions: a short chat.completion, or for "stream":true a
// stream of `stream_events` events (`long_stream_events` for kLongModel). Replies are built once; the
// handler only picks one, so the server spends as little CPU per request as it can.
inline int start_openai_server(std::size_t stream_events, std::size_t long_stream_events = 0) {
    // Lives until the server process exits. A long keep-alive: under valgrind the 1 s default closes
    // connections between a client's requests, and the client sees "empty reply from server".
    auto* server = new testing::FakeServer(0, std::chrono::seconds(60));
    auto chat = std::make_shared<testing::Reply>(testing::openai::chat_text(
        "Hello! How can I help you today? This reply is about as long as a short chat answer.", kModel));
    auto stream = std::make_shared<testing::Reply>(openai_stream_of(stream_events, kModel));
    auto long_stream = std::make_shared<testing::Reply>(
        long_stream_events ? openai_stream_of(long_stream_events, kLongModel) : testing::Reply{});
    server->set_handler([=](const testing::RecordedRequest& req) -> testing::Reply {
        if (req.body.find("\"stream\":true") == std::string::npos) return *chat;
        if (req.body.find(kLongModel) != std::string::npos) return *long_stream;
        return *stream;
    });
    return server->port();
}

// ---------------------------------------------------------------- generated long stream

namespace generated_detail {

// The events of openai_stream_of(events, model), made as they are written: `head` (the role event), the
// text events repeating `cycle` (pieces() repeats every ten words), then `tail` (finish, usage, [DONE]).
struct StreamShape {
    std::string head;
    std::vector<std::string> cycle;
    std::string tail;
    std::size_t text_events = 0;
};

inline StreamShape stream_shape(std::size_t events, const std::string& model) {
    const std::size_t text_events = events > 3 ? events - 3 : 1;
    const testing::Reply ten = openai_stream_of(13, model);  // role, ten words, finish, usage, [DONE]
    StreamShape shape{.head = ten.chunks.front(), .cycle = {}, .tail = {}, .text_events = text_events};
    shape.cycle.assign(ten.chunks.begin() + 1, ten.chunks.begin() + 11);
    for (auto it = ten.chunks.begin() + 11; it != ten.chunks.end(); ++it) shape.tail += *it;
    // The usage event counts this stream's text events, not the ten of the template.
    const std::string counted = "\"completion_tokens\":" + std::to_string(text_events) + ",";
    const std::string total = "\"total_tokens\":" + std::to_string(text_events + 10);
    if (auto p = shape.tail.find("\"completion_tokens\":10,"); p != std::string::npos)
        shape.tail.replace(p, std::strlen("\"completion_tokens\":10,"), counted);
    if (auto p = shape.tail.find("\"total_tokens\":20"); p != std::string::npos)
        shape.tail.replace(p, std::strlen("\"total_tokens\":20"), total);
    return shape;
}

}  // namespace generated_detail

// ---------------------------------------------------------------- timestamping SSE server

namespace latency_detail {

inline bool write_all(int fd, const std::string& s) {
    std::size_t off = 0;
    while (off < s.size()) {
        ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
        if (n <= 0) return false;
        off += static_cast<std::size_t>(n);
    }
    return true;
}

inline bool write_chunk(int fd, const std::string& payload) {
    char head[32];
    std::snprintf(head, sizeof head, "%zx\r\n", payload.size());
    return write_all(fd, head + payload + "\r\n");
}

// Reads one HTTP request (headers + Content-Length body); false when the client closed.
inline bool read_request(int fd, std::string& buf) {
    std::size_t header_end;
    while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
        char tmp[4096];
        ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
        if (n <= 0) return false;
        buf.append(tmp, static_cast<std::size_t>(n));
    }
    std::size_t length = 0;
    for (const char* name : {"Content-Length:", "content-length:"})
        if (auto p = buf.find(name); p != std::string::npos && p < header_end)
            length = std::strtoul(buf.c_str() + p + std::strlen(name), nullptr, 10);
    const std::size_t total = header_end + 4 + length;
    while (buf.size() < total) {
        char tmp[4096];
        ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
        if (n <= 0) return false;
        buf.append(tmp, static_cast<std::size_t>(n));
    }
    buf.erase(0, total);
    return true;
}

inline std::string event_json(const std::string& content, const char* finish) {
    return std::string(
               R"({"id":"chatcmpl-lat","object":"chat.completion.chunk","created":1700000000,"model":"gpt-bench",)") +
           R"("choices":[{"index":0,"delta":{"content":")" + content + R"("},"logprobs":null,"finish_reason":)" +
           finish + "}]}";
}

// Per request: `events` OpenAI chunk events whose content is the CLOCK_MONOTONIC time (ns) at which the
// event was handed to the kernel, `gap_us` apart, then a finish event and [DONE].
inline void serve(int fd, int events, int gap_us) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::string buf;
    while (read_request(fd, buf)) {
        if (!write_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"))
            break;
        bool ok = true;
        for (int i = 0; i < events && ok; ++i) {
            ::usleep(static_cast<useconds_t>(gap_us));
            ok = write_chunk(fd, "data: " + event_json(std::to_string(monotonic_ns()), "null") + "\n\n");
        }
        if (!ok || !write_chunk(fd, "data: " + event_json("", "\"stop\"") + "\n\ndata: [DONE]\n\n") ||
            !write_all(fd, "0\r\n\r\n"))
            break;
    }
    ::close(fd);
}

}  // namespace latency_detail

inline int listen_loopback() {
    int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(lfd, 128) != 0)
        throw std::runtime_error("bench server: bind/listen failed");
    return lfd;
}

// Accepts connections on `lfd` forever, each served by `serve(fd)` on a thread of its own.
template <class Serve>
void accept_forever(int lfd, Serve serve) {
    std::thread([lfd, serve] {
        for (;;) {
            const int fd = ::accept(lfd, nullptr, nullptr);
            if (fd >= 0) std::thread(serve, fd).detach();
        }
    }).detach();
}

inline int port_of(int lfd) {
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    getsockname(lfd, reinterpret_cast<sockaddr*>(&addr), &len);
    return ntohs(addr.sin_port);
}

// One long OpenAI stream per request, whatever is asked (thread per connection, keep-alive, chunked SSE,
// framed as the latency server's): FakeServer builds every reply in advance, and a million events would
// be ~200 MB in the server, copied again for each request. Written as made, 64 KiB per chunk. Returns
// the port.
inline int start_generated_stream_server(std::size_t events, const std::string& model) {
    auto shape = std::make_shared<const generated_detail::StreamShape>(generated_detail::stream_shape(events, model));
    const int lfd = listen_loopback();
    accept_forever(lfd, [shape](int fd) {
        using latency_detail::write_all;
        using latency_detail::write_chunk;
        std::string request, out;
        while (latency_detail::read_request(fd, request)) {
            bool ok = write_all(
                fd, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
            out = shape->head;
            for (std::size_t i = 0; i < shape->text_events && ok; ++i) {
                out += shape->cycle[i % shape->cycle.size()];
                if (out.size() >= 64 * 1024) {
                    ok = write_chunk(fd, out);
                    out.clear();
                }
            }
            out += shape->tail;
            if (!ok || !write_chunk(fd, out) || !write_all(fd, "0\r\n\r\n")) break;
        }
        ::close(fd);
    });
    return port_of(lfd);
}

// Thread per connection, HTTP/1.1 keep-alive, chunked SSE. Returns the port.
inline int start_latency_server(int events, int gap_us) {
    const int lfd = listen_loopback();
    accept_forever(lfd, [events, gap_us](int fd) { latency_detail::serve(fd, events, gap_us); });
    return port_of(lfd);
}

}  // namespace llmgate::bench
