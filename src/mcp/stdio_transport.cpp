// The MCP stdio transport: a child process in its own process group, newline-delimited JSON-RPC on its
// stdin/stdout, its stderr kept in a bounded buffer; one reader thread polls both pipes.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>

#include "llmgate/errors.hpp"
#include "mcp/jsonrpc.hpp"
#include "mcp/transport.hpp"

extern char** environ;

namespace llmgate::inline v1::mcp::detail {

namespace {

using Clock = std::chrono::steady_clock;

ErrorInfo info(std::string message) { return ErrorInfo{.provider = "mcp", .message = std::move(message)}; }

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

// Writes to a pipe whose reader may be gone without raising SIGPIPE in this process: SIGPIPE is blocked
// in this thread for the write, and one it raised is taken off the pending set before unblocking.
ssize_t write_no_sigpipe(int fd, const char* data, std::size_t n) {
    sigset_t pipe_set, old_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    const bool was_pending = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
    ssize_t w = ::write(fd, data, n);
    const int saved = errno;
    if (w < 0 && saved == EPIPE && !was_pending) {
        const timespec zero{0, 0};
        while (sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
    errno = saved;
    return w;
}

std::string describe_status(int status) {
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return std::string("was killed by signal ") + std::to_string(WTERMSIG(status));
    return "stopped";
}

class StdioTransport final : public Transport {
public:
    StdioTransport(const std::vector<std::string>& command, const ClientOptions& options) : options_(options) {
        if (command.empty() || command[0].empty())
            throw InvalidRequestError(info("MCP stdio: the command to run is empty"));
        name_ = command[0];
        spawn(command);
    }

    ~StdioTransport() override { close(); }

    void start(TransportSink sink) override {
        sink_ = std::move(sink);
        reader_ = std::thread([this] { read_loop(); });
    }

    void send(const json& message) override {
        std::string line = message.dump() + "\n";
        std::lock_guard lock(write_mu_);
        if (stdin_fd_ < 0) throw ConnectionError(info("MCP server '" + name_ + "': not running" + stderr_suffix()));
        const char* p = line.data();
        std::size_t left = line.size();
        const auto deadline = Clock::now() + options_.timeout;
        while (left > 0) {
            ssize_t w = write_no_sigpipe(stdin_fd_, p, left);
            if (w > 0) {
                p += w;
                left -= static_cast<std::size_t>(w);
                continue;
            }
            if (w < 0 && errno == EINTR) continue;
            if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
                if (wait <= 0)
                    throw TimeoutError(info("MCP server '" + name_ + "' does not read its stdin"));
                pollfd pfd{stdin_fd_, POLLOUT, 0};
                ::poll(&pfd, 1, static_cast<int>(std::min<long long>(wait, 1000)));
                continue;
            }
            throw ConnectionError(info("MCP server '" + name_ + "' closed its stdin" + stderr_suffix()));
        }
    }

    void close() override {
        if (closed_.exchange(true)) return;
        {
            std::lock_guard lock(write_mu_);
            close_fd(stdin_fd_);  // the polite way to ask a stdio server to exit
        }
        if (pid_ > 0) {
            if (!wait_exit(options_.kill_grace / 2)) {
                ::kill(-pid_, SIGTERM);
                if (!wait_exit(options_.kill_grace)) ::kill(-pid_, SIGKILL);
            } else {
                ::kill(-pid_, SIGTERM);  // what the server left running in its group (npx's node, ...)
            }
            // The leader is still unreaped here, so its pid (the group id) cannot have been reused.
            int status = 0;
            while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
            }
            // pid_ itself stays: the reader thread may still be reading it until the join below.
        }
        if (wake_write_ >= 0) {
            char c = 'x';
            [[maybe_unused]] auto r = ::write(wake_write_, &c, 1);
        }
        if (reader_.joinable() && reader_.get_id() != std::this_thread::get_id()) reader_.join();
        close_fd(stdout_fd_);
        close_fd(stderr_fd_);
        close_fd(wake_read_);
        close_fd(wake_write_);
    }

    std::string stderr_text() const override {
        std::lock_guard lock(stderr_mu_);
        return stderr_;
    }

private:
    void spawn(const std::vector<std::string>& command) {
        int in[2], out[2], err[2], wake[2];
        if (::pipe2(in, O_CLOEXEC) != 0) throw ConnectionError(info("MCP stdio: pipe: " + std::string(std::strerror(errno))));
        if (::pipe2(out, O_CLOEXEC) != 0) {
            ::close(in[0]), ::close(in[1]);
            throw ConnectionError(info("MCP stdio: pipe: " + std::string(std::strerror(errno))));
        }
        if (::pipe2(err, O_CLOEXEC) != 0) {
            ::close(in[0]), ::close(in[1]), ::close(out[0]), ::close(out[1]);
            throw ConnectionError(info("MCP stdio: pipe: " + std::string(std::strerror(errno))));
        }
        if (::pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
            for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) ::close(fd);
            throw ConnectionError(info("MCP stdio: pipe: " + std::string(std::strerror(errno))));
        }
        wake_read_ = wake[0];
        wake_write_ = wake[1];

        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, in[0], 0);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        posix_spawn_file_actions_adddup2(&actions, err[1], 2);
        // Nothing of ours beyond the three pipes reaches the child, even an fd opened without O_CLOEXEC.
        posix_spawn_file_actions_addclosefrom_np(&actions, 3);
        if (!options_.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, options_.cwd.c_str());

        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        sigset_t none, defaults;
        sigemptyset(&none);
        sigemptyset(&defaults);
        sigaddset(&defaults, SIGPIPE);
        sigaddset(&defaults, SIGINT);
        sigaddset(&defaults, SIGTERM);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setsigdefault(&attr, &defaults);
        posix_spawnattr_setpgroup(&attr, 0);  // its own group: close() signals the server and its children
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

