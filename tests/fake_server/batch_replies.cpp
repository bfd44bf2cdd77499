// The fake batch APIs: jobs, files and results in each provider's documented shapes.
#include "batch_replies.hpp"

#include <regex>

namespace llmgate::testing {
namespace {

using nlohmann::json;

Reply json_reply(int status, const json& body) { return Reply{.status = status, .body = body.dump()}; }

Reply openai_error(int status, const std::string& message) {
    return json_reply(status, {{"error", {{"message", message}, {"type", "invalid_request_error"}, {"code", nullptr}}}});
}
Reply anthropic_error(int status, const std::string& type, const std::string& message) {
    return json_reply(status, {{"type", "error"}, {"error", {{"type", type}, {"message", message}}}});
}
Reply gemini_error(int status, const std::string& state, const std::string& message) {
    return json_reply(status, {{"error", {{"code", status}, {"message", message}, {"status", state}}}});
}

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }
bool ends_with(const std::string& s, const std::string& t) {
    return s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0;
}

// The text of a message's content: a string, or the text of its text parts / blocks.
std::string text_of(const json& content) {
    if (content.is_string()) return content.get<std::string>();
    std::string out;
    if (content.is_array())
        for (const json& part : content)
            if (part.is_object() && part.contains("text") && part["text"].is_string()) out += part["text"].get<std::string>();
    return out;
}

// The last user turn of a chat-completions / messages body.
std::string last_user_text(const json& body, const char* list_key) {
    if (!body.contains(list_key) || !body[list_key].is_array() || body[list_key].empty()) return "";
    const json& last = body[list_key].back();
    if (last.contains("content")) return text_of(last["content"]);
    if (last.contains("parts")) return text_of(last["parts"]);
    return "";
}

std::string now_iso() { return "2026-12-07T22:00:00Z"; }

}  // namespace

std::vector<FakeBatchService::Submitted> FakeBatchService::submitted(const std::string& job_id) const {
    std::lock_guard lock(mutex_);
    auto it = jobs_.find(job_id);
    return it == jobs_.end() ? std::vector<Submitted>{} : it->second.lines;
}

std::string FakeBatchService::last_job_id() const {
    std::lock_guard lock(mutex_);
    return last_job_;
}

Reply FakeBatchService::answer(const RecordedRequest& req) {
    std::lock_guard lock(mutex_);
    if (starts_with(req.path, "/v1/messages/batches")) {
        if (req.header("x-api-key").empty() || req.header("anthropic-version").empty())
            return anthropic_error(401, "authentication_error", "x-api-key and anthropic-version are required");
        return anthropic(req);
    }
    if (starts_with(req.path, "/v1beta/")) {
        if (req.header("x-goog-api-key").empty()) return gemini_error(403, "PERMISSION_DENIED", "no API key");
        return gemini(req);
    }
    if (starts_with(req.path, "/openai/")) {  // Azure OpenAI: api-key header, api-version on every call
        if (req.header("api-key").empty()) return openai_error(401, "Access denied: missing api-key");
        if (!req.params.count("api-version")) return openai_error(404, "Resource not found (no api-version)");
        return openai(req, "/openai");
    }
    if (starts_with(req.path, "/v1/")) {
        if (!starts_with(req.header("authorization"), "Bearer ")) return openai_error(401, "missing bearer token");
        return openai(req, "/v1");
    }
    return openai_error(404, "no such route in the fake batch service: " + req.path);
}

// ---- OpenAI / Azure -------------------------------------------------------------------------------------

