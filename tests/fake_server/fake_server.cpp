// FakeServer implementation: records every request and answers with scripted replies via cpp-httplib.
#include "fake_server.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <deque>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include <arpa/inet.h>
#include <dirent.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace llmgate::testing {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// httplib stores connection details as pseudo-headers; a client never sent them.
bool is_pseudo_header(const std::string& lowered) {
    return lowered == "remote_addr" || lowered == "remote_port" || lowered == "local_addr" || lowered == "local_port";
}

RecordedRequest record(const httplib::Request& req) {
    RecordedRequest r;
    r.method = req.method;
    r.path = req.path;
    if (auto q = req.target.find('?'); q != std::string::npos) r.query = req.target.substr(q + 1);
    for (const auto& [k, v] : req.params) r.params.emplace(k, v);
    for (const auto& [k, v] : req.headers) {
        auto name = lower(k);
        if (is_pseudo_header(name)) continue;
        // Repeated headers are folded the way HTTP allows, so none is silently lost.
        auto [it, inserted] = r.headers.emplace(name, v);
        if (!inserted) it->second += ", " + v;
    }
    r.body = req.body;
    for (const auto& [name, file] : req.files) r.form[name] = FormPart{file.filename, file.content_type, file.content};
    r.client_port = req.remote_port;
    return r;
}

Reply unscripted(const RecordedRequest& req, const std::string& why) {
    Reply r;
    r.status = 599;
    r.body = nlohmann::json{{"error",
                             {{"message", "llmgate fake server: " + why + " for " + req.method + " " + req.path},
                              {"type", "fake_server_error"}}}}
                 .dump();
    return r;
}

// httplib keeps an idle keep-alive connection open for the whole keep-alive timeout, even after
// stop(), and offers no handle on accepted sockets. Shutting down every connected socket in this
// process whose local end is our port (the client ends of the same connections have it as the
// peer port) wakes those threads at once, so destruction never waits on an idle client.
void shutdown_accepted_connections(int port) {
    DIR* dir = opendir("/proc/self/fd");
    if (!dir) return;
    while (auto* entry = readdir(dir)) {
        char* end = nullptr;
        long fd = std::strtol(entry->d_name, &end, 10);
        if (*end != '\0' || end == entry->d_name || fd == dirfd(dir)) continue;
        sockaddr_in local{}, peer{};
        socklen_t len = sizeof local;
        if (getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&local), &len) != 0 ||
            local.sin_family != AF_INET || ntohs(local.sin_port) != port)
            continue;
        len = sizeof peer;  // a connected peer rules out listening sockets
        if (getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
        shutdown(static_cast<int>(fd), SHUT_RDWR);
    }
    closedir(dir);
}

// One thread per connection instead of a fixed pool: httplib parks a worker on every idle
// keep-alive connection, so with a pool, client number pool_size+1 would wait out someone's
// keep-alive timeout. Tests open hundreds of concurrent connections; threads are cheap here.
class ThreadPerConnection final : public httplib::TaskQueue {
public:
    void enqueue(std::function<void()> fn) override {
        std::lock_guard lock(mu_);
        reap_finished();
        auto done = std::make_shared<std::atomic<bool>>(false);
        workers_.push_back({std::thread([fn = std::move(fn), done] {
                                fn();
                                *done = true;
                            }),
                            done});
    }

    void shutdown() override {
        std::vector<Worker> all;
        {
            std::lock_guard lock(mu_);
            all.swap(workers_);
        }
        for (auto& w : all) w.thread.join();
    }

private:
    struct Worker {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };

    void reap_finished() {
        std::erase_if(workers_, [](Worker& w) {
            if (!*w.done) return false;
            w.thread.join();
            return true;
        });
    }

    std::mutex mu_;
    std::vector<Worker> workers_;
};

// Resets the server side of the connection from `client_port` to our `port` at once: a TCP RST, as a
// crashed proxy or a NAT dropping state would send, not the FIN of a clean close. connect() with
// AF_UNSPEC disconnects a connected TCP socket with an active reset on Linux, yet leaves the fd itself
// valid, so httplib (which owns and later closes it) is not disturbed. Found the same way
// shutdown_accepted_connections finds sockets.
void reset_connection_now(int port, int client_port) {
    DIR* dir = opendir("/proc/self/fd");
    if (!dir) return;
    while (auto* entry = readdir(dir)) {
        char* end = nullptr;
        long fd = std::strtol(entry->d_name, &end, 10);
        if (*end != '\0' || end == entry->d_name || fd == dirfd(dir)) continue;
        sockaddr_in local{}, peer{};
        socklen_t len = sizeof local;
        if (getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&local), &len) != 0 ||
            local.sin_family != AF_INET || ntohs(local.sin_port) != port)
            continue;
        len = sizeof peer;
        if (getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &len) != 0 ||
            ntohs(peer.sin_port) != client_port)
            continue;
        sockaddr unspec{};
        unspec.sa_family = AF_UNSPEC;
        connect(static_cast<int>(fd), &unspec, sizeof unspec);
    }
    closedir(dir);
}

