// A stateful fake of the providers' batch APIs (OpenAI and Azure OpenAI Batch with their files API,
// Anthropic Message Batches, Gemini batch mode), written from the providers' API references alone: it shares
// no code with the library, so tests through it check the wire format.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fake_server.hpp"

namespace llmgate::testing {

// Install with server.set_handler([&](const RecordedRequest& r) { return batches.answer(r); }).
// Each request of a job is answered "echo: <its last user text>", except one whose text contains "FAIL",
// which gets the provider's invalid-request error. Results are written in reverse input order (the
// providers do not promise input order). A job is in progress on its first GET and finished on the
// `polls_to_finish`-th.
class FakeBatchService {
public:
    explicit FakeBatchService(std::string base_url) : base_url_(std::move(base_url)) {}

    Reply answer(const RecordedRequest& req);

    int polls_to_finish = 2;
    // When set, the finished job's results are these bytes instead (OpenAI: the output file; Anthropic: the
    // results JSONL; Gemini: the whole finished operation).
    std::optional<std::string> results_override{};
    // OpenAI: the finished job names an output file the files API does not have.
    bool lose_output_file = false;

    // What was submitted: the request bodies as each provider's batch carried them, in input order, with
    // their custom ids / keys.
    struct Submitted {
        std::string custom_id;
        nlohmann::json body;
    };
    std::vector<Submitted> submitted(const std::string& job_id) const;
    std::string last_job_id() const;

private:
    struct Job {
        std::string provider;  // "openai", "anthropic", "gemini"
        std::string id;
        std::string model;
        std::vector<Submitted> lines;
        int polls = 0;
        bool cancel_requested = false;
        bool finished = false;
        std::string output_file, error_file;
        nlohmann::json metadata;
    };

    Reply openai(const RecordedRequest& req, const std::string& prefix);
    Reply anthropic(const RecordedRequest& req);
    Reply gemini(const RecordedRequest& req);
    nlohmann::json openai_job(Job& job, bool poll);
    nlohmann::json anthropic_job(Job& job, bool poll);
    nlohmann::json gemini_job(Job& job, bool poll);

    std::string base_url_;
    mutable std::mutex mutex_;
    int next_id_ = 1;
    std::map<std::string, Job> jobs_;
    std::map<std::string, std::string> files_;  // OpenAI file id → content
    std::string last_job_;
};

}  // namespace llmgate::testing