Reply FakeBatchService::openai(const RecordedRequest& req, const std::string& prefix) {
    const bool azure = prefix == "/openai";
    const std::string path = req.path.substr(prefix.size());
    if (req.method == "POST" && path == "/files") {
        auto purpose = req.form.find("purpose");
        auto file = req.form.find("file");
        if (purpose == req.form.end() || purpose->second.content != "batch" || file == req.form.end())
            return openai_error(400, "files: purpose=batch and a file part are required (multipart/form-data)");
        if (file->second.filename.empty()) return openai_error(400, "files: the file part needs a filename");
        // Every line is validated as the Batch API does at upload.
        std::size_t start = 0;
        const std::string& content = file->second.content;
        while (start < content.size()) {
            std::size_t end = content.find('\n', start);
            if (end == std::string::npos) end = content.size();
            const std::string line = content.substr(start, end - start);
            start = end + 1;
            if (line.empty()) continue;
            const json j = json::parse(line, nullptr, false);
            if (!j.is_object() || !j.contains("custom_id") || j.value("method", "") != "POST" || !j.contains("url") ||
                !j.contains("body") || !j["body"].is_object())
                return openai_error(400, "files: malformed batch line: " + line);
        }
        const std::string id = "file-in" + std::to_string(next_id_++);
        files_[id] = content;
        return json_reply(200, {{"id", id}, {"object", "file"}, {"bytes", content.size()}, {"created_at", 1796680800},
                                {"filename", file->second.filename}, {"purpose", "batch"}});
    }
    if (req.method == "POST" && path == "/batches") {
        const json body = json::parse(req.body, nullptr, false);
        if (!body.is_object()) return openai_error(400, "batches: body is not JSON");
        const std::string input = body.value("input_file_id", "");
        const std::string endpoint = body.value("endpoint", "");
        const std::string want = azure ? "/chat/completions" : "/v1/chat/completions";
        if (!files_.count(input)) return openai_error(404, "No such File object: " + input);
        if (endpoint != want && endpoint != (azure ? "" : "/v1/responses"))
            return openai_error(400, "batches: endpoint must be " + want);
        if (body.value("completion_window", "") != "24h") return openai_error(400, "completion_window must be 24h");
        Job job;
        job.provider = "openai";
        job.id = "batch_" + std::to_string(next_id_++);
        job.metadata = body.value("metadata", json());
        std::size_t start = 0;
        const std::string& content = files_[input];
        while (start < content.size()) {
            std::size_t end = content.find('\n', start);
            if (end == std::string::npos) end = content.size();
            const std::string line = content.substr(start, end - start);
            start = end + 1;
            if (line.empty()) continue;
            const json j = json::parse(line);
            if (j["url"] != endpoint) return openai_error(400, "a line's url differs from the batch's endpoint");
            job.lines.push_back({j["custom_id"].get<std::string>(), j["body"]});
        }
        job.metadata["input_file_id"] = input;
        job.metadata["endpoint"] = endpoint;
        last_job_ = job.id;
        auto [it, _] = jobs_.emplace(job.id, std::move(job));
        return json_reply(200, openai_job(it->second, false));
    }
    if (starts_with(path, "/batches/")) {
        std::string rest = path.substr(9);
        const bool cancel = ends_with(rest, "/cancel");
        if (cancel) rest = rest.substr(0, rest.size() - 7);
        auto it = jobs_.find(rest);
        if (it == jobs_.end() || it->second.provider != "openai") return openai_error(404, "No batch found with id '" + rest + "'");
        if (cancel && req.method == "POST") {
            it->second.cancel_requested = true;
            return json_reply(200, openai_job(it->second, false));
        }
        if (req.method == "GET") return json_reply(200, openai_job(it->second, true));
    }
    if (req.method == "GET" && starts_with(path, "/files/") && ends_with(path, "/content")) {
        const std::string id = path.substr(7, path.size() - 7 - 8);
        auto it = files_.find(id);
        if (it == files_.end()) return openai_error(404, "No such File object: " + id);
        return Reply{.content_type = "application/octet-stream", .body = it->second};
    }
    return openai_error(404, "no such route: " + req.method + " " + req.path);
}

