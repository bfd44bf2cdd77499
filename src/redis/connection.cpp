// A Redis connection over our own socket: non-blocking connect + poll for timeouts, optional OpenSSL TLS
// (verification on, host name checked, SNI), hiredis only as the RESP codec (reply.cpp). Debian 12's
// hiredis 0.14 has no TLS, which is why the socket is ours.
#include "redis/connection.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <cstring>

#include "redis/error.hpp"

namespace llmgate::inline v1::detail {
namespace {

using Clock = std::chrono::steady_clock;
using Kind = RedisError::Kind;

int ms_left(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1'000'000));
}

std::string openssl_error() {
    const unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0) return "TLS error";
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return buf;
}

// SSL_write on a socket the server closed raises SIGPIPE, which would end the process: block it on this
// thread for the duration, and swallow one that became pending meanwhile (libcurl does the same).
class SigpipeBlocked {
public:
    SigpipeBlocked() {
        sigset_t pipe_only;
        sigemptyset(&pipe_only);
        sigaddset(&pipe_only, SIGPIPE);
        sigset_t pending;
        sigpending(&pending);
        was_pending_ = sigismember(&pending, SIGPIPE) == 1;
        pthread_sigmask(SIG_BLOCK, &pipe_only, &old_);
    }
    ~SigpipeBlocked() {
        if (!was_pending_) {
            sigset_t pending;
            sigpending(&pending);
            if (sigismember(&pending, SIGPIPE) == 1) {
                sigset_t pipe_only;
                sigemptyset(&pipe_only);
                sigaddset(&pipe_only, SIGPIPE);
                const timespec zero{0, 0};
                sigtimedwait(&pipe_only, nullptr, &zero);
            }
        }
        pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
    SigpipeBlocked(const SigpipeBlocked&) = delete;
    SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

private:
    sigset_t old_{};
    bool was_pending_ = false;
};

bool is_ip_literal(const std::string& host) {
    unsigned char buf[sizeof(in6_addr)];
    return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace

std::shared_ptr<SSL_CTX> make_tls_context(const std::string& ca_file) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) throw RedisError(Kind::unreachable, "cannot create a TLS context: " + openssl_error());
    std::shared_ptr<SSL_CTX> owned(ctx, SSL_CTX_free);
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_default_verify_paths(ctx);
    if (!ca_file.empty() && SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr) != 1)
        throw RedisError(Kind::unreachable, "cannot load the Redis CA file '" + ca_file + "': " + openssl_error());
    return owned;
}

RedisConnection::RedisConnection(const RedisUrl& url, const RedisConnectSettings& settings,
                                 std::shared_ptr<SSL_CTX> tls)
    : tls_(std::move(tls)) {
    const auto deadline = Clock::now() + settings.connect_timeout;
    try {
        connect_tcp(url, deadline);
        if (url.tls) handshake_tls(url, deadline);
        if (!url.password.empty()) {
            std::vector<std::string> auth{"AUTH"};
            if (!url.user.empty()) auth.push_back(url.user);
            auth.push_back(url.password);
            write_all(encode_command(auth), deadline);
            const RedisReply r = read_reply(deadline);
            // The server's own words (WRONGPASS ..., ERR invalid password): they never echo the password.
            if (r.is_error()) throw RedisError(Kind::auth, "Redis refused AUTH: " + r.str);
        }
        if (url.db != 0) {
            write_all(encode_command({"SELECT", std::to_string(url.db)}), deadline);
            const RedisReply r = read_reply(deadline);
            if (r.is_error()) {
                const bool noauth = r.str.rfind("NOAUTH", 0) == 0;
                throw RedisError(noauth ? Kind::auth : Kind::server, "Redis refused SELECT " + std::to_string(url.db) + ": " + r.str);
            }
        }
    } catch (...) {
        if (ssl_) SSL_free(ssl_);
        if (fd_ >= 0) ::close(fd_);
        ssl_ = nullptr;
        fd_ = -1;
        throw;
    }
}

RedisConnection::~RedisConnection() {
    if (ssl_) {
        // No close_notify: the peer may be gone, and a blocking shutdown is what we must never do.
        SSL_free(ssl_);
    }
    if (fd_ >= 0) ::close(fd_);
}

void RedisConnection::fail(int kind, const std::string& what) {
    broken_ = true;
    throw RedisError(static_cast<Kind>(kind), what);
}

bool RedisConnection::wait_for_tls(int ssl_error, Deadline deadline) {
    if (ssl_error == SSL_ERROR_WANT_READ)
        wait_for(POLLIN, deadline);
    else if (ssl_error == SSL_ERROR_WANT_WRITE)
        wait_for(POLLOUT, deadline);
    else
        return false;
    return true;
}

void RedisConnection::wait_for(short events, Deadline deadline) {
    for (;;) {
        const int left = ms_left(deadline);
        if (left == 0) fail(static_cast<int>(Kind::timeout), "Redis did not answer in time");
        pollfd p{fd_, events, 0};
        const int n = ::poll(&p, 1, left);
        if (n > 0) return;  // readable/writable, or an error the next call reports
        if (n == 0) fail(static_cast<int>(Kind::timeout), "Redis did not answer in time");
        if (errno != EINTR) fail(static_cast<int>(Kind::unreachable), std::string("poll: ") + std::strerror(errno));
    }
}

