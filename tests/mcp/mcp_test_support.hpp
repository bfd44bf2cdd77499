// What the MCP tests share: where node and the pinned reference server are, and a server process that
// runs for one test suite (spawned, waited for, killed).
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"

extern char** environ;

namespace mcp_test {

inline std::string node() { return LLMGATE_NODE_BIN; }
// Joined by the preprocessor: GCC 12 takes a std::string operator+ here, once inlined, for an overflow (-Wstringop-overflow).
inline std::string everything_script() { return LLMGATE_MCP_TEST_DIR "/node_modules/@modelcontextprotocol/server-everything/dist/index.js"; }
inline std::string fake_script() { return LLMGATE_MCP_TEST_DIR "/fake_server.js"; }
inline std::string fake_oauth_script() { return LLMGATE_MCP_TEST_DIR "/fake_oauth_server.js"; }

// Fails the test (never skips) when node or the pinned server is missing.
inline ::testing::AssertionResult servers_installed() {
    if (node().empty() || ::access(node().c_str(), X_OK) != 0)
        return ::testing::AssertionFailure() << "node not found: run scripts/install-deps.sh (it installs Debian's nodejs)";
    if (::access(everything_script().c_str(), R_OK) != 0)
        return ::testing::AssertionFailure() << everything_script()
                                             << " is missing: run scripts/install-deps.sh (npm ci in tests/mcp)";
    return ::testing::AssertionSuccess();
}

using llmgate::testing::free_loopback_port;

inline bool port_open(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

// A server process for a test suite; its stdout and stderr go to a file the test can read.
class ServerProcess {
public:
    ServerProcess(std::vector<std::string> argv, std::vector<std::string> env = {}) {
        log_ = "/tmp/llmgate-mcp-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++) + ".log";
        // Everything the child needs is built before fork: after it, only async-signal-safe calls.
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        for (char** e = environ; e && *e; ++e) env.emplace_back(*e);  // ours after `env`: the first wins
        std::vector<char*> envp;
        for (auto& e : env) envp.push_back(e.data());
        envp.push_back(nullptr);
        pid_ = ::fork();
        if (pid_ == 0) {
            ::setpgid(0, 0);
            int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (fd >= 0) {
                ::dup2(fd, 1);
                ::dup2(fd, 2);
            }
            ::execve(args[0], args.data(), envp.data());
            ::_exit(127);
        }
    }
    ~ServerProcess() {
        if (pid_ > 0) {
            ::kill(-pid_, SIGTERM);
            ::kill(pid_, SIGTERM);
            for (int i = 0; i < 200; ++i) {
                if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
                    pid_ = -1;
                    break;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            if (pid_ > 0) {
                ::kill(-pid_, SIGKILL);
                ::waitpid(pid_, nullptr, 0);
            }
        }
        std::remove(log_.c_str());
    }
    std::string output() const {
        std::ifstream in(log_);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    // Waits until the output has `text` (true) or `limit` passes (false).
    bool wait_for_output(const std::string& text, std::chrono::milliseconds limit = std::chrono::seconds(15)) const {
        auto until = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < until) {
            if (output().find(text) != std::string::npos) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }
    bool wait_for_port(int port, std::chrono::milliseconds limit = std::chrono::seconds(15)) const {
        auto until = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < until) {
            if (port_open(port)) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }

private:
    static int& counter() {
        static int n = 0;
        return n;
    }
    pid_t pid_ = -1;
    std::string log_;
};

}  // namespace mcp_test