json FakeBatchService::openai_job(Job& job, bool poll) {
    if (poll && !job.finished) ++job.polls;
    std::string status = "validating";
    if (job.cancel_requested) {
        status = poll ? "cancelled" : "cancelling";
        job.finished = poll;
    } else if (job.finished || job.polls >= polls_to_finish) {
        status = "completed";
        if (!job.finished) {
            job.finished = true;
            std::string output, errors;
            for (std::size_t k = job.lines.size(); k-- > 0;) {
                const Submitted& line = job.lines[k];
                const std::string text = last_user_text(line.body, "messages");
                const std::string model = line.body.value("model", "gpt-4o-mini");
                if (text.find("FAIL") != std::string::npos) {
                    errors += json{{"id", "batch_req_" + std::to_string(k)},
                                   {"custom_id", line.custom_id},
                                   {"response",
                                    {{"status_code", 400},
                                     {"request_id", "req_" + std::to_string(k)},
                                     {"body",
                                      {{"error",
                                        {{"message", "Invalid prompt: FAIL"},
                                         {"type", "invalid_request_error"},
                                         {"param", "messages"},
                                         {"code", nullptr}}}}}}},
                                   {"error", nullptr}}
                                  .dump() +
                              "\n";
                    continue;
                }
                output += json{{"id", "batch_req_" + std::to_string(k)},
                               {"custom_id", line.custom_id},
                               {"response",
                                {{"status_code", 200},
                                 {"request_id", "req_" + std::to_string(k)},
                                 {"body",
                                  {{"id", "chatcmpl-" + std::to_string(k)},
                                   {"object", "chat.completion"},
                                   {"created", 1796680800},
                                   {"model", model},
                                   {"choices",
                                    {{{"index", 0},
                                      {"message", {{"role", "assistant"}, {"content", "echo: " + text}}},
                                      {"finish_reason", "stop"}}}},
                                   {"usage", {{"prompt_tokens", 10}, {"completion_tokens", 5}, {"total_tokens", 15}}}}}}},
                               {"error", nullptr}}
                              .dump() +
                          "\n";
            }
            if (results_override) output = *results_override;
            job.output_file = "file-out" + std::to_string(next_id_++);
            if (!lose_output_file) files_[job.output_file] = output;
            if (!errors.empty()) {
                job.error_file = "file-err" + std::to_string(next_id_++);
                files_[job.error_file] = errors;
            }
        }
    } else if (job.polls > 0) {
        status = "in_progress";
    }
    std::size_t failed = 0;
    for (const Submitted& line : job.lines)
        if (last_user_text(line.body, "messages").find("FAIL") != std::string::npos) ++failed;
    const bool done = status == "completed";
    json j{{"id", job.id},
           {"object", "batch"},
           {"endpoint", job.metadata["endpoint"]},
           {"errors", nullptr},
           {"input_file_id", job.metadata["input_file_id"]},
           {"completion_window", "24h"},
           {"status", status},
           {"output_file_id", done ? json(job.output_file) : json(nullptr)},
           {"error_file_id", done && !job.error_file.empty() ? json(job.error_file) : json(nullptr)},
           {"created_at", 1796680800},
           {"expires_at", 1796767200},
           {"completed_at", done ? json(1796684400) : json(nullptr)},
           {"cancelled_at", status == "cancelled" ? json(1796684400) : json(nullptr)},
           {"request_counts",
            {{"total", job.lines.size()},
             {"completed", done ? job.lines.size() - failed : 0},
             {"failed", done ? failed : 0}}}};
    json meta = job.metadata;
    meta.erase("input_file_id");
    meta.erase("endpoint");
    j["metadata"] = meta.empty() ? json(nullptr) : meta;
    return j;
}

// ---- Anthropic ------------------------------------------------------------------------------------------

