// Output items and errors of the Responses API, shared by its reply parser and its stream decoder.
#include "providers/openai_responses_items.hpp"

#include "llmgate/errors.hpp"
#include "providers/toolkit/json_fields.hpp"

namespace llmgate::inline v1::detail {
namespace {

constexpr const char* kReplayKey = "openai_responses";

void append_part(const nlohmann::json& parts, std::string& reasoning) {
    if (!parts.is_array()) return;
    for (const auto& part : parts) {
        require_object(part, "summary[]");
        const std::string text = required_string(part, "text");
        if (!reasoning.empty()) reasoning += "\n\n";
        reasoning += text;
    }
}

[[noreturn]] void throw_coded(ErrorInfo info, const std::string& code) {
    info.error_type = code;
    if (info.message.empty()) info.message = code.empty() ? "the response failed" : code;
    if (code == "rate_limit_exceeded") throw RateLimitError(std::move(info));
    throw ProviderAPIError(std::move(info));
}

}  // namespace

const nlohmann::json* responses_replay_data(const Message& m) {
    if (!m.provider_data.is_object()) return nullptr;
    auto it = m.provider_data.find(kReplayKey);
    return it != m.provider_data.end() && it->is_object() ? &*it : nullptr;
}

const nlohmann::json* object_at_key_array(const nlohmann::json& j, const char* key) {
    if (!j.is_object()) return nullptr;
    auto it = j.find(key);
    return it != j.end() && it->is_array() ? &*it : nullptr;
}

void append_reasoning_text(const nlohmann::json& item, std::string& reasoning) {
    if (const nlohmann::json* summary = array_field(item, "summary")) append_part(*summary, reasoning);
    if (const nlohmann::json* content = array_field(item, "content")) append_part(*content, reasoning);
}

nlohmann::json reasoning_for_replay(const nlohmann::json& item) {
    nlohmann::json kept{{"id", required_string(item, "id")}};
    const nlohmann::json* summary = array_field(item, "summary");
    kept["summary"] = summary != nullptr ? *summary : nlohmann::json::array();
    if (std::string encrypted = string_field(item, "encrypted_content"); !encrypted.empty())
        kept["encrypted_content"] = std::move(encrypted);
    return kept;
}

std::string responses_finish_reason(const nlohmann::json& response, bool called_tools) {
    if (string_field(response, "status") == "incomplete") {
        std::string reason;
        if (const nlohmann::json* details = object_field(response, "incomplete_details"))
            reason = string_field(*details, "reason");
        if (reason == "max_output_tokens") return "length";
        if (reason == "content_filter") return "content_filter";
        return reason.empty() ? "length" : reason;
    }
    return called_tools ? "tool_calls" : "stop";
}

nlohmann::json responses_provider_data(nlohmann::json replay, const std::string& refusal) {
    nlohmann::json data;
    if (replay.is_object() && !replay.empty()) data[kReplayKey] = std::move(replay);
    if (!refusal.empty()) data["refusal"] = refusal;
    return data;
}

void throw_response_failure(const std::string& provider, const std::string& model, const nlohmann::json& response,
                            const std::string& body) {
    ErrorInfo info{.provider = provider, .model = model, .status = 200, .body = body.substr(0, 2000)};
    std::string code;
    if (const auto* error = object_at(response, "error")) {
        info.message = string_or_empty(*error, "message");
        code = string_or_empty(*error, "code");
    }
    throw_coded(std::move(info), code);
}

void throw_error_event(const std::string& provider, const std::string& model, const nlohmann::json& event,
                       const std::string& data) {
    ErrorInfo info{.provider = provider,
                   .model = model,
                   .status = 200,
                   .message = string_or_empty(event, "message"),
                   .body = data.substr(0, 2000)};
    if (info.message.empty()) info.message = "an error occurred during streaming";
    throw_coded(std::move(info), string_or_empty(event, "code"));
}

}  // namespace llmgate::inline v1::detail
