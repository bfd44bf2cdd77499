// Bench 4, memory and start-up (the soak): RSS sampled while a million streamed chunks go through
// llmgate (one long stream, and streams of 200 events) and while 100,000 non-streamed calls do, and the
// time a fresh process needs for its first request.
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
constexpr int kSamples = 20;  // RSS is read after the warm-up and then every 5% of the work

// v[0] first sample after the warm-up, v[1] last, v[2] max, v[3] min (MiB) of RSS less what the run
// was allowed to keep at that sample (`kept`: the long stream's answer text so far; none otherwise);
// v[4] what it kept at the end; v[5] the sample taken before the warm-up.
Metrics rss_summary(const std::vector<double>& samples, std::vector<double> kept, double before, const Clock& t,
                    const char* what) {
    kept.resize(samples.size(), 0.0);
    std::printf("%s RSS MiB before warm-up %.2f, then:", what, before);
    for (double s : samples) std::printf(" %.2f", s);
    std::printf(" | %.3f s wall %.3f s CPU | load %s\n", t.wall_s, t.cpu_s, load_average().c_str());
    std::fflush(stdout);
    Metrics m{.wall_s = t.wall_s,
              .cpu_s = t.cpu_s,
              .peak_rss_mib = peak_rss_mib(),
              .max_threads = static_cast<double>(thread_count())};
    std::vector<double> beyond(samples.size());
    for (std::size_t i = 0; i < samples.size(); ++i) beyond[i] = samples[i] - kept[i];
    m.v[0] = samples.front();
    m.v[1] = samples.back();
    m.v[2] = *std::max_element(beyond.begin(), beyond.end());
    m.v[3] = *std::min_element(beyond.begin(), beyond.end());
    m.v[4] = kept.back();
    m.v[5] = before;
    return m;
}

// One stream of `chunks_wanted` text deltas from the generated-stream server. Its warm-up is a short
// call and the stream's first 5%. The Stream keeps the answer's text for response(), so this run may
// grow by that much.
Metrics one_long_stream(const std::string& long_url, long chunks_wanted) {
    std::vector<llmgate::Message> messages{llmgate::Message::user("Hello!")};
    // A short call first, so start-up allocations (curl, TLS-less connection, registry) are not growth.
    llmgate::completion(kModel, messages);
    const double before = rss_mib();
    llmgate::Options options;
    options.api_base = long_url + "/v1";
    const long every = std::max(1L, chunks_wanted / kSamples);
    std::vector<double> samples, kept;
    long chunks = 0;
    std::size_t text_bytes = 0;  // what the Stream has kept of the answer so far
    const Clock start = now();
    auto stream = llmgate::stream(kLongModel, messages, options);
    for (const auto& chunk : stream) {
        text_bytes += chunk.delta.size();
        if (!chunk.delta.empty() && ++chunks % every == 0) {
            samples.push_back(rss_mib());
            kept.push_back(static_cast<double>(text_bytes) / (1024.0 * 1024.0));
        }
    }
    const Clock t = since(start);
    if (chunks != chunks_wanted) throw std::runtime_error("long stream: wrong chunk count " + std::to_string(chunks));
    if (stream.response().text().size() != text_bytes) throw std::runtime_error("long stream: answer text lost");
    return rss_summary(samples, kept, before, t, "one long stream:");
}

// `streams` streams of 200 events; warm-up: a short call and 20 streams.
Metrics many_streams(long streams) {
    std::vector<llmgate::Message> messages{llmgate::Message::user("Hello!")};
    llmgate::completion(kModel, messages);
    const double before = rss_mib();
    for (int s = 0; s < 20; ++s)
        for (const auto& chunk : llmgate::stream(kModel, messages)) (void)chunk;
    std::vector<double> samples{rss_mib()};
    const long every = std::max(1L, streams / kSamples);
    const Clock start = now();
    for (long s = 1; s <= streams; ++s) {
        for (const auto& chunk : llmgate::stream(kModel, messages)) (void)chunk;
        if (s % every == 0) samples.push_back(rss_mib());
    }
    return rss_summary(samples, {}, before, since(start), "many streams:");
}

// `calls` sequential non-streamed completions, each answer read and dropped; warm-up: 200 calls.
Metrics many_calls(long calls) {
    std::vector<llmgate::Message> messages{llmgate::Message::user("Hello!")};
    llmgate::completion(kModel, messages);
    const double before = rss_mib();
    std::size_t text = 0;
    for (int i = 0; i < 200; ++i) text += llmgate::completion(kModel, messages).text().size();
    std::vector<double> samples{rss_mib()};
    const long every = std::max(1L, calls / kSamples);
    const Clock start = now();
    for (long i = 1; i <= calls; ++i) {
        text += llmgate::completion(kModel, messages).text().size();
        if (i % every == 0) samples.push_back(rss_mib());
    }
    const Clock t = since(start);
    if (text == 0) throw std::runtime_error("calls: no text");
    return rss_summary(samples, {}, before, t, "calls:");
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

std::string with_commas(long n) {
    const std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) try {
    const Args args = parse_args(argc, argv);
    const long chunks = args.n > 0 ? args.n : (args.quick ? 20000 : 1000000);
    const long calls = chunks / 10;

    ServerProcess server([] { return start_openai_server(kShortEvents); });
    // The long stream: `chunks` text deltas plus role, finish and usage events, made as they are sent.
    ServerProcess long_server(
        [chunks] { return start_generated_stream_server(static_cast<std::size_t>(chunks) + 3, kLongModel); });
    setenv("OPENAI_API_KEY", kApiKey, 1);
    setenv("OPENAI_BASE_URL", (server.base_url() + "/v1").c_str(), 1);

    const Metrics one = run_isolated([&] { return one_long_stream(long_server.base_url(), chunks); });
    const long streams = chunks / static_cast<long>(kShortEvents - 3) + 1;
    const Metrics many = run_isolated([&] { return many_streams(streams); });
    const Metrics called = run_isolated([&] { return many_calls(calls); });

    auto rss_rows = [&](const std::string& name, const Metrics& m) {
        const double spread = m.v[2] - m.v[3];
        if (m.v[4] > 0) {  // the long stream keeps its answer's text: what grows beyond it is the leak
            row(name, "RSS first→last sample MiB (answer text kept: " + fmt(m.v[4], 2) + ")",
                fmt(m.v[0], 2) + " → " + fmt(m.v[1], 2), "-", "-", "growth ≈ answer text");
            row(name, "max−min after warm-up of RSS less the text kept so far MiB", fmt(spread, 2), "-", "-",
                "≤ 2 MiB");
        } else {
            row(name, "RSS first→last sample MiB", fmt(m.v[0], 2) + " → " + fmt(m.v[1], 2), "-", "-",
                "flat within 2 MiB");
            row(name, "max−min after warm-up MiB", fmt(spread, 2), "-", "-", "≤ 2 MiB");
        }
        row(name, "wall s / CPU s", fmt(m.wall_s, 3) + " / " + fmt(m.cpu_s, 3), "-", "-", "-");
    };
    rss_rows("4. soak: 1 stream of " + with_commas(chunks) + " chunks", one);
    rss_rows("4. soak: " + with_commas(streams) + " streams of " + std::to_string(kShortEvents) + " events (" +
                 with_commas(chunks) + " chunks)",
             many);
    rss_rows("4. soak: " + with_commas(calls) + " non-streamed calls", called);

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
