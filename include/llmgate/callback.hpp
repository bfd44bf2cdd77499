// The completion handler of llmgate's asynchronous calls: one call, with an error or with the value.
#pragma once

#include <exception>
#include <functional>

namespace llmgate::inline v1 {

// Called exactly once: with (nullptr, value) on success, or with the typed llmgate::Error (and an empty
// value) on failure. Handlers run on llmgate's event loop thread, so they must not block: hand long work
// to a thread of your own. Used by the callback forms of acompletion / astream / aembed and by middleware.
template <class T>
using Callback = std::function<void(std::exception_ptr, T)>;

}  // namespace llmgate::inline v1
