// InterruptCancels: SIGINT → a byte on a self-pipe → a watcher thread → CancelToken::cancel().
#include "interrupt.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace llmgate::cli {
namespace {

// The write end of the active pipe, for the handler (only one InterruptCancels is alive at a time).
volatile std::sig_atomic_t interrupt_fd = -1;

extern "C" void on_sigint(int) {
    const int saved = errno;
    if (interrupt_fd >= 0) {
        const char byte = 1;
        (void)!::write(interrupt_fd, &byte, 1);
    }
    std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C is not caught
    errno = saved;
}

}  // namespace

InterruptCancels::InterruptCancels(CancelToken token) : token_(std::move(token)) {
    if (::pipe(pipe_) != 0) return;  // no pipe: Ctrl-C keeps its default meaning
    ::fcntl(pipe_[1], F_SETFD, FD_CLOEXEC);
    ::fcntl(pipe_[0], F_SETFD, FD_CLOEXEC);
    watcher_ = std::thread([this] {
        char byte = 0;
        ssize_t n = 0;
        do {
            n = ::read(pipe_[0], &byte, 1);
        } while (n < 0 && errno == EINTR);
        if (n == 1 && byte == 1) {  // Ctrl-C (the destructor writes 0 to stop the watcher)
            interrupted_.store(true);
            token_.cancel();
        }
    });
    interrupt_fd = pipe_[1];
    struct sigaction action {};
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &previous_);
}

InterruptCancels::~InterruptCancels() {
    if (pipe_[1] < 0) return;
    interrupt_fd = -1;
    ::sigaction(SIGINT, &previous_, nullptr);
    const char stop = 0;
    (void)!::write(pipe_[1], &stop, 1);  // wakes the watcher if Ctrl-C never came
    if (watcher_.joinable()) watcher_.join();
    ::close(pipe_[0]);
    ::close(pipe_[1]);
}

}  // namespace llmgate::cli
