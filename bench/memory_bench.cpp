// Bench 4, memory and start-up: RSS sampled while 100k streamed chunks go through llmgate (one long
// stream, and 500 streams of 200 events), and the time a fresh process needs for its first request.
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

constexpr std::size_t kShortEvents = 200;

// v[0] RSS before the first chunk, v[1] at the end, v[2] max, v[3] min of the samples (MiB).
Metrics rss_summary(const std::vector<double>& samples, const Clock& t, const char* what) {
    std::printf("%s RSS MiB samples:", what);
    for (double s : samples) std::printf(" %.2f", s);
    std::printf("\n");
    std::fflush(stdout);
    Metrics m{.wall_s = t.wall_s,
              .cpu_s = t.cpu_s,
              .peak_rss_mib = peak_rss_mib(),
              .max_threads = static_cast<double>(thread_count())};
    m.v[0] = samples.front();
    m.v[1] = samples.back();
    m.v[2] = *std::max_element(samples.begin(), samples.end());
    m.v[3] = *std::min_element(samples.begin(), samples.end());
    return m;
}

Metrics one_long_stream(long chunks_wanted) {
    std::vector<llmgate::Message> messages{llmgate::Message::user("Hello!")};
    // A short call first, so start-up allocations (curl, TLS-less connection, registry) are not growth.
    llmgate::completion(llmgate::bench::kModel, messages);
    std::vector<double> samples{rss_mib()};  // before the stream starts
    const long every = chunks_wanted / 10;
    long chunks = 0;
    const Clock start = now();
    for (const auto& chunk : llmgate::stream(kLongModel, messages)) {
        if (!chunk.delta.empty() && ++chunks % every == 0) samples.push_back(rss_mib());
    }
    const Clock t = since(start);
    if (chunks != chunks_wanted) throw std::runtime_error("long stream: wrong chunk count " + std::to_string(chunks));
    return rss_summary(samples, t, "one long stream:");
}

Metrics many_streams(long streams) {
    std::vector<llmgate::Message> messages{llmgate::Message::user("Hello!")};
    llmgate::completion(llmgate::bench::kModel, messages);
    std::vector<double> samples{rss_mib()};
    const long every = std::max(1L, streams / 10);
    const Clock start = now();
    for (long s = 1; s <= streams; ++s) {
        for (const auto& chunk : llmgate::stream(kModel, messages)) (void)chunk;
        if (s % every == 0) samples.push_back(rss_mib());
    }
    return rss_summary(samples, since(start), "many streams:");
}

// A fresh process (forked before anything touched curl or llmgate): first call, then a second one.
Metrics first_request_llmgate() {
    std::vector<llmgate::Message> messages{llmgate::Message::user("Hello!")};
    const Clock start = now();
    llmgate::completion(kModel, messages);
    const Clock first = since(start);
    const Clock second_start = now();
    llmgate::completion(kModel, messages);
    const Clock second = since(second_start);
    Metrics m{.wall_s = first.wall_s, .cpu_s = first.cpu_s, .peak_rss_mib = peak_rss_mib()};
    m.v[0] = second.wall_s;
    return m;
}

Metrics first_request_raw(const std::string& base_url) {
    const Clock start = now();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    raw::Client client(base_url, kApiKey);
    client.complete(kModel);
    const Clock first = since(start);
    const Clock second_start = now();
    client.complete(kModel);
    const Clock second = since(second_start);
    Metrics m{.wall_s = first.wall_s, .cpu_s = first.cpu_s, .peak_rss_mib = peak_rss_mib()};
    m.v[0] = second.wall_s;
    return m;
}

}  // namespace

int main(int argc, char** argv) try {
    const Args args = parse_args(argc, argv);
    const long chunks = args.n > 0 ? args.n : (args.quick ? 20000 : 100000);

    // The long stream: `chunks` text deltas plus role, finish and usage events.
    ServerProcess server([chunks] { return start_openai_server(kShortEvents, static_cast<std::size_t>(chunks) + 3); });
    setenv("OPENAI_API_KEY", kApiKey, 1);
    setenv("OPENAI_BASE_URL", (server.base_url() + "/v1").c_str(), 1);

    const Metrics one = run_isolated([&] { return one_long_stream(chunks); });
    const long streams = chunks / static_cast<long>(kShortEvents - 3) + 1;
    const Metrics many = run_isolated([&] { return many_streams(streams); });

    const std::string name = "4. memory (" + std::to_string(chunks) + " streamed chunks)";
    auto rss_row = [&](const std::string& what, const Metrics& m) {
        row(name, what + ": RSS first→last sample MiB", fmt(m.v[0], 2) + " → " + fmt(m.v[1], 2), "-", "-", "flat");
        row(name, what + ": wall s / CPU s", fmt(m.wall_s, 3) + " / " + fmt(m.cpu_s, 3), "-", "-", "-");
    };
    rss_row("1 stream", one);
    rss_row(std::to_string(streams) + " streams", many);

    std::vector<double> lw, lc, l2, rw, rc, r2;
    for (int r = 0; r < 5; ++r) {
        const Metrics l = run_isolated(first_request_llmgate);
        const Metrics w = run_isolated([&] { return first_request_raw(server.base_url()); });
        lw.push_back(l.wall_s * 1e3);
        lc.push_back(l.cpu_s * 1e3);
        l2.push_back(l.v[0] * 1e6);
        rw.push_back(w.wall_s * 1e3);
        rc.push_back(w.cpu_s * 1e3);
        r2.push_back(w.v[0] * 1e6);
    }
    const std::string sname = "4. start-up (fresh process, median of 5)";
    row(sname, "first request wall ms", fmt(median(lw), 2), fmt(median(rw), 2), ratio_str(median(lw) / median(rw)),
        "-");
    row(sname, "first request CPU ms", fmt(median(lc), 2), fmt(median(rc), 2), ratio_str(median(lc) / median(rc)), "-");
    row(sname, "second request wall µs", fmt(median(l2), 0), fmt(median(r2), 0), ratio_str(median(l2) / median(r2)),
        "-");
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "memory_bench: %s\n", e.what());
    return 1;
}
