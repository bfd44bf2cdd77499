// The `llmgate` command-line program against the fake server: --schema, --image and batch, as a user
// runs them (a child process with the environment pointing at loopback).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <thread>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "image_host.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;
namespace host = llmgate::testing::image_host;

namespace {

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every scratch file a test makes is listed here and deleted when the test ends, so runs leave nothing
// behind in the temp directory.
std::vector<std::string>& scratch_files() {
    static std::vector<std::string> files;
    return files;
}

std::string temp_path(const std::string& name) {
    std::string path = ::testing::TempDir() + "llmgate_cli_" + std::to_string(::getpid()) + "_" + name;
    scratch_files().push_back(path);
    return path;
}

void remove_scratch_files() {
    for (const auto& f : scratch_files()) std::remove(f.c_str());
    scratch_files().clear();
}

// Runs the CLI with shell-quoted arguments (the test writes them; none contain a single quote).
RunResult run_cli(const std::vector<std::string>& args) {
    std::string cmd = std::string("'") + LLMGATE_CLI_BIN + "'";
    for (const auto& a : args) cmd += " '" + a + "'";
    const std::string err_file = temp_path("stderr");
    cmd += " 2>'" + err_file + "'";
    RunResult r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    const int status = ::pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.err = slurp(err_file);
    std::remove(err_file.c_str());
    return r;
}

// Splits the CLI's output into its JSON lines.
std::vector<json> json_lines(const std::string& out) {
    std::vector<json> lines;
    std::size_t start = 0;
    for (std::size_t nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1)
        lines.push_back(json::parse(out.substr(start, nl - start)));
    return lines;
}

// The CLI as a child process the test can signal: `signal_when()` is polled while it runs, and the
// first time it holds the child gets SIGINT. The child is killed (and the result marked so) if it has
// not ended `patience` after that.
RunResult run_cli_interrupted(const std::vector<std::string>& args, const std::function<bool()>& signal_when,
                              std::chrono::seconds patience) {
    RunResult r;
    int out_pipe[2];
    if (::pipe(out_pipe) != 0) return r;
    const std::string err_file = temp_path("stderr-int");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
    posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> argv_s{LLMGATE_CLI_BIN};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, LLMGATE_CLI_BIN, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out_pipe[1]);
    if (rc != 0) {
        ::close(out_pipe[0]);
        return r;
    }
    bool signalled = false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);  // until the signal is due
    for (;;) {
        if (!signalled && signal_when()) {
            ::kill(pid, SIGINT);
            signalled = true;
            deadline = std::chrono::steady_clock::now() + patience;
        }
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            r.err = "(killed: did not end in time)";
            break;
        }
        pollfd p{out_pipe[0], POLLIN, 0};
        if (::poll(&p, 1, 20) > 0) {
            char buf[4096];
            const ssize_t n = ::read(out_pipe[0], buf, sizeof buf);
            if (n == 0) break;  // the child closed its output: it is ending
            if (n > 0) r.out.append(buf, static_cast<std::size_t>(n));
        }
    }
    ::close(out_pipe[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (r.err.empty()) r.err = slurp(err_file);
    return r;
}

void write_file(const std::string& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
}

class CliHttp : public OpenAIServerTest {
protected:
    CliHttp() : OpenAIServerTest("sk-cli-SECRET", "") {}
    void SetUp() override {
        if (std::string(LLMGATE_CLI_BIN).empty()) GTEST_SKIP() << "the CLI is not built (LLMGATE_BUILD_CLI=OFF)";
        OpenAIServerTest::SetUp();
    }
    void TearDown() override {
        OpenAIServerTest::TearDown();
        remove_scratch_files();
    }
};

const char* kSchema = R"({"title":"film","type":"object","properties":{"title":{"type":"string"},
  "year":{"type":"integer"}},"required":["title","year"]})";

}  // namespace

