// RedisClient: the URL parsed once, the pool and breaker built from the user's RedisOptions.
#include "redis/client.hpp"

#include "redis/url.hpp"

namespace llmgate::inline v1::detail {

RedisClient::RedisClient(const RedisOptions& options)
    : pool_(parse_redis_url(options.url),
            RedisConnectSettings{.connect_timeout = options.connect_timeout,
                                 .command_timeout = options.command_timeout,
                                 .ca_file = options.ca_file},
            options.pool_size),
      health_(pool_.url().display(), options.retry_after, options.max_retry_after) {}

}  // namespace llmgate::inline v1::detail
