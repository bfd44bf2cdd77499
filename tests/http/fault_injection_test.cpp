// Fault injection: a misbehaving provider or network (refused, reset, stalled, slow, huge, garbled, proxy
// pages, error storms) always ends in a typed llmgate::Error or a correct result, for sync, async and
// streaming calls, across the three stream framings (SSE: OpenAI and Anthropic; NDJSON: Ollama; AWS binary
// event stream: Bedrock). No crash, no hang: every call is also bounded in time.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "anthropic_replies.hpp"
#include "bedrock_replies.hpp"
#include "ollama_replies.hpp"
#include "openai_replies.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
using namespace std::chrono_literals;

namespace {

// One wire protocol: its model string, and the fake server's replies in that provider's format.
struct Wire {
    std::string name;
    std::string model;
    Reply (*text)(const std::string& text);  // a whole non-streamed reply
    std::vector<std::string> (*stream_chunks)(
        const std::vector<std::string>& pieces);  // full stream, one per HTTP chunk
    std::string stream_content_type;
};

Reply openai_text(const std::string& t) { return openai::chat_text(t); }
Reply anthropic_text(const std::string& t) { return anthropic::message_text(t); }
Reply ollama_text(const std::string& t) { return ollama::chat_text(t); }
Reply bedrock_text(const std::string& t) { return bedrock::converse_text(t); }

std::vector<std::string> openai_chunks(const std::vector<std::string>& p) { return openai::stream_text(p).chunks; }
std::vector<std::string> anthropic_chunks(const std::vector<std::string>& p) {
    return anthropic::stream_text(p).chunks;
}
std::vector<std::string> ollama_chunks(const std::vector<std::string>& p) { return ollama::stream_text(p).chunks; }
std::vector<std::string> bedrock_chunks(const std::vector<std::string>& p) { return bedrock::text_frames(p); }

const Wire kOpenAI{"openai", "gpt-4o-mini", &openai_text, &openai_chunks, "text/event-stream"};
const Wire kAnthropic{"anthropic", "claude-sonnet-4-5", &anthropic_text, &anthropic_chunks, "text/event-stream"};
const Wire kOllama{"ollama", "ollama/llama3.2", &ollama_text, &ollama_chunks, "application/x-ndjson"};
const Wire kBedrock{"bedrock", "bedrock/anthropic.claude-3-5-haiku-20241022-v1:0", &bedrock_text, &bedrock_chunks,
                    "application/vnd.amazon.eventstream"};

// gtest names a failing parameter by this instead of a hex dump.
void PrintTo(const Wire& w, std::ostream* os) { *os << w.name; }

// A reply streamed as `wire` frames it, one HTTP chunk per event.
Reply stream_reply(const Wire& wire, const std::vector<std::string>& pieces) {
    Reply r;
    r.content_type = wire.stream_content_type;
    r.chunks = wire.stream_chunks(pieces);
    return r;
}

// Every fault must resolve well within this, whatever the timeout under test.
constexpr auto kBound = 10s;

template <class F>
auto elapsed(F&& f) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::steady_clock::now() - t0;
}

// Drains a stream, returning the text seen before it ended or threw.
std::string drain(Stream& s, std::string* seen = nullptr) {
    std::string text;
    for (const auto& c : s) {
        text += c.delta;
        if (seen) *seen = text;
    }
    return text;
}

// Awaits a future with a bound, so a lost completion fails the test instead of hanging it.
template <class T>
T get_bounded(std::future<T>& f) {
    if (f.wait_for(kBound) != std::future_status::ready) throw std::runtime_error("future never resolved");
    return f.get();
}

// Restores the transport settings a test changed.
struct TransportGuard {
    TransportSettings saved = transport_settings();
    ~TransportGuard() { configure_transport(saved); }
};

class FaultInjection : public ServerTestWithParam<Wire> {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        const std::string base = server.base_url();
        env.set("OPENAI_API_KEY", "sk-fault");
        env.set("OPENAI_BASE_URL", (base + "/v1").c_str());
        env.set("ANTHROPIC_API_KEY", "sk-ant-fault");
        env.set("ANTHROPIC_BASE_URL", base.c_str());
        env.set("OLLAMA_HOST", base.c_str());
        env.set("AWS_ACCESS_KEY_ID", "AKIDFAULT");
        env.set("AWS_SECRET_ACCESS_KEY", "fault-secret");
        env.set("AWS_REGION", "us-east-1");
        env.set("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", base.c_str());
    }
    const Wire& wire() const { return GetParam(); }
};

