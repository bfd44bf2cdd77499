// Builds Ollama native-API replies in the exact shapes ollama/ollama's server sends (api/types.go, docs/api.md).
#include "ollama_replies.hpp"

namespace llmgate::testing::ollama {
namespace {

using nlohmann::json;

// Fixed values keep replies reproducible.
constexpr const char* kCreatedAt = "2025-07-07T20:22:19.184789Z";

// Gin's c.JSON content type, as Ollama answers buffered requests and errors.
Reply json_reply(const json& body, int status = 200) {
    Reply r;
    r.status = status;
    r.content_type = "application/json; charset=utf-8";
    r.body = body.dump();
    return r;
}

void add_metrics(json& j, const std::string& done_reason, int prompt_eval_count, int eval_count) {
    j["done_reason"] = done_reason;
    j["done"] = true;
    j["total_duration"] = 4883583458LL;
    j["load_duration"] = 1334875;
    j["prompt_eval_count"] = prompt_eval_count;
    j["prompt_eval_duration"] = 342546000;
    j["eval_count"] = eval_count;
    j["eval_duration"] = 4535599000LL;
}

json tool_calls_json(const std::vector<std::pair<std::string, json>>& calls, bool with_ids) {
    json out = json::array();
    int i = 0;
    for (const auto& [name, args] : calls) {
        json tc{{"function", {{"index", i}, {"name", name}, {"arguments", args}}}};
        if (with_ids) tc["id"] = "call_fake000" + std::to_string(i);
        out.push_back(std::move(tc));
        ++i;
    }
    return out;
}

}  // namespace

Reply chat_text(const std::string& text, const std::string& model, const std::string& done_reason,
                int prompt_eval_count, int eval_count, const std::string& thinking) {
    json message{{"role", "assistant"}, {"content", text}};
    if (!thinking.empty()) message["thinking"] = thinking;
    json j{{"model", model}, {"created_at", kCreatedAt}, {"message", std::move(message)}};
    add_metrics(j, done_reason, prompt_eval_count, eval_count);
    return json_reply(j);
}

Reply chat_tool_calls(const std::vector<std::pair<std::string, json>>& name_and_arguments, const std::string& model,
                      bool with_ids) {
    json j{{"model", model},
           {"created_at", kCreatedAt},
           {"message",
            {{"role", "assistant"}, {"content", ""}, {"tool_calls", tool_calls_json(name_and_arguments, with_ids)}}}};
    add_metrics(j, "stop", 169, 15);
    return json_reply(j);
}

std::string line(const json& object) { return object.dump() + "\n"; }

json delta_line(const std::string& model, const std::string& content, const std::string& thinking, json tool_calls) {
    json message{{"role", "assistant"}, {"content", content}};
    if (!thinking.empty()) message["thinking"] = thinking;
    if (!tool_calls.is_null()) message["tool_calls"] = std::move(tool_calls);
    return json{{"model", model}, {"created_at", kCreatedAt}, {"message", std::move(message)}, {"done", false}};
}

json done_line(const std::string& model, const std::string& done_reason, int prompt_eval_count, int eval_count) {
    json j{{"model", model}, {"created_at", kCreatedAt}, {"message", {{"role", "assistant"}, {"content", ""}}}};
    add_metrics(j, done_reason, prompt_eval_count, eval_count);
    return j;
}

Reply ndjson(std::vector<std::string> chunks) {
    Reply r;
    r.content_type = "application/x-ndjson";
    r.chunks = std::move(chunks);
    return r;
}

Reply stream_text(const std::vector<std::string>& pieces, const std::string& model, bool send_done,
                  const std::vector<std::string>& thinking_pieces) {
    std::vector<std::string> chunks;
    for (const auto& t : thinking_pieces) chunks.push_back(line(delta_line(model, "", t)));
    for (const auto& p : pieces) chunks.push_back(line(delta_line(model, p)));
    if (send_done) chunks.push_back(line(done_line(model)));
    return ndjson(std::move(chunks));
}

Reply stream_tool_calls(const std::vector<std::pair<std::string, json>>& name_and_arguments, const std::string& model) {
    std::vector<std::string> chunks;
    for (const auto& call : name_and_arguments)
        chunks.push_back(line(delta_line(model, "", "", tool_calls_json({call}, false))));
    chunks.push_back(line(done_line(model, "stop", 169, 15)));
    return ndjson(std::move(chunks));
}

Reply stream_error_midway(const std::vector<std::string>& pieces, const std::string& message,
                          const std::string& model) {
    std::vector<std::string> chunks;
    for (const auto& p : pieces) chunks.push_back(line(delta_line(model, p)));
    chunks.push_back(line(json{{"error", message}}));
    return ndjson(std::move(chunks));
}

Reply error(int status, const std::string& message) { return json_reply(json{{"error", message}}, status); }

Reply model_not_found(const std::string& model) { return error(404, "model '" + model + "' not found"); }

Reply embeddings(const std::vector<std::vector<double>>& vectors, const std::string& model, int prompt_eval_count) {
    return json_reply(json{{"model", model},
                           {"embeddings", vectors},
                           {"total_duration", 14143917},
                           {"load_duration", 1019500},
                           {"prompt_eval_count", prompt_eval_count}});
}

Reply malformed_json() {
    Reply r;
    r.content_type = "application/json; charset=utf-8";
    r.body = R"({"model":"llama3.2","message":{"role":"assistant","content":"Hel)";
    return r;
}

}  // namespace llmgate::testing::ollama