constexpr int kListenBacklog = 1024;
constexpr std::size_t kFillerWrite = 64 * 1024;
constexpr auto kSleepStep = std::chrono::milliseconds(5);

}  // namespace

std::string RecordedRequest::header(const std::string& name) const {
    auto it = headers.find(lower(name));
    return it == headers.end() ? std::string() : it->second;
}

nlohmann::json RecordedRequest::json() const { return nlohmann::json::parse(body); }

struct FakeServer::Impl {
    httplib::Server svr;
    std::thread listener;
    int port = 0;
    std::atomic<bool> stopping{false};

    mutable std::mutex mu;
    std::vector<RecordedRequest> requests;
    std::deque<Reply> queue;
    std::map<std::pair<std::string, std::string>, Reply> routes;
    std::function<Reply(const RecordedRequest&)> handler;

    // Sleeps in small steps so a shutting-down server never waits out a long scripted delay.
    // Returns false if the server began stopping meanwhile.
    bool sleep_unless_stopping(std::chrono::milliseconds d) const {
        auto deadline = std::chrono::steady_clock::now() + d;
        while (!stopping) {
            auto left = deadline - std::chrono::steady_clock::now();
            if (left <= std::chrono::steady_clock::duration::zero()) return true;
            std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, kSleepStep));
        }
        return false;
    }

    Reply choose(const RecordedRequest& rec) {
        std::function<Reply(const RecordedRequest&)> h;
        {
            std::lock_guard lock(mu);
            requests.push_back(rec);
            h = handler;
            if (!h) {
                if (auto it = routes.find({rec.method, rec.path}); it != routes.end()) return it->second;
                if (!queue.empty()) {
                    Reply r = std::move(queue.front());
                    queue.pop_front();
                    return r;
                }
                return unscripted(rec, "no reply was scripted");
            }
        }
        // The user's handler runs unlocked so it may call back into the server (e.g. requests()).
        try {
            return h(rec);
        } catch (const std::exception& e) {
            return unscripted(rec, std::string("the handler threw '") + e.what() + "'");
        }
    }

    void serve(const httplib::Request& req, httplib::Response& res) {
        Reply reply = choose(record(req));

        // httplib would gzip/brotli JSON bodies for a client that accepts it, buffering chunked
        // replies and hiding truncation; the fake must put the scripted bytes on the wire as-is.
        // The Request is a non-const local inside httplib, so dropping the header here is safe.
        const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");

        sleep_unless_stopping(reply.delay_before_reply);
        res.status = reply.status;
        for (const auto& [k, v] : reply.headers) res.set_header(k, v);
        if (reply.filler_bytes > 0) {
            serve_filler(res, std::move(reply));
            return;
        }
        if (reply.chunks.empty()) {
            res.set_content(reply.body, reply.content_type);
            return;
        }

        struct Stream {
            std::vector<std::string> chunks;
            std::size_t next = 0;
            std::chrono::milliseconds gap;
            bool drop;
            std::chrono::milliseconds stall;
            bool reset;
            int client_port;
        };
        auto stream = std::make_shared<Stream>(Stream{std::move(reply.chunks), 0, reply.delay_between_chunks,
                                                      reply.drop_connection_after_chunks, reply.stall_after_chunks,
                                                      reply.reset_connection, req.remote_port});
        res.set_chunked_content_provider(reply.content_type, [this, stream](std::size_t, httplib::DataSink& sink) {
            // httplib reads a zero-length write as end of data, so empty chunks are skipped.
            while (stream->next < stream->chunks.size() && stream->chunks[stream->next].empty()) ++stream->next;
            if (stream->next < stream->chunks.size()) {
                if (stream->next > 0 && !sleep_unless_stopping(stream->gap)) return false;
                const auto& c = stream->chunks[stream->next++];
                return sink.write(c.data(), c.size());
            }
            if (stream->stall.count() > 0) {
                auto stall = std::exchange(stream->stall, std::chrono::milliseconds{0});
                if (!sleep_unless_stopping(stall)) return false;
            }
            if (stream->drop) {
                if (stream->reset) reset_connection_now(port, stream->client_port);
                // Returning false makes httplib close the socket without the final "0\r\n\r\n".
                return false;
            }
            sink.done();
            return true;
        });
    }

    // `body` then reply.filler_bytes generated bytes, behind an honest Content-Length. A client that
    // gives up early makes a write fail, which ends the reply without generating the rest.
    void serve_filler(httplib::Response& res, Reply reply) {
        const std::size_t total = reply.body.size() + reply.filler_bytes;
        auto prefix = std::make_shared<std::string>(std::move(reply.body));
        auto block = std::make_shared<std::string>(kFillerWrite, reply.filler);
        res.set_content_provider(
            total, reply.content_type,
            [this, prefix, block](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                if (stopping) return false;
                if (offset < prefix->size()) {
                    const std::size_t n = std::min(length, prefix->size() - offset);
                    return sink.write(prefix->data() + offset, n);
                }
                return sink.write(block->data(), std::min(length, block->size()));
            });
    }
};