        std::vector<char*> argv;
        for (const auto& a : command) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        std::vector<std::string> env_strings;
        if (options_.inherit_env) {
            for (char** e = environ; e && *e; ++e) {
                std::string_view kv(*e);
                auto eq = kv.find('=');
                if (eq != std::string_view::npos && options_.env.count(std::string(kv.substr(0, eq)))) continue;
                env_strings.emplace_back(kv);
            }
        }
        for (const auto& [k, v] : options_.env) env_strings.push_back(k + "=" + v);
        std::vector<char*> envp;
        for (auto& s : env_strings) envp.push_back(s.data());
        envp.push_back(nullptr);

        pid_t pid = -1;
        int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
        ::close(in[0]);
        ::close(out[1]);
        ::close(err[1]);
        if (rc != 0) {
            ::close(in[1]), ::close(out[0]), ::close(err[0]);
            throw ConnectionError(info("MCP server '" + name_ + "' could not be started: " + std::strerror(rc)));
        }
        pid_ = pid;
        stdin_fd_ = in[1];
        stdout_fd_ = out[0];
        stderr_fd_ = err[0];
        for (int fd : {stdin_fd_, stdout_fd_, stderr_fd_}) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    }

    // Has the leader exited within `limit`? Peeks (WNOWAIT): only close() reaps.
    bool wait_exit(std::chrono::milliseconds limit, int* status = nullptr) {
        const auto deadline = Clock::now() + limit;
        for (;;) {
            siginfo_t si{};
            if (::waitid(P_PID, static_cast<id_t>(pid_), &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid_) {
                if (status)
                    *status = si.si_code == CLD_EXITED ? (si.si_status & 0xff) << 8 : (si.si_status & 0x7f);
                return true;
            }
            if (Clock::now() >= deadline) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }

    void keep_stderr(const char* data, std::size_t n) {
        std::lock_guard lock(stderr_mu_);
        stderr_.append(data, n);
        if (stderr_.size() > options_.stderr_limit) stderr_.erase(0, stderr_.size() - options_.stderr_limit);
    }

    std::string stderr_suffix() const {
        std::string tail = stderr_text();
        if (tail.empty()) return "";
        constexpr std::size_t kShown = 2000;
        if (tail.size() > kShown) tail = "..." + tail.substr(tail.size() - kShown);
        while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
        return "; its stderr: " + tail;
    }

    // Reads what is there on `fd`; false at end of file.
    bool drain(int fd, std::string& into) {
        char buf[65536];
        for (;;) {
            ssize_t r = ::read(fd, buf, sizeof buf);
            if (r > 0) {
                into.append(buf, static_cast<std::size_t>(r));
                continue;
            }
            if (r == 0) return false;
            if (errno == EINTR) continue;
            return errno == EAGAIN || errno == EWOULDBLOCK;
        }
    }

    void read_loop() {
        LineFramer framer;
        std::vector<std::string> lines;
        bool out_open = true, err_open = true;
        std::exception_ptr failure;
        while (out_open && !closed_) {
            pollfd fds[3] = {{stdout_fd_, POLLIN, 0}, {err_open ? stderr_fd_ : -1, POLLIN, 0}, {wake_read_, POLLIN, 0}};
            if (::poll(fds, 3, -1) < 0) {
                if (errno == EINTR) continue;
                break;
            }
            if (fds[2].revents) break;  // close()
            if (fds[1].revents) {
                std::string chunk;
                err_open = drain(stderr_fd_, chunk);
                keep_stderr(chunk.data(), chunk.size());
            }
            if (fds[0].revents) {
                std::string chunk;
                out_open = drain(stdout_fd_, chunk);
                try {
                    framer.feed(chunk, lines);
                    for (auto& l : lines) {
                        json message = parse_message(l);
                        if (sink_.on_message) sink_.on_message(std::move(message));
                    }
                    lines.clear();
                } catch (const ResponseParseError&) {
                    failure = std::current_exception();
                    break;
                }
            }
        }
        if (closed_) return;
        if (!failure) {
            // stdout ended: the server is exiting. Its last words on stderr and its status make the message.
            int status = 0;
            bool exited = wait_exit(std::chrono::milliseconds(500), &status);
            const auto until = Clock::now() + std::chrono::milliseconds(200);
            while (err_open && Clock::now() < until) {
                pollfd pfd{stderr_fd_, POLLIN, 0};
                if (::poll(&pfd, 1, 50) > 0) {
                    std::string chunk;
                    err_open = drain(stderr_fd_, chunk);
                    keep_stderr(chunk.data(), chunk.size());
                }
            }
            failure = std::make_exception_ptr(ConnectionError(
                info("MCP server '" + name_ + "' " + (exited ? describe_status(status) : "closed its stdout") + stderr_suffix())));
        }
        if (sink_.on_closed) sink_.on_closed(failure);
    }

    ClientOptions options_;
    std::string name_;
    pid_t pid_ = -1;
    int stdin_fd_ = -1, stdout_fd_ = -1, stderr_fd_ = -1, wake_read_ = -1, wake_write_ = -1;
    std::mutex write_mu_;
    mutable std::mutex stderr_mu_;
    std::string stderr_;
    std::atomic<bool> closed_{false};
    TransportSink sink_;
    std::thread reader_;
};

}  // namespace

std::unique_ptr<Transport> make_stdio_transport(const std::vector<std::string>& command, const ClientOptions& options) {
    return std::make_unique<StdioTransport>(command, options);
}

}  // namespace llmgate::inline v1::mcp::detail
