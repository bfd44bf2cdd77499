// Bench 3a/3c, streaming: N streamed completions of 200 SSE events through llmgate::stream vs raw libcurl
// splitting the same SSE and parsing each event, once with nlohmann::json and once with simdjson
// On-Demand (the faster hand-written client); then the delay from an event leaving the server to the
// caller's loop body seeing it (server stamps each event with CLOCK_MONOTONIC).
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

constexpr std::size_t kEvents = 200;  // role delta + 197 text deltas + finish + usage, then [DONE]
constexpr long kWarmup = 20;
constexpr int kLatencyEvents = 200;
constexpr int kLatencyGapUs = 500;  // each event its own TCP segment and its own read

std::size_t llmgate_stream_once() {
    std::vector<llmgate::Message> messages{llmgate::Message::user("Hello!")};
    std::size_t chunks = 0;
    for (const auto& chunk : llmgate::stream(kModel, messages)) {
        chunks += chunk.delta.empty() ? 0 : 1;
    }
    return chunks;
}

Metrics run_llmgate(long n) {
    for (long i = 0; i < kWarmup; ++i) llmgate_stream_once();
    const double rss_before = rss_mib();
    const Clock start = now();
    std::size_t chunks = 0;
    for (long i = 0; i < n; ++i) chunks += llmgate_stream_once();
    const Clock t = since(start);
    if (chunks != static_cast<std::size_t>(n) * (kEvents - 3)) throw std::runtime_error("llmgate: wrong chunk count");
    return {.wall_s = t.wall_s,
            .cpu_s = t.cpu_s,
            .peak_rss_mib = peak_rss_mib(),
            .max_threads = static_cast<double>(thread_count()),
            .v = {rss_before, rss_mib()}};
}

Metrics run_raw(const std::string& base_url, long n) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    raw::Client client(base_url, kApiKey);
    std::size_t chunks = 0;
    auto count = [&](const std::string& delta) { chunks += delta.empty() ? 0 : 1; };
    for (long i = 0; i < kWarmup; ++i) raw::stream(client, kModel, count);
    chunks = 0;
    const double rss_before = rss_mib();
    const Clock start = now();
    for (long i = 0; i < n; ++i) raw::stream(client, kModel, count);
    const Clock t = since(start);
    if (chunks != static_cast<std::size_t>(n) * (kEvents - 3)) throw std::runtime_error("raw: wrong chunk count");
    return {.wall_s = t.wall_s,
            .cpu_s = t.cpu_s,
            .peak_rss_mib = peak_rss_mib(),
            .max_threads = static_cast<double>(thread_count()),
            .v = {rss_before, rss_mib()}};
}

// The same streams read by a hand-written client parsing each event with simdjson On-Demand and keeping
// the answer's text.
Metrics run_raw_simdjson(const std::string& base_url, long n) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    raw::Client client(base_url, kApiKey);
    raw::SimdjsonDeltas deltas;
    std::size_t chunks = 0, text_bytes = 0;
    auto count = [&](std::string_view delta) { chunks += delta.empty() ? 0 : 1; };
    for (long i = 0; i < kWarmup; ++i) raw::stream_simdjson(client, kModel, deltas, count);
    chunks = 0;
    const double rss_before = rss_mib();
    const Clock start = now();
    for (long i = 0; i < n; ++i) text_bytes += raw::stream_simdjson(client, kModel, deltas, count).size();
    const Clock t = since(start);
    if (chunks != static_cast<std::size_t>(n) * (kEvents - 3) || text_bytes == 0)
        throw std::runtime_error("raw simdjson: wrong chunk count");
    return {.wall_s = t.wall_s,
            .cpu_s = t.cpu_s,
            .peak_rss_mib = peak_rss_mib(),
            .max_threads = static_cast<double>(thread_count()),
            .v = {rss_before, rss_mib()}};
}

Metrics latency_result(std::vector<double>& us) {
    if (us.empty()) throw std::runtime_error("no latency samples");
    Metrics m;
    m.v[0] = median(us);
    m.v[1] = percentile(us, 99);
    m.v[2] = static_cast<double>(us.size());
    return m;
}

Metrics latency_llmgate(const std::string& base_url, int streams) {
    setenv("OPENAI_BASE_URL", (base_url + "/v1").c_str(), 1);
    std::vector<double> us;
    std::vector<llmgate::Message> messages{llmgate::Message::user("Hello!")};
    for (int s = 0; s < streams + 1; ++s) {
        for (const auto& chunk : llmgate::stream(kModel, messages)) {
            const long long seen = monotonic_ns();  // first thing the loop body does
            if (s > 0 && !chunk.delta.empty())      // stream 0 warms up the connection
                us.push_back(static_cast<double>(seen - std::stoll(chunk.delta)) / 1000.0);
        }
    }
    return latency_result(us);
}

Metrics latency_raw(const std::string& base_url, int streams) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    raw::Client client(base_url, kApiKey);
    std::vector<double> us;
    for (int s = 0; s < streams + 1; ++s) {
        raw::stream(client, kModel, [&](const std::string& delta) {
            const long long seen = monotonic_ns();
            if (s > 0 && !delta.empty()) us.push_back(static_cast<double>(seen - std::stoll(delta)) / 1000.0);
        });
    }
    return latency_result(us);
}

}  // namespace