std::string wire_name(const ::testing::TestParamInfo<Wire>& info) { return info.param.name; }

}  // namespace

INSTANTIATE_TEST_SUITE_P(Wires, FaultInjection, ::testing::Values(kOpenAI, kAnthropic, kOllama, kBedrock), wire_name);

// Sanity: the fixtures themselves give correct results, so every failure below is the fault's doing.
TEST_P(FaultInjection, HealthyRepliesGiveCorrectResults) {
    server.enqueue(wire().text("fine"));
    EXPECT_EQ(completion(wire().model, hello()).text(), "fine");
    server.enqueue(stream_reply(wire(), {"fi", "ne"}));
    auto s = stream(wire().model, hello());
    EXPECT_EQ(drain(s), "fine");
    server.enqueue(stream_reply(wire(), {"as", "ync"}));
    auto fs = astream(wire().model, hello());
    auto as = get_bounded(fs);
    EXPECT_EQ(drain(as), "async");
}

TEST_P(FaultInjection, ConnectionRefusedIsAConnectionErrorEverywhere) {
    std::string url;
    {
        FakeServer closed;
        url = closed.base_url();
    }  // nothing listens on that port now
    env.set("OPENAI_BASE_URL", (url + "/v1").c_str());
    env.set("ANTHROPIC_BASE_URL", url.c_str());
    env.set("OLLAMA_HOST", url.c_str());
    env.set("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", url.c_str());
    const auto& m = wire().model;
    expect_error<ConnectionError>([&] { completion(m, hello()); }, "completion");
    expect_error<ConnectionError>(
        [&] {
            auto s = stream(m, hello());
            drain(s);
        },
        "stream");
    expect_error<ConnectionError>(
        [&] {
            auto f = acompletion(m, hello());
            get_bounded(f);
        },
        "acompletion");
    expect_error<ConnectionError>(
        [&] {
            auto f = astream(m, hello());
            auto s = get_bounded(f);
            drain(s);
        },
        "astream");
}

// The connection is reset (RST) after part of the stream: the caller has seen the first pieces, then a
// ConnectionError, never a quiet, shortened "success".
TEST_P(FaultInjection, ResetMidStreamIsAConnectionErrorAfterTheDeliveredChunks) {
    auto chunks = wire().stream_chunks({"Hel", "lo", " world"});
    chunks.resize(chunks.size() / 2 + 1);  // past the first text piece, before the end
    Reply r;
    r.content_type = wire().stream_content_type;
    r.chunks = chunks;
    r.drop_connection_after_chunks = true;
    r.reset_connection = true;
    r.delay_between_chunks = 20ms;

    server.enqueue(r);
    std::string seen;
    auto s = stream(wire().model, hello());
    expect_error<ConnectionError>([&] { drain(s, &seen); }, "stream");
    EXPECT_EQ(seen.substr(0, 3), "Hel");

    server.enqueue(r);
    seen.clear();
    auto f = astream(wire().model, hello());
    auto as = get_bounded(f);
    expect_error<ConnectionError>([&] { drain(as, &seen); }, "astream");
    EXPECT_EQ(seen.substr(0, 3), "Hel");
}

// A reset in the middle of a non-streamed (chunked) body.
TEST_P(FaultInjection, ResetMidBodyIsAConnectionError) {
    const std::string body = wire().text("complete reply").body;
    Reply r = wire().text("");
    r.body.clear();
    r.chunks = {body.substr(0, body.size() / 2)};
    r.drop_connection_after_chunks = true;
    r.reset_connection = true;
    server.enqueue(r);
    expect_error<ConnectionError>([&] { completion(wire().model, hello()); }, "completion");
    server.enqueue(r);
    expect_error<ConnectionError>(
        [&] {
            auto f = acompletion(wire().model, hello());
            get_bounded(f);
        },
        "acompletion");
}

