// No API key ever appears in a log line, an exception message or a cache key: every provider, every
// log level with content logging on, and every error path (HTTP errors, malformed and truncated
// replies, refused connections, timeouts, structured-output failures), sync, async and streaming.
#include <gtest/gtest.h>

#include <map>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <functional>
#include <mutex>
#include <sstream>

#include "anthropic_replies.hpp"
#include "bedrock_replies.hpp"
#include "cohere_replies.hpp"
#include "gemini_replies.hpp"
#include "ollama_replies.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;

namespace {

struct ProviderCase {
    std::string name;
    std::string model;
    std::vector<std::string> secrets;  // every credential this provider is given
    std::function<void(EnvGuard&, const std::string& base_url)> configure;
    std::function<Reply(const std::string& text)> reply;
};

// An embedding model per provider that has an embeddings API (Anthropic and Groq have none).
std::string embed_model(const std::string& provider) {
    static const std::map<std::string, std::string> models{{"openai", "text-embedding-3-small"},
                                                           {"azure", "azure/my-embedding"},
                                                           {"mistral", "mistral/mistral-embed"},
                                                           {"gemini", "gemini/text-embedding-004"},
                                                           {"cohere", "cohere/embed-english-v3.0"},
                                                           {"ollama", "ollama/nomic-embed-text"},
                                                           {"bedrock", "bedrock/amazon.titan-embed-text-v2:0"}};
    auto it = models.find(provider);
    return it == models.end() ? std::string() : it->second;
}

std::vector<ProviderCase> cases() {
    auto openai_reply = [](const std::string& t) { return openai::chat_text(t); };
    return {
        {"openai",
         "gpt-4o-mini",
         {"sk-SECRET-openai-0123456789"},
         [](EnvGuard& e, const std::string& u) {
             e.set("OPENAI_API_KEY", "sk-SECRET-openai-0123456789");
             e.set("OPENAI_BASE_URL", u.c_str());
         },
         openai_reply},
        {"azure",
         "azure/my-deployment",
         {"SECRET-azure-0123456789"},
         [](EnvGuard& e, const std::string& u) {
             e.set("AZURE_OPENAI_API_KEY", "SECRET-azure-0123456789");
             e.set("AZURE_OPENAI_ENDPOINT", u.c_str());
         },
         openai_reply},
        {"groq",
         "groq/llama-3.1-8b-instant",
         {"gsk_SECRET-groq-0123456789"},
         [](EnvGuard& e, const std::string& u) {
             e.set("GROQ_API_KEY", "gsk_SECRET-groq-0123456789");
             e.set("GROQ_BASE_URL", u.c_str());
         },
         openai_reply},
        {"mistral",
         "mistral/mistral-small-latest",
         {"SECRET-mistral-0123456789"},
         [](EnvGuard& e, const std::string& u) {
             e.set("MISTRAL_API_KEY", "SECRET-mistral-0123456789");
             e.set("MISTRAL_BASE_URL", u.c_str());
         },
         openai_reply},
        {"anthropic",
         "claude-haiku-4-5",
         {"sk-ant-SECRET-0123456789"},
         [](EnvGuard& e, const std::string& u) {
             e.set("ANTHROPIC_API_KEY", "sk-ant-SECRET-0123456789");
             e.set("ANTHROPIC_BASE_URL", u.c_str());
         },
         [](const std::string& t) { return anthropic::message_text(t); }},
        {"gemini",
         "gemini/gemini-2.5-flash",
         {"AIzaSECRET-gemini-0123456789"},
         [](EnvGuard& e, const std::string& u) {
             e.set("GEMINI_API_KEY", "AIzaSECRET-gemini-0123456789");
             e.set("GEMINI_BASE_URL", u.c_str());
         },
         [](const std::string& t) { return gemini::text(t); }},
        {"cohere",
         "cohere/command-r-plus",
         {"SECRET-cohere-0123456789"},
         [](EnvGuard& e, const std::string& u) {
             e.set("COHERE_API_KEY", "SECRET-cohere-0123456789");
             e.set("COHERE_BASE_URL", u.c_str());
         },
         [](const std::string& t) { return cohere::chat_text(t); }},
        {"ollama",
         "ollama/llama3.2",
         {"SECRET-ollama-0123456789"},
         [](EnvGuard& e, const std::string& u) {
             e.set("OLLAMA_HOST", u.c_str());
             e.set("OLLAMA_API_KEY", "SECRET-ollama-0123456789");
         },
         [](const std::string& t) { return ollama::chat_text(t); }},
        {"bedrock",
         "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0",
         // The access key id is an identifier AWS itself puts in every signed Authorization header; the
         // secret key and the session token are the credentials.
         {"SECRET-aws-secret-access-key-0123456789", "SECRET-aws-session-token-0123456789"},
         [](EnvGuard& e, const std::string& u) {
             e.set("AWS_PROFILE", nullptr);
             e.set("AWS_ACCESS_KEY_ID", "AKIDSECRETBEDROCK01");
             e.set("AWS_SECRET_ACCESS_KEY", "SECRET-aws-secret-access-key-0123456789");
             e.set("AWS_SESSION_TOKEN", "SECRET-aws-session-token-0123456789");
             e.set("AWS_REGION", "us-east-1");
             e.set("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", u.c_str());
         },
         [](const std::string& t) { return bedrock::converse_text(t); }},
    };
}

// A cache store that remembers every key it is asked about.
class RecordingStore : public CacheStore {
public:
    std::optional<CachedReply> get(const std::string& key) override {
        std::lock_guard lock(mu_);
        keys_.push_back(key);
        return std::nullopt;
    }
    void put(const std::string& key, const CachedReply&, std::chrono::milliseconds) override {
        std::lock_guard lock(mu_);
        keys_.push_back(key);
    }
    std::vector<std::string> keys() const {
        std::lock_guard lock(mu_);
        return keys_;
    }

private:
    mutable std::mutex mu_;
    std::vector<std::string> keys_;
};

Reply status_reply(int status, const std::string& body, const std::string& content_type = "application/json") {
    Reply r;
    r.status = status;
    r.content_type = content_type;
    r.body = body;
    return r;
}

// An error body echoing every credential `p` sends, as some providers do ("Incorrect API key provided:
// sk-..."); the AWS secret key is never sent, so it is never echoed.
std::string echoing_error_body(const ProviderCase& p) {
    std::string echoed;
    for (const auto& s : p.secrets)
        if (s.find("aws-secret-access-key") == std::string::npos) echoed += s + " ";
    return json{{"error", {{"message", "Incorrect API key provided: " + echoed}, {"type", "error"}, {"code", "x"}}},
                {"message", "Incorrect API key provided: " + echoed}}
        .dump();
}

class Secrets : public ServerTestWithParam<ProviderCase> {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        GetParam().configure(env, server.base_url());
        // Capture everything the library logs, at the most verbose level.
        spdlog::drop("llmgate");
        sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
        auto logger = std::make_shared<spdlog::logger>("llmgate", sink);
        logger->set_level(spdlog::level::trace);
        spdlog::register_logger(logger);
        store = std::make_shared<RecordingStore>();
        middleware = {
            std::make_shared<LoggingMiddleware>("trace", true),
            std::make_shared<RetryMiddleware>(RetryMiddleware::Settings{.max_retries = 1, .backoff_factor = 0.001}),
            std::make_shared<CacheMiddleware>(std::chrono::seconds(60), 100, store)};
    }
    void TearDown() override {
        ServerTest::TearDown();
        spdlog::drop("llmgate");
    }

