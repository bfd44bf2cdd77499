// Bench 2, concurrency: N requests with C in flight through llmgate::batch (one shared event loop thread)
// vs a raw curl-multi loop at the same concurrency: throughput, CPU, peak RSS, threads. Also the same
// through a window of acompletion futures, what a caller writes without batch.
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <vector>

#include <curl/curl.h>

#include "bench_common.hpp"
#include "bench_server.hpp"
#include "llmgate/llmgate.hpp"
#include "raw_curl.hpp"

using namespace llmgate::bench;

namespace {

constexpr long kConcurrency = 256;
constexpr long kSampleEvery = 100;  // /proc/self/status is read every this many completions

// Without batch: a window of C acompletion futures, refilled as the oldest resolves.
long run_llmgate_window(long n, long& max_threads) {
    std::deque<std::future<llmgate::CompletionResponse>> inflight;
    long launched = 0, done = 0;
    std::size_t chars = 0;
    auto launch = [&] {
        std::vector<llmgate::Message> messages{llmgate::Message::user("Hello!")};
        inflight.push_back(llmgate::acompletion(kModel, messages));
        ++launched;
    };
    while (launched < n && launched < kConcurrency) launch();
    while (!inflight.empty()) {
        chars += inflight.front().get().text().size();
        inflight.pop_front();
        if (++done % kSampleEvery == 0) max_threads = std::max(max_threads, thread_count());
        if (launched < n) launch();
    }
    if (chars == 0) throw std::runtime_error("llmgate returned no text");
    return done;
}

// With acompletion's callback form: a window of C calls, each handler (on the event loop thread) starting
// the next call; the caller waits once, for the last handler. No future, no hand-off per request.
long run_llmgate_callbacks(long n, long& max_threads) {
    struct State {
        std::mutex mutex;
        long n = 0, launched = 0, done = 0;
        std::size_t chars = 0;
        std::exception_ptr error;
        long* max_threads = nullptr;
        std::promise<void> finished;
    };
    auto st = std::make_shared<State>();
    st->n = n;
    st->max_threads = &max_threads;
    // One handler for every call; it holds the state, not the launcher, so nothing refers to itself.
    auto launch = std::make_shared<std::function<void()>>();
    llmgate::Callback<llmgate::CompletionResponse> handler = [st, weak = std::weak_ptr(launch)](
                                                                 std::exception_ptr e, llmgate::CompletionResponse r) {
        bool more = false, last = false;
        {
            std::lock_guard lock(st->mutex);
            if (e && !st->error) st->error = e;
            st->chars += r.text().size();
            if (++st->done % kSampleEvery == 0) *st->max_threads = std::max(*st->max_threads, thread_count());
            if (st->launched < st->n) {
                ++st->launched;
                more = true;
            }
            last = st->done == st->n;
        }
        if (more)
            if (auto l = weak.lock()) (*l)();
        if (last) st->finished.set_value();
    };
    *launch = [handler] { llmgate::acompletion(kModel, {llmgate::Message::user("Hello!")}, {}, handler); };
    long first = 0;
    {
        std::lock_guard lock(st->mutex);
        first = std::min(n, kConcurrency);
        st->launched = first;
    }
    for (long i = 0; i < first; ++i) (*launch)();
    st->finished.get_future().wait();
    if (st->error) std::rethrow_exception(st->error);
    if (st->chars == 0) throw std::runtime_error("llmgate returned no text");
    return st->done;
}

// BatchOptions with max_concurrency C; threads are sampled from the progress callback (on the event loop
// thread).
llmgate::BatchOptions batch_options(long& max_threads) {
    llmgate::BatchOptions options;
    options.max_concurrency = kConcurrency;
    options.on_progress = [&max_threads](std::size_t done, std::size_t, std::size_t) {
        if (done % kSampleEvery == 0) max_threads = std::max(max_threads, thread_count());
    };
    return options;
}

// Every request answered, with text: a run that lost or failed any is not a measurement.
long check_batch(const llmgate::BatchResult& result, long n, const char* what) {
    if (result.failed != 0 || result.successful != static_cast<std::size_t>(n))
        throw std::runtime_error(std::string(what) + ": " + std::to_string(result.failed) + " failed" +
                                 (result.errors.empty() ? "" : ": " + result.errors.front().message));
    std::size_t chars = 0;
    for (const auto& r : result.results) chars += r->text().size();
    if (chars == 0) throw std::runtime_error(std::string(what) + " returned no text");
    return n;
}

llmgate::CompletionRequest hello_request() {
    llmgate::CompletionRequest r;
    r.model = kModel;
    r.messages = {llmgate::Message::user("Hello!")};
    return r;
}

// llmgate::batch from a list; the requests are built inside the timed region, as the raw loop builds its
// bodies, and moved in, as a caller who is done with the list does (no copy of 10,000 requests).
long run_llmgate_batch(long n, long& max_threads) {
    std::vector<llmgate::CompletionRequest> requests(static_cast<std::size_t>(n));  // as in earlier sessions
    for (auto& r : requests) {
        r.model = kModel;
        r.messages = {llmgate::Message::user("Hello!")};
    }
    return check_batch(llmgate::batch(std::move(requests), batch_options(max_threads)), n, "batch");
}

// llmgate::batch's on-demand form: each request is made on the event loop just before it is sent, as the
// raw loop makes each body just before it adds the handle; no list of 10,000 requests exists.
long run_llmgate_batch_on_demand(long n, long& max_threads) {
    return check_batch(
        llmgate::batch(
            static_cast<std::size_t>(n), [](std::size_t) { return hello_request(); }, batch_options(max_threads)),
        n, "batch on demand");
}

template <class Run>
Metrics run_llmgate(long n, Run run) {
    long max_threads = 0;
    run(2 * kConcurrency, max_threads);  // warm-up: opens the connections
    max_threads = 0;
    const Clock start = now();
    run(n, max_threads);
    const Clock t = since(start);
    return {.wall_s = t.wall_s,
            .cpu_s = t.cpu_s,
            .sys_s = t.sys_s,
            .minor_faults = t.minor_faults,
            .switches = t.switches,
            .peak_rss_mib = peak_rss_mib(),
            .max_threads = static_cast<double>(max_threads)};
}

// The raw loop: C easy handles on one multi handle, each re-added with a fresh request body as soon as
// its reply has been parsed.
class RawMulti {
public:
    explicit RawMulti(const std::string& base_url)
        : multi_(curl_multi_init()),
          headers_(raw::headers(kApiKey)),
          url_(base_url + "/v1/chat/completions"),
          slots_(kConcurrency) {
        for (auto& s : slots_) {
            s.easy.reset(curl_easy_init());
            CURL* h = s.easy.get();
            curl_easy_setopt(h, CURLOPT_URL, url_.c_str());
            curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers_.get());
            curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, raw::append_to_string);
            curl_easy_setopt(h, CURLOPT_WRITEDATA, &s.reply);
            curl_easy_setopt(h, CURLOPT_PRIVATE, &s);
            raw::common_options(h);
        }
    }
    ~RawMulti() {
        for (auto& s : slots_)
            if (s.added) curl_multi_remove_handle(multi_, s.easy.get());
        slots_.clear();
        curl_multi_cleanup(multi_);
    }

    // With `keep`, every reply body is kept until the run ends, as a caller of batch gets every reply back:
    // the same memory work batch cannot avoid, in its cheapest form (the bytes, not a parsed tree).
    long run(long n, long& max_threads, bool keep = false) {
        long launched = 0, done = 0;
        std::size_t chars = 0;
        std::vector<std::string> kept;
        if (keep) kept.reserve(static_cast<std::size_t>(n));
        for (auto& s : slots_) {
            if (launched == n) break;
            start(s);
            ++launched;
        }
        while (done < n) {
            int running = 0;
            curl_multi_perform(multi_, &running);
            int left = 0;
            while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
                if (msg->msg != CURLMSG_DONE) continue;
                Slot* s = nullptr;
                curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &s);
                if (msg->data.result != CURLE_OK)
                    throw std::runtime_error(std::string("curl: ") + curl_easy_strerror(msg->data.result));
                long status = 0;
                curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
                if (status != 200) throw std::runtime_error("HTTP status " + std::to_string(status));
                curl_multi_remove_handle(multi_, msg->easy_handle);
                s->added = false;
                chars += raw::extract_text(s->reply).size();
                if (keep) kept.push_back(std::move(s->reply));
                if (++done % kSampleEvery == 0) max_threads = std::max(max_threads, thread_count());
                if (launched < n) {
                    start(*s);
                    ++launched;
                }
            }
            if (done < n) curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
        }
        if (chars == 0) throw std::runtime_error("raw returned no text");
        return done;
    }

