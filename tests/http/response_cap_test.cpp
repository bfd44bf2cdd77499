// The response size cap and large replies, on all nine providers through the real transport: a reply past
// the cap (per call, per gate, or the global default; announced by Content-Length or discovered while
// streaming) is a ResponseParseError that names the cap and how to raise it; a reply under it arrives whole,
// however large its one string is (large texts take the lean JSON parse and are moved, not copied).
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "anthropic_replies.hpp"
#include "bedrock_replies.hpp"
#include "cohere_replies.hpp"
#include "gemini_replies.hpp"
#include "ollama_replies.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;

namespace {

struct CapCase {
    std::string name;
    std::string model;
    std::function<void(EnvGuard&, const std::string& base_url)> configure;
    std::function<Reply(const std::string& text)> reply;                        // buffered, with Content-Length
    std::function<Reply(const std::vector<std::string>& pieces)> stream_reply;  // chunked, no Content-Length
};

void PrintTo(const CapCase& c, std::ostream* os) { *os << c.name; }

std::vector<CapCase> cases() {
    auto openai_reply = [](const std::string& t) { return openai::chat_text(t); };
    auto openai_stream = [](const std::vector<std::string>& p) { return openai::stream_text(p); };
    auto set = [](const char* key_var, const char* key, const char* base_var, std::string path = "") {
        return [=](EnvGuard& e, const std::string& u) {
            e.set(key_var, key);
            e.set(base_var, (u + path).c_str());
        };
    };
    return {
        {"openai", "gpt-4o-mini", set("OPENAI_API_KEY", "sk-cap", "OPENAI_BASE_URL"), openai_reply, openai_stream},
        {"azure", "azure/my-deployment", set("AZURE_OPENAI_API_KEY", "az-cap", "AZURE_OPENAI_ENDPOINT"), openai_reply,
         openai_stream},
        {"groq", "groq/llama-3.1-8b-instant", set("GROQ_API_KEY", "gsk-cap", "GROQ_BASE_URL"), openai_reply,
         openai_stream},
        {"mistral", "mistral/mistral-small-latest", set("MISTRAL_API_KEY", "mi-cap", "MISTRAL_BASE_URL"), openai_reply,
         openai_stream},
        {"anthropic", "claude-haiku-4-5", set("ANTHROPIC_API_KEY", "sk-ant-cap", "ANTHROPIC_BASE_URL"),
         [](const std::string& t) { return anthropic::message_text(t); },
         [](const std::vector<std::string>& p) { return anthropic::stream_text(p); }},
        {"gemini", "gemini/gemini-2.5-flash", set("GEMINI_API_KEY", "AIza-cap", "GEMINI_BASE_URL"),
         [](const std::string& t) { return gemini::text(t); },
         [](const std::vector<std::string>& p) { return gemini::stream_text(p); }},
        {"cohere", "cohere/command-r-plus", set("COHERE_API_KEY", "co-cap", "COHERE_BASE_URL"),
         [](const std::string& t) { return cohere::chat_text(t); },
         [](const std::vector<std::string>& p) { return cohere::stream_text(p); }},
        {"ollama", "ollama/llama3.2", [](EnvGuard& e, const std::string& u) { e.set("OLLAMA_HOST", u.c_str()); },
         [](const std::string& t) { return ollama::chat_text(t); },
         [](const std::vector<std::string>& p) { return ollama::stream_text(p); }},
        {"bedrock", "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0",
         [](EnvGuard& e, const std::string& u) {
             e.set("AWS_ACCESS_KEY_ID", "AKIDCAP");
             e.set("AWS_SECRET_ACCESS_KEY", "cap-secret");
             e.set("AWS_REGION", "us-east-1");
             e.set("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", u.c_str());
         },
         [](const std::string& t) { return bedrock::converse_text(t); },
         [](const std::vector<std::string>& p) { return bedrock::stream_text(p); }},
    };
}

// Restores the transport settings a test changed.
struct TransportGuard {
    TransportSettings saved = transport_settings();
    ~TransportGuard() { configure_transport(saved); }
};

constexpr std::size_t kCap = 8 * 1024;
const std::string kLongText(20 * 1024, 'y');  // its reply is well past kCap in every format

// The error says which cap was hit and every way to raise it.
void expect_names_the_cap(const ResponseParseError& e, std::size_t cap) {
    const std::string what = e.what();
    EXPECT_NE(what.find("response size limit of " + std::to_string(cap) + " bytes"), std::string::npos) << what;
    for (const char* way : {"Options::max_response_bytes", "EmbedOptions::max_response_bytes",
                            "GateConfig::max_response_bytes", "TransportSettings::max_response_bytes"})
        EXPECT_NE(what.find(way), std::string::npos) << way << " missing from: " << what;
}

std::string drain(Stream& s) {
    std::string text;
    for (const auto& c : s) text += c.delta;
    return text;
}

// Pieces of a long streamed answer: many events, so the cap is crossed mid-stream.
std::vector<std::string> long_pieces() { return std::vector<std::string>(40, std::string(512, 'z')); }

class ResponseCap : public ServerTestWithParam<CapCase> {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        GetParam().configure(env, server.base_url());
    }
    const std::string& model() const { return GetParam().model; }
};

std::string case_name(const ::testing::TestParamInfo<CapCase>& info) { return info.param.name; }

}  // namespace

