// The Lua scripts behind RedisRateLimiter (GCRA reservations on Redis server time); see docs/redis.md.
#pragma once

#include "redis/script.hpp"

namespace llmgate::inline v1::detail {

// KEYS: request TAT, token TAT, fleet set. ARGV: request interval (µs, 0 = no rpm), request tolerance
// (µs), token interval (µs per token, 0 = no tpm), token tolerance (µs), tokens, member id.
// Returns {wait µs, fleet size}.
const RedisScript& reserve_script();
// KEYS: token TAT. ARGV: µs to add (negative: give back). Returns the new TAT offset from now (µs).
const RedisScript& adjust_tokens_script();

}  // namespace llmgate::inline v1::detail
