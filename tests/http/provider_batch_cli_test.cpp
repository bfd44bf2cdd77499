// `llmgate batch --provider-batch submit|status|results|cancel` as a user runs it (a child process with the
// environment pointing at the fake batch service): the job line printed by submit resumes in later runs,
// results print like `llmgate batch`, wrong usage exits 2.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "batch_replies.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;

namespace {

struct CliRun {
    int exit_code = -1;
    std::string out;
    std::string err;
};

class ProviderBatchCli : public ServerTest {
protected:
    void SetUp() override {
        if (std::string(LLMGATE_CLI_BIN).empty()) GTEST_SKIP() << "the CLI is not built (LLMGATE_BUILD_CLI=OFF)";
        ServerTest::SetUp();
        server.set_handler([this](const RecordedRequest& r) { return batches.answer(r); });
        point_at("ANTHROPIC_API_KEY", "sk-ant-cli-SECRET", "ANTHROPIC_BASE_URL");
        point_at("OPENAI_API_KEY", "sk-cli-SECRET", "OPENAI_BASE_URL", "/v1");
    }
    void TearDown() override {
        ServerTest::TearDown();
        for (const auto& f : files_) std::remove(f.c_str());
    }

    std::string scratch(const std::string& name, const std::string& content) {
        const std::string path = ::testing::TempDir() + "llmgate_pbatch_" + std::to_string(::getpid()) + "_" + name;
        std::ofstream(path, std::ios::binary) << content;
        files_.push_back(path);
        return path;
    }

    // Runs the CLI with shell-quoted arguments (none contain a single quote).
    CliRun run(const std::vector<std::string>& args) {
        std::string cmd = std::string("'") + LLMGATE_CLI_BIN + "'";
        for (const auto& a : args) cmd += " '" + a + "'";
        const std::string err = scratch("stderr", "");
        cmd += " 2>'" + err + "'";
        CliRun r;
        FILE* p = ::popen(cmd.c_str(), "r");
        if (p == nullptr) return r;
        char buf[4096];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
        const int status = ::pclose(p);
        r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        std::ifstream in(err, std::ios::binary);
        r.err.assign(std::istreambuf_iterator<char>(in), {});
        return r;
    }

    std::string requests_file() {
        std::string lines;
        for (const char* q : {"one", "please FAIL", "three"})
            lines += json{{"model", "claude-sonnet-4-5"}, {"max_tokens", 16}, {"messages", {{{"role", "user"}, {"content", q}}}}}
                         .dump() +
                     "\n";
        return scratch("requests.jsonl", lines);
    }

    FakeBatchService batches{server.base_url()};
    std::vector<std::string> files_;
};

std::vector<json> json_lines(const std::string& out) {
    std::vector<json> lines;
    std::size_t start = 0;
    while (start < out.size()) {
        const std::size_t end = out.find('\n', start);
        lines.push_back(json::parse(out.substr(start, end - start)));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return lines;
}

}  // namespace

TEST_F(ProviderBatchCli, SubmitThenStatusThenResultsFromTheSavedJob) {
    const CliRun submitted = run({"batch", "--provider-batch", "submit", requests_file()});
    ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
    const BatchJob job = BatchJob::from_string(submitted.out);
    EXPECT_EQ(job.provider, "anthropic");
    EXPECT_EQ(job.request_count, 3u);
    EXPECT_EQ(batches.submitted(job.id).size(), 3u);
    EXPECT_EQ(submitted.out.find("SECRET"), std::string::npos);

    const std::string saved = scratch("job.json", submitted.out);
    const CliRun status = run({"batch", "--provider-batch", "status", saved});
    ASSERT_EQ(status.exit_code, 0) << status.err;
    EXPECT_EQ(BatchJob::from_string(status.out).status, BatchStatus::in_progress);
    EXPECT_NE(status.err.find("in_progress"), std::string::npos) << status.err;

    // The saved line itself as JOB; --wait polls until the job has ended.
    const CliRun results = run({"batch", "--provider-batch", "results", "--wait", "--poll-interval", "0.01",
                                BatchJob::from_string(status.out).to_string()});
    EXPECT_EQ(results.exit_code, 1) << results.err;  // one request failed
    const auto lines = json_lines(results.out);
    ASSERT_EQ(lines.size(), 3u) << results.out;
    EXPECT_EQ(lines[0]["index"], 0);
    EXPECT_EQ(lines[0]["response"]["text"], "echo: one");
    EXPECT_EQ(lines[1]["ok"], false);
    EXPECT_NE(lines[1]["error"]["message"].get<std::string>().find("FAIL"), std::string::npos);
    EXPECT_EQ(lines[2]["response"]["text"], "echo: three");
    EXPECT_EQ(results.out.find("SECRET"), std::string::npos);
}

TEST_F(ProviderBatchCli, AJobIdWithItsProviderAndCancel) {
    const CliRun submitted = run({"batch", "--provider-batch", "submit", requests_file()});
    ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
    const std::string id = BatchJob::from_string(submitted.out).id;
    const CliRun cancelled = run({"batch", "--provider-batch", "cancel", "--provider", "anthropic", id});
    ASSERT_EQ(cancelled.exit_code, 0) << cancelled.err;
    EXPECT_EQ(BatchJob::from_string(cancelled.out).status, BatchStatus::cancelling);
    const CliRun results = run({"batch", "--provider-batch", "results", "-m", "claude-sonnet-4-5", id});
    EXPECT_EQ(results.exit_code, 1);
    const auto lines = json_lines(results.out);
    ASSERT_EQ(lines.size(), 3u) << results.out << results.err;
    for (const json& line : lines) EXPECT_EQ(line["error"]["type"], "CancelledError");
}

TEST_F(ProviderBatchCli, ResultsOfARunningJobAndWrongUsageFail) {
    const CliRun submitted = run({"batch", "--provider-batch", "submit", requests_file()});
    ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
    batches.polls_to_finish = 100;
    const CliRun early = run({"batch", "--provider-batch", "results", submitted.out.substr(0, submitted.out.size() - 1)});
    EXPECT_EQ(early.exit_code, 1);
    EXPECT_NE(early.err.find("InvalidRequestError"), std::string::npos) << early.err;
    EXPECT_EQ(early.out, "");

    EXPECT_EQ(run({"batch", "--provider-batch", "launch", "x"}).exit_code, 2);
    EXPECT_EQ(run({"batch", "--provider-batch", "status"}).exit_code, 2);
    EXPECT_EQ(run({"batch", "--provider-batch", "status", "msgbatch_1"}).exit_code, 2);  // an id needs its provider
    EXPECT_EQ(run({"batch", "--provider-batch", "submit", "--concurrency", "2", "x.jsonl"}).exit_code, 2);
    EXPECT_EQ(run({"batch", "--wait", "x.jsonl"}).exit_code, 2);
    EXPECT_EQ(run({"--provider-batch", "status", "x"}).exit_code, 2);
}

TEST_F(ProviderBatchCli, MixedProvidersAreRefused) {
    const std::string file = scratch(
        "mixed.jsonl",
        R"({"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"a"}]})" "\n"
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"b"}]})" "\n");
    const CliRun r = run({"batch", "--provider-batch", "submit", file});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("InvalidRequestError"), std::string::npos) << r.err;
    EXPECT_EQ(server.request_count(), 0u);
}