// The provider goes silent mid-stream without closing: the stream times out after Options::timeout of
// silence, with the earlier chunks delivered.
TEST_P(FaultInjection, StallMidStreamTimesOut) {
    auto chunks = wire().stream_chunks({"Hel", "lo", " world"});
    chunks.resize(chunks.size() / 2 + 1);
    Reply r;
    r.content_type = wire().stream_content_type;
    r.chunks = chunks;
    r.stall_after_chunks = 60s;  // "forever" for this test; the server's destructor cuts it short
    const Options opts{.timeout = 400ms};

    server.enqueue(r);
    std::string seen;
    auto took = elapsed([&] {
        auto s = stream(wire().model, hello(), opts);
        expect_error<TimeoutError>([&] { drain(s, &seen); }, "stream");
    });
    EXPECT_EQ(seen.substr(0, 3), "Hel");
    EXPECT_GE(took, 400ms);
    EXPECT_LT(took, kBound);

    server.enqueue(r);
    seen.clear();
    took = elapsed([&] {
        auto f = astream(wire().model, hello(), opts);
        auto s = get_bounded(f);
        expect_error<TimeoutError>([&] { drain(s, &seen); }, "astream");
    });
    EXPECT_EQ(seen.substr(0, 3), "Hel");
    EXPECT_LT(took, kBound);
}

// A non-streamed reply whose body stops halfway and hangs: the whole-call timeout ends it.
TEST_P(FaultInjection, StallMidBodyTimesOut) {
    const std::string body = wire().text("complete reply").body;
    Reply r = wire().text("");
    r.body.clear();
    r.chunks = {body.substr(0, body.size() / 2)};
    r.stall_after_chunks = 60s;
    const Options opts{.timeout = 400ms};
    server.enqueue(r);
    auto took =
        elapsed([&] { expect_error<TimeoutError>([&] { completion(wire().model, hello(), opts); }, "completion"); });
    EXPECT_LT(took, kBound);
    server.enqueue(r);
    took = elapsed([&] {
        expect_error<TimeoutError>(
            [&] {
                auto f = acompletion(wire().model, hello(), opts);
                get_bounded(f);
            },
            "acompletion");
    });
    EXPECT_LT(took, kBound);
}

// Status and headers arrive only after the timeout.
TEST_P(FaultInjection, SlowHeadersTimeOut) {
    const Options opts{.timeout = 300ms};
    Reply slow = wire().text("late");
    slow.delay_before_reply = 3s;
    Reply slow_stream = stream_reply(wire(), {"late"});
    slow_stream.delay_before_reply = 3s;
    const auto& m = wire().model;

    server.enqueue(slow);
    auto took = elapsed([&] { expect_error<TimeoutError>([&] { completion(m, hello(), opts); }, "completion"); });
    EXPECT_LT(took, 2500ms);
    server.enqueue(slow);
    took = elapsed([&] {
        expect_error<TimeoutError>(
            [&] {
                auto f = acompletion(m, hello(), opts);
                get_bounded(f);
            },
            "acompletion");
    });
    EXPECT_LT(took, 2500ms);
    server.enqueue(slow_stream);
    took = elapsed([&] {
        expect_error<TimeoutError>(
            [&] {
                auto s = stream(m, hello(), opts);
                drain(s);
            },
            "stream");
    });
    EXPECT_LT(took, 2500ms);
    server.enqueue(slow_stream);
    took = elapsed([&] {
        expect_error<TimeoutError>(
            [&] {
                auto f = astream(m, hello(), opts);
                auto s = get_bounded(f);
                drain(s);
            },
            "astream");
    });
    EXPECT_LT(took, 2500ms);
}

