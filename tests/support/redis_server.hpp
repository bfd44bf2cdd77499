// A real redis-server on a free loopback port for the Redis tests: started, pinged, stopped, killed.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "redis/error.hpp"
#include "redis/pool.hpp"
#include "redis/url.hpp"

namespace llmgate::testing {

inline std::string redis_server_binary() {
    for (const char* dir : {"/usr/bin", "/usr/local/bin", "/usr/sbin"}) {
        const std::string path = std::string(dir) + "/redis-server";
        if (::access(path.c_str(), X_OK) == 0) return path;
    }
    return {};
}

class RedisServer {
public:
    RedisServer() : port_(free_loopback_port()) {}
    ~RedisServer() { kill(); }
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    int port() const { return port_; }
    std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }

    // Starts redis-server with `extra` arguments (--requirepass, TLS); true once it answers PING (through
    // `ping_url`, default url()) within 5 s.
    bool start(std::vector<std::string> extra = {}, std::string ping_url = {}, std::string ca_file = {}) {
        extra_ = extra;
        std::vector<std::string> args{redis_server_binary(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                      "--daemonize", "no", "--loglevel", "warning"};
        if (std::find(extra.begin(), extra.end(), "--port") == extra.end()) {
            args.push_back("--port");
            args.push_back(std::to_string(port_));
        }
        args.insert(args.end(), extra.begin(), extra.end());
        pid_ = spawn_quiet(std::move(args));
        if (pid_ < 0) return false;
        ping_url_ = ping_url.empty() ? url() : ping_url;
        ca_file_ = ca_file;
        return wait_for_ping(std::chrono::seconds(5));
    }
    // The same server again on the same port (after kill()).
    bool restart() { return start(extra_, ping_url_, ca_file_); }

    bool wait_for_ping(std::chrono::milliseconds within) const {
        const auto until = std::chrono::steady_clock::now() + within;
        while (std::chrono::steady_clock::now() < until) {
            try {
                detail::RedisPool pool(detail::parse_redis_url(ping_url_),
                                       detail::RedisConnectSettings{std::chrono::milliseconds(500),
                                                                    std::chrono::milliseconds(500), ca_file_},
                                       1);
                if (pool.command({"PING"}).str == "PONG") return true;
            } catch (const detail::RedisError&) {
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }

    void kill() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
    void pause() const { ::kill(pid_, SIGSTOP); }
    void resume() const { ::kill(pid_, SIGCONT); }

private:
    int port_;
    pid_t pid_ = -1;
    std::vector<std::string> extra_;
    std::string ping_url_, ca_file_;
};

}  // namespace llmgate::testing
