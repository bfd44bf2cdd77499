// Builds OpenAI-compatible wire replies with the exact field shapes the real API sends.
#include "openai_replies.hpp"

#include <cstdint>
#include <cstring>

namespace llmgate::testing::openai {
namespace {

// Fixed values keep replies byte-for-byte reproducible across runs.
constexpr std::int64_t kCreated = 1700000000;
constexpr const char* kCompletionId = "chatcmpl-fake0001";
constexpr const char* kFingerprint = "fp_fake0001";

Reply json_reply(const nlohmann::json& body, int status = 200) {
    Reply r;
    r.status = status;
    r.body = body.dump();
    return r;
}

// One chat.completion.chunk; OpenAI puts "usage": null on every chunk but the last when
// stream_options.include_usage is on, and omits the field otherwise.
nlohmann::json chunk(const std::string& model, nlohmann::json choices, bool include_usage,
                     nlohmann::json usage = nullptr) {
    nlohmann::json c = {{"id", kCompletionId}, {"object", "chat.completion.chunk"},  {"created", kCreated},
                        {"model", model},      {"system_fingerprint", kFingerprint}, {"choices", std::move(choices)}};
    if (include_usage) c["usage"] = std::move(usage);
    return c;
}

nlohmann::json delta_choice(nlohmann::json delta, nlohmann::json finish_reason = nullptr) {
    return nlohmann::json::array({{{"index", 0},
                                   {"delta", std::move(delta)},
                                   {"logprobs", nullptr},
                                   {"finish_reason", std::move(finish_reason)}}});
}

Reply event_stream(std::vector<std::string> chunks) {
    Reply r;
    r.content_type = "text/event-stream";
    r.headers.emplace_back("x-request-id", "req_test123");
    r.chunks = std::move(chunks);
    return r;
}

std::string base64_of_floats(const std::vector<float>& v) {
    std::string bytes;
    bytes.reserve(v.size() * 4);
    for (float f : v) {
        std::uint32_t u;
        std::memcpy(&u, &f, sizeof u);
        for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<char>((u >> (8 * i)) & 0xFF));
    }
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        std::uint32_t n = (std::uint32_t(std::uint8_t(bytes[i])) << 16) |
                          (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) | std::uint8_t(bytes[i + 2]);
        for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(n >> s) & 0x3F]);
    }
    if (std::size_t rest = bytes.size() - i; rest > 0) {
        std::uint32_t n = std::uint32_t(std::uint8_t(bytes[i])) << 16;
        if (rest == 2) n |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
        out.push_back(kAlphabet[(n >> 18) & 0x3F]);
        out.push_back(kAlphabet[(n >> 12) & 0x3F]);
        out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 0x3F] : '=');
        out.push_back('=');
    }
    return out;
}

}  // namespace

nlohmann::json default_usage() { return {{"prompt_tokens", 10}, {"completion_tokens", 5}, {"total_tokens", 15}}; }

Reply chat_text(const std::string& text, const std::string& model, std::string finish_reason, nlohmann::json usage) {
    nlohmann::json body = {
        {"id", kCompletionId},
        {"object", "chat.completion"},
        {"created", kCreated},
        {"model", model},
        {"choices",
         nlohmann::json::array({{{"index", 0},
                                 {"message", {{"role", "assistant"}, {"content", text}, {"refusal", nullptr}}},
                                 {"logprobs", nullptr},
                                 {"finish_reason", std::move(finish_reason)}}})},
        {"usage", std::move(usage)},
        {"system_fingerprint", kFingerprint}};
    Reply r = json_reply(body);
    r.headers.emplace_back("x-request-id", "req_test123");
    return r;
}

Reply chat_refusal(const std::string& refusal, const std::string& model) {
    nlohmann::json body = {
        {"id", kCompletionId},
        {"object", "chat.completion"},
        {"created", kCreated},
        {"model", model},
        {"choices",
         nlohmann::json::array({{{"index", 0},
                                 {"message", {{"role", "assistant"}, {"content", nullptr}, {"refusal", refusal}}},
                                 {"logprobs", nullptr},
                                 {"finish_reason", "stop"}}})},
        {"usage", default_usage()},
        {"system_fingerprint", kFingerprint}};
    return json_reply(body);
}

