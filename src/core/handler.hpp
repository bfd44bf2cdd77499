// What the public callback forms (acompletion / astream / aembed with a Callback) promise their caller:
// the handler runs once, on the event loop thread, never inside the initiating call, and whatever it
// throws stays with it.
#pragma once

#include <exception>
#include <utility>

#include "core/chain.hpp"
#include "llmgate/errors.hpp"
#include "transport/event_loop.hpp"
#include "transport/http.hpp"

namespace llmgate::inline v1::detail {

// The caller's handler, shielded: an exception it throws is caught here, at the boundary, so it never
// unwinds through llmgate's own code (a middleware's bookkeeping, a fallback chain deciding whether to try
// the next model). It is then discarded: there is no caller left to give it to.
template <class T>
Callback<T> shielded(Callback<T> handler) {
    if (!handler) throw InvalidRequestError(ErrorInfo{.message = "the completion handler is empty"});
    return [handler = std::move(handler)](std::exception_ptr e, T value) {
        try {
            handler(std::move(e), std::move(value));
        } catch (...) {
        }
    };
}

// Runs start(request, handler) on the event loop thread, so a failure found before anything is sent
// (bad arguments, no API key) reaches the handler there too, after the initiating call has returned. A
// start that throws instead of calling back still reaches the handler, once.
template <class T, class Request, class Start>
void start_on_loop(Request request, Callback<T> handler, Start start) {
    auto done = once(shielded(std::move(handler)));
    post_to_event_loop([request = std::move(request), done, start = std::move(start)]() mutable {
        try {
            start(std::move(request), done);
        } catch (...) {
            done(std::current_exception(), empty_value<T>());
        }
    });
}

// Hands `error` to the handler on the event loop thread (an error found while packaging the arguments).
template <class T>
void fail_on_loop(Callback<T> handler, std::exception_ptr error) {
    post_to_event_loop([done = shielded(std::move(handler)), error] { done(error, empty_value<T>()); });
}

}  // namespace llmgate::inline v1::detail
