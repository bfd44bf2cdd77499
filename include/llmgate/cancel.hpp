// CancelToken: stop calls that are waiting for a provider, from any thread.
#pragma once

#include <memory>

namespace llmgate::inline v1 {

// Pass one in Options::cancel (or BatchOptions::cancel) and call cancel() from any thread (a handler, a
// UI thread, a signal-watching thread) to stop every call that carries it:
// - a call not yet sent is never sent;
// - a request in flight is aborted at once (its connection closed), and a stream being read stops;
// - each stopped call ends with CancelledError, which neither RetryMiddleware nor a fallback chain
//   treats as a reason to try again.
// A call that already finished keeps its result. Copies share one state: cancelling any copy cancels all.
class CancelToken {
public:
    CancelToken();
    void cancel() const noexcept;  // idempotent; later calls do nothing
    bool cancelled() const noexcept;

    // A token cancelled when either `a` or `b` is (batch's fail_fast joins its own to a request's).
    static CancelToken either(const CancelToken& a, const CancelToken& b);

private:
    struct State;
    explicit CancelToken(std::shared_ptr<State> state);
    std::shared_ptr<State> state_;
};

}  // namespace llmgate::inline v1
