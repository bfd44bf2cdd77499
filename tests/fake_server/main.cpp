// llmgate-fake-server: runs the fake OpenAI-compatible server on the command line for manual testing.
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

#include <pthread.h>

#include "fake_server.hpp"
#include "openai_replies.hpp"

namespace {

using llmgate::testing::RecordedRequest;
using llmgate::testing::Reply;
namespace openai = llmgate::testing::openai;

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Reply chat(const nlohmann::json& body) {
    std::string model = body.value("model", "gpt-4o-mini");
    if (body.value("stream", false)) return openai::stream_text({"Hello", " from", " the fake server"}, model);
    return openai::chat_text("Hello from the fake server", model);
}

// One small deterministic vector per input, so a caller can tell the inputs apart.
Reply embed(const nlohmann::json& body) {
    std::size_t inputs = 1;
    if (auto it = body.find("input"); it != body.end() && it->is_array()) inputs = it->size();
    std::vector<std::vector<float>> vectors;
    for (std::size_t i = 0; i < inputs; ++i) {
        auto x = static_cast<float>(i + 1);
        vectors.push_back({0.1f * x, 0.2f * x, 0.3f * x});
    }
    return openai::embeddings(vectors, body.value("model", "text-embedding-3-small"),
                              body.value("encoding_format", "float") == "base64");
}

// Set by --delay-ms: every reply waits this long first, so many requests can be in flight at once.
std::chrono::milliseconds reply_delay{0};

Reply answer_now(const RecordedRequest& req);

Reply answer(const RecordedRequest& req) {
    Reply r = answer_now(req);
    r.delay_before_reply = reply_delay;
    return r;
}

Reply answer_now(const RecordedRequest& req) {
    if (req.method != "POST")
        return openai::error(404, "fake server only answers POST, got " + req.method + " " + req.path);
    nlohmann::json body;
    try {
        body = req.json();
    } catch (const std::exception& e) {
        return openai::error(400, std::string("request body is not JSON: ") + e.what());
    }
    if (!body.is_object()) return openai::error(400, "request body is not a JSON object");
    if (ends_with(req.path, "/chat/completions")) return chat(body);
    if (ends_with(req.path, "/embeddings")) return embed(body);
    return openai::error(404, "fake server has no endpoint " + req.path, "invalid_request_error", "unknown_url");
}

}  // namespace

int main(int argc, char** argv) {
    int port = 0;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--port" && i + 1 < argc) {
            port = std::atoi(argv[++i]);
        } else if (arg == "--delay-ms" && i + 1 < argc) {
            reply_delay = std::chrono::milliseconds(std::atoi(argv[++i]));
        } else {
            std::cerr << "usage: llmgate-fake-server [--port N] [--delay-ms N]\n";
            return 2;
        }
    }

    // Block the stop signals before any server thread starts, so every thread inherits the mask
    // and sigwait below is the only place they are delivered.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    try {
        llmgate::testing::FakeServer server(port);
        server.set_handler(answer);
        std::cout << "listening on " << server.base_url() << std::endl;
        int sig = 0;
        sigwait(&stop_signals, &sig);
        std::cout << "stopping after " << server.request_count() << " request(s)" << std::endl;
    } catch (const std::exception& e) {
        std::cerr << "llmgate-fake-server: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
