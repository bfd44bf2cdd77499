// Ctrl-C (SIGINT) cancels a CancelToken while an InterruptCancels is alive, so a long batch stops
// cleanly: requests in flight are aborted, the rest are never sent, and every result is still written.
#pragma once

#include <atomic>
#include <csignal>
#include <thread>

#include <llmgate/cancel.hpp>

namespace llmgate::cli {

class InterruptCancels {
public:
    // Installs the SIGINT handler. The first Ctrl-C cancels `token`; the handler then restores the
    // default, so a second Ctrl-C ends the program at once.
    explicit InterruptCancels(CancelToken token);
    ~InterruptCancels();  // restores the previous SIGINT handler and stops the watcher
    InterruptCancels(const InterruptCancels&) = delete;
    InterruptCancels& operator=(const InterruptCancels&) = delete;

    bool interrupted() const { return interrupted_.load(); }

private:
    // The handler only writes a byte to a pipe (async-signal-safe); a watcher thread reads it and calls
    // cancel(), which takes locks and may allocate, as a signal handler must not.
    CancelToken token_;
    int pipe_[2] = {-1, -1};
    std::thread watcher_;
    std::atomic<bool> interrupted_{false};
    struct sigaction previous_ {};
};

}  // namespace llmgate::cli
