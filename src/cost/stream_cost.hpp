// A stream's cost, known at its end: wraps a Stream so that when it ends, the usage its chunks reported is
// priced and handed to a callback (BudgetMiddleware, CostTracker).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "llmgate/stream.hpp"

namespace llmgate::inline v1::detail {

// `on_end` runs once, when the stream reaches its verified end, with the USD of the usage it reported
// (nullopt when the model has no price). `provider` / `model` are the request's, used when the chunks do
// not name them. A stream abandoned or failed midway reports nothing: no usage was received.
Stream observe_stream_cost(Stream inner, std::string provider, std::string model,
                           std::function<void(std::optional<double>)> on_end);

}  // namespace llmgate::inline v1::detail