    Options options(Options o = {}) {
        o.middleware = middleware;
        o.timeout = std::chrono::milliseconds(2000);
        return o;
    }

    void expect_clean(const std::string& text, const std::string& where) {
        for (const auto& s : GetParam().secrets)
            EXPECT_EQ(text.find(s), std::string::npos) << where << " leaks a secret: " << text;
    }
    void expect_clean(const Error& e) {
        expect_clean(e.what(), std::string("what() of ") + e.type_name());
        expect_clean(e.provider_message(), "provider_message");
        expect_clean(e.body(), "body");
        expect_clean(e.request_id(), "request_id");
    }
    // Runs a call that must fail with a typed error, sync and async, and checks that error.
    void expect_failure_is_clean(const std::function<void()>& call) {
        try {
            call();
            ADD_FAILURE() << "expected an llmgate::Error";
        } catch (const Error& e) {
            expect_clean(e);
        }
    }

    std::ostringstream log;
    std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink;
    std::shared_ptr<RecordingStore> store;
    MiddlewareList middleware;
};

}  // namespace

TEST_P(Secrets, NoKeyInLogsErrorsOrCacheKeysOnAnyPath) {
    const auto& p = GetParam();
    const std::vector<Message> msgs{Message::user("Hello!")};

    // Success, with content logging on.
    server.enqueue(p.reply("Hi there."));
    EXPECT_EQ(completion(p.model, msgs, options()).text(), "Hi there.");

    // HTTP errors of every kind, each echoing the credentials the provider was sent.
    const std::string err_json = echoing_error_body(p);
    for (int status : {400, 401, 403, 404, 422, 429, 500, 503}) {
        server.clear();
        server.set_handler([&](const RecordedRequest&) { return status_reply(status, err_json); });
        expect_failure_is_clean(
            [&] { completion(p.model, {Message::user("status " + std::to_string(status))}, options()); });
        expect_failure_is_clean(
            [&] { acompletion(p.model, {Message::user("async " + std::to_string(status))}, options()).get(); });
        expect_failure_is_clean([&] {
            for (const auto& c : stream(p.model, {Message::user("stream " + std::to_string(status))}, options()))
                (void)c;
        });
    }

    // An HTML page from a proxy, a malformed 200, a structured reply that does not fit.
    server.set_handler(
        [](const RecordedRequest&) { return status_reply(502, "<html><body>Bad gateway</body></html>", "text/html"); });
    expect_failure_is_clean([&] { completion(p.model, {Message::user("html")}, options()); });
    server.set_handler([](const RecordedRequest&) { return status_reply(200, "{not json"); });
    expect_failure_is_clean([&] { completion(p.model, {Message::user("malformed")}, options()); });
    server.set_handler([&](const RecordedRequest&) { return p.reply("not the JSON you asked for"); });
    expect_failure_is_clean([&] {
        completion(p.model, {Message::user("structured")},
                   options({.response_format =
                                ResponseFormat{.schema = json::parse(R"({"type":"object","required":["a"]})")}}));
    });

    // Nobody listening: the connection is refused.
    expect_failure_is_clean(
        [&] { completion(p.model, {Message::user("refused")}, options({.api_base = "http://127.0.0.1:9"})); });

    // A stall longer than the timeout.
    server.set_handler([&](const RecordedRequest&) {
        Reply r = p.reply("late");
        r.delay_before_reply = std::chrono::milliseconds(800);
        return r;
    });
    expect_failure_is_clean([&] {
        Options o = options();
        o.timeout = std::chrono::milliseconds(200);
        completion(p.model, {Message::user("slow")}, o);
    });

    std::string logged = log.str();
    EXPECT_NE(logged.find("outcome="), std::string::npos) << "nothing was logged: the test would prove nothing";
    expect_clean(logged, "the log");
    const auto keys = store->keys();
    EXPECT_FALSE(keys.empty());
    for (const auto& k : keys) expect_clean(k, "a cache key");
}

