// Bench 5, huge replies: the peak RSS of a process that receives one very large reply, per provider family
// (OpenAI-shaped JSON and SSE, Anthropic SSE, Gemini JSON and SSE, Ollama NDJSON, the Bedrock binary event
// stream), and an embeddings reply of 2,048 inputs x 3,072 floats. The answer must arrive whole (its size is
// checked) and the process must stay within 2x the body + 32 MiB: the body once as received (kept as the
// reply's raw text) and the answer once.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bedrock_replies.hpp"
#include "bench_common.hpp"
#include "fake_server.hpp"
#include "llmgate/llmgate.hpp"

using namespace llmgate::bench;
using nlohmann::json;

namespace {

constexpr std::size_t kEmbedInputs = 2048;
constexpr std::size_t kEmbedDims = 3072;

std::string sse(const json& event, const char* name = nullptr) {
    std::string out;
    if (name) out += std::string("event: ") + name + "\n";
    return out + "data: " + event.dump() + "\n\n";
}

std::string ndjson(const json& line) { return line.dump() + "\n"; }

struct Bodies {
    std::string openai_json, openai_sse, anthropic_sse, gemini_json, gemini_sse, ollama_ndjson, bedrock_stream;
    std::string embeddings;
};

// Every reply is built once, in the server process (its memory is not the client's).
Bodies build_bodies(std::size_t text_bytes) {
    const std::string text(text_bytes, 'x');
    Bodies b;
    b.openai_json = json{{"id", "chatcmpl-1"},
                         {"object", "chat.completion"},
                         {"model", "gpt-4o-mini"},
                         {"choices",
                          {{{"index", 0},
                            {"message", {{"role", "assistant"}, {"content", text}}},
                            {"finish_reason", "stop"}}}},
                         {"usage", {{"prompt_tokens", 5}, {"completion_tokens", 7}, {"total_tokens", 12}}}}
                        .dump();
    auto openai_chunk = [](json delta, json finish) {
        return json{{"id", "chatcmpl-1"},
                    {"object", "chat.completion.chunk"},
                    {"model", "gpt-4o-mini"},
                    {"choices", {{{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", std::move(finish)}}}}};
    };
    b.openai_sse = sse(openai_chunk({{"role", "assistant"}, {"content", text}}, nullptr)) +
                   sse(openai_chunk(json::object(), "stop")) + "data: [DONE]\n\n";
    b.anthropic_sse =
        sse({{"type", "message_start"},
             {"message",
              {{"id", "msg_1"},
               {"type", "message"},
               {"role", "assistant"},
               {"model", "claude-3-5-haiku-latest"},
               {"content", json::array()},
               {"usage", {{"input_tokens", 5}, {"output_tokens", 1}}}}}},
            "message_start") +
        sse({{"type", "content_block_start"}, {"index", 0}, {"content_block", {{"type", "text"}, {"text", ""}}}},
            "content_block_start") +
        sse({{"type", "content_block_delta"}, {"index", 0}, {"delta", {{"type", "text_delta"}, {"text", text}}}},
            "content_block_delta") +
        sse({{"type", "content_block_stop"}, {"index", 0}}, "content_block_stop") +
        sse({{"type", "message_delta"}, {"delta", {{"stop_reason", "end_turn"}}}, {"usage", {{"output_tokens", 7}}}},
            "message_delta") +
        sse({{"type", "message_stop"}}, "message_stop");
    const json gemini_reply{
        {"candidates",
         {{{"content", {{"role", "model"}, {"parts", {{{"text", text}}}}}}, {"finishReason", "STOP"}, {"index", 0}}}},
        {"usageMetadata", {{"promptTokenCount", 5}, {"candidatesTokenCount", 7}, {"totalTokenCount", 12}}},
        {"modelVersion", "gemini-2.0-flash"}};
    b.gemini_json = gemini_reply.dump();
    b.gemini_sse = sse(gemini_reply);
    b.ollama_ndjson = ndjson({{"model", "llama3.2"},
                              {"created_at", "2026-12-07T00:00:00Z"},
                              {"message", {{"role", "assistant"}, {"content", text}}},
                              {"done", false}}) +
                      ndjson({{"model", "llama3.2"},
                              {"created_at", "2026-12-07T00:00:01Z"},
                              {"message", {{"role", "assistant"}, {"content", ""}}},
                              {"done", true},
                              {"done_reason", "stop"},
                              {"prompt_eval_count", 5},
                              {"eval_count", 7}});
    // An event-stream frame holds at most 16 MiB of payload (a bigger one is a ResponseParseError), so the
    // Bedrock answer comes as 1 MiB deltas.
    std::vector<std::string> pieces;
    for (std::size_t at = 0; at < text.size(); at += 1u << 20) pieces.push_back(text.substr(at, 1u << 20));
    for (const std::string& f : llmgate::testing::bedrock::text_frames(pieces)) b.bedrock_stream += f;

    // Numbers as a model's embeddings look in JSON: about 20 characters each.
    std::string& e = b.embeddings;
    e = R"({"object":"list","model":"text-embedding-3-large","data":[)";
    char number[32];
    unsigned seed = 12345;
    for (std::size_t i = 0; i < kEmbedInputs; ++i) {
        e += i ? ",{" : "{";
        e += R"("object":"embedding","index":)" + std::to_string(i) + R"(,"embedding":[)";
        for (std::size_t d = 0; d < kEmbedDims; ++d) {
            seed = seed * 1103515245u + 12345u;
            const double v = (static_cast<double>(seed % 2000000) - 1000000.0) / 1.7e7;
            std::snprintf(number, sizeof number, d ? ",%.17g" : "%.17g", v);
            e += number;
        }
        e += "]}";
    }
    e += R"(],"usage":{"prompt_tokens":8192,"total_tokens":8192}})";
    return b;
}

int start_server(std::size_t text_bytes) {
    static Bodies bodies = build_bodies(text_bytes);
    static llmgate::testing::FakeServer server;
    server.set_handler([](const llmgate::testing::RecordedRequest& r) {
        using llmgate::testing::Reply;
        const bool stream = r.path.find("stream") != std::string::npos ||
                            r.body.find("\"stream\":true") != std::string::npos;
        auto reply = [](const std::string& body, const char* type) {
            return Reply{.content_type = type, .body = body};
        };
        if (r.path == "/v1/embeddings") return reply(bodies.embeddings, "application/json");
        if (r.path == "/v1/chat/completions")
            return stream ? reply(bodies.openai_sse, "text/event-stream") : reply(bodies.openai_json, "application/json");
        if (r.path == "/v1/messages") return reply(bodies.anthropic_sse, "text/event-stream");
        if (r.path.find(":streamGenerateContent") != std::string::npos)
            return reply(bodies.gemini_sse, "text/event-stream");
        if (r.path.find(":generateContent") != std::string::npos) return reply(bodies.gemini_json, "application/json");
        if (r.path == "/api/chat") return reply(bodies.ollama_ndjson, "application/x-ndjson");
        if (r.path.find("/converse-stream") != std::string::npos)
            return reply(bodies.bedrock_stream, "application/vnd.amazon.eventstream");
        return Reply{.status = 404, .body = "{\"error\":{\"message\":\"no route " + r.path + "\"}}"};
    });
    return server.port();
}

struct Case {
    const char* name;
    const char* model;
    bool stream;
};

Metrics receive(const Case& c, const std::string& base, std::size_t text_bytes) {
    llmgate::Options options{.api_base = c.model[0] == 'g' || c.model[0] == 'o' ? base + "/v1" : base};
    if (std::string(c.model).rfind("gemini/", 0) == 0) options.api_base = base;
    if (std::string(c.model).rfind("ollama/", 0) == 0 || std::string(c.model).rfind("bedrock/", 0) == 0 ||
        std::string(c.model).rfind("anthropic/", 0) == 0)
        options.api_base = base;
    options.max_response_bytes = 1u << 30;  // the case is the whole answer, not the cap
    const Clock start = now();
    std::size_t received = 0;
    if (c.stream) {
        std::string text;
        for (const auto& chunk : llmgate::stream(c.model, {llmgate::Message::user("Hi")}, options))
            text += chunk.delta;
        received = text.size();
    } else {
        // What a caller who wants the answer writes; text() on the temporary moves the answer out.
        const std::string text = llmgate::completion(c.model, {llmgate::Message::user("Hi")}, options).text();
        received = text.size();
    }
    const Clock t = since(start);
    if (received != text_bytes)
        throw std::runtime_error(std::string(c.name) + ": answer has " + std::to_string(received) + " bytes, not " +
                                 std::to_string(text_bytes));
    return Metrics{.wall_s = t.wall_s, .cpu_s = t.cpu_s, .peak_rss_mib = peak_rss_mib()};
}

Metrics receive_embeddings(const std::string& base) {
    const std::vector<std::string> inputs(kEmbedInputs, "a sentence to embed");
    llmgate::EmbedOptions options{.api_base = base + "/v1", .encoding_format = "float"};
    options.max_response_bytes = 1u << 30;
    const Clock start = now();
    const auto response = llmgate::embed("openai/text-embedding-3-large", inputs, options);
    const Clock t = since(start);
    if (response.embeddings.size() != kEmbedInputs || response.embeddings.back().size() != kEmbedDims)
        throw std::runtime_error("embeddings: wrong shape");
    return Metrics{.wall_s = t.wall_s, .cpu_s = t.cpu_s, .peak_rss_mib = peak_rss_mib()};
}

}  // namespace

int main(int argc, char** argv) try {
    const Args args = parse_args(argc, argv);
    const std::size_t text_bytes = args.n > 0 ? static_cast<std::size_t>(args.n) : (args.quick ? 20'000'000 : 200'000'000);
    ServerProcess server([text_bytes] { return start_server(text_bytes); });
    setenv("OPENAI_API_KEY", "sk-bench", 1);
    setenv("ANTHROPIC_API_KEY", "sk-ant-bench", 1);
    setenv("GEMINI_API_KEY", "gemini-bench", 1);
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", 1);
    setenv("AWS_REGION", "us-east-1", 1);

    const double body_mib = static_cast<double>(text_bytes) / (1024.0 * 1024.0);
    const std::string name = "5. huge reply (" + fmt(body_mib, 0) + " MiB answer, one call)";
    const Case cases[] = {
        {"OpenAI JSON", "openai/gpt-4o-mini", false},
        {"OpenAI SSE", "openai/gpt-4o-mini", true},
        {"Anthropic SSE", "anthropic/claude-3-5-haiku-latest", true},
        {"Gemini JSON", "gemini/gemini-2.0-flash", false},
        {"Gemini SSE", "gemini/gemini-2.0-flash", true},
        {"Ollama NDJSON", "ollama/llama3.2", true},
        {"Bedrock event stream", "bedrock/anthropic.claude-3-haiku-20240307-v1:0", true},
    };
    const double limit = 2 * body_mib + 32;
    for (const Case& c : cases) {
        const Metrics m = run_isolated([&] { return receive(c, server.base_url(), text_bytes); });
        row(name, std::string(c.name) + ": peak RSS MiB", fmt(m.peak_rss_mib, 0), "-",
            fmt(m.peak_rss_mib / body_mib, 2) + "× body", "≤ " + fmt(limit, 0));
    }
    const Metrics e = run_isolated([&] { return receive_embeddings(server.base_url()); });
    row("5. huge reply (embeddings)", "2048 × 3072 floats as JSON: peak RSS MiB", fmt(e.peak_rss_mib, 0), "-", "-",
        "-");
    return 0;
} catch (const std::exception& ex) {
    std::fprintf(stderr, "huge_reply_bench: %s\n", ex.what());
    return 1;
}