// A 100 MB reply is cut off at the configured response size cap, quickly and without holding 100 MB.
TEST_P(FaultInjection, HugeBodyIsBoundedByTheResponseSizeCap) {
    TransportGuard restore;
    TransportSettings s = transport_settings();
    s.max_response_bytes = 1u << 20;
    configure_transport(s);

    const std::string body = wire().text("x").body;
    Reply huge = wire().text("");
    huge.body = body.substr(0, body.size() / 2);  // an honest start, then a never-ending filler
    huge.filler_bytes = 100u << 20;
    Reply huge_stream = huge;
    huge_stream.content_type = wire().stream_content_type;
    huge_stream.body = wire().stream_chunks({"big"}).front();
    const auto& m = wire().model;

    auto took = elapsed([&] {
        server.enqueue(huge);
        auto e = expect_error<ResponseParseError>([&] { completion(m, hello()); }, "completion");
        if (e) {
            EXPECT_NE(std::string(e->what()).find("size limit"), std::string::npos) << e->what();
        }
        server.enqueue(huge);
        expect_error<ResponseParseError>(
            [&] {
                auto f = acompletion(m, hello());
                get_bounded(f);
            },
            "acompletion");
        server.enqueue(huge_stream);
        expect_error<ResponseParseError>(
            [&] {
                auto st = stream(m, hello());
                drain(st);
            },
            "stream");
        server.enqueue(huge_stream);
        expect_error<ResponseParseError>(
            [&] {
                auto f = astream(m, hello());
                auto st = get_bounded(f);
                drain(st);
            },
            "astream");
    });
    EXPECT_LT(took, kBound);

    // The cap is back to normal afterwards, and a normal reply still works on the same server.
    configure_transport(restore.saved);
    server.enqueue(wire().text("small"));
    EXPECT_EQ(completion(m, hello()).text(), "small");
}

// A JSON body with invalid UTF-8 inside a string is a ResponseParseError (JSON text must be UTF-8), never a
// crash and never a reply whose text later makes nlohmann's dump() throw its own exception type.
TEST_P(FaultInjection, InvalidUtf8InContentIsAResponseParseError) {
    Reply r = wire().text("MARK");
    const auto at = r.body.find("MARK");
    ASSERT_NE(at, std::string::npos);
    r.body.replace(at, 4,
                   "a\xff\xfe"
                   "b\xc3");
    server.enqueue(r);
    expect_error<ResponseParseError>([&] { completion(wire().model, hello()); }, "completion");
    server.enqueue(r);
    expect_error<ResponseParseError>(
        [&] {
            auto f = acompletion(wire().model, hello());
            get_bounded(f);
        },
        "acompletion");
}

TEST_P(FaultInjection, InvalidUtf8InAStreamIsAResponseParseErrorAfterTheGoodChunks) {
    auto chunks = wire().stream_chunks({"good", "MARK", "tail"});
    bool marked = false;
    if (wire().name != "bedrock") {  // Bedrock frames carry a CRC: rebuild instead of editing bytes
        for (auto& c : chunks)
            if (auto at = c.find("MARK"); at != std::string::npos) {
                c.replace(at, 4,
                          "a\xff\xfe"
                          "b\xc3");
                marked = true;
            }
    } else {
        // The fixture's JSON builder refuses invalid UTF-8, so this delta's payload is written by hand.
        chunks[2] = bedrock::frame(
            {{":event-type", "contentBlockDelta"}, {":content-type", "application/json"}, {":message-type", "event"}},
            "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"a\xff\xfe"
            "b\xc3\"},\"p\":\"abcd\"}");
        marked = true;
    }
    ASSERT_TRUE(marked);
    Reply r;
    r.content_type = wire().stream_content_type;
    r.chunks = chunks;
    server.enqueue(r);
    std::string seen;
    auto s = stream(wire().model, hello());
    expect_error<ResponseParseError>([&] { drain(s, &seen); }, "stream");
    EXPECT_EQ(seen, "good");
    (void)response_to_json(s.response()).dump();  // what was received so far is still valid UTF-8
}

// The good events that arrive in the same read as a malformed one are still handed out before the error.
TEST_P(FaultInjection, ChunksBeforeAMalformedEventInTheSameReadAreNotLost) {
    auto chunks = wire().stream_chunks({"good", "MARK", "tail"});
    if (wire().name != "bedrock") {
        for (auto& c : chunks)
            if (auto at = c.find("MARK"); at != std::string::npos) c.replace(at, 4, "\xff");
    } else {
        chunks[2] = bedrock::frame(
            {{":event-type", "contentBlockDelta"}, {":content-type", "application/json"}, {":message-type", "event"}},
            "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"\xff\"},\"p\":\"abcd\"}");
    }
    Reply r;
    r.content_type = wire().stream_content_type;
    for (const auto& c : chunks) r.body += c;  // one write: the client reads it all at once
    for (int async = 0; async < 2; ++async) {
        server.enqueue(r);
        std::string seen;
        std::optional<Stream> s;
        if (async) {
            auto f = astream(wire().model, hello());
            s.emplace(get_bounded(f));
        } else {
            s.emplace(stream(wire().model, hello()));
        }
        expect_error<ResponseParseError>([&] { drain(*s, &seen); }, async ? "astream" : "stream");
        EXPECT_EQ(seen, "good") << (async ? "astream" : "stream");
    }
}

