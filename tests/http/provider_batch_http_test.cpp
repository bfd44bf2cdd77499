// The providers' batch APIs end to end over real HTTP (llmgate/provider_batch.hpp) against the fake batch
// service (tests/fake_server/batch_replies.cpp): submit → poll / wait → results in input order with a typed
// per-index error → cancel; resuming from a saved job; lines equal to what completion() sends; malformed
// results, wrong ids and wrong requests as typed errors; the key never in an error.
#include <gtest/gtest.h>

#include "batch_replies.hpp"
#include "openai_replies.hpp"
#include "anthropic_replies.hpp"
#include "gemini_replies.hpp"
#include "test_support.hpp"

using namespace llmgate;
using namespace llmgate::testing;

namespace {

// The fake batch service for batch routes; a plain completion reply (and its recorded body) for the
// provider's completion route, so a test can compare a batch line with what completion() sends.
class ProviderBatchHttp : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        server.set_handler([this](const RecordedRequest& r) -> Reply {
            if (r.path.ends_with("/chat/completions")) return openai::chat_text("direct");
            if (r.path == "/v1/messages") return anthropic::message_text("direct");
            if (r.path.ends_with(":generateContent")) return gemini::text("direct");
            return batches.answer(r);
        });
        point_at("OPENAI_API_KEY", "sk-batch-secret-1234", "OPENAI_BASE_URL", "/v1");
        point_at("ANTHROPIC_API_KEY", "sk-ant-batch-secret", "ANTHROPIC_BASE_URL");
        point_at("GEMINI_API_KEY", "AIza-batch-secret", "GEMINI_BASE_URL");
        env.set("AZURE_OPENAI_API_KEY", "azure-batch-secret");
        env.set("AZURE_OPENAI_ENDPOINT", server.base_url().c_str());
        env.set("AZURE_OPENAI_API_VERSION", "2024-10-21");
    }

    static std::vector<CompletionRequest> three(const std::string& model) {
        return {CompletionRequest{model, {Message::user("alpha")}, {.max_tokens = 20}},
                CompletionRequest{model, {Message::user("please FAIL")}, {.max_tokens = 20}},
                CompletionRequest{model, {Message::system("Be brief."), Message::user("gamma")}, {.temperature = 0.5}}};
    }

    // The answers of three(): texts at 0 and 2, the provider's invalid-request error at 1.
    static void expect_three(const BatchResult& r) {
        ASSERT_EQ(r.results.size(), 3u);
        ASSERT_TRUE(r.results[0].has_value());
        EXPECT_EQ(r.results[0]->text(), "echo: alpha");
        EXPECT_FALSE(r.results[1].has_value());
        ASSERT_TRUE(r.results[2].has_value());
        EXPECT_EQ(r.results[2]->text(), "echo: gamma");
        ASSERT_EQ(r.errors.size(), 1u);
        EXPECT_EQ(r.errors[0].index, 1u);
        EXPECT_NE(r.errors[0].message.find("FAIL"), std::string::npos) << r.errors[0].message;
        try {
            std::rethrow_exception(r.errors[0].error);
        } catch (const Error& e) {
            EXPECT_EQ(e.status(), 400) << e.what();
            EXPECT_EQ(r.errors[0].error_type, e.type_name());
        }
        EXPECT_EQ(r.successful, 2u);
        EXPECT_EQ(r.failed, 1u);
        EXPECT_EQ(r.total_tokens, 30);
    }

    // The body completion() sends for `request`, as the server recorded it.
    json completion_body(const CompletionRequest& request) {
        (void)completion(request.model, request.messages, request.options);
        return server.last_request().json();
    }

    static void expect_no_key(const std::string& text) {
        for (const char* key : {"sk-batch-secret-1234", "sk-ant-batch-secret", "AIza-batch-secret", "azure-batch-secret"})
            EXPECT_EQ(text.find(key), std::string::npos) << text;
    }

    FakeBatchService batches{server.base_url()};
};

std::vector<RecordedRequest> requests_to(const FakeServer& server, const std::string& path_part) {
    std::vector<RecordedRequest> out;
    for (auto& r : server.requests())
        if (r.path.find(path_part) != std::string::npos) out.push_back(r);
    return out;
}

}  // namespace

