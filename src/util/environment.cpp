// Environment lookup: process variables win; a `.env` in the working directory fills the gaps.
#include "util/environment.hpp"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <sstream>

#include "util/dotenv.hpp"

namespace llmgate::inline v1 {
namespace {

struct DotenvCache {
    std::mutex mutex;
    bool loaded = false;
    std::map<std::string, std::string, std::less<>> values;  // looked up by C string, no key copy
    // True once loaded and found empty (no .env, the usual case in production): a variable that is not
    // in the process environment then costs no lock. Providers look up several per request.
    std::atomic<bool> loaded_empty{false};
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
        auto parsed = detail::parse_dotenv(ss.str());
        c.values.insert(std::make_move_iterator(parsed.begin()), std::make_move_iterator(parsed.end()));
    }
    c.loaded = true;
    c.loaded_empty.store(c.values.empty(), std::memory_order_release);
}

std::optional<std::string> lookup(const char* name) {
    if (const char* v = std::getenv(name); v != nullptr) return std::string(v);
    DotenvCache& c = dotenv_cache();
    if (c.loaded_empty.load(std::memory_order_acquire)) return std::nullopt;
    std::lock_guard lock(c.mutex);
    if (!c.loaded) load_locked(c);
    if (auto it = c.values.find(std::string_view(name)); it != c.values.end()) return it->second;
    return std::nullopt;
}

}  // namespace

std::optional<std::string> getenv(const std::string& name) { return lookup(name.c_str()); }

void reload_dotenv() {
    DotenvCache& c = dotenv_cache();
    std::lock_guard lock(c.mutex);
    load_locked(c);
}

namespace detail {

std::optional<std::string> first_env(std::initializer_list<const char*> names) {
    for (const char* n : names) {
        if (auto v = lookup(n); v && !v->empty()) return v;
    }
    return std::nullopt;
}

}  // namespace detail
}  // namespace llmgate
