// OpenAI Responses API replies and event streams for the fake server.
#include "openai_responses_replies.hpp"

namespace llmgate::testing::openai_responses {
namespace {

constexpr const char* kResponseId = "resp_fake0001";

std::vector<std::string> split(const std::string& text, int pieces) {
    std::vector<std::string> out;
    if (pieces <= 1 || text.size() < 2) return {text};
    const std::size_t step = (text.size() + static_cast<std::size_t>(pieces) - 1) / static_cast<std::size_t>(pieces);
    for (std::size_t i = 0; i < text.size(); i += step) out.push_back(text.substr(i, step));
    return out;
}

// The item as output_item.added shows it: no text yet, arguments empty, in progress.
nlohmann::json as_added(nlohmann::json item) {
    item["status"] = "in_progress";
    const std::string type = item["type"];
    if (type == "message") item["content"] = nlohmann::json::array();
    if (type == "function_call") item["arguments"] = "";
    if (type == "reasoning") {
        item["summary"] = nlohmann::json::array();
        item.erase("encrypted_content");
    }
    return item;
}

}  // namespace

nlohmann::json default_usage() {
    return {{"input_tokens", 12},
            {"input_tokens_details", {{"cached_tokens", 4}, {"cache_write_tokens", 0}}},
            {"output_tokens", 7},
            {"output_tokens_details", {{"reasoning_tokens", 3}}},
            {"total_tokens", 19}};
}

nlohmann::json message_item(const std::string& text, const std::string& id) {
    return {{"type", "message"},
            {"id", id},
            {"status", "completed"},
            {"role", "assistant"},
            {"content", nlohmann::json::array({{{"type", "output_text"}, {"text", text}, {"annotations", nlohmann::json::array()}}})}};
}

nlohmann::json function_call_item(const std::string& call_id, const std::string& name, const std::string& arguments) {
    return {{"type", "function_call"},
            {"id", "fc_" + call_id},
            {"call_id", call_id},
            {"name", name},
            {"arguments", arguments},
            {"status", "completed"}};
}

nlohmann::json reasoning_item(const std::string& id, const std::string& summary, const std::string& encrypted) {
    return {{"type", "reasoning"},
            {"id", id},
            {"summary", nlohmann::json::array({{{"type", "summary_text"}, {"text", summary}}})},
            {"encrypted_content", encrypted}};
}

nlohmann::json response(nlohmann::json output, const std::string& model, nlohmann::json usage,
                        const std::string& status, nlohmann::json incomplete_details) {
    return {{"id", kResponseId},
            {"object", "response"},
            {"created_at", 1741476542},
            {"status", status},
            {"error", nullptr},
            {"incomplete_details", std::move(incomplete_details)},
            {"instructions", nullptr},
            {"model", model},
            {"output", std::move(output)},
            {"parallel_tool_calls", true},
            {"store", false},
            {"temperature", 1.0},
            {"tool_choice", "auto"},
            {"tools", nlohmann::json::array()},
            {"top_p", 1.0},
            {"usage", std::move(usage)}};
}

Reply reply(nlohmann::json response_object) {
    Reply r;
    r.body = response_object.dump();
    r.headers.emplace_back("x-request-id", "req_responses1");
    return r;
}

std::string event(const nlohmann::json& data) {
    return "event: " + data["type"].get<std::string>() + "\ndata: " + data.dump() + "\n\n";
}

Reply stream(const nlohmann::json& final_response, int pieces_per_text) {
    Reply r;
    r.content_type = "text/event-stream";
    r.headers.emplace_back("x-request-id", "req_responses1");
    int seq = 0;
    auto push = [&](nlohmann::json e) {
        e["sequence_number"] = seq++;
        r.chunks.push_back(event(e));
    };
    nlohmann::json start = final_response;
    start["status"] = "in_progress";
    start["output"] = nlohmann::json::array();
    start["usage"] = nullptr;
    push({{"type", "response.created"}, {"response", start}});
    push({{"type", "response.in_progress"}, {"response", start}});
    int index = 0;
    for (const auto& item : final_response["output"]) {
        const std::string type = item["type"];
        const std::string item_id = item.value("id", "");
        push({{"type", "response.output_item.added"}, {"output_index", index}, {"item", as_added(item)}});
        if (type == "message") {
            int part = 0;
            for (const auto& content : item["content"]) {
                push({{"type", "response.content_part.added"},
                      {"item_id", item_id},
                      {"output_index", index},
                      {"content_index", part},
                      {"part", {{"type", "output_text"}, {"text", ""}, {"annotations", nlohmann::json::array()}}}});
                for (const auto& piece : split(content.value("text", ""), pieces_per_text))
                    push({{"type", "response.output_text.delta"},
                          {"item_id", item_id},
                          {"output_index", index},
                          {"content_index", part},
                          {"delta", piece},
                          {"logprobs", nlohmann::json::array()}});
                push({{"type", "response.output_text.done"},
                      {"item_id", item_id},
                      {"output_index", index},
                      {"content_index", part},
                      {"text", content.value("text", "")},
                      {"logprobs", nlohmann::json::array()}});
                push({{"type", "response.content_part.done"},
                      {"item_id", item_id},
                      {"output_index", index},
                      {"content_index", part},
                      {"part", content}});
                ++part;
            }
        } else if (type == "function_call") {
            const std::string args = item["arguments"];
            for (const auto& piece : split(args, 2))
                push({{"type", "response.function_call_arguments.delta"},
                      {"item_id", item_id},
                      {"output_index", index},
                      {"delta", piece}});
            push({{"type", "response.function_call_arguments.done"},
                  {"item_id", item_id},
                  {"output_index", index},
                  {"name", item["name"]},
                  {"arguments", args}});
        } else if (type == "reasoning") {
            int part = 0;
            for (const auto& summary : item["summary"]) {
                push({{"type", "response.reasoning_summary_part.added"},
                      {"item_id", item_id},
                      {"output_index", index},
                      {"summary_index", part},
                      {"part", {{"type", "summary_text"}, {"text", ""}}}});
                for (const auto& piece : split(summary.value("text", ""), pieces_per_text))
                    push({{"type", "response.reasoning_summary_text.delta"},
                          {"item_id", item_id},
                          {"output_index", index},
                          {"summary_index", part},
                          {"delta", piece}});
                ++part;
            }
        }
        push({{"type", "response.output_item.done"}, {"output_index", index}, {"item", item}});
        ++index;
    }
    const std::string status = final_response.value("status", "completed");
    push({{"type", status == "incomplete" ? "response.incomplete" : "response.completed"}, {"response", final_response}});
    return r;
}

}  // namespace llmgate::testing::openai_responses
