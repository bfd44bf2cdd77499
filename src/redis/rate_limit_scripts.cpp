// GCRA with reservations, run atomically in Redis: each call takes the next slot (FIFO across the
// fleet) and is told how long to wait for it. Times are Redis's TIME, so skewed host clocks agree.
#include "redis/rate_limit_scripts.hpp"

namespace llmgate::inline v1::detail {

// TAT ("theoretical arrival time") per dimension: the time at which the budget is clear again. A call
// whose slot begins at max(TAT, now) - tolerance waits until then; TAT moves on by its cost. Keys
// expire once their TAT has passed (plus a second), so an idle budget vanishes from Redis.
const RedisScript& reserve_script() {
    static const RedisScript* script = new RedisScript(R"lua(
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local wait = 0
local function take(key, cost, tolerance)
  local tat = tonumber(redis.call('GET', key) or now)
  if tat < now then tat = now end
  local w = tat + cost - tolerance - now
  if w > wait then wait = w end
  local new = tat + cost
  redis.call('SET', key, string.format('%.0f', new), 'PX', math.floor((new - now) / 1000) + 1000)
end
local ri = tonumber(ARGV[1])
if ri > 0 then take(KEYS[1], ri, tonumber(ARGV[2])) end
local ti = tonumber(ARGV[3])
local tokens = tonumber(ARGV[5])
if ti > 0 and tokens > 0 then take(KEYS[2], ti * tokens, tonumber(ARGV[4])) end
redis.call('ZADD', KEYS[3], now, ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - 60000000)
local fleet = redis.call('ZCARD', KEYS[3])
redis.call('PEXPIRE', KEYS[3], 120000)
return {math.ceil(wait), fleet}
)lua");
    return *script;
}

const RedisScript& adjust_tokens_script() {
    static const RedisScript* script = new RedisScript(R"lua(
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new = tat + tonumber(ARGV[1])
if new <= now then
  redis.call('DEL', KEYS[1])
  return 0
end
redis.call('SET', KEYS[1], string.format('%.0f', new), 'PX', math.floor((new - now) / 1000) + 1000)
return math.floor(new - now)
)lua");
    return *script;
}

}  // namespace llmgate::inline v1::detail