// A multi-byte UTF-8 character split between two HTTP chunks (and so between two reads) arrives whole.
TEST_P(FaultInjection, Utf8SplitAcrossChunksIsReassembled) {
    auto chunks = wire().stream_chunks({"caf\xc3\xa9 \xe2\x82\xac"});  // "café €"
    std::vector<std::string> split;
    for (const auto& c : chunks) {
        auto at = c.find("\xe2\x82\xac");
        if (at == std::string::npos) {
            split.push_back(c);
            continue;
        }
        split.push_back(c.substr(0, at + 1));  // cut inside the three-byte euro sign
        split.push_back(c.substr(at + 1));
    }
    ASSERT_GT(split.size(), chunks.size());
    Reply r;
    r.content_type = wire().stream_content_type;
    r.chunks = split;
    r.delay_between_chunks = 10ms;  // separate TCP writes, so the client really reads them apart
    server.enqueue(r);
    auto s = stream(wire().model, hello());
    EXPECT_EQ(drain(s), "caf\xc3\xa9 \xe2\x82\xac");
}

// 200 with a body that is not the provider's format at all.
TEST_P(FaultInjection, WrongContentTypeIsAParseError) {
    Reply plain;
    plain.content_type = "text/plain";
    plain.body = "upstream says hello";
    server.enqueue(plain);
    expect_error<ResponseParseError>([&] { completion(wire().model, hello()); }, "completion");
    server.enqueue(plain);
    expect_error<ResponseParseError>(
        [&] {
            auto f = acompletion(wire().model, hello());
            get_bounded(f);
        },
        "acompletion");

    // A proxy's 200 HTML page where a stream was expected.
    Reply html;
    html.content_type = "text/html; charset=utf-8";
    html.body = "<html><body><h1>Please log in to the proxy</h1></body></html>";
    server.enqueue(html);
    expect_error<ResponseParseError>(
        [&] {
            auto s = stream(wire().model, hello());
            drain(s);
        },
        "stream");
    server.enqueue(html);
    expect_error<ResponseParseError>(
        [&] {
            auto f = astream(wire().model, hello());
            auto s = get_bounded(f);
            drain(s);
        },
        "astream");
    // Plain text where a stream was expected: no events, so no complete reply.
    server.enqueue(plain);
    expect_error<ResponseParseError>(
        [&] {
            auto s = stream(wire().model, hello());
            drain(s);
        },
        "stream/plain");
}

// Proxies answer 502/503/504 with HTML, not the provider's JSON error body.
TEST_P(FaultInjection, HtmlErrorPagesFromProxiesAreProviderErrorsWithTheStatus) {
    Reply page;
    page.status = 502;
    page.content_type = "text/html";
    page.body =
        "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>"
        "<hr><center>nginx</center></body></html>";
    const auto& m = wire().model;
    for (int status : {502, 503, 504}) {
        page.status = status;
        const std::string tag = " (" + std::to_string(status) + ")";
        server.enqueue(page);
        try {
            completion(m, hello());
            ADD_FAILURE() << "no error" << tag;
        } catch (const RateLimitError&) {
            // some providers treat 503 as overload; still typed, still carries the status
        } catch (const ProviderAPIError& e) {
            EXPECT_EQ(e.status(), status);
            EXPECT_NE(e.body().find("<html>"), std::string::npos);
        }
        server.enqueue(page);
        try {
            auto f = acompletion(m, hello());
            get_bounded(f);
            ADD_FAILURE() << "no error" << tag;
        } catch (const Error& e) {
            EXPECT_EQ(e.status(), status) << e.type_name();
        }
        server.enqueue(page);
        try {
            auto s = stream(m, hello());
            drain(s);
            ADD_FAILURE() << "no error" << tag;
        } catch (const Error& e) {
            EXPECT_EQ(e.status(), status) << e.type_name();
        }
        server.enqueue(page);
        try {
            auto f = astream(m, hello());
            auto s = get_bounded(f);
            drain(s);
            ADD_FAILURE() << "no error" << tag;
        } catch (const Error& e) {
            EXPECT_EQ(e.status(), status) << e.type_name();
        }
    }
}

