// Bench 1, per-call overhead: N sequential non-streaming completions through llmgate::completion vs the
// same requests on one reused raw libcurl easy handle, reply parsed with nlohmann::json.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <curl/curl.h>

#include "bench_common.hpp"
#include "bench_server.hpp"
#include "llmgate/llmgate.hpp"
#include "raw_curl.hpp"

using namespace llmgate::bench;

namespace {

constexpr long kWarmup = 200;

Metrics run_llmgate(long n) {
    std::size_t chars = 0;
    auto call = [&] {
        std::vector<llmgate::Message> messages{llmgate::Message::user("Hello!")};
        chars += llmgate::completion(kModel, messages).text().size();
    };
    for (long i = 0; i < kWarmup; ++i) call();
    const Clock start = now();
    for (long i = 0; i < n; ++i) call();
    const Clock t = since(start);
    if (chars == 0) throw std::runtime_error("llmgate returned no text");
    return {.wall_s = t.wall_s,
            .cpu_s = t.cpu_s,
            .peak_rss_mib = peak_rss_mib(),
            .max_threads = static_cast<double>(thread_count())};
}

Metrics run_raw(const std::string& base_url, long n) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    raw::Client client(base_url, kApiKey);
    std::size_t chars = 0;
    for (long i = 0; i < kWarmup; ++i) chars += client.complete(kModel).size();
    const Clock start = now();
    for (long i = 0; i < n; ++i) chars += client.complete(kModel).size();
    const Clock t = since(start);
    if (chars == 0) throw std::runtime_error("raw returned no text");
    return {.wall_s = t.wall_s,
            .cpu_s = t.cpu_s,
            .peak_rss_mib = peak_rss_mib(),
            .max_threads = static_cast<double>(thread_count())};
}

}  // namespace

int main(int argc, char** argv) try {
    const Args args = parse_args(argc, argv);
    const long n = args.n > 0 ? args.n : (args.quick ? 1000 : 10000);
    const int rounds = args.rounds > 0 ? args.rounds : (args.quick ? 1 : 5);

    ServerProcess server([] { return start_openai_server(200); });
    setenv("OPENAI_API_KEY", kApiKey, 1);
    setenv("OPENAI_BASE_URL", (server.base_url() + "/v1").c_str(), 1);

    std::vector<double> lw, lc, rw, rc, wall_ratio, cpu_ratio, lrss, rrss;
    for (int r = 0; r < rounds; ++r) {
        Metrics l, w;
        // Alternate which side goes first, so drift on a shared machine hits both alike.
        if (r % 2 == 0) {
            w = run_isolated([&] { return run_raw(server.base_url(), n); });
            l = run_isolated([&] { return run_llmgate(n); });
        } else {
            l = run_isolated([&] { return run_llmgate(n); });
            w = run_isolated([&] { return run_raw(server.base_url(), n); });
        }
        std::printf("round %d: llmgate %.3fs wall %.3fs cpu | raw %.3fs wall %.3fs cpu\n", r + 1, l.wall_s, l.cpu_s,
                    w.wall_s, w.cpu_s);
        lw.push_back(l.wall_s / static_cast<double>(n) * 1e6);
        lc.push_back(l.cpu_s / static_cast<double>(n) * 1e6);
        rw.push_back(w.wall_s / static_cast<double>(n) * 1e6);
        rc.push_back(w.cpu_s / static_cast<double>(n) * 1e6);
        wall_ratio.push_back(l.wall_s / w.wall_s);
        cpu_ratio.push_back(l.cpu_s / w.cpu_s);
        lrss.push_back(l.peak_rss_mib);
        rrss.push_back(w.peak_rss_mib);
    }
    const std::string name = "1. per-call overhead (" + std::to_string(n) + " sequential)";
    row(name, "wall µs/call", fmt(median(lw), 1), fmt(median(rw), 1), ratio_str(median(wall_ratio)), "≤ 1.05×");
    row(name, "CPU µs/call", fmt(median(lc), 1), fmt(median(rc), 1), ratio_str(median(cpu_ratio)), "≤ 1.15×");
    row(name, "peak RSS MiB", fmt(median(lrss), 1), fmt(median(rrss), 1), ratio_str(median(lrss) / median(rrss)), "-");
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "overhead_bench: %s\n", e.what());
    return 1;
}
