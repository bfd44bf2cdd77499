// The `llmgate` command-line program against the fake server: --schema, --image and batch, as a user
// runs them (a child process with the environment pointing at loopback).
#include <gtest/gtest.h>

#include <sys/wait.h>

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

void write_file(const std::string& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
}

class CliHttp : public ::testing::Test {
protected:
    void SetUp() override {
        if (std::string(LLMGATE_CLI_BIN).empty()) GTEST_SKIP() << "the CLI is not built (LLMGATE_BUILD_CLI=OFF)";
        clear_provider_env(env);
        env.set("OPENAI_API_KEY", "sk-cli-SECRET");
        env.set("OPENAI_BASE_URL", server.base_url().c_str());
    }
    void TearDown() override { remove_scratch_files(); }
    EnvGuard env;
    FakeServer server;
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
    std::vector<json> out;
    std::size_t start = 0;
    for (std::size_t nl; (nl = r.out.find('\n', start)) != std::string::npos; start = nl + 1)
        out.push_back(json::parse(r.out.substr(start, nl - start)));
    ASSERT_EQ(out.size(), 3u) << r.out;
    for (int i = 0; i < 3; ++i) EXPECT_EQ(out[i]["index"], i);
    EXPECT_EQ(out[0]["ok"], true);
    EXPECT_EQ(out[0]["response"]["text"], "answer to one");
    EXPECT_EQ(out[1]["ok"], false);
    EXPECT_EQ(out[1]["error"]["type"], "AuthError");
    EXPECT_EQ(out[2]["response"]["text"], "answer to three");
    EXPECT_EQ(r.out.find("sk-cli-SECRET"), std::string::npos);
}
