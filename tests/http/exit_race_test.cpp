// A process may exit while the event loop thread is still finishing a transfer. Static objects are
// destroyed then (the C++ runtime's, simdjson's, ours); the loop must not call into one that is gone.
// The child here exits while a reply is on its way: an exit handler registered first (so it runs after
// every static destructor) keeps the process alive while the loop builds the error for that reply.
// Before the fix, building an error's message ran simdjson's UTF-8 validator through its destroyed
// implementation object: "pure virtual method called", and the process aborted.
//
// The child is this test program run again (fork + exec), not a bare fork: a forked copy of a process
// whose event loop already runs (an earlier test in the same run) would have no loop thread. Run again
// with kChildVariable set, the program does the child's part before anything else, then exits.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace fake = llmgate::testing::openai;

extern char** environ;

namespace {

constexpr const char* kChildVariable = "LLMGATE_EXIT_RACE_CHILD";

// The child's part, in the re-run program before main and before this program's static objects (the
// earliest constructor priority, 101), so llmgate and simdjson have run nothing in it yet.
__attribute__((constructor(101))) void exit_race_child() {
    if (std::getenv(kChildVariable) == nullptr) return;
    // Registered before llmgate (or simdjson) creates any static object, so it runs after all of
    // their destructors: the reply arrives, and the loop handles it, during this sleep. Then the
    // child ends at once: what would run after this is only the sanitizers' own exit work.
    std::atexit([] {
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
        std::_Exit(0);
    });
    auto pending = acompletion("gpt-4o-mini", {Message::user("hi")});
    (void)pending;  // exit() does not unwind: the future stays alive, its result still to come
    std::exit(0);
}

// The child's exit status, or -1 if it has not ended within `limit` (it is then killed).
int wait_for(pid_t pid, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (std::chrono::steady_clock::now() < until) {
        if (waitpid(pid, &status, WNOHANG) == pid) return status;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

class ExitRace : public OpenAIServerTest {
protected:
    ExitRace() : OpenAIServerTest("sk-exit", "") {}
};

}  // namespace

TEST_F(ExitRace, ExitingWhileTheLoopFinishesAFailedTransferDoesNotCrash) {
    server.set_handler([](const RecordedRequest&) {
        Reply r = fake::error(500, "server error \xc3\xa9 with text to check", "server_error");
        r.delay_before_reply = std::chrono::milliseconds(150);  // arrives while the child is exiting
        return r;
    });

    // The child's environment: this one (OpenAI pointed at the server) and kChildVariable, built before
    // the fork, since only exec may follow fork in a process with threads.
    char child_flag[] = "LLMGATE_EXIT_RACE_CHILD=1";
    std::vector<char*> envp{child_flag};
    for (char** v = environ; *v != nullptr; ++v) envp.push_back(*v);
    envp.push_back(nullptr);
    char program[] = "/proc/self/exe";
    char* argv[] = {program, nullptr};

    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        execve(program, argv, envp.data());
        _exit(127);
    }
    const int status = wait_for(pid, std::chrono::seconds(20));
    ASSERT_NE(status, -1) << "the exiting process hung";
    EXPECT_TRUE(WIFEXITED(status)) << "the exiting process was killed by signal "
                                   << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    if (WIFEXITED(status)) {
        EXPECT_EQ(WEXITSTATUS(status), 0);
    }
    EXPECT_EQ(server.request_count(), 1u);  // the request did go out: the race was really run
}