Reply FakeBatchService::anthropic(const RecordedRequest& req) {
    const std::string rest = req.path.substr(std::string("/v1/messages/batches").size());
    if (req.method == "POST" && rest.empty()) {
        const json body = json::parse(req.body, nullptr, false);
        if (!body.is_object() || !body.contains("requests") || !body["requests"].is_array() || body["requests"].empty())
            return anthropic_error(400, "invalid_request_error", "requests: a non-empty list is required");
        static const std::regex id_rule("^[a-zA-Z0-9_-]{1,64}$");
        Job job;
        job.provider = "anthropic";
        job.id = "msgbatch_" + std::to_string(next_id_++);
        for (const json& r : body["requests"]) {
            if (!r.is_object() || !r.contains("custom_id") || !r["custom_id"].is_string() ||
                !std::regex_match(r["custom_id"].get<std::string>(), id_rule) || !r.contains("params") ||
                !r["params"].is_object())
                return anthropic_error(400, "invalid_request_error", "requests[]: custom_id and params are required");
            if (r["params"].contains("stream")) return anthropic_error(400, "invalid_request_error", "stream is not allowed");
            job.lines.push_back({r["custom_id"].get<std::string>(), r["params"]});
        }
        last_job_ = job.id;
        auto [it, _] = jobs_.emplace(job.id, std::move(job));
        return json_reply(200, anthropic_job(it->second, false));
    }
    std::string id = rest.empty() ? "" : rest.substr(1);
    std::string action;
    if (auto slash = id.find('/'); slash != std::string::npos) {
        action = id.substr(slash + 1);
        id = id.substr(0, slash);
    }
    auto it = jobs_.find(id);
    if (it == jobs_.end() || it->second.provider != "anthropic")
        return anthropic_error(404, "not_found_error", "message batch " + id + " not found");
    Job& job = it->second;
    if (req.method == "GET" && action.empty()) return json_reply(200, anthropic_job(job, true));
    if (req.method == "POST" && action == "cancel") {
        job.cancel_requested = true;
        return json_reply(200, anthropic_job(job, false));
    }
    if (req.method == "GET" && action == "results") {
        if (!job.finished) return anthropic_error(400, "invalid_request_error", "batch has not ended");
        if (results_override) return Reply{.content_type = "application/binary", .body = *results_override};
        std::string out;
        for (std::size_t k = job.lines.size(); k-- > 0;) {
            const Submitted& line = job.lines[k];
            const std::string text = last_user_text(line.body, "messages");
            json result;
            if (job.cancel_requested)
                result = {{"type", "canceled"}};
            else if (text.find("FAIL") != std::string::npos)
                result = {{"type", "errored"},
                          {"error",
                           {{"type", "error"},
                            {"error", {{"type", "invalid_request_error"}, {"message", "prompt is invalid: FAIL"}}}}}};
            else
                result = {{"type", "succeeded"},
                          {"message",
                           {{"id", "msg_" + std::to_string(k)},
                            {"type", "message"},
                            {"role", "assistant"},
                            {"model", line.body.value("model", "claude")},
                            {"content", {{{"type", "text"}, {"text", "echo: " + text}}}},
                            {"stop_reason", "end_turn"},
                            {"stop_sequence", nullptr},
                            {"usage", {{"input_tokens", 10}, {"output_tokens", 5}}}}}};
            out += json{{"custom_id", line.custom_id}, {"result", result}}.dump() + "\n";
        }
        return Reply{.content_type = "application/binary", .body = out};
    }
    return anthropic_error(404, "not_found_error", "no such route: " + req.method + " " + req.path);
}

json FakeBatchService::anthropic_job(Job& job, bool poll) {
    if (poll && !job.finished) ++job.polls;
    std::string status = "in_progress";
    if (job.cancel_requested && !poll && !job.finished)
        status = "canceling";
    else if (job.cancel_requested || job.finished || job.polls >= polls_to_finish) {
        status = "ended";
        job.finished = true;
    }
    const bool ended = status == "ended";
    std::size_t failed = 0;
    for (const Submitted& line : job.lines)
        if (last_user_text(line.body, "messages").find("FAIL") != std::string::npos) ++failed;
    const std::size_t n = job.lines.size();
    json counts{{"processing", ended ? 0 : n},
                {"succeeded", ended && !job.cancel_requested ? n - failed : 0},
                {"errored", ended && !job.cancel_requested ? failed : 0},
                {"canceled", ended && job.cancel_requested ? n : 0},
                {"expired", 0}};
    return {{"id", job.id},
            {"type", "message_batch"},
            {"processing_status", status},
            {"request_counts", counts},
            {"ended_at", ended ? json("2026-12-07T23:00:00Z") : json(nullptr)},
            {"created_at", now_iso()},
            {"expires_at", "2026-12-08T22:00:00Z"},
            {"archived_at", nullptr},
            {"cancel_initiated_at", job.cancel_requested ? json("2026-12-07T22:30:00Z") : json(nullptr)},
            {"results_url", ended ? json(base_url_ + "/v1/messages/batches/" + job.id + "/results") : json(nullptr)}};
}

// ---- Gemini ---------------------------------------------------------------------------------------------