TEST_P(ResponseCap, APerCallCapRejectsALargerBufferedReply) {
    server.enqueue(GetParam().reply(kLongText));
    auto e = expect_error<ResponseParseError>(
        [&] { completion(model(), hello(), {.max_response_bytes = kCap}); }, "completion past a per-call cap");
    if (e) {
        expect_names_the_cap(*e, kCap);
        // Announced by Content-Length: refused at the headers, so the error says how much was announced.
        EXPECT_NE(std::string(e->what()).find("announces"), std::string::npos) << e->what();
        EXPECT_EQ(e->provider(), GetParam().name);
    }
}

TEST_P(ResponseCap, APerCallCapRejectsALargerStreamWhileItArrives) {
    server.enqueue(GetParam().stream_reply(long_pieces()));
    Options options;
    options.max_response_bytes = kCap;
    std::string seen;
    auto e = expect_error<ResponseParseError>(
        [&] {
            auto s = stream(model(), hello(), options);
            for (const auto& c : s) seen += c.delta;
        },
        "stream past a per-call cap");
    if (e) {
        expect_names_the_cap(*e, kCap);
        EXPECT_NE(std::string(e->what()).find("larger than"), std::string::npos) << e->what();
    }
    EXPECT_LT(seen.size(), kCap) << "more text than the cap allows was delivered";
}

TEST_P(ResponseCap, AReplyUnderThePerCallCapArrivesWhole) {
    server.enqueue(GetParam().reply(kLongText));
    EXPECT_EQ(completion(model(), hello(), {.max_response_bytes = 1u << 20}).text(), kLongText);
    server.enqueue(GetParam().stream_reply(long_pieces()));
    Options options;
    options.max_response_bytes = 1u << 20;
    auto s = stream(model(), hello(), options);
    EXPECT_EQ(drain(s), std::string(40 * 512, 'z'));
}

TEST_P(ResponseCap, TheGlobalDefaultAppliesUnlessTheCallSetsItsOwn) {
    TransportGuard restore;
    TransportSettings settings = transport_settings();
    settings.max_response_bytes = kCap;
    configure_transport(settings);

    server.enqueue(GetParam().reply(kLongText));
    auto e = expect_error<ResponseParseError>([&] { completion(model(), hello()); }, "completion past the global cap");
    if (e) expect_names_the_cap(*e, kCap);

    // The call's own cap wins over the global one, both ways.
    server.enqueue(GetParam().reply(kLongText));
    EXPECT_EQ(completion(model(), hello(), {.max_response_bytes = 1u << 20}).text(), kLongText);
    server.enqueue(GetParam().reply("short"));
    expect_error<ResponseParseError>([&] { completion(model(), hello(), {.max_response_bytes = 16}); },
                                     "a call's cap below the global one");
}

TEST_P(ResponseCap, AGateCapAppliesToItsCallsUnlessTheCallSetsItsOwn) {
    const LLMGate gate(GateConfig{.max_response_bytes = kCap});
    server.enqueue(GetParam().reply(kLongText));
    auto e = expect_error<ResponseParseError>([&] { gate.completion(model(), hello()); }, "gate completion");
    if (e) expect_names_the_cap(*e, kCap);

    server.enqueue(GetParam().stream_reply(long_pieces()));
    expect_error<ResponseParseError>(
        [&] {
            auto s = gate.stream(model(), hello());
            drain(s);
        },
        "gate stream");

    server.enqueue(GetParam().reply(kLongText));
    EXPECT_EQ(gate.completion(model(), hello(), {.max_response_bytes = 1u << 20}).text(), kLongText);

    // A gate without a cap leaves the global default in charge: the same reply goes through.
    server.enqueue(GetParam().reply(kLongText));
    EXPECT_EQ(LLMGate().completion(model(), hello()).text(), kLongText);
}

// One string of several MB, with escapes and multi-byte characters: above the lean parse's threshold, so it
// takes the simdjson path and is moved out of the tree; it must come out byte for byte, buffered and
// streamed as one event.
TEST_P(ResponseCap, AMultiMegabyteAnswerInOneStringArrivesExactly) {
    std::string text;
    while (text.size() < (3u << 20)) text += "line \"quoted\" \\ tab\t é 😀 \n";
    server.enqueue(GetParam().reply(text));
    EXPECT_EQ(completion(model(), hello()).text(), text);

    server.enqueue(GetParam().stream_reply({text}));
    auto s = stream(model(), hello());
    const std::string streamed = drain(s);
    EXPECT_EQ(streamed.size(), text.size());
    EXPECT_TRUE(streamed == text);
}

INSTANTIATE_TEST_SUITE_P(AllProviders, ResponseCap, ::testing::ValuesIn(cases()), case_name);

// Embeddings take the same cap from EmbedOptions.
class EmbeddingsCap : public OpenAIServerTest {
protected:
    EmbeddingsCap() : OpenAIServerTest("sk-cap") {}
};

TEST_F(EmbeddingsCap, EmbedOptionsCapRejectsALargerReply) {
    const std::vector<std::vector<float>> vectors(64, std::vector<float>(64, 0.25f));
    server.enqueue(openai::embeddings(vectors));
    EmbedOptions options;
    options.max_response_bytes = kCap;
    auto e = expect_error<ResponseParseError>(
        [&] { embed("text-embedding-3-small", std::vector<std::string>(64, "text"), options); }, "embed past its cap");
    if (e) expect_names_the_cap(*e, kCap);

    server.enqueue(openai::embeddings(vectors));
    options.max_response_bytes = 0;  // back to the global default
    EXPECT_EQ(embed("text-embedding-3-small", std::vector<std::string>(64, "text"), options).embeddings.size(), 64u);
}