int main(int argc, char** argv) try {
    const Args args = parse_args(argc, argv);
    const long n = args.n > 0 ? args.n : (args.quick ? 300 : 2000);
    const int rounds = args.rounds > 0 ? args.rounds : (args.quick ? 1 : 3);
    const int latency_streams = args.quick ? 5 : 20;

    ServerProcess server([] { return start_openai_server(kEvents); });
    ServerProcess stamper([] { return start_latency_server(kLatencyEvents, kLatencyGapUs); });
    setenv("OPENAI_API_KEY", kApiKey, 1);
    setenv("OPENAI_BASE_URL", (server.base_url() + "/v1").c_str(), 1);

    std::vector<double> lw, rw, lc, rc, wall_ratio, cpu_ratio, lrss, rrss, lgrow, rgrow;
    std::vector<double> sw, sc, swall_ratio, scpu_ratio, srss;
    for (int r = 0; r < rounds; ++r) {
        // Each round runs the three variants in another of the six orders, so none is always first.
        static constexpr int kOrders[6][3] = {{0, 1, 2}, {2, 1, 0}, {1, 2, 0}, {0, 2, 1}, {2, 0, 1}, {1, 0, 2}};
        Metrics m[3];  // llmgate, raw nlohmann, raw simdjson
        for (int which : kOrders[r % 6]) {
            if (which == 0)
                m[0] = run_isolated([&] { return run_llmgate(n); });
            else if (which == 1)
                m[1] = run_isolated([&] { return run_raw(server.base_url(), n); });
            else
                m[2] = run_isolated([&] { return run_raw_simdjson(server.base_url(), n); });
        }
        const Metrics &l = m[0], &w = m[1], &s = m[2];
        std::printf(
            "round %d: llmgate %.3fs wall %.3fs cpu | raw nlohmann %.3fs wall %.3fs cpu | raw simdjson %.3fs wall "
            "%.3fs cpu | load %s\n",
            r + 1, l.wall_s, l.cpu_s, w.wall_s, w.cpu_s, s.wall_s, s.cpu_s, load_average().c_str());
        lw.push_back(l.wall_s);
        rw.push_back(w.wall_s);
        lc.push_back(l.cpu_s);
        rc.push_back(w.cpu_s);
        wall_ratio.push_back(l.wall_s / w.wall_s);
        cpu_ratio.push_back(l.cpu_s / w.cpu_s);
        lrss.push_back(l.peak_rss_mib);
        rrss.push_back(w.peak_rss_mib);
        lgrow.push_back(l.v[1] - l.v[0]);
        rgrow.push_back(w.v[1] - w.v[0]);
        sw.push_back(s.wall_s);
        sc.push_back(s.cpu_s);
        swall_ratio.push_back(l.wall_s / s.wall_s);
        scpu_ratio.push_back(l.cpu_s / s.cpu_s);
        srss.push_back(s.peak_rss_mib);
    }
    auto spread = [](const std::vector<double>& v) {
        return fmt(*std::min_element(v.begin(), v.end()), 3) + "–" + fmt(*std::max_element(v.begin(), v.end()), 3);
    };
    std::printf("per-round ratios vs raw nlohmann: wall %s, CPU %s; vs raw simdjson: wall %s, CPU %s\n",
                spread(wall_ratio).c_str(), spread(cpu_ratio).c_str(), spread(swall_ratio).c_str(),
                spread(scpu_ratio).c_str());
    const std::string shape = std::to_string(n) + " streams × " + std::to_string(kEvents) + " events";
    const std::string name = "3. streaming (" + shape + ")";
    row(name, "wall s", fmt(median(lw), 3), fmt(median(rw), 3), ratio_str(median(wall_ratio)), "≤ 1.10×");
    row(name, "CPU s", fmt(median(lc), 3), fmt(median(rc), 3), ratio_str(median(cpu_ratio)), "≤ 1.10×");
    row(name, "peak RSS MiB", fmt(median(lrss), 1), fmt(median(rrss), 1), ratio_str(median(lrss) / median(rrss)), "-");
    row(name, "RSS growth over run MiB", fmt(median(lgrow), 2), fmt(median(rgrow), 2), "-", "≈ 0 (flat)");
    const std::string sname = "3. streaming vs raw simdjson On-Demand (" + shape + ")";
    row(sname, "wall s", fmt(median(lw), 3), fmt(median(sw), 3), ratio_str(median(swall_ratio)), "≤ 1.10×");
    row(sname, "CPU s", fmt(median(lc), 3), fmt(median(sc), 3), ratio_str(median(scpu_ratio)), "≤ 1.10×");
    row(sname, "peak RSS MiB", fmt(median(lrss), 1), fmt(median(srss), 1), ratio_str(median(lrss) / median(srss)),
        "-");

    // Latency: sequential, one stream at a time, so the client is idle when each event lands.
    Metrics ll, rl;
    ll = run_isolated([&] { return latency_llmgate(stamper.base_url(), latency_streams); });
    rl = run_isolated([&] { return latency_raw(stamper.base_url(), latency_streams); });
    const std::string lname = "3. chunk arrival → loop body (" + std::to_string(static_cast<long>(ll.v[2])) +
                              " events, " + std::to_string(kLatencyGapUs) + " µs apart)";
    row(lname, "median µs", fmt(ll.v[0], 1), fmt(rl.v[0], 1), ratio_str(ll.v[0] / rl.v[0]), "≤ 50 µs");
    row(lname, "p99 µs", fmt(ll.v[1], 1), fmt(rl.v[1], 1), ratio_str(ll.v[1] / rl.v[1]), "-");
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "streaming_bench: %s\n", e.what());
    return 1;
}