private:
    struct Slot {
        raw::Easy easy{};
        std::string body{}, reply{};
        bool added = false;
    };

    void start(Slot& s) {
        s.body = raw::request_body(kModel, false);
        s.reply.clear();
        curl_easy_setopt(s.easy.get(), CURLOPT_POSTFIELDS, s.body.c_str());
        curl_easy_setopt(s.easy.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(s.body.size()));
        curl_multi_add_handle(multi_, s.easy.get());
        s.added = true;
    }

    CURLM* multi_;
    raw::Slist headers_;
    std::string url_;
    std::vector<Slot> slots_;
};

Metrics run_raw(const std::string& base_url, long n, bool keep = false) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    RawMulti multi(base_url);
    long max_threads = 0;
    multi.run(2 * kConcurrency, max_threads);
    max_threads = 0;
    const Clock start = now();
    multi.run(n, max_threads, keep);
    const Clock t = since(start);
    return {.wall_s = t.wall_s,
            .cpu_s = t.cpu_s,
            .sys_s = t.sys_s,
            .minor_faults = t.minor_faults,
            .switches = t.switches,
            .peak_rss_mib = peak_rss_mib(),
            .max_threads = static_cast<double>(max_threads)};
}

}  // namespace

// One variant's figures over the rounds, each round's ratio taken against the baseline measured in the
// same round (`base`): throughput and CPU ratios are medians of per-round ratios, not ratios of medians.
struct Series {
    std::vector<double> throughput, cpu, throughput_ratio, cpu_ratio, rss, threads;

