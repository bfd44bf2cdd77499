// CancelToken: a shared flag, joined tokens, and the wake-up that lets the event loop abort at once.
#include "llmgate/cancel.hpp"
#include "transport/event_loop.hpp"

#include <atomic>
#include <vector>

#include "transport/http.hpp"

namespace llmgate::inline v1 {

struct CancelToken::State {
    std::atomic<bool> flag{false};
    std::vector<std::shared_ptr<State>> upstream;  // fixed at creation: read without a lock

    bool cancelled() const noexcept {
        if (flag.load(std::memory_order_acquire)) return true;
        for (const auto& u : upstream)
            if (u->cancelled()) return true;
        return false;
    }
};

CancelToken::CancelToken() : state_(std::make_shared<State>()) {}
CancelToken::CancelToken(std::shared_ptr<State> state) : state_(std::move(state)) {}

void CancelToken::cancel() const noexcept {
    if (state_->flag.exchange(true, std::memory_order_acq_rel)) return;
    // Transfers on the event loop are aborted by a sweep there rather than at libcurl's next progress
    // call (up to a second away for a quiet connection). In-thread calls see the flag in that callback.
    try {
        detail::cancel_requested();
    } catch (...) {  // cannot post (out of memory): the progress callback still sees the flag
    }
}

bool CancelToken::cancelled() const noexcept { return state_->cancelled(); }

CancelToken CancelToken::either(const CancelToken& a, const CancelToken& b) {
    auto state = std::make_shared<State>();
    state->upstream = {a.state_, b.state_};
    return CancelToken(std::move(state));
}

}  // namespace llmgate::inline v1
