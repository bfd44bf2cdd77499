// A second process for the Redis cache test: one completion through CacheMiddleware on a RedisCacheStore,
// printing "hit" or "miss" (the provider is whatever OPENAI_BASE_URL points at).
#include <iostream>

#include <llmgate/llmgate.hpp>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: redis_cache_child REDIS_URL PROMPT\n";
        return 2;
    }
    auto store = std::make_shared<llmgate::RedisCacheStore>(llmgate::RedisOptions{.url = argv[1]});
    const llmgate::Options o{.middleware = {std::make_shared<llmgate::CacheMiddleware>(std::chrono::seconds(60), 0, store)}};
    try {
        const auto r = llmgate::completion("gpt-4o-mini", {llmgate::Message::user(argv[2])}, o);
        std::cout << (r.cache_hit ? "hit" : "miss") << ' ' << r.text() << '\n';
        return 0;
    } catch (const std::exception& e) {
        std::cerr << e.what() << '\n';
        return 1;
    }
}
