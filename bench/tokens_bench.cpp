// Bench 6, tokenising: llmgate::encoding(...).encode on a 1.6 MB mixed corpus (prose, code, CJK, emoji,
// numbers, long runs) in MB/s, and the per-byte cost of pathological long pieces (1,000 identical letters,
// a 400-letter word, 1,000 spaces) as a ratio to prose measured in the same run, and how long the first long
// piece takes (it builds the long-piece encoder's tables). Public API only.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "llmgate/tokens.hpp"

using namespace llmgate::bench;

namespace {

// A tiny deterministic generator, so every run tokenises the same corpus.
struct Rng {
    std::uint64_t s = 0x2545F4914F6CDD1Dull;
    std::uint32_t next(std::uint32_t n) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return static_cast<std::uint32_t>(s % n);
    }
};

const std::vector<std::string> kWords = {
    "the", "of", "and", "to", "in", "is", "that", "it", "was", "for", "on", "are", "with", "as", "they", "be",
    "at", "one", "have", "this", "from", "tokenizer", "language", "model", "request", "provider", "response",
    "streaming", "latency", "throughput", "International", "Components", "don't", "it's", "we'll", "OpenAI",
    "Anthropic", "Gemini", "benchmark", "vocabulary", "merge", "encoding", "characters", "Unicode", "é", "naïve"};