FakeServer::FakeServer() : FakeServer(0) {}

FakeServer::FakeServer(int port) : FakeServer(port, std::chrono::seconds(1)) {}

FakeServer::FakeServer(int port, std::chrono::seconds keep_alive) : impl_(std::make_unique<Impl>()) {
    auto& svr = impl_->svr;
    svr.new_task_queue = [] { return new ThreadPerConnection(); };
    // A short keep-alive frees the thread of a connection a client abandoned without closing.
    svr.set_keep_alive_timeout(static_cast<time_t>(keep_alive.count()));
    svr.set_keep_alive_max_count(1000);
    // SSE events are tiny writes; Nagle would hold them back and blur delay_between_chunks.
    svr.set_tcp_nodelay(true);
    // The packaged httplib listens with a backlog of 5, so a burst of concurrent connects
    // overflows it and clients stall in SYN retries. Remember the listening socket so its
    // backlog can be raised once bound. SO_REUSEADDR (not httplib's default SO_REUSEPORT)
    // so a second server can never share a fixed port.
    int listen_fd = -1;
    svr.set_socket_options([&listen_fd](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        listen_fd = sock;
    });

    auto h = [impl = impl_.get()](const httplib::Request& req, httplib::Response& res) { impl->serve(req, res); };
    svr.Get(".*", h);  // also serves HEAD
    svr.Post(".*", h);
    svr.Put(".*", h);
    svr.Patch(".*", h);
    svr.Delete(".*", h);
    svr.Options(".*", h);

    if (port == 0) {
        impl_->port = svr.bind_to_any_port("127.0.0.1");
        if (impl_->port < 0) throw std::runtime_error("FakeServer: cannot bind to 127.0.0.1");
    } else {
        if (!svr.bind_to_port("127.0.0.1", port))
            throw std::runtime_error("FakeServer: cannot bind to 127.0.0.1:" + std::to_string(port));
        impl_->port = port;
    }
    svr.set_socket_options(nullptr);  // the lambda refers to a local
    ::listen(listen_fd, kListenBacklog);
    impl_->listener = std::thread([&svr] { svr.listen_after_bind(); });
    // stop() is a no-op until the accept loop runs, so wait for it or the destructor could hang.
    while (!svr.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

FakeServer::~FakeServer() { stop(); }

void FakeServer::stop() {
    impl_->stopping = true;
    impl_->svr.stop();
    shutdown_accepted_connections(impl_->port);
    if (impl_->listener.joinable()) impl_->listener.join();
}

int FakeServer::port() const { return impl_->port; }

std::string FakeServer::base_url() const { return "http://127.0.0.1:" + std::to_string(impl_->port); }

void FakeServer::enqueue(Reply r) {
    std::lock_guard lock(impl_->mu);
    impl_->queue.push_back(std::move(r));
}

void FakeServer::route(std::string method, std::string path, Reply r) {
    std::lock_guard lock(impl_->mu);
    impl_->routes.insert_or_assign({std::move(method), std::move(path)}, std::move(r));
}

void FakeServer::set_handler(std::function<Reply(const RecordedRequest&)> h) {
    std::lock_guard lock(impl_->mu);
    impl_->handler = std::move(h);
}

std::vector<RecordedRequest> FakeServer::requests() const {
    std::lock_guard lock(impl_->mu);
    return impl_->requests;
}

RecordedRequest FakeServer::last_request() const {
    std::lock_guard lock(impl_->mu);
    if (impl_->requests.empty()) throw std::runtime_error("FakeServer: no request received yet");
    return impl_->requests.back();
}

std::size_t FakeServer::request_count() const {
    std::lock_guard lock(impl_->mu);
    return impl_->requests.size();
}

void FakeServer::clear() {
    std::lock_guard lock(impl_->mu);
    impl_->requests.clear();
    impl_->queue.clear();
    impl_->routes.clear();
}

}  // namespace llmgate::testing