// ---- OpenAI -----------------------------------------------------------------------------------------------

TEST_F(ProviderBatchHttp, OpenAISubmitUploadsJsonlThenCreatesTheBatch) {
    const BatchJob job = submit_batch(three("gpt-4o-mini"), {.metadata = {{"run", "nightly"}}});
    EXPECT_EQ(job.provider, "openai");
    EXPECT_EQ(job.model, "gpt-4o-mini");
    EXPECT_EQ(job.id, batches.last_job_id());
    EXPECT_EQ(job.status, BatchStatus::validating);
    EXPECT_EQ(job.raw_status, "validating");
    EXPECT_EQ(job.request_count, 3u);
    EXPECT_EQ(job.counts.total, 3);
    EXPECT_EQ(job.created_at, "2026-12-07T22:00:00Z");
    EXPECT_FALSE(job.input_file_id.empty());

    const auto uploads = requests_to(server, "/v1/files");
    ASSERT_EQ(uploads.size(), 1u);
    EXPECT_EQ(uploads[0].method, "POST");
    EXPECT_EQ(uploads[0].header("authorization"), "Bearer sk-batch-secret-1234");
    EXPECT_NE(uploads[0].header("content-type").find("multipart/form-data; boundary="), std::string::npos);
    EXPECT_EQ(uploads[0].form.at("purpose").content, "batch");
    const FormPart& file = uploads[0].form.at("file");
    EXPECT_EQ(file.filename, "llmgate-batch.jsonl");
    // Three lines in input order, each {custom_id, method, url, body}.
    std::vector<json> lines;
    for (std::size_t start = 0; start < file.content.size();) {
        const std::size_t end = file.content.find('\n', start);
        lines.push_back(json::parse(file.content.substr(start, end - start)));
        start = end + 1;
    }
    ASSERT_EQ(lines.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(lines[i]["custom_id"], "request-" + std::to_string(i));
        EXPECT_EQ(lines[i]["method"], "POST");
        EXPECT_EQ(lines[i]["url"], "/v1/chat/completions");
        EXPECT_FALSE(lines[i]["body"].contains("stream"));
    }
    const auto creates = requests_to(server, "/v1/batches");
    ASSERT_EQ(creates.size(), 1u);
    const json create = creates[0].json();
    EXPECT_EQ(create["input_file_id"], job.input_file_id);
    EXPECT_EQ(create["endpoint"], "/v1/chat/completions");
    EXPECT_EQ(create["completion_window"], "24h");
    EXPECT_EQ(create["metadata"], json({{"run", "nightly"}}));
}