Reply chat_tool_calls(const std::vector<std::pair<std::string, std::string>>& name_and_arguments_json,
                      const std::string& model) {
    nlohmann::json calls = nlohmann::json::array();
    for (std::size_t i = 0; i < name_and_arguments_json.size(); ++i) {
        const auto& [name, arguments] = name_and_arguments_json[i];
        calls.push_back({{"id", "call_" + std::to_string(i)},
                         {"type", "function"},
                         {"function", {{"name", name}, {"arguments", arguments}}}});
    }
    nlohmann::json body = {
        {"id", kCompletionId},
        {"object", "chat.completion"},
        {"created", kCreated},
        {"model", model},
        {"choices",
         nlohmann::json::array(
             {{{"index", 0},
               {"message",
                {{"role", "assistant"}, {"content", nullptr}, {"tool_calls", std::move(calls)}, {"refusal", nullptr}}},
               {"logprobs", nullptr},
               {"finish_reason", "tool_calls"}}})},
        {"usage", default_usage()},
        {"system_fingerprint", kFingerprint}};
    Reply r = json_reply(body);
    r.headers.emplace_back("x-request-id", "req_test123");
    return r;
}

std::string sse(const nlohmann::json& event) { return "data: " + event.dump() + "\n\n"; }

std::string sse_done() { return "data: [DONE]\n\n"; }

Reply stream_text(const std::vector<std::string>& pieces, const std::string& model, bool include_usage,
                  bool send_done) {
    std::vector<std::string> out;
    out.push_back(sse(chunk(model, delta_choice({{"role", "assistant"}, {"content", ""}}), include_usage)));
    for (const auto& p : pieces) out.push_back(sse(chunk(model, delta_choice({{"content", p}}), include_usage)));
    out.push_back(sse(chunk(model, delta_choice(nlohmann::json::object(), "stop"), include_usage)));
    if (include_usage) {
        auto completion = static_cast<int>(pieces.size());
        out.push_back(
            sse(chunk(model, nlohmann::json::array(), true,
                      {{"prompt_tokens", 10}, {"completion_tokens", completion}, {"total_tokens", 10 + completion}})));
    }
    if (send_done) out.push_back(sse_done());
    return event_stream(std::move(out));
}

Reply stream_tool_calls(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& name_and_argument_fragments,
    const std::string& model) {
    std::vector<std::string> out;
    int fragments = 0;
    for (std::size_t i = 0; i < name_and_argument_fragments.size(); ++i) {
        const auto& [name, parts] = name_and_argument_fragments[i];
        nlohmann::json delta = {
            {"tool_calls", nlohmann::json::array({{{"index", i},
                                                   {"id", "call_" + std::to_string(i)},
                                                   {"type", "function"},
                                                   {"function", {{"name", name}, {"arguments", ""}}}}})}};
        // OpenAI's very first delta also carries the role, with content null.
        if (i == 0) {
            delta["role"] = "assistant";
            delta["content"] = nullptr;
        }
        out.push_back(sse(chunk(model, delta_choice(std::move(delta)), true)));
        for (const auto& part : parts) {
            ++fragments;
            out.push_back(sse(chunk(
                model,
                delta_choice(
                    {{"tool_calls", nlohmann::json::array({{{"index", i}, {"function", {{"arguments", part}}}}})}}),
                true)));
        }
    }
    out.push_back(sse(chunk(model, delta_choice(nlohmann::json::object(), "tool_calls"), true)));
    out.push_back(
        sse(chunk(model, nlohmann::json::array(), true,
                  {{"prompt_tokens", 10}, {"completion_tokens", fragments}, {"total_tokens", 10 + fragments}})));
    out.push_back(sse_done());
    return event_stream(std::move(out));
}

Reply error(int status, const std::string& message, const std::string& type, const std::string& code) {
    nlohmann::json body = {{"error",
                            {{"message", message},
                             {"type", type},
                             {"param", nullptr},
                             {"code", code.empty() ? nlohmann::json(nullptr) : nlohmann::json(code)}}}};
    Reply r = json_reply(body, status);
    r.headers.emplace_back("x-request-id", "req_err123");
    return r;
}

Reply embeddings(const std::vector<std::vector<float>>& vectors, const std::string& model, bool base64) {
    nlohmann::json data = nlohmann::json::array();
    for (std::size_t i = 0; i < vectors.size(); ++i) {
        data.push_back(
            {{"object", "embedding"},
             {"index", i},
             {"embedding", base64 ? nlohmann::json(base64_of_floats(vectors[i])) : nlohmann::json(vectors[i])}});
    }
    auto tokens = static_cast<int>(5 * vectors.size());
    Reply r = json_reply({{"object", "list"},
                          {"data", std::move(data)},
                          {"model", model},
                          {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}});
    r.headers.emplace_back("x-request-id", "req_test123");
    return r;
}

Reply malformed_json() {
    Reply r;
    r.body = "{\"id\": \"chatcmpl-x\", \"choices\": [";
    return r;
}

}  // namespace llmgate::testing::openai
