// Callback plumbing shared by the chain, dispatch and the call forms: the value that goes with an error,
// and callbacks that fire once.
#pragma once

#include <atomic>
#include <exception>
#include <memory>
#include <type_traits>

#include "llmgate/callback.hpp"
#include "llmgate/stream.hpp"

namespace llmgate::inline v1::detail {

// The placeholder value handed to a callback together with an error.
template <class T>
T empty_value() {
    if constexpr (std::is_same_v<T, Stream>)
        return Stream(nullptr);
    else
        return T{};
}

// The first call of a callback, and only that one: shared by the callback handed on and the caller's own
// error path, so a step that both calls back and throws (or a cancelled batch entry) can never resolve a
// promise twice.
template <class T>
struct FirstCall {
    std::atomic<bool> fired{false};
    Callback<T> done;

    explicit FirstCall(Callback<T> d) : done(std::move(d)) {}
    void operator()(std::exception_ptr e, T v) {
        if (!fired.exchange(true)) done(std::move(e), std::move(v));
    }
    // A callback forwarding to `state`; the caller keeps `state` for its own error path instead of
    // copying the callback (a std::function copy allocates).
    static Callback<T> forwarder(const std::shared_ptr<FirstCall>& state) {
        return [state](std::exception_ptr e, T v) { (*state)(std::move(e), std::move(v)); };
    }
};

// A callback that forwards only its first call.
template <class T>
Callback<T> once(Callback<T> done) {
    return FirstCall<T>::forwarder(std::make_shared<FirstCall<T>>(std::move(done)));
}

}  // namespace llmgate::inline v1::detail