TEST_F(CliHttp, SchemaPrintsTheValidatedJsonAndSendsTheNativeSchema) {
    const std::string schema = temp_path("schema.json");
    write_file(schema, kSchema);
    server.enqueue(openai::chat_text(R"({"title":"Alien","year":1979})"));
    const auto r = run_cli({"-m", "gpt-4o-mini", "--schema", schema, "Name a film."});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out), json::parse(R"({"title":"Alien","year":1979})"));
    const json sent = server.last_request().json();
    EXPECT_EQ(sent["response_format"]["type"], "json_schema");
    EXPECT_EQ(sent["response_format"]["json_schema"]["name"], "film");
}

TEST_F(CliHttp, SchemaMismatchExitsOneAndNamesTheField) {
    const std::string schema = temp_path("schema2.json");
    write_file(schema, kSchema);
    server.enqueue(openai::chat_text(R"({"title":"Alien","year":"1979"})"));
    const auto r = run_cli({"-m", "gpt-4o-mini", "--schema", schema, "Name a film."});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("StructuredOutputError"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("$.year"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("sk-cli-SECRET"), std::string::npos);
}

TEST_F(CliHttp, ImageFileIsSentAsBase64) {
    const std::string png = temp_path("cat.png");
    write_file(png, host::kPngBytes);
    server.enqueue(openai::chat_text("A cat."));
    const auto r = run_cli({"-m", "gpt-4o-mini", "--image", png, "What is this?"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "A cat.\n");
    const json content = server.last_request().json()["messages"][0]["content"];
    ASSERT_EQ(content.size(), 2u);
    EXPECT_EQ(content[1]["image_url"]["url"], std::string("data:image/png;base64,") + host::kPngBase64);
}

TEST_F(CliHttp, ImageThatIsNotAnImageIsRefusedBeforeSending) {
    const std::string txt = temp_path("notes.txt");
    write_file(txt, "just text");
    const auto r = run_cli({"-m", "gpt-4o-mini", "--image", txt, "What is this?"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("InvalidRequestError"), std::string::npos) << r.err;
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(CliHttp, BatchPrintsOneLinePerRequestInInputOrder) {
    server.set_handler([](const RecordedRequest& req) {
        const std::string q = req.json()["messages"][0]["content"].get<std::string>();
        if (q == "fail") {
            Reply r;
            r.status = 401;
            r.body = R"({"error":{"message":"bad key","type":"invalid_request_error"}})";
            return r;
        }
        return openai::chat_text("answer to " + q);
    });
    const std::string file = temp_path("batch.jsonl");
    std::string lines;
    for (const char* q : {"one", "fail", "three"})
        lines += json{{"model", "gpt-4o-mini"}, {"messages", {{{"role", "user"}, {"content", q}}}}}.dump() + "\n";
    write_file(file, lines);
    const auto r = run_cli({"batch", "--concurrency", "2", file});
    EXPECT_EQ(r.exit_code, 1);  // one request failed
    const auto out = json_lines(r.out);
    ASSERT_EQ(out.size(), 3u) << r.out;
    for (int i = 0; i < 3; ++i) EXPECT_EQ(out[i]["index"], i);
    EXPECT_EQ(out[0]["ok"], true);
    EXPECT_EQ(out[0]["response"]["text"], "answer to one");
    EXPECT_EQ(out[1]["ok"], false);
    EXPECT_EQ(out[1]["error"]["type"], "AuthError");
    EXPECT_EQ(out[2]["response"]["text"], "answer to three");
    EXPECT_EQ(r.out.find("sk-cli-SECRET"), std::string::npos);
}

// Ctrl-C during a batch: the requests in flight are cancelled at once, the rest never sent, and every
// line is still printed, the stopped ones as CancelledError; exit status 130.
TEST_F(CliHttp, CtrlCStopsABatchAndStillPrintsEveryLine) {
    server.set_handler([](const RecordedRequest& req) {
        const std::string q = req.json()["messages"][0]["content"].get<std::string>();
        Reply r = openai::chat_text("answer to " + q);
        if (q != "quick") r.delay_before_reply = std::chrono::seconds(30);  // a provider still thinking
        return r;
    });
    const std::string file = temp_path("batch-int.jsonl");
    std::string lines;
    for (const char* q : {"quick", "slow-1", "slow-2", "slow-3", "slow-4", "slow-5"})
        lines += json{{"model", "gpt-4o-mini"}, {"messages", {{{"role", "user"}, {"content", q}}}}}.dump() + "\n";
    write_file(file, lines);
    const auto r = run_cli_interrupted(
        {"batch", "--concurrency", "3", file}, [&] { return server.request_count() >= 4; }, std::chrono::seconds(10));
    EXPECT_EQ(r.exit_code, 130) << r.err;
    EXPECT_NE(r.err.find("interrupted"), std::string::npos) << r.err;
    const auto out = json_lines(r.out);
    ASSERT_EQ(out.size(), 6u) << r.out;
    EXPECT_EQ(out[0]["response"]["text"], "answer to quick");
    for (std::size_t i = 1; i < 6; ++i) {
        EXPECT_EQ(out[i]["index"], i);
        EXPECT_EQ(out[i]["ok"], false);
        EXPECT_EQ(out[i]["error"]["type"], "CancelledError") << out[i];
    }
    EXPECT_EQ(server.request_count(), 4u);  // the quick one and the three in flight; the rest never sent
}

TEST_F(CliHttp, TokensCountsAFileOrPrintsItsIds) {
    const std::string file = temp_path("tokens.txt");
    write_file(file, "hello world\n");
    const auto count = run_cli({"tokens", "-m", "gpt-4", file});
    EXPECT_EQ(count.exit_code, 0) << count.err;
    EXPECT_EQ(count.out, "3\n");
    const auto ids = run_cli({"tokens", "--encoding", "cl100k_base", "--ids", file});
    EXPECT_EQ(ids.out, "[15339,1917,198]\n");  // tiktoken's ids for "hello", " world", "\n"
    EXPECT_EQ(run_cli({"tokens", "--encoding", "nope", file}).exit_code, 1);
    EXPECT_EQ(run_cli({"tokens", "-m", "gpt-4", "--encoding", "o200k_base", file}).exit_code, 2);
}

TEST_F(CliHttp, AgentRunsTheLoopAndPrintsTheRunAsJson) {
    // No tools on the command line: the model answers in one step.
    server.enqueue(openai::chat_text("Hello from the agent."));
    const auto r = run_cli({"agent", "-m", "gpt-4o-mini", "--json", "Say hello"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json run = json::parse(r.out);
    EXPECT_EQ(run["response"]["text"], "Hello from the agent.");
    EXPECT_EQ(run["steps"].size(), 1u);
    EXPECT_EQ(run["messages"].size(), 2u);
    EXPECT_TRUE(run.contains("cost"));  // gpt-4o-mini has a price
    EXPECT_EQ(run_cli({"agent", "--max-steps", "0", "x"}).exit_code, 2);
    EXPECT_EQ(run_cli({"--max-steps", "3", "x"}).exit_code, 2);  // agent-only option
}

TEST_F(CliHttp, ProvidersAndModelsListWhatTheRegistryAndTheEndpointHave) {
    const auto providers = run_cli({"providers"});
    ASSERT_EQ(providers.exit_code, 0) << providers.err;
    for (const char* name : {"openai", "deepseek", "openrouter", "perplexity", "llamacpp"})
        EXPECT_NE(providers.out.find(std::string(name) + "\n"), std::string::npos) << name;

    env.set("DEEPSEEK_API_KEY", "ds-cli");
    server.enqueue(Reply{.body = R"({"object":"list","data":[{"id":"deepseek-chat","object":"model","owned_by":"deepseek"},
        {"id":"deepseek-reasoner","object":"model","owned_by":"deepseek"}]})"});
    const auto models = run_cli({"models", "deepseek", "--api-base", server.base_url()});
    ASSERT_EQ(models.exit_code, 0) << models.err;
    EXPECT_EQ(models.out, "deepseek-chat\ndeepseek-reasoner\n");
    EXPECT_EQ(server.last_request().path, "/models");
    EXPECT_EQ(server.last_request().header("authorization"), "Bearer ds-cli");

    const auto unsupported = run_cli({"models", "perplexity"});
    EXPECT_EQ(unsupported.exit_code, 1);
    EXPECT_NE(unsupported.err.find("ListModelsNotSupported"), std::string::npos) << unsupported.err;
}
