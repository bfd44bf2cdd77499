// Environment lookup: process variables win; a `.env` in the working directory fills the gaps.
#include "core/environment.hpp"

#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "core/dotenv.hpp"

namespace llmgate {
namespace {

struct DotenvCache {
    std::mutex mutex;
    bool loaded = false;
    std::map<std::string, std::string> values;
};

DotenvCache& dotenv_cache() {
    static DotenvCache cache;
    return cache;
}

void load_locked(DotenvCache& c) {
    c.values.clear();
    std::ifstream in(".env", std::ios::binary);
    if (in) {
        std::ostringstream ss;
        ss << in.rdbuf();
        c.values = detail::parse_dotenv(ss.str());
    }
    c.loaded = true;
}

}  // namespace

std::optional<std::string> getenv(const std::string& name) {
    if (const char* v = std::getenv(name.c_str()); v != nullptr) return std::string(v);
    DotenvCache& c = dotenv_cache();
    std::lock_guard lock(c.mutex);
    if (!c.loaded) load_locked(c);
    if (auto it = c.values.find(name); it != c.values.end()) return it->second;
    return std::nullopt;
}

void reload_dotenv() {
    DotenvCache& c = dotenv_cache();
    std::lock_guard lock(c.mutex);
    load_locked(c);
}

namespace detail {

std::optional<std::string> first_env(std::initializer_list<const char*> names) {
    for (const char* n : names) {
        if (auto v = llmgate::getenv(n); v && !v->empty()) return v;
    }
    return std::nullopt;
}

}  // namespace detail
}  // namespace llmgate