    void add(const Metrics& m, const Metrics& base, long n) {
        throughput.push_back(static_cast<double>(n) / m.wall_s);
        cpu.push_back(m.cpu_s);
        throughput_ratio.push_back(base.wall_s / m.wall_s);
        cpu_ratio.push_back(m.cpu_s / base.cpu_s);
        rss.push_back(m.peak_rss_mib);
        threads.push_back(m.max_threads);
    }
};

struct Targets {
    const char* throughput = "-";
    const char* cpu = "-";
    const char* rss = "-";
    const char* threads = "-";  // nullptr: no threads row
};

void print_rows(const std::string& title, long n, const Series& s, const Series& base, const Targets& t) {
    const std::string name =
        "2. concurrency (" + std::to_string(n) + " req, " + std::to_string(kConcurrency) + " in flight): " + title;
    row(name, "throughput req/s", fmt(median(s.throughput), 0), fmt(median(base.throughput), 0),
        ratio_str(median(s.throughput_ratio)), t.throughput);
    row(name, "CPU s (total)", fmt(median(s.cpu), 3), fmt(median(base.cpu), 3), ratio_str(median(s.cpu_ratio)), t.cpu);
    row(name, "peak RSS MiB", fmt(median(s.rss), 1), fmt(median(base.rss), 1),
        ratio_str(median(s.rss) / median(base.rss)), t.rss);
    if (t.threads) row(name, "max threads", fmt(median(s.threads), 0), fmt(median(base.threads), 0), "-", t.threads);
}

