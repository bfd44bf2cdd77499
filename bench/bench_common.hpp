// What every benchmark shares: clocks (wall + CPU), /proc readings, a fake provider server in its own
// process, measurements in isolated child processes, and the result rows scripts/bench.sh tabulates.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace llmgate::bench {

// ---------------------------------------------------------------- clocks and /proc

struct Clock {
    double wall_s = 0;
    double cpu_s = 0;         // user + system time of every thread of this process (RUSAGE_SELF)
    double sys_s = 0;         // the system (kernel) part of cpu_s: syscalls, page faults, wake-ups
    double minor_faults = 0;  // pages first touched (fresh heap memory is paid for in sys time)
    double switches = 0;      // voluntary + involuntary context switches
};

inline Clock now() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    auto tv = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
    return {std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(),
            tv(ru.ru_utime) + tv(ru.ru_stime), tv(ru.ru_stime), static_cast<double>(ru.ru_minflt),
            static_cast<double>(ru.ru_nvcsw + ru.ru_nivcsw)};
}

inline Clock since(const Clock& start) {
    Clock n = now();
    return {n.wall_s - start.wall_s, n.cpu_s - start.cpu_s, n.sys_s - start.sys_s, n.minor_faults - start.minor_faults,
            n.switches - start.switches};
}

// CLOCK_MONOTONIC in nanoseconds: the same clock in every process of the machine, so a server process
// can stamp an event and the client can subtract.
inline long long monotonic_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

// One "Name:   value kB" field of /proc/self/status (VmRSS, VmHWM, Threads), -1 if absent.
inline long proc_status(std::string_view field) {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line)) {
        if (line.size() > field.size() && line.compare(0, field.size(), field) == 0 && line[field.size()] == ':')
            return std::strtol(line.c_str() + field.size() + 1, nullptr, 10);
    }
    return -1;
}
inline double rss_mib() { return static_cast<double>(proc_status("VmRSS")) / 1024.0; }
inline double peak_rss_mib() { return static_cast<double>(proc_status("VmHWM")) / 1024.0; }
inline long thread_count() { return proc_status("Threads"); }

// The 1-, 5- and 15-minute load averages as /proc/loadavg gives them: the machine is shared, so each
// measurement is printed with the load it ran under.
inline std::string load_average() {
    std::ifstream f("/proc/loadavg");
    std::string a, b, c;
    f >> a >> b >> c;
    return a + " " + b + " " + c;
}

// ---------------------------------------------------------------- statistics

inline double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Nearest-rank percentile, p in [0, 100].
inline double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size()) + 0.5);
    rank = std::clamp<std::size_t>(rank, 1, v.size());
    return v[rank - 1];
}

// ---------------------------------------------------------------- processes

// CPU placement, used by the concurrency bench (its `main` turns it on; `--no-pin` keeps it off). On a
// machine with two or more CPUs the server process runs on CPU 1 and every measured client process on
// CPU 0. Unpinned, the fake server's thread per connection (256 at a time in bench 2) competes with the
// client for both cores: the client is preempted thousands of times a run, and its CPU time and
// throughput move by 30-40% between identical runs. Pinned, each side has a core of its own, as a
// client of a remote provider has, the client is the bottleneck (its wall time is its CPU time), and
// throughput measures the client. The other benches stay unpinned: they keep one connection busy, and
// a caller thread and llmgate's event loop thread handing every chunk over would share one core.
enum class Cpu { server = 1, client = 0 };
inline bool& pinning_enabled() {
    static bool enabled = false;
    return enabled;
}
inline bool pinning_active() { return pinning_enabled() && sysconf(_SC_NPROCESSORS_ONLN) >= 2; }
inline void pin_to(Cpu cpu) {
    if (!pinning_active()) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(static_cast<int>(cpu), &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) std::perror("bench: sched_setaffinity");
}

