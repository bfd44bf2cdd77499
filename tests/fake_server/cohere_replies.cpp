// Builds Cohere v2 wire replies with the field shapes cohere-python's types describe (src/cohere/v2/types, types/).
#include "cohere_replies.hpp"

namespace llmgate::testing::cohere {
namespace {

using nlohmann::json;

constexpr const char* kChatId = "c14c80c3-18eb-4519-9460-6c92edd8cfb4";
constexpr const char* kEmbedId = "b5a6e0d2-2e37-4f4d-9c6f-6f3c0a1d7e55";

Reply json_reply(const json& body, int status = 200) {
    Reply r;
    r.status = status;
    r.body = body.dump();
    r.headers.emplace_back("x-debug-trace-id", kTraceId);
    return r;
}

Reply event_stream(std::vector<std::string> chunks) {
    Reply r;
    r.content_type = "text/event-stream";
    r.headers.emplace_back("x-debug-trace-id", kTraceId);
    r.chunks = std::move(chunks);
    return r;
}

std::string tool_call_id(const std::string& name, std::size_t i) { return name + "_" + std::to_string(i) + "fk0q"; }

json message_start() {
    return {{"id", kChatId},
            {"type", "message-start"},
            {"delta",
             {{"message",
               {{"role", "assistant"},
                {"content", json::array()},
                {"tool_plan", ""},
                {"tool_calls", json::array()},
                {"citations", json::array()}}}}}};
}

json content_start(int index, const std::string& type) {
    json content = {{"type", type}, {type == "thinking" ? "thinking" : "text", ""}};
    return {{"type", "content-start"}, {"index", index}, {"delta", {{"message", {{"content", content}}}}}};
}

json content_delta(int index, const std::string& key, const std::string& piece) {
    return {{"type", "content-delta"}, {"index", index}, {"delta", {{"message", {{"content", {{key, piece}}}}}}}};
}

json content_end(int index) { return {{"type", "content-end"}, {"index", index}}; }

json message_end(const std::string& finish_reason, json usage_block) {
    return {{"type", "message-end"}, {"delta", {{"finish_reason", finish_reason}, {"usage", std::move(usage_block)}}}};
}

}  // namespace

json usage(int input_tokens, int output_tokens, int billed_input, int billed_output) {
    return {{"billed_units", {{"input_tokens", billed_input}, {"output_tokens", billed_output}}},
            {"tokens", {{"input_tokens", input_tokens}, {"output_tokens", output_tokens}}}};
}

Reply chat_text(const std::string& text, const std::string& finish_reason, json usage_block) {
    json content = json::array();
    if (!text.empty()) content.push_back({{"type", "text"}, {"text", text}});
    return json_reply({{"id", kChatId},
                       {"message", {{"role", "assistant"}, {"content", content}}},
                       {"finish_reason", finish_reason},
                       {"usage", std::move(usage_block)}});
}

Reply chat_thinking(const std::string& thinking, const std::string& text) {
    json content = json::array({{{"type", "thinking"}, {"thinking", thinking}}, {{"type", "text"}, {"text", text}}});
    return json_reply({{"id", kChatId},
                       {"message", {{"role", "assistant"}, {"content", content}}},
                       {"finish_reason", "COMPLETE"},
                       {"usage", usage(80, 40, 12, 40)}});
}

Reply chat_tool_calls(const std::vector<std::pair<std::string, std::string>>& calls, const std::string& tool_plan) {
    json tool_calls = json::array();
    for (std::size_t i = 0; i < calls.size(); ++i)
        tool_calls.push_back({{"id", tool_call_id(calls[i].first, i)},
                              {"type", "function"},
                              {"function", {{"name", calls[i].first}, {"arguments", calls[i].second}}}});
    return json_reply({{"id", kChatId},
                       {"message", {{"role", "assistant"}, {"tool_plan", tool_plan}, {"tool_calls", tool_calls}}},
                       {"finish_reason", "TOOL_CALL"},
                       {"usage", usage(120, 30, 40, 30)}});
}

std::string sse(const json& event) {
    return "event: " + event.value("type", std::string("message")) + "\ndata: " + event.dump() + "\n\n";
}

Reply stream_text(const std::vector<std::string>& pieces, bool send_end, const std::string& finish_reason) {
    std::vector<std::string> chunks{sse(message_start()), sse(content_start(0, "text"))};
    for (const auto& p : pieces) chunks.push_back(sse(content_delta(0, "text", p)));
    chunks.push_back(sse(content_end(0)));
    if (send_end)
        chunks.push_back(sse(message_end(
            finish_reason, usage(71, static_cast<int>(pieces.size()), 5, static_cast<int>(pieces.size())))));
    return event_stream(std::move(chunks));
}

Reply stream_thinking(const std::vector<std::string>& thinking, const std::vector<std::string>& text) {
    std::vector<std::string> chunks{sse(message_start()), sse(content_start(0, "thinking"))};
    for (const auto& p : thinking) chunks.push_back(sse(content_delta(0, "thinking", p)));
    chunks.push_back(sse(content_end(0)));
    chunks.push_back(sse(content_start(1, "text")));
    for (const auto& p : text) chunks.push_back(sse(content_delta(1, "text", p)));
    chunks.push_back(sse(content_end(1)));
    chunks.push_back(sse(message_end("COMPLETE", usage(80, 40, 12, 40))));
    return event_stream(std::move(chunks));
}

Reply stream_tool_calls(const std::string& tool_plan,
                        const std::vector<std::pair<std::string, std::vector<std::string>>>& calls) {
    std::vector<std::string> chunks{sse(message_start())};
    // The plan streams word by word, like the real API.
    std::size_t start = 0;
    while (start < tool_plan.size()) {
        std::size_t end = tool_plan.find(' ', start + 1);
        if (end == std::string::npos) end = tool_plan.size();
        chunks.push_back(sse({{"type", "tool-plan-delta"},
                              {"delta", {{"message", {{"tool_plan", tool_plan.substr(start, end - start)}}}}}}));
        start = end;
    }
    for (std::size_t i = 0; i < calls.size(); ++i) {
        const int index = static_cast<int>(i);
        chunks.push_back(sse({{"type", "tool-call-start"},
                              {"index", index},
                              {"delta",
                               {{"message",
                                 {{"tool_calls",
                                   {{"id", tool_call_id(calls[i].first, i)},
                                    {"type", "function"},
                                    {"function", {{"name", calls[i].first}, {"arguments", ""}}}}}}}}}}));
        for (const auto& frag : calls[i].second)
            chunks.push_back(sse({{"type", "tool-call-delta"},
                                  {"index", index},
                                  {"delta", {{"message", {{"tool_calls", {{"function", {{"arguments", frag}}}}}}}}}}));
        chunks.push_back(sse({{"type", "tool-call-end"}, {"index", index}}));
    }
    chunks.push_back(sse(message_end("TOOL_CALL", usage(120, 30, 40, 30))));
    return event_stream(std::move(chunks));
}

Reply error(int status, const std::string& message) { return json_reply({{"message", message}}, status); }

Reply embeddings(const std::vector<std::vector<double>>& vectors, const std::vector<std::string>& texts) {
    return json_reply(
        {{"id", kEmbedId},
         {"texts", texts},
         {"embeddings", {{"float", vectors}}},
         {"meta", {{"api_version", {{"version", "2"}}}, {"billed_units", {{"input_tokens", 2 * texts.size()}}}}},
         {"response_type", "embeddings_by_type"}});
}

Reply malformed_json() {
    Reply r;
    r.body = R"({"id":"c14c80c3","message":{"role":"assistant","content":[{"type":"text","te)";
    r.headers.emplace_back("x-debug-trace-id", kTraceId);
    return r;
}

}  // namespace llmgate::testing::cohere