std::string prose(Rng& rng, std::size_t bytes) {
    std::string out;
    while (out.size() < bytes) {
        const std::uint32_t words = 8 + rng.next(20);
        for (std::uint32_t w = 0; w < words; ++w) {
            std::string word = kWords[rng.next(static_cast<std::uint32_t>(kWords.size()))];
            if (w == 0) word[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
            out += word;
            out += w + 1 == words ? ". " : (rng.next(9) == 0 ? ", " : " ");
        }
        if (rng.next(5) == 0) out += "\n\n";
    }
    return out;
}

std::string code(Rng& rng, std::size_t bytes) {
    const std::vector<std::string> lines = {
        "    for (std::size_t i = 0; i < items.size(); ++i) {\n",
        "        total += items[i].price * items[i].quantity;  // in cents\n",
        "def handle(request):\n    payload = json.loads(request.body)\n    return {\"ok\": True, \"id\": payload[\"id\"]}\n",
        "if (err != nil) { return fmt.Errorf(\"read %s: %w\", path, err) }\n",
        "const result = await fetch(`${baseUrl}/v1/chat/completions`, { method: 'POST' });\n",
        "\t\tSELECT id, name FROM users WHERE created_at >= '2024-01-01' ORDER BY id DESC;\r\n",
        "    }\n}\n\n"};
    std::string out;
    while (out.size() < bytes) out += lines[rng.next(static_cast<std::uint32_t>(lines.size()))];
    return out;
}

std::string repeat(const std::string& s, std::size_t bytes) {
    std::string out;
    while (out.size() < bytes) out += s;
    return out;
}

std::string numbers(Rng& rng, std::size_t bytes) {
    std::string out;
    while (out.size() < bytes) out += std::to_string(rng.next(1000000000)) + (rng.next(3) ? "," : ".") + " ";
    return out;
}

// ~1.6 MB: half prose, a fifth code, then CJK, emoji, other scripts, numbers and long runs.
std::string mixed_corpus() {
    Rng rng;
    std::string c;
    c += prose(rng, 800'000);
    c += code(rng, 320'000);
    c += repeat("大型语言模型的分词器把文本切成词元。日本語の文章も、句読点を含めて処理します。한국어 문장도 있습니다. ", 160'000);
    c += repeat("😀 👨‍👩‍👧‍👦 🇺🇸 👍🏽 ❤️ 🎉🎉🎉 ", 60'000);
    c += repeat("Ελληνικά και русский текст, עברית, العربية, हिन्दी, ภาษาไทย. ", 100'000);
    c += numbers(rng, 80'000);
    for (int i = 0; i < 20; ++i)
        c += std::string(1000, 'a') + " " + std::string(500, ' ') + "x" + std::string(1000, '-') + "\n" +
             std::string(800, '7') + "\n\n\n\n";
    return c;
}

// Seconds per call of encode(text), the median of `repeats` rounds of `calls` calls each. The ids of every
// call are kept (their count summed) so the work cannot be optimised away.
double seconds_per_encode(const llmgate::Encoding& enc, const std::string& text, int calls, int repeats,
                          std::size_t& tokens) {
    std::vector<double> secs;
    for (int r = 0; r < repeats; ++r) {
        const Clock start = now();
        for (int i = 0; i < calls; ++i) tokens += enc.encode(text).size();
        secs.push_back(since(start).wall_s / calls);
    }
    return median(secs);
}

}  // namespace

int main(int argc, char** argv) try {
    const Args args = parse_args(argc, argv);
    const int repeats = args.rounds > 0 ? args.rounds : (args.quick ? 3 : 7);
    const std::string corpus = mixed_corpus();
    Rng rng;
    const std::string prose_text = prose(rng, 200'000);
    std::string word400;
    for (int i = 0; i < 400; ++i) word400 += static_cast<char>('a' + rng.next(26));
    const std::vector<std::pair<std::string, std::string>> long_pieces = {
        {"1,000 identical letters", std::string(1000, 'a')},
        {"400-letter word", word400},
        {"1,000 spaces then x", std::string(1000, ' ') + "x"},
        {"1,000 '=' signs", std::string(1000, '=')},
    };
    std::printf("corpus %.2f MB, load %s\n", static_cast<double>(corpus.size()) / 1e6, load_average().c_str());

    for (const char* name : {"o200k_base", "cl100k_base"}) {
        const std::string bench = std::string("6. tokens ") + name;
        const Clock load_start = now();
        const llmgate::Encoding& enc = llmgate::encoding(name);
        const double load_ms = since(load_start).wall_s * 1e3;
        std::size_t tokens = 0;
        // The first piece over 64 bytes builds the long-piece encoder's tables (once per encoding).
        const Clock long_start = now();
        tokens += enc.encode(std::string(1000, 'a')).size();
        const double long_ms = since(long_start).wall_s * 1e3;
        const double corpus_s = seconds_per_encode(enc, corpus, 1, repeats, tokens);
        const double corpus_mb_s = static_cast<double>(corpus.size()) / 1e6 / corpus_s;
        const std::size_t corpus_tokens = enc.count(corpus);
        const double prose_ns = seconds_per_encode(enc, prose_text, 1, repeats, tokens) * 1e9 /
                                static_cast<double>(prose_text.size());
        std::printf("%s: tables built in %.1f ms, long-piece tables in %.1f ms; mixed corpus %zu tokens, %.1f MB/s; "
                    "prose %.1f ns/byte\n",
                    name, load_ms, long_ms, corpus_tokens, corpus_mb_s, prose_ns);
        row(bench, "first use (build tables) ms", fmt(load_ms, 1), "-", "-", "-");
        row(bench, "first long piece (build its tables) ms", fmt(long_ms, 1), "-", "-", "< 150");
        row(bench, "encode mixed 1.6 MB, MB/s", fmt(corpus_mb_s, 1), "-", "-", ">= 10");
        row(bench, "encode prose, ns/byte", fmt(prose_ns, 1), "-", "-", "-");
        for (const auto& [what, text] : long_pieces) {
            const double ns = seconds_per_encode(enc, text, 200, repeats, tokens) * 1e9 / static_cast<double>(text.size());
            std::printf("  %-24s %.1f ns/byte, %.2fx prose\n", what.c_str(), ns, ns / prose_ns);
            row(bench, what + ", ns/byte (vs prose)", fmt(ns, 1), fmt(prose_ns, 1), ratio_str(ns / prose_ns) + " cost",
                "<= 3x");
        }
        std::printf("  (%zu tokens in all)\n", tokens);
    }
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "tokens_bench: %s\n", e.what());
    return 1;
}