// Many concurrent acompletion calls against a server answering with a mix of 429, 500, HTML 503 and
// successes: every future resolves, each with the right result or the right typed error; nothing is
// lost, duplicated or delivered to the wrong caller.
TEST_P(FaultInjection, ErrorStormUnderConcurrentAcompletionLosesNothing) {
    constexpr int kCalls = 200;
    server.set_handler([this](const RecordedRequest& req) {
        // The caller's number travels in the prompt; find it in the request body.
        const auto at = req.body.find("call-");
        const int n = at == std::string::npos ? -1 : std::stoi(req.body.substr(at + 5));
        switch (n % 4) {
            case 0: {
                Reply r = openai::error(429, "slow down", "rate_limit_exceeded");
                r.headers.push_back({"retry-after", "1"});
                return r;
            }
            case 1:
                return openai::error(500, "boom", "server_error");
            case 2: {
                Reply r;
                r.status = 503;
                r.content_type = "text/html";
                r.body = "<html>upstream unavailable</html>";
                return r;
            }
            default:
                return wire().text("ok-" + std::to_string(n));
        }
    });
    std::vector<std::future<CompletionResponse>> futures;
    futures.reserve(kCalls);
    for (int i = 0; i < kCalls; ++i)
        futures.push_back(acompletion(wire().model, {Message::user("call-" + std::to_string(i))}));

    int ok = 0, limited = 0, failed = 0;
    for (int i = 0; i < kCalls; ++i) {
        ASSERT_EQ(futures[i].wait_for(30s), std::future_status::ready) << "call " << i << " never resolved";
        try {
            auto r = futures[i].get();
            EXPECT_EQ(i % 4, 3) << "call " << i << " succeeded but was scripted to fail";
            EXPECT_EQ(r.text(), "ok-" + std::to_string(i));
            ++ok;
        } catch (const RateLimitError& e) {
            EXPECT_TRUE(i % 4 == 0 || (i % 4 == 2 && e.status() == 503)) << "call " << i << ": " << e.what();
            if (i % 4 == 0) {
                EXPECT_EQ(e.status(), 429);
            }
            ++limited;
        } catch (const ProviderAPIError& e) {
            EXPECT_TRUE(i % 4 == 1 || i % 4 == 2) << "call " << i << ": " << e.what();
            EXPECT_EQ(e.status(), i % 4 == 1 ? 500 : 503);
            ++failed;
        } catch (const std::exception& e) {
            ADD_FAILURE() << "call " << i << ": untyped or unexpected error: " << e.what();
        }
    }
    EXPECT_EQ(ok, kCalls / 4);
    EXPECT_EQ(ok + limited + failed, kCalls);
    // Exactly one request per call: no retry storm, nothing sent twice.
    EXPECT_EQ(server.request_count(), static_cast<std::size_t>(kCalls));
    std::set<std::string> bodies;
    for (const auto& req : server.requests()) bodies.insert(req.body);
    EXPECT_EQ(bodies.size(), static_cast<std::size_t>(kCalls));
}

// The same storm for streams: every astream resolves; the successful ones deliver their own text.
TEST_P(FaultInjection, ErrorStormUnderConcurrentAstreamLosesNothing) {
    constexpr int kCalls = 64;
    server.set_handler([this](const RecordedRequest& req) {
        const auto at = req.body.find("call-");
        const int n = at == std::string::npos ? -1 : std::stoi(req.body.substr(at + 5));
        if (n % 2 == 0) return openai::error(429, "slow down", "rate_limit_exceeded");
        return stream_reply(wire(), {"ok-", std::to_string(n)});
    });
    std::vector<std::future<Stream>> futures;
    for (int i = 0; i < kCalls; ++i)
        futures.push_back(astream(wire().model, {Message::user("call-" + std::to_string(i))}));
    int ok = 0, limited = 0;
    for (int i = 0; i < kCalls; ++i) {
        ASSERT_EQ(futures[i].wait_for(30s), std::future_status::ready) << "call " << i << " never resolved";
        try {
            auto s = futures[i].get();
            EXPECT_EQ(drain(s), "ok-" + std::to_string(i));
            ++ok;
        } catch (const RateLimitError& e) {
            EXPECT_EQ(i % 2, 0) << e.what();
            ++limited;
        }
    }
    EXPECT_EQ(ok, kCalls / 2);
    EXPECT_EQ(limited, kCalls / 2);
    EXPECT_EQ(server.request_count(), static_cast<std::size_t>(kCalls));
}

