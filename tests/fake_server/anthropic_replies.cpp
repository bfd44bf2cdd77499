// Builds Anthropic Messages API wire replies with the field shapes and SSE framing the real API sends.
#include "anthropic_replies.hpp"

namespace llmgate::testing::anthropic {
namespace {

constexpr const char* kMessageId = "msg_01FakeAnthropic0001";

Reply json_reply(const nlohmann::json& body, int status = 200) {
    Reply r;
    r.status = status;
    r.body = body.dump();
    r.headers.emplace_back("request-id", kRequestId);
    return r;
}

std::string tool_id(std::size_t i) { return "toolu_0" + std::to_string(i + 1); }

}  // namespace

nlohmann::json default_usage() {
    return {{"input_tokens", 10},
            {"cache_creation_input_tokens", 0},
            {"cache_read_input_tokens", 0},
            {"output_tokens", 5},
            {"service_tier", "standard"}};
}

Reply message(nlohmann::json content, const std::string& stop_reason, nlohmann::json usage, const std::string& model) {
    return json_reply({{"id", kMessageId},
                       {"type", "message"},
                       {"role", "assistant"},
                       {"model", model},
                       {"content", std::move(content)},
                       {"stop_reason", stop_reason},
                       {"stop_sequence", nullptr},
                       {"usage", std::move(usage)}});
}

Reply message_text(const std::string& text, const std::string& model, const std::string& stop_reason,
                   nlohmann::json usage) {
    return message(nlohmann::json::array({{{"type", "text"}, {"text", text}}}), stop_reason, std::move(usage), model);
}

Reply message_tool_use(const std::vector<std::pair<std::string, nlohmann::json>>& name_and_input,
                       const std::string& text) {
    nlohmann::json content = nlohmann::json::array();
    if (!text.empty()) content.push_back({{"type", "text"}, {"text", text}});
    for (std::size_t i = 0; i < name_and_input.size(); ++i)
        content.push_back({{"type", "tool_use"},
                           {"id", tool_id(i)},
                           {"name", name_and_input[i].first},
                           {"input", name_and_input[i].second}});
    return message(std::move(content), "tool_use");
}

std::string sse(const nlohmann::json& event) {
    return "event: " + event.value("type", std::string("message")) + "\ndata: " + event.dump() + "\n\n";
}

nlohmann::json message_start(const std::string& model, nlohmann::json usage) {
    return {{"type", "message_start"},
            {"message",
             {{"id", kMessageId},
              {"type", "message"},
              {"role", "assistant"},
              {"model", model},
              {"content", nlohmann::json::array()},
              {"stop_reason", nullptr},
              {"stop_sequence", nullptr},
              {"usage", std::move(usage)}}}};
}

nlohmann::json message_delta(const std::string& stop_reason, nlohmann::json usage) {
    return {{"type", "message_delta"},
            {"delta", {{"stop_reason", stop_reason}, {"stop_sequence", nullptr}}},
            {"usage", std::move(usage)}};
}

Reply raw_stream(std::vector<std::string> chunks) {
    Reply r;
    r.content_type = "text/event-stream; charset=utf-8";
    r.headers.emplace_back("request-id", kRequestId);
    r.chunks = std::move(chunks);
    return r;
}

Reply event_stream(const std::vector<nlohmann::json>& events) {
    std::vector<std::string> chunks;
    for (const auto& e : events) chunks.push_back(sse(e));
    return raw_stream(std::move(chunks));
}

Reply stream_text(const std::vector<std::string>& pieces, const std::string& model, bool send_stop) {
    std::vector<nlohmann::json> events{
        message_start(model),
        {{"type", "content_block_start"}, {"index", 0}, {"content_block", {{"type", "text"}, {"text", ""}}}},
        {{"type", "ping"}}};
    for (const auto& p : pieces)
        events.push_back(
            {{"type", "content_block_delta"}, {"index", 0}, {"delta", {{"type", "text_delta"}, {"text", p}}}});
    events.push_back({{"type", "content_block_stop"}, {"index", 0}});
    events.push_back(message_delta("end_turn", {{"output_tokens", static_cast<int>(pieces.size())}}));
    if (send_stop) events.push_back({{"type", "message_stop"}});
    return event_stream(events);
}

Reply stream_tool_use(const std::vector<std::pair<std::string, std::vector<std::string>>>& name_and_fragments) {
    std::vector<nlohmann::json> events{message_start()};
    int fragments = 0;
    for (std::size_t i = 0; i < name_and_fragments.size(); ++i) {
        const auto& [name, parts] = name_and_fragments[i];
        events.push_back(
            {{"type", "content_block_start"},
             {"index", i},
             {"content_block",
              {{"type", "tool_use"}, {"id", tool_id(i)}, {"name", name}, {"input", nlohmann::json::object()}}}});
        for (const auto& part : parts) {
            ++fragments;
            events.push_back({{"type", "content_block_delta"},
                              {"index", i},
                              {"delta", {{"type", "input_json_delta"}, {"partial_json", part}}}});
        }
        events.push_back({{"type", "content_block_stop"}, {"index", i}});
    }
    events.push_back(message_delta("tool_use", {{"output_tokens", fragments + 1}}));
    events.push_back({{"type", "message_stop"}});
    return event_stream(events);
}

Reply error(int status, const std::string& type, const std::string& message) {
    return json_reply({{"type", "error"}, {"error", {{"type", type}, {"message", message}}}}, status);
}

Reply malformed_json() {
    Reply r;
    r.body = R"({"id":"msg_01","type":"message","content":[{"type":"text","text":"Hel)";
    return r;
}

}  // namespace llmgate::testing::anthropic
