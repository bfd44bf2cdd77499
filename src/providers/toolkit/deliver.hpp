// Hands what an async call computed, or the exception it raised instead, to the caller's callback.
#pragma once

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "transport/http.hpp"

namespace llmgate::inline v1::detail {

// Runs `make` and calls `done` once: (nullptr, value) or (the exception, an empty value). Never throws what
// `make` throws, so it is safe on the event loop, where a callback must report every failure.
template <class T, class Make>
void deliver(const Callback<T>& done, Make&& make) {
    std::optional<T> out;
    std::exception_ptr err;
    try {
        out.emplace(make());
    } catch (...) {
        err = std::current_exception();
    }
    if (!err) {
        done(nullptr, std::move(*out));
    } else if constexpr (std::is_default_constructible_v<T>) {
        done(err, T{});
    } else {
        done(err, T(nullptr));  // Stream: no default, an empty stream
    }
}

}  // namespace llmgate::inline v1::detail