TEST_F(ProviderBatchHttp, OpenAILinesAreWhatCompletionSends) {
    const auto requests = three("gpt-4o-mini");
    const BatchJob job = submit_batch(requests);
    const auto lines = batches.submitted(job.id);
    ASSERT_EQ(lines.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(lines[i].body, completion_body(requests[i])) << i;
}

TEST_F(ProviderBatchHttp, OpenAIPollThenResultsInInputOrderWithATypedError) {
    BatchJob job = submit_batch(three("gpt-4o-mini"));
    EXPECT_THROW(results(job), InvalidRequestError);  // not finished: no silent empty result
    job = poll(job);
    EXPECT_EQ(job.status, BatchStatus::in_progress);
    EXPECT_EQ(job.request_count, 3u);
    job = poll_batch(job);
    ASSERT_EQ(job.status, BatchStatus::completed);
    EXPECT_TRUE(job.done());
    EXPECT_FALSE(job.output_file_id.empty());
    EXPECT_FALSE(job.error_file_id.empty());
    EXPECT_EQ(job.counts.completed, 2);
    EXPECT_EQ(job.counts.failed, 1);
    EXPECT_EQ(job.ended_at, "2026-12-07T23:00:00Z");
    const BatchResult r = results(job);
    expect_three(r);
    EXPECT_THROW(std::rethrow_exception(r.errors[0].error), Error);
    EXPECT_EQ(requests_to(server, "/v1/files/" + job.output_file_id + "/content").size(), 1u);
    EXPECT_EQ(requests_to(server, "/v1/files/" + job.error_file_id + "/content").size(), 1u);
}

TEST_F(ProviderBatchHttp, OpenAIResumesFromASavedJobString) {
    std::string saved;
    {
        const BatchJob job = submit_batch(three("gpt-4o-mini"));
        saved = job.to_string();
    }
    expect_no_key(saved);
    const BatchJob restored = BatchJob::from_string(saved);
    EXPECT_EQ(restored.provider, "openai");
    EXPECT_EQ(restored.request_count, 3u);
    std::vector<BatchStatus> seen;
    const BatchJob done = wait(restored, {.poll_interval = std::chrono::milliseconds(5),
                                          .on_poll = [&](const BatchJob& j) { seen.push_back(j.status); }});
    EXPECT_EQ(seen, (std::vector<BatchStatus>{BatchStatus::in_progress, BatchStatus::completed}));
    expect_three(results(BatchJob::from_string(done.to_string())));
}

TEST_F(ProviderBatchHttp, GetBatchFindsAJobByIdAlone) {
    const BatchJob job = submit_batch(three("gpt-4o-mini"));
    BatchJob again = get_batch("openai", job.id, {.extra_headers = {{"X-Trace", "t-1"}}});
    EXPECT_EQ(server.last_request().header("x-trace"), "t-1");  // the caller's headers reach every call
    EXPECT_EQ(again.id, job.id);
    EXPECT_EQ(again.status, BatchStatus::in_progress);
    again = get_batch("gpt-4o-mini", job.id);  // a model routes to its provider
    ASSERT_TRUE(again.done());
    expect_three(results(again));  // request_count from the job's own counts
}

TEST_F(ProviderBatchHttp, OpenAICancel) {
    const BatchJob job = submit_batch(three("gpt-4o-mini"));
    BatchJob c = cancel(job);
    EXPECT_EQ(c.status, BatchStatus::cancelling);
    EXPECT_EQ(requests_to(server, "/v1/batches/" + job.id + "/cancel").back().method, "POST");
    c = poll(c);
    EXPECT_EQ(c.status, BatchStatus::cancelled);
    const BatchResult r = results(c);
    ASSERT_EQ(r.errors.size(), 3u);
    for (const BatchError& e : r.errors) EXPECT_EQ(e.error_type, "CancelledError");
}

TEST_F(ProviderBatchHttp, OpenAIMalformedOrMissingResultsAreTypedErrors) {
    batches.results_override = "{\"custom_id\":\"request-0\",\"response\":{\"status_code\":200,\"body\":{}}}\nnot json\n";
    BatchJob job = wait(submit_batch(three("gpt-4o-mini")), {.poll_interval = std::chrono::milliseconds(1)});
    EXPECT_THROW(results(job), ResponseParseError);

    batches.results_override = "{\"custom_id\":\"request-7\",\"response\":{\"status_code\":200,\"body\":{}}}\n";
    job = wait(submit_batch(three("gpt-4o-mini")), {.poll_interval = std::chrono::milliseconds(1)});
    EXPECT_THROW(results(job), ResponseParseError);  // a custom id we never sent

    batches.results_override = "{\"custom_id\":\"request-0\",\"response\":\"oops\"}\n";
    job = wait(submit_batch(three("gpt-4o-mini")), {.poll_interval = std::chrono::milliseconds(1)});
    EXPECT_THROW(results(job), ResponseParseError);

    // The output file holds only request-2: request 0 has no result at all, an error at its index.
    batches.results_override = "";
    job = wait(submit_batch(three("gpt-4o-mini")), {.poll_interval = std::chrono::milliseconds(1)});
    BatchResult r = results(job);
    ASSERT_EQ(r.errors.size(), 3u);
    EXPECT_EQ(r.errors[0].error_type, "ResponseParseError");
    EXPECT_NE(r.errors[0].message.find("request-0"), std::string::npos);

    // A results file past the caller's size limit is refused, not truncated.
    batches.results_override = std::string(4096, ' ') + "\n";
    job = wait(submit_batch(three("gpt-4o-mini")), {.poll_interval = std::chrono::milliseconds(1)});
    EXPECT_THROW(results(job, {.max_response_bytes = 1024}), ResponseParseError);

    batches.results_override.reset();
    batches.lose_output_file = true;
    job = wait(submit_batch(three("gpt-4o-mini")), {.poll_interval = std::chrono::milliseconds(1)});
    try {
        (void)results(job);
        FAIL() << "expected the files API's 404";
    } catch (const Error& e) {
        EXPECT_EQ(e.status(), 404);
    }
}

TEST_F(ProviderBatchHttp, AzureUsesTheOpenAIRoutesWithApiVersionAndTheDeployment) {
    const BatchJob job = submit_batch(three("azure/my-deployment"));
    EXPECT_EQ(job.provider, "azure");
    const auto uploads = requests_to(server, "/openai/files");
    ASSERT_EQ(uploads.size(), 1u);
    EXPECT_EQ(uploads[0].params.at("api-version"), "2024-10-21");
    EXPECT_EQ(uploads[0].header("api-key"), "azure-batch-secret");
    const json first = json::parse(uploads[0].form.at("file").content.substr(0, uploads[0].form.at("file").content.find('\n')));
    EXPECT_EQ(first["url"], "/chat/completions");
    EXPECT_EQ(first["body"]["model"], "my-deployment");
    EXPECT_EQ(requests_to(server, "/openai/batches")[0].json()["endpoint"], "/chat/completions");
    const BatchJob done = wait(job, {.poll_interval = std::chrono::milliseconds(1)});
    expect_three(results(done));
    for (const auto& r : requests_to(server, "/openai/")) EXPECT_EQ(r.params.count("api-version"), 1u) << r.path;
}

// ---- Anthropic --------------------------------------------------------------------------------------------

TEST_F(ProviderBatchHttp, AnthropicSubmitPollResultsCancel) {
    const auto requests = three("claude-sonnet-4-5");
    BatchJob job = submit_batch(requests);
    EXPECT_EQ(job.provider, "anthropic");
    EXPECT_EQ(job.status, BatchStatus::in_progress);
    EXPECT_EQ(job.raw_status, "in_progress");
    EXPECT_EQ(job.counts.processing, 3);
    EXPECT_EQ(job.expires_at, "2026-12-08T22:00:00Z");
    const RecordedRequest create = requests_to(server, "/v1/messages/batches")[0];
    EXPECT_EQ(create.header("x-api-key"), "sk-ant-batch-secret");
    const json body = create.json();
    ASSERT_EQ(body["requests"].size(), 3u);
    EXPECT_EQ(body["requests"][1]["custom_id"], "request-1");
    const auto lines = batches.submitted(job.id);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(lines[i].body, completion_body(requests[i])) << i;

    job = poll(job);
    EXPECT_EQ(job.status, BatchStatus::in_progress);
    job = poll(job);
    ASSERT_EQ(job.status, BatchStatus::completed);
    EXPECT_EQ(job.raw_status, "ended");
    EXPECT_EQ(job.counts.completed, 2);
    EXPECT_EQ(job.counts.failed, 1);
    EXPECT_FALSE(job.results_url.empty());
    expect_three(results(BatchJob::from_string(job.to_string())));
    EXPECT_EQ(server.last_request().path, "/v1/messages/batches/" + job.id + "/results");

    BatchJob other = submit_batch(three("claude-sonnet-4-5"));
    other = cancel(other);
    EXPECT_EQ(other.status, BatchStatus::cancelling);
    EXPECT_EQ(other.raw_status, "canceling");
    other = get_batch("anthropic", other.id);
    EXPECT_EQ(other.status, BatchStatus::cancelled);
    const BatchResult r = results(other);
    ASSERT_EQ(r.errors.size(), 3u);
    for (const BatchError& e : r.errors) EXPECT_EQ(e.error_type, "CancelledError");
}

TEST_F(ProviderBatchHttp, AnthropicMalformedResultsAreTypedErrors) {
    batches.results_override = "{\"custom_id\":\"request-0\",\"result\":{\"type\":\"mystery\"}}\n";
    const BatchJob job = wait(submit_batch(three("claude-sonnet-4-5")), {.poll_interval = std::chrono::milliseconds(1)});
    EXPECT_THROW(results(job), ResponseParseError);
    batches.results_override = "{\"custom_id\":\"request-0\",\"result\":{\"type\":\"succeeded\",\"message\":{\"content\":7}}}\n";
    const BatchResult r = results(job);
    EXPECT_EQ(r.errors.size(), 3u);  // a wrong-shaped message fails its index; the others have no result
    EXPECT_EQ(r.errors[0].error_type, "ResponseParseError");
}

// ---- Gemini -----------------------------------------------------------------------------------------------

TEST_F(ProviderBatchHttp, GeminiSubmitPollResultsCancel) {
    const auto requests = three("gemini/gemini-2.5-flash");
    BatchJob job = submit_batch(requests, {.metadata = {{"display_name", "nightly"}}});
    EXPECT_EQ(job.provider, "gemini");
    EXPECT_EQ(job.model, "gemini-2.5-flash");
    EXPECT_EQ(job.status, BatchStatus::validating);
    EXPECT_EQ(job.raw_status, "BATCH_STATE_PENDING");
    EXPECT_EQ(job.id.rfind("batches/", 0), 0u);
    EXPECT_EQ(job.counts.total, 3);
    const RecordedRequest create = requests_to(server, ":batchGenerateContent")[0];
    EXPECT_EQ(create.path, "/v1beta/models/gemini-2.5-flash:batchGenerateContent");
    EXPECT_EQ(create.header("x-goog-api-key"), "AIza-batch-secret");
    EXPECT_EQ(create.query, "");
    const json body = create.json();
    EXPECT_EQ(body["batch"]["displayName"], "nightly");
    ASSERT_EQ(body["batch"]["inputConfig"]["requests"]["requests"].size(), 3u);
    EXPECT_EQ(body["batch"]["inputConfig"]["requests"]["requests"][2]["metadata"]["key"], "request-2");
    const auto lines = batches.submitted(job.id);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(lines[i].body, completion_body(requests[i])) << i;

    job = poll(job);
    EXPECT_EQ(job.status, BatchStatus::in_progress);
    EXPECT_EQ(job.counts.processing, 3);
    job = poll(job);
    ASSERT_EQ(job.status, BatchStatus::completed);
    EXPECT_EQ(job.counts.completed, 2);
    EXPECT_EQ(job.counts.failed, 1);
    const BatchResult r = results(BatchJob::from_string(job.to_string()));
    expect_three(r);
    EXPECT_EQ(server.last_request().path, "/v1beta/" + job.id);

    BatchJob other = submit_batch(three("gemini-2.5-flash"));
    other = cancel(other);
    EXPECT_EQ(server.requests()[server.request_count() - 2].path, "/v1beta/" + other.id + ":cancel");
    EXPECT_EQ(other.status, BatchStatus::cancelled);
    const BatchJob again = get_batch("gemini", other.id);
    EXPECT_EQ(again.status, BatchStatus::cancelled);
    const BatchResult cancelled = results(again);
    ASSERT_EQ(cancelled.errors.size(), 3u);
    EXPECT_EQ(cancelled.errors[1].error_type, "CancelledError");
}

TEST_F(ProviderBatchHttp, GeminiMalformedOperationIsATypedError) {
    batches.polls_to_finish = 1;  // the override answers every GET
    batches.results_override = R"({"name":"batches/x","metadata":{"state":"BATCH_STATE_SUCCEEDED","output":{"inlinedResponses":{"inlinedResponses":[{"response":{}}]}}}})";
    const BatchJob job = submit_batch(three("gemini-2.5-flash"));
    BatchJob done = poll(job);
    ASSERT_TRUE(done.done());
    done.id = job.id;
    EXPECT_THROW(results(done), ResponseParseError);  // an inlined response without metadata.key
    batches.results_override = R"({"name":"batches/x","metadata":{"state":"BATCH_STATE_SOMETHING"}})";
    EXPECT_THROW(poll(job), ResponseParseError);
    batches.results_override = R"({"name":"batches/x","metadata":{"state":"BATCH_STATE_RUNNING","batchStats":{"requestCount":"-3"}}})";
    EXPECT_THROW(poll(job), ResponseParseError);
}

// ---- Shared rules -----------------------------------------------------------------------------------------

TEST_F(ProviderBatchHttp, WrongRequestsAreRefusedBeforeAnythingIsSent) {
    EXPECT_THROW(submit_batch(std::vector<CompletionRequest>{}), InvalidRequestError);
    EXPECT_THROW(submit_batch({CompletionRequest{"gpt-4o-mini", {Message::user("a")}},
                               CompletionRequest{"claude-sonnet-4-5", {Message::user("b")}}}),
                 InvalidRequestError);
    EXPECT_THROW(submit_batch({CompletionRequest{"gpt-4o-mini", {Message::user("a")}},
                               CompletionRequest{"gpt-4o", {Message::user("b")}}}),
                 InvalidRequestError);
    EXPECT_THROW(submit_batch({CompletionRequest{"gpt-4o-mini", {Message::user("a")}, {.extra = {{"stream", true}}}}}),
                 InvalidRequestError);
    EXPECT_THROW(
        submit_batch({CompletionRequest{"gpt-4o-mini", {Message::user("a")}, {.response_format = ResponseFormat{}}}}),
        InvalidRequestError);
    EXPECT_THROW(submit_batch({CompletionRequest{"groq/llama-3.1-8b-instant", {Message::user("a")}}}),
                 InvalidRequestError);
    EXPECT_THROW(submit_batch(json::parse(R"([{"model":"gpt-4o-mini"}])")), InvalidRequestError);
    EXPECT_THROW(get_batch("openai", "../files/file-1"), InvalidRequestError);
    EXPECT_THROW(get_batch("gemini", "cachedContents/abc"), InvalidRequestError);
    EXPECT_THROW(BatchJob::from_string("batch_123"), InvalidRequestError);
    EXPECT_THROW(BatchJob::from_string(R"({"llmgate_batch_job":1,"id":"x","provider":"groq","status":"completed"})"),
                 InvalidRequestError);
    EXPECT_EQ(server.request_count(), 0u);
    // A saved job claiming an absurd size is refused, not allocated.
    const BatchJob huge = BatchJob::from_string(
        R"({"llmgate_batch_job":1,"id":"msgbatch_1","provider":"anthropic","status":"completed","request_count":-1})");
    EXPECT_EQ(huge.request_count, 0u);
    BatchJob absurd = huge;
    absurd.request_count = std::size_t{1} << 40;
    EXPECT_THROW(results(absurd), ResponseParseError);
}

TEST_F(ProviderBatchHttp, DictShapedRequestsAreAccepted) {
    const BatchJob job = submit_batch(json::parse(
        R"([{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"alpha"}],"max_tokens":20}])"));
    EXPECT_EQ(batches.submitted(job.id).at(0).body["max_tokens"], 20);
}

TEST_F(ProviderBatchHttp, WaitStopsOnItsTokenAndItsTimeout) {
    batches.polls_to_finish = 1000;
    const BatchJob job = submit_batch(three("gpt-4o-mini"));
    CancelToken token;
    std::size_t polls = 0;
    EXPECT_THROW(wait(job, {.poll_interval = std::chrono::milliseconds(5),
                            .cancel = token,
                            .on_poll = [&](const BatchJob&) {
                                if (++polls == 3) token.cancel();
                            }}),
                 CancelledError);
    EXPECT_EQ(polls, 3u);
    EXPECT_THROW(wait(job, {.poll_interval = std::chrono::milliseconds(20), .timeout = std::chrono::milliseconds(50)}),
                 TimeoutError);
}

TEST_F(ProviderBatchHttp, TheKeyIsNeverInAnError) {
    server.set_handler([](const RecordedRequest& r) {
        // A provider echoing the key it was sent in its error body.
        return Reply{.status = 401,
                     .body = json{{"error", {{"message", "bad key " + r.header("authorization")}, {"type", "auth"}}}}.dump()};
    });
    try {
        (void)submit_batch(three("gpt-4o-mini"));
        FAIL() << "expected AuthError";
    } catch (const AuthError& e) {
        expect_no_key(e.what());
        expect_no_key(e.body());
    }
    env.set("OPENAI_API_KEY", nullptr);
    try {
        (void)get_batch("openai", "batch_1");
        FAIL() << "expected AuthError";
    } catch (const AuthError& e) {
        expect_no_key(e.what());
    }
}
