// A cached reply as bytes for a shared store: compact JSON behind a version prefix.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "llmgate/middleware/cache.hpp"

namespace llmgate::inline v1::detail {

// "llmgate-cache/1\n" + compact JSON of the whole reply (choices, usage, raw, structured output).
std::string encode_cached_reply(const CachedReply& reply);
// nullopt for anything else: another version's prefix, damaged or foreign bytes (a miss, never a throw).
std::optional<CachedReply> decode_cached_reply(std::string_view bytes);

}  // namespace llmgate::inline v1::detail
