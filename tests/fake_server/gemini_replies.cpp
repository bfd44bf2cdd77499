// Builds Gemini Developer API replies with the exact field shapes and framing the real API sends.
#include "gemini_replies.hpp"

namespace llmgate::testing::gemini {
namespace {

constexpr const char* kResponseId = "gemini-resp-0001";

Reply json_reply(const nlohmann::json& body, int status = 200) {
    Reply r;
    r.status = status;
    r.body = body.dump();
    return r;
}

nlohmann::json response(const nlohmann::json& parts, const std::string& finish_reason, nlohmann::json usage,
                        const std::string& model) {
    nlohmann::json candidate = {{"content", {{"parts", parts}, {"role", "model"}}}, {"index", 0}};
    if (!finish_reason.empty()) candidate["finishReason"] = finish_reason;
    nlohmann::json body = {{"candidates", nlohmann::json::array({std::move(candidate)})},
                           {"modelVersion", model},
                           {"responseId", kResponseId}};
    if (!usage.is_null()) body["usageMetadata"] = std::move(usage);
    return body;
}

}  // namespace

nlohmann::json default_usage() {
    return {{"promptTokenCount", 10},
            {"candidatesTokenCount", 5},
            {"totalTokenCount", 15},
            {"promptTokensDetails", nlohmann::json::array({{{"modality", "TEXT"}, {"tokenCount", 10}}})}};
}

Reply content(const nlohmann::json& parts, const std::string& finish_reason, nlohmann::json usage,
              const std::string& model) {
    return json_reply(response(parts, finish_reason, std::move(usage), model));
}

Reply text(const std::string& t, const std::string& model) {
    return content(nlohmann::json::array({{{"text", t}}}), "STOP", default_usage(), model);
}

Reply function_calls(const std::vector<std::pair<std::string, nlohmann::json>>& name_and_args,
                     const std::string& model) {
    nlohmann::json parts = nlohmann::json::array();
    for (const auto& [name, args] : name_and_args)
        parts.push_back({{"functionCall", {{"name", name}, {"args", args}}}});
    return content(parts, "STOP", default_usage(), model);
}

Reply prompt_blocked(const std::string& block_reason) {
    return json_reply({{"promptFeedback", {{"blockReason", block_reason}}},
                       {"usageMetadata", {{"promptTokenCount", 8}, {"totalTokenCount", 8}}},
                       {"modelVersion", "gemini-2.5-flash"},
                       {"responseId", kResponseId}});
}

std::string sse(const nlohmann::json& event) { return "data: " + event.dump() + "\r\n\r\n"; }

nlohmann::json stream_event(const nlohmann::json& parts, const std::string& finish_reason, nlohmann::json usage,
                            const std::string& model) {
    return response(parts, finish_reason, std::move(usage), model);
}

Reply event_stream(const std::vector<nlohmann::json>& events) {
    Reply r;
    r.content_type = "text/event-stream";
    for (const auto& e : events) r.chunks.push_back(sse(e));
    return r;
}

Reply stream_text(const std::vector<std::string>& pieces, bool finish) {
    std::vector<nlohmann::json> events;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        const bool last = i + 1 == pieces.size();
        // Gemini repeats usageMetadata (running counts) on every event; the last one is final.
        nlohmann::json usage = {{"promptTokenCount", 10},
                                {"candidatesTokenCount", static_cast<int>(i + 1)},
                                {"totalTokenCount", 10 + static_cast<int>(i + 1)}};
        events.push_back(stream_event(nlohmann::json::array({{{"text", pieces[i]}}}), last && finish ? "STOP" : "",
                                      last ? default_usage() : usage));
    }
    return event_stream(events);
}

Reply embedding(const std::vector<float>& values) { return json_reply({{"embedding", {{"values", values}}}}); }

Reply batch_embeddings(const std::vector<std::vector<float>>& vectors) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& v : vectors) list.push_back({{"values", v}});
    return json_reply({{"embeddings", std::move(list)}});
}

Reply error(int status, const std::string& message, const std::string& grpc_status, nlohmann::json details) {
    nlohmann::json e = {{"code", status}, {"message", message}, {"status", grpc_status}};
    if (!details.is_null()) e["details"] = std::move(details);
    return json_reply({{"error", std::move(e)}}, status);
}

Reply invalid_api_key() {
    return error(400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT",
                 nlohmann::json::array({{{"@type", "type.googleapis.com/google.rpc.ErrorInfo"},
                                         {"reason", "API_KEY_INVALID"},
                                         {"domain", "googleapis.com"},
                                         {"metadata", {{"service", "generativelanguage.googleapis.com"}}}},
                                        {{"@type", "type.googleapis.com/google.rpc.LocalizedMessage"},
                                         {"locale", "en-US"},
                                         {"message", "API key not valid. Please pass a valid API key."}}}));
}

Reply quota_exceeded(const std::string& retry_delay) {
    return error(
        429, "You exceeded your current quota, please check your plan and billing details.", "RESOURCE_EXHAUSTED",
        nlohmann::json::array(
            {{{"@type", "type.googleapis.com/google.rpc.QuotaFailure"},
              {"violations",
               nlohmann::json::array(
                   {{{"quotaMetric", "generativelanguage.googleapis.com/generate_content_free_tier_requests"},
                     {"quotaId", "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"},
                     {"quotaValue", "10"}}})}},
             {{"@type", "type.googleapis.com/google.rpc.Help"},
              {"links", nlohmann::json::array({{{"description", "Learn more about Gemini API quotas"},
                                                {"url", "https://ai.google.dev/gemini-api/docs/rate-limits"}}})}},
             {{"@type", "type.googleapis.com/google.rpc.RetryInfo"}, {"retryDelay", retry_delay}}}));
}

Reply overloaded() { return error(503, "The model is overloaded. Please try again later.", "UNAVAILABLE"); }

Reply malformed_json() {
    Reply r;
    r.body = R"({"candidates": [{"content": {"parts": [{"text": "Hel)";
    return r;
}

}  // namespace llmgate::testing::gemini