// The storm through batch(): every request gets its own result or its own typed error, in input order,
// with exactly one HTTP request each (no retries configured, nothing duplicated or dropped).
TEST_P(FaultInjection, ErrorStormUnderBatchLosesNothing) {
    constexpr int kCalls = 200;
    server.set_handler([this](const RecordedRequest& req) {
        const auto at = req.body.find("call-");
        const int n = at == std::string::npos ? -1 : std::stoi(req.body.substr(at + 5));
        if (n % 4 == 0) return openai::error(429, "slow down", "rate_limit_exceeded");
        if (n % 4 == 1) return openai::error(500, "boom", "server_error");
        if (n % 4 == 2) {
            Reply r;
            r.status = 502;
            r.content_type = "text/html";
            r.body = "<html>bad gateway</html>";
            return r;
        }
        return wire().text("ok-" + std::to_string(n));
    });
    std::vector<CompletionRequest> requests;
    for (int i = 0; i < kCalls; ++i)
        requests.push_back(
            CompletionRequest{.model = wire().model, .messages = {Message::user("call-" + std::to_string(i))}});
    std::future<BatchResult> pending = abatch(requests, {.max_concurrency = 32});
    ASSERT_EQ(pending.wait_for(60s), std::future_status::ready) << "batch never finished";
    const BatchResult result = pending.get();
    ASSERT_EQ(result.results.size(), static_cast<std::size_t>(kCalls));
    EXPECT_EQ(result.successful, static_cast<std::size_t>(kCalls / 4));
    EXPECT_EQ(result.failed, static_cast<std::size_t>(kCalls - kCalls / 4));
    for (int i = 0; i < kCalls; ++i) {
        if (i % 4 == 3) {
            ASSERT_TRUE(result.results[i].has_value()) << "call " << i;
            EXPECT_EQ(result.results[i]->text(), "ok-" + std::to_string(i));
        } else {
            EXPECT_FALSE(result.results[i].has_value()) << "call " << i;
        }
    }
    ASSERT_EQ(result.errors.size(), static_cast<std::size_t>(kCalls - kCalls / 4));
    for (std::size_t k = 0; k < result.errors.size(); ++k) {
        const BatchError& e = result.errors[k];
        if (k > 0) {
            EXPECT_LT(result.errors[k - 1].index, e.index);
        }
        const int kind = static_cast<int>(e.index % 4);
        EXPECT_NE(kind, 3) << "call " << e.index;
        EXPECT_EQ(e.error_type, kind == 0 ? "RateLimitError" : "ProviderAPIError")
            << "call " << e.index << ": " << e.message;
        try {
            std::rethrow_exception(e.error);
        } catch (const Error& err) {
            EXPECT_EQ(err.status(), kind == 0 ? 429 : kind == 1 ? 500 : 502) << "call " << e.index;
        } catch (...) {
            ADD_FAILURE() << "call " << e.index << ": untyped error";
        }
    }
    EXPECT_EQ(server.request_count(), static_cast<std::size_t>(kCalls));
}

// After every fault above, the shared event loop still serves new calls.
TEST_P(FaultInjection, EventLoopSurvivesAFaultAndServesTheNextCall) {
    Reply r;
    r.content_type = wire().stream_content_type;
    r.chunks = wire().stream_chunks({"partial"});
    r.chunks.resize(1);
    r.drop_connection_after_chunks = true;
    r.reset_connection = true;
    server.enqueue(r);
    auto f = astream(wire().model, hello());
    try {
        auto s = get_bounded(f);
        drain(s);
    } catch (const Error&) {
    }
    server.enqueue(wire().text("still alive"));
    auto next = acompletion(wire().model, hello());
    EXPECT_EQ(get_bounded(next).text(), "still alive");
}