int main(int argc, char** argv) try {
    const Args args = parse_args(argc, argv);
    const long n = args.n > 0 ? args.n : (args.quick ? 2000 : 10000);
    // 11 rounds: the median of five moved by ±7% between identical runs on a 2-vCPU VM; of eleven, less.
    const int rounds = args.rounds > 0 ? args.rounds : (args.quick ? 1 : 11);
    pinning_enabled() = !args.no_pin;  // server on CPU 1, client on CPU 0 (see pin_to)

    ServerProcess server([] { return start_openai_server(200); });
    setenv("OPENAI_API_KEY", kApiKey, 1);
    setenv("OPENAI_BASE_URL", (server.base_url() + "/v1").c_str(), 1);

    // Against raw: batch, batch on demand, acompletion window, acompletion callbacks, and raw itself (its
    // own row figures); batch also against raw keeping every reply.
    Series batch_s, on_demand_s, window_s, callbacks_s, raw_s, raw_keeping_s, batch_vs_keeping_s;
    for (int r = 0; r < rounds; ++r) {
        Metrics b, a, w, k, c, o;
        auto raw = [&] {
            w = run_isolated([&] { return run_raw(server.base_url(), n); });
            k = run_isolated([&] { return run_raw(server.base_url(), n, true); });
        };
        auto llm = [&] {
            b = run_isolated([&] { return run_llmgate(n, run_llmgate_batch); });
            o = run_isolated([&] { return run_llmgate(n, run_llmgate_batch_on_demand); });
            a = run_isolated([&] { return run_llmgate(n, run_llmgate_window); });
            c = run_isolated([&] { return run_llmgate(n, run_llmgate_callbacks); });
        };
        // Alternate which side goes first, so drift on a shared machine hits both alike.
        if (r % 2 == 0) {
            raw();
            llm();
        } else {
            llm();
            raw();
        }
        std::printf(
            "round %d: batch %.3fs wall %.3fs cpu (%.3fs sys, %.0f faults, %.0f switches) %.1f MiB %g threads | "
            "window %.3fs wall %.3fs cpu | raw %.3fs wall %.3fs cpu (%.3fs sys, %.0f faults, %.0f switches) %.1f MiB "
            "%g threads | raw keeping replies %.3fs wall %.3fs cpu (%.0f faults) %.1f MiB\n",
            r + 1, b.wall_s, b.cpu_s, b.sys_s, b.minor_faults, b.switches, b.peak_rss_mib, b.max_threads, a.wall_s,
            a.cpu_s, w.wall_s, w.cpu_s, w.sys_s, w.minor_faults, w.switches, w.peak_rss_mib, w.max_threads, k.wall_s,
            k.cpu_s, k.minor_faults, k.peak_rss_mib);
        std::printf(
            "round %d: callbacks %.3fs wall %.3fs cpu (%.0f faults, %.0f switches) %.1f MiB | "
            "batch on demand %.3fs wall %.3fs cpu (%.0f faults, %.0f switches) %.1f MiB\n",
            r + 1, c.wall_s, c.cpu_s, c.minor_faults, c.switches, c.peak_rss_mib, o.wall_s, o.cpu_s, o.minor_faults,
            o.switches, o.peak_rss_mib);
        batch_s.add(b, w, n);
        on_demand_s.add(o, w, n);
        window_s.add(a, w, n);
        callbacks_s.add(c, w, n);
        raw_s.add(w, w, n);
        raw_keeping_s.add(k, k, n);
        batch_vs_keeping_s.add(b, k, n);
    }
    // What a user writes: the list built up front and moved in, every result kept.
    print_rows("batch from a list built up front, every result kept", n, batch_s, raw_s,
               {"≥ 0.95×", "≤ 1.15×", "≤ 32 MiB", "no thread per request"});
    print_rows("batch, requests made on demand", n, on_demand_s, raw_s,
               {"≥ 0.95×", "≤ 1.15×", "≤ 32 MiB", "no thread per request"});
    print_rows("acompletion window", n, window_s, raw_s, {});
    print_rows("acompletion callbacks", n, callbacks_s, raw_s, {});
    // For reading the batch rows: the raw loop above drops each reply once parsed; batch must keep them.
    print_rows("batch from a list vs raw keeping every reply", n, batch_vs_keeping_s, raw_keeping_s,
               {.threads = nullptr});
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "concurrency_bench: %s\n", e.what());
    return 1;
}
