// Bench 3b, decoding: a ~10 MB recorded stream (OpenAI SSE, Anthropic SSE, AWS event stream) fed through
// llmgate's internal stream decoders in 16 KiB slices (libcurl's write size), in MB/s. No network: this
// is the per-byte cost of framing + JSON + mapping into StreamChunks.
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "anthropic_replies.hpp"
#include "bedrock_replies.hpp"
#include "bench_common.hpp"
#include "bench_server.hpp"
#include "openai_replies.hpp"
#include "providers/anthropic.hpp"
#include "providers/bedrock.hpp"
#include "providers/openai_compatible.hpp"
#include "raw_curl.hpp"

using namespace llmgate::bench;
namespace testing = llmgate::testing;

namespace {

constexpr std::size_t kSlice = 16 * 1024;

std::string concat(const testing::Reply& r) {
    std::string all;
    for (const auto& c : r.chunks) all += c;
    return all;
}

// A recorded stream of about `target` bytes: the builder is first asked for a small stream to learn the
// bytes per event.
std::string recorded(const std::function<testing::Reply(std::size_t)>& build, std::size_t target) {
    const std::size_t sample_pieces = 1000;
    const std::size_t per_piece = concat(build(sample_pieces)).size() / sample_pieces;
    return concat(build(target / per_piece));
}

struct DecodeResult {
    double mb_per_s = 0;
    double chunks_per_s = 0;
    std::size_t chunks = 0;
};

DecodeResult decode(const std::string& body,
                    const std::function<std::unique_ptr<llmgate::detail::StreamDecoder>()>& make, int repeats) {
    std::vector<double> secs;
    std::size_t chunks = 0;
    for (int r = 0; r < repeats; ++r) {
        auto decoder = make();
        std::deque<llmgate::StreamChunk> out;
        chunks = 0;
        const Clock start = now();
        for (std::size_t off = 0; off < body.size(); off += kSlice) {
            decoder->feed(std::string_view(body).substr(off, kSlice), out);
            chunks += out.size();
            out.clear();  // the consumer takes them, as Stream does
        }
        decoder->finish(out);
        chunks += out.size();
        secs.push_back(since(start).wall_s);
    }
    const double s = median(secs);
    return {static_cast<double>(body.size()) / 1e6 / s, static_cast<double>(chunks) / s, chunks};
}

// The raw baseline for OpenAI SSE: split events and parse each one's JSON, extract the text.
double raw_openai_mb_per_s(const std::string& body, int repeats) {
    std::vector<double> secs;
    for (int r = 0; r < repeats; ++r) {
        std::size_t chars = 0;
        raw::SseSplitter splitter([&](std::string_view data) { chars += raw::extract_delta(data).size(); });
        const Clock start = now();
        for (std::size_t off = 0; off < body.size(); off += kSlice)
            splitter.feed(body.data() + off, std::min(kSlice, body.size() - off));
        secs.push_back(since(start).wall_s);
        if (!splitter.done || chars == 0) throw std::runtime_error("raw SSE baseline did not finish");
    }
    return static_cast<double>(body.size()) / 1e6 / median(secs);
}

}  // namespace

int main(int argc, char** argv) try {
    const Args args = parse_args(argc, argv);
    const std::size_t target = args.n > 0 ? static_cast<std::size_t>(args.n) : (args.quick ? 2u << 20 : 10u << 20);
    const int repeats = args.rounds > 0 ? args.rounds : (args.quick ? 2 : 5);
    const double mib = static_cast<double>(target) / (1 << 20);

    const std::string openai_body =
        recorded([](std::size_t n) { return testing::openai::stream_text(pieces(n), kModel); }, target);
    const std::string anthropic_body =
        recorded([](std::size_t n) { return testing::anthropic::stream_text(pieces(n)); }, target);
    const std::string bedrock_body =
        recorded([](std::size_t n) { return testing::bedrock::stream_text(pieces(n)); }, target);

    auto report = [&](const std::string& what, const std::string& body, const DecodeResult& d, const std::string& raw,
                      const std::string& ratio) {
        const std::string name = "3. decode " + fmt(mib, 0) + " MiB recorded stream";
        std::printf("%s: %.2f MB, %zu chunks\n", what.c_str(), static_cast<double>(body.size()) / 1e6, d.chunks);
        row(name, what + " MB/s", fmt(d.mb_per_s, 1), raw, ratio, "-");
        row(name, what + " chunks/s", fmt(d.chunks_per_s, 0), "-", "-", "-");
    };

    const DecodeResult o = decode(
        openai_body, [] { return llmgate::detail::make_openai_stream_decoder("openai", kModel); }, repeats);
    const double raw_o = raw_openai_mb_per_s(openai_body, repeats);
    // Throughput ratio inverted to a cost ratio (raw MB/s ÷ llmgate MB/s), like the other rows.
    report("OpenAI SSE", openai_body, o, fmt(raw_o, 1), ratio_str(raw_o / o.mb_per_s) + " cost");

    const DecodeResult a = decode(
        anthropic_body, [] { return llmgate::detail::make_anthropic_stream_decoder("claude-sonnet-4-5"); }, repeats);
    report("Anthropic SSE", anthropic_body, a, "-", "-");

    const DecodeResult b = decode(
        bedrock_body,
        [] { return llmgate::detail::make_bedrock_stream_decoder("anthropic.claude-3-5-haiku-20241022-v1:0"); },
        repeats);
    report("AWS event stream", bedrock_body, b, "-", "-");
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "decode_bench: %s\n", e.what());
    return 1;
}