// Forks; the child runs `start` (which must return the TCP port it listens on, leaving its server
// running on its own threads), reports the port and lives until this object is destroyed or the parent
// dies. Keeping the server in another process keeps its CPU time, threads and memory out of the
// client's getrusage and /proc numbers. Construct it before the parent starts any thread.
class ServerProcess {
public:
    explicit ServerProcess(const std::function<int()>& start) {
        int port_pipe[2], lifeline[2];
        if (pipe(port_pipe) != 0 || pipe(lifeline) != 0) throw std::runtime_error("pipe failed");
        pid_ = fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            pin_to(Cpu::server);
            close(port_pipe[0]);
            close(lifeline[1]);
            int port = -1;
            try {
                port = start();
            } catch (const std::exception& e) {
                std::fprintf(stderr, "bench server: %s\n", e.what());
            }
            (void)!write(port_pipe[1], &port, sizeof port);
            close(port_pipe[1]);
            char c;
            while (read(lifeline[0], &c, 1) > 0) {
            }
            _exit(0);  // skip destructors: the server's orderly shutdown is not what is measured
        }
        close(port_pipe[1]);
        close(lifeline[0]);
        lifeline_ = lifeline[1];
        if (read(port_pipe[0], &port_, sizeof port_) != static_cast<ssize_t>(sizeof port_) || port_ <= 0)
            throw std::runtime_error("bench server failed to start");
        close(port_pipe[0]);
    }
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;
    ~ServerProcess() {
        close(lifeline_);
        int status = 0;
        waitpid(pid_, &status, 0);
    }

    int port() const { return port_; }
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

private:
    pid_t pid_ = -1;
    int port_ = -1;
    int lifeline_ = -1;
};

// What one isolated measurement reports back to the parent: plain numbers only.
struct Metrics {
    double wall_s = 0;
    double cpu_s = 0;
    double sys_s = 0;         // the kernel's part of cpu_s
    double minor_faults = 0;  // while the work ran
    double switches = 0;      // context switches while the work ran
    double peak_rss_mib = 0;  // VmHWM of the measuring process
    double max_threads = 0;   // most threads seen while the work ran
    double v[8] = {};         // measurement-specific values
    int ok = 0;
    char error[240] = {};
};

// Runs `measure` in a forked child, so every variant starts from the same fresh process: no earlier
// variant's heap, threads, connections or CPU time are counted (a child's rusage starts at zero).
// The parent must not have started threads of its own (llmgate's event loop, curl) before calling.
inline Metrics run_isolated(const std::function<Metrics()>& measure) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    std::fflush(nullptr);
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);  // a killed bench (scripts/bench.sh's timeout) leaves nothing behind
        pin_to(Cpu::client);
        close(fds[0]);
        Metrics m;
        try {
            m = measure();
            m.ok = 1;
        } catch (const std::exception& e) {
            m.ok = 0;
            std::snprintf(m.error, sizeof m.error, "%s", e.what());
        }
        (void)!write(fds[1], &m, sizeof m);
        close(fds[1]);
        std::fflush(nullptr);
        _exit(0);
    }
    close(fds[1]);
    Metrics m;
    std::size_t got = 0;
    while (got < sizeof m) {
        ssize_t n = read(fds[0], reinterpret_cast<char*>(&m) + got, sizeof m - got);
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (got != sizeof m) throw std::runtime_error("measurement process died (status " + std::to_string(status) + ")");
    if (!m.ok) throw std::runtime_error(std::string("measurement failed: ") + m.error);
    return m;
}

// ---------------------------------------------------------------- output

// A machine-readable result row; scripts/bench.sh turns the rows of every bench into one table.
// `raw` and `ratio` may be "-" where there is no baseline.
inline void row(const std::string& bench, const std::string& metric, const std::string& llmgate, const std::string& raw,
                const std::string& ratio, const std::string& target) {
    std::printf("ROW\t%s\t%s\t%s\t%s\t%s\t%s\n", bench.c_str(), metric.c_str(), llmgate.c_str(), raw.c_str(),
                ratio.c_str(), target.c_str());
    std::fflush(stdout);
}

inline std::string fmt(double v, int decimals = 2) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}
inline std::string ratio_str(double r) { return fmt(r, 3) + "×"; }

// --quick and --n N style arguments.
struct Args {
    bool quick = false;
    long n = -1;
    int rounds = -1;
    bool no_pin = false;  // only the concurrency bench pins (see pin_to)
};
inline Args parse_args(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string s = argv[i];
        if (s == "--quick")
            a.quick = true;
        else if (s == "--n" && i + 1 < argc)
            a.n = std::strtol(argv[++i], nullptr, 10);
        else if (s == "--rounds" && i + 1 < argc)
            a.rounds = static_cast<int>(std::strtol(argv[++i], nullptr, 10));
        else if (s == "--no-pin")
            a.no_pin = true;
        else {
            std::fprintf(stderr, "usage: %s [--quick] [--n N] [--rounds R] [--no-pin]\n", argv[0]);
            std::exit(2);
        }
    }
    return a;
}

}  // namespace llmgate::bench