// Embedding calls too: an error reply echoing the credentials never carries them into the error, sync
// or async. (Bedrock's Titan embeddings send the session token, which its error must not repeat.)
TEST_P(Secrets, EmbeddingErrorsNeverCarryTheKey) {
    const auto& p = GetParam();
    const std::string model = embed_model(p.name);
    if (model.empty()) GTEST_SKIP() << p.name << " has no embeddings API";
    const std::string err_json = echoing_error_body(p);
    for (int status : {400, 401, 403, 500}) {
        server.clear();
        server.set_handler([&](const RecordedRequest&) { return status_reply(status, err_json); });
        EmbedOptions o;
        o.timeout = std::chrono::milliseconds(2000);
        expect_failure_is_clean([&] { embed(model, {"status " + std::to_string(status)}, o); });
        expect_failure_is_clean([&] { aembed(model, {"async " + std::to_string(status)}, o).get(); });
        EXPECT_GE(server.request_count(), 2u) << "the calls never reached the server: the test would prove nothing";
    }
}

TEST_P(Secrets, CacheKeyDoesNotDependOnTheKey) {
    const CompletionRequest a{GetParam().model, {Message::user("Hi")}, Options{.api_key = "key-A-0123456789"}};
    const CompletionRequest b{GetParam().model, {Message::user("Hi")}, Options{.api_key = "key-B-9876543210"}};
    EXPECT_EQ(CacheMiddleware::key_for(a), CacheMiddleware::key_for(b));
    EXPECT_EQ(CacheMiddleware::key_for(a).find("key-A"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(AllProviders, Secrets, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.name; });