Reply FakeBatchService::gemini(const RecordedRequest& req) {
    static const std::string models = "/v1beta/models/";
    static const std::string create = ":batchGenerateContent";
    if (req.method == "POST" && starts_with(req.path, models) && ends_with(req.path, create)) {
        const std::string model = req.path.substr(models.size(), req.path.size() - models.size() - create.size());
        const json body = json::parse(req.body, nullptr, false);
        const json* list = nullptr;
        if (body.is_object() && body.contains("batch") && body["batch"].contains("inputConfig") &&
            body["batch"]["inputConfig"].contains("requests") &&
            body["batch"]["inputConfig"]["requests"].contains("requests"))
            list = &body["batch"]["inputConfig"]["requests"]["requests"];
        if (list == nullptr || !list->is_array() || list->empty())
            return gemini_error(400, "INVALID_ARGUMENT", "batch.inputConfig.requests.requests is required");
        if (!body["batch"].contains("displayName"))
            return gemini_error(400, "INVALID_ARGUMENT", "batch.displayName is required");
        Job job;
        job.provider = "gemini";
        job.id = "batches/" + std::to_string(next_id_++) + "abc";
        job.model = model;
        job.metadata = {{"displayName", body["batch"]["displayName"]}};
        for (const json& r : *list) {
            if (!r.is_object() || !r.contains("request") || !r["request"].contains("contents"))
                return gemini_error(400, "INVALID_ARGUMENT", "each inlined request needs request.contents");
            job.lines.push_back({r.value("metadata", json::object()).value("key", ""), r["request"]});
        }
        last_job_ = job.id;
        auto [it, _] = jobs_.emplace(job.id, std::move(job));
        return json_reply(200, gemini_job(it->second, false));
    }
    if (starts_with(req.path, "/v1beta/batches/")) {
        std::string id = req.path.substr(8);
        const bool cancel = ends_with(id, ":cancel");
        if (cancel) id = id.substr(0, id.size() - 7);
        auto it = jobs_.find(id);
        if (it == jobs_.end() || it->second.provider != "gemini")
            return gemini_error(404, "NOT_FOUND", "batch " + id + " not found");
        if (cancel && req.method == "POST") {
            it->second.cancel_requested = true;
            return json_reply(200, json::object());
        }
        if (req.method == "GET") {
            if (results_override && it->second.polls + 1 >= polls_to_finish)
                return Reply{.body = *results_override};
            return json_reply(200, gemini_job(it->second, true));
        }
    }
    return gemini_error(404, "NOT_FOUND", "no such route: " + req.method + " " + req.path);
}

json FakeBatchService::gemini_job(Job& job, bool poll) {
    if (poll && !job.finished) ++job.polls;
    std::string state = "BATCH_STATE_PENDING";
    if (job.cancel_requested) {
        state = "BATCH_STATE_CANCELLED";
        job.finished = true;
    } else if (job.finished || job.polls >= polls_to_finish) {
        state = "BATCH_STATE_SUCCEEDED";
        job.finished = true;
    } else if (job.polls > 0) {
        state = "BATCH_STATE_RUNNING";
    }
    const std::size_t n = job.lines.size();
    std::size_t failed = 0;
    json responses = json::array();
    for (std::size_t k = n; k-- > 0;) {
        const Submitted& line = job.lines[k];
        const std::string text = last_user_text(line.body, "contents");
        if (text.find("FAIL") != std::string::npos) {
            ++failed;
            responses.push_back({{"error", {{"code", 3}, {"message", "Request contains an invalid argument: FAIL"}}},
                                 {"metadata", {{"key", line.custom_id}}}});
        } else {
            responses.push_back(
                {{"response",
                  {{"candidates",
                    {{{"content", {{"role", "model"}, {"parts", {{{"text", "echo: " + text}}}}}},
                      {"finishReason", "STOP"},
                      {"index", 0}}}},
                   {"usageMetadata", {{"promptTokenCount", 10}, {"candidatesTokenCount", 5}, {"totalTokenCount", 15}}},
                   {"modelVersion", job.model}}},
                 {"metadata", {{"key", line.custom_id}}}});
        }
    }
    const bool succeeded = state == "BATCH_STATE_SUCCEEDED";
    json stats{{"requestCount", std::to_string(n)}};
    if (succeeded) {
        stats["successfulRequestCount"] = std::to_string(n - failed);
        if (failed > 0) stats["failedRequestCount"] = std::to_string(failed);
    } else if (!job.finished) {
        stats["pendingRequestCount"] = std::to_string(n);
    }
    json meta{{"@type", "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch"},
              {"model", "models/" + job.model},
              {"displayName", job.metadata["displayName"]},
              {"createTime", now_iso()},
              {"updateTime", now_iso()},
              {"batchStats", stats},
              {"state", state},
              {"name", job.id}};
    json op{{"name", job.id}, {"metadata", meta}};
    if (succeeded) {
        meta["endTime"] = "2026-12-07T23:00:00Z";
        meta["output"] = {{"inlinedResponses", {{"inlinedResponses", responses}}}};
        op["metadata"] = meta;
        op["done"] = true;
        op["response"] = {{"@type", "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput"},
                          {"inlinedResponses", {{"inlinedResponses", responses}}}};
    } else if (job.finished) {
        op["done"] = true;
    }
    return op;
}

}  // namespace llmgate::testing