// libcurl resolves and connects: its threaded resolver bounds the lookup by the same deadline (getaddrinfo
// has no timeout at all), and it tries every address, IPv6 and IPv4 racing. CONNECT_ONLY stops there; the
// socket is taken over as a duplicate, since the handle closes its own when cleaned up.
void RedisConnection::connect_tcp(const RedisUrl& url, Deadline deadline) {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) throw RedisError(Kind::unreachable, "cannot connect to Redis at " + url.display() + ": no curl handle");
    const std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;  // IPv6
    const std::string target = "http://" + host + ":" + std::to_string(url.port) + "/";
    char why[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl.get(), CURLOPT_URL, target.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT_MS, std::max<long>(1, ms_left(deadline)));
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_NOPROXY, "*");  // an HTTP proxy is no way to Redis
    curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, why);
    const CURLcode rc = curl_easy_perform(curl.get());
    const std::string detail = why[0] != '\0' ? std::string(why) : std::string(curl_easy_strerror(rc));
    if (rc == CURLE_OPERATION_TIMEDOUT)
        throw RedisError(Kind::timeout, "connecting to Redis at " + url.display() + " timed out (" + detail + ")");
    if (rc == CURLE_COULDNT_RESOLVE_HOST)
        throw RedisError(Kind::unreachable, "cannot resolve Redis host '" + url.host + "': " + detail);
    if (rc != CURLE_OK) throw RedisError(Kind::unreachable, "cannot connect to Redis at " + url.display() + ": " + detail);
    curl_socket_t socket = CURL_SOCKET_BAD;
    curl_easy_getinfo(curl.get(), CURLINFO_ACTIVESOCKET, &socket);
    const int fd = socket == CURL_SOCKET_BAD ? -1 : ::fcntl(socket, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) throw RedisError(Kind::unreachable, "cannot connect to Redis at " + url.display() + ": no socket");
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    fd_ = fd;
}

void RedisConnection::handshake_tls(const RedisUrl& url, Deadline deadline) {
    ssl_ = SSL_new(tls_.get());
    if (!ssl_) throw RedisError(Kind::unreachable, "cannot start TLS: " + openssl_error());
    SSL_set_fd(ssl_, fd_);
    if (is_ip_literal(url.host)) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), url.host.c_str());
    } else {
        SSL_set_tlsext_host_name(ssl_, url.host.c_str());  // SNI
        SSL_set1_host(ssl_, url.host.c_str());             // the certificate must name this host
    }
    for (;;) {
        ERR_clear_error();
        const int rc = SSL_connect(ssl_);
        if (rc == 1) return;
        if (!wait_for_tls(SSL_get_error(ssl_, rc), deadline)) {
            const long verify = SSL_get_verify_result(ssl_);
            const std::string why = verify != X509_V_OK ? std::string("certificate verification failed: ") +
                                                              X509_verify_cert_error_string(verify)
                                                        : openssl_error();
            throw RedisError(Kind::unreachable, "TLS handshake with Redis at " + url.display() + " failed: " + why);
        }
    }
}

void RedisConnection::write_all(const std::string& bytes, Deadline deadline) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        if (ssl_) {
            SigpipeBlocked guard;
            ERR_clear_error();
            const int n = SSL_write(ssl_, bytes.data() + sent, static_cast<int>(bytes.size() - sent));
            if (n > 0) {
                sent += static_cast<std::size_t>(n);
                continue;
            }
            if (!wait_for_tls(SSL_get_error(ssl_, n), deadline))
                fail(static_cast<int>(Kind::unreachable), "writing to Redis failed: " + openssl_error());
        } else {
            const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n > 0) {
                sent += static_cast<std::size_t>(n);
            } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                wait_for(POLLOUT, deadline);
            } else if (n < 0 && errno == EINTR) {
                continue;
            } else {
                fail(static_cast<int>(Kind::unreachable), std::string("writing to Redis failed: ") + std::strerror(errno));
            }
        }
    }
}

RedisReply RedisConnection::read_reply(Deadline deadline) {
    char buf[16384];
    for (;;) {
        try {
            if (auto reply = decoder_.next()) return std::move(*reply);
        } catch (const std::runtime_error& e) {
            fail(static_cast<int>(Kind::protocol), e.what());
        }
        if (ssl_) {
            ERR_clear_error();
            const int n = SSL_read(ssl_, buf, sizeof buf);
            if (n > 0) {
                decoder_.feed(std::string_view(buf, static_cast<std::size_t>(n)));
                continue;
            }
            if (!wait_for_tls(SSL_get_error(ssl_, n), deadline))
                fail(static_cast<int>(Kind::unreachable), "Redis closed the connection");
        } else {
            const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n > 0) {
                decoder_.feed(std::string_view(buf, static_cast<std::size_t>(n)));
            } else if (n == 0) {
                fail(static_cast<int>(Kind::unreachable), "Redis closed the connection");
            } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
                wait_for(POLLIN, deadline);
            } else if (errno != EINTR) {
                fail(static_cast<int>(Kind::unreachable), std::string("reading from Redis failed: ") + std::strerror(errno));
            }
        }
    }
}

RedisReply RedisConnection::command(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
    if (broken_) throw RedisError(Kind::unreachable, "connection already broken");
    const auto deadline = Clock::now() + timeout;
    write_all(encode_command(args), deadline);
    return read_reply(deadline);
}

}  // namespace llmgate::inline v1::detail
