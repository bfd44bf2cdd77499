// Builds Bedrock Runtime replies with the exact shapes (and binary framing) the real service sends.
#include "bedrock_replies.hpp"

#include <array>
#include <cstdint>

namespace llmgate::testing::bedrock {
namespace {

using nlohmann::json;

std::uint32_t crc32(const std::string& data) {
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t n = 0; n < 256; ++n) {
            std::uint32_t c = n;
            for (int k = 0; k < 8; ++k) c = (c >> 1) ^ ((c & 1u) ? 0xEDB88320u : 0u);
            t[n] = c;
        }
        return t;
    }();
    std::uint32_t c = 0xFFFFFFFFu;
    for (unsigned char b : data) c = table[(c ^ b) & 0xFFu] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

void put_u32(std::string& s, std::uint32_t v) {
    s.push_back(static_cast<char>(v >> 24));
    s.push_back(static_cast<char>(v >> 16));
    s.push_back(static_cast<char>(v >> 8));
    s.push_back(static_cast<char>(v));
}

Reply json_reply(const json& body, int status = 200) {
    Reply r;
    r.status = status;
    r.body = body.dump();
    r.headers.emplace_back("x-amzn-RequestId", kRequestId);
    return r;
}

}  // namespace

json default_usage() { return {{"inputTokens", 10}, {"outputTokens", 5}, {"totalTokens", 15}}; }

Reply converse(json content, const std::string& stop_reason, json usage) {
    return json_reply({{"output", {{"message", {{"role", "assistant"}, {"content", std::move(content)}}}}},
                       {"stopReason", stop_reason},
                       {"usage", std::move(usage)},
                       {"metrics", {{"latencyMs", 321}}}});
}

Reply converse_text(const std::string& text, const std::string& stop_reason, json usage) {
    return converse(json::array({{{"text", text}}}), stop_reason, std::move(usage));
}

Reply converse_tool_use(const std::vector<std::pair<std::string, json>>& name_and_input, const std::string& text) {
    json content = json::array();
    if (!text.empty()) content.push_back({{"text", text}});
    for (std::size_t i = 0; i < name_and_input.size(); ++i)
        content.push_back({{"toolUse",
                            {{"toolUseId", "tooluse_" + std::to_string(i)},
                             {"name", name_and_input[i].first},
                             {"input", name_and_input[i].second}}}});
    return converse(std::move(content), "tool_use");
}

std::string frame(const std::vector<std::pair<std::string, std::string>>& headers, const std::string& payload) {
    std::string hdr;
    for (const auto& [name, value] : headers) {
        hdr.push_back(static_cast<char>(name.size()));
        hdr += name;
        hdr.push_back(7);  // value type 7: string, u16 big-endian length then bytes
        hdr.push_back(static_cast<char>(value.size() >> 8));
        hdr.push_back(static_cast<char>(value.size() & 0xFF));
        hdr += value;
    }
    std::string out;
    put_u32(out, static_cast<std::uint32_t>(12 + hdr.size() + payload.size() + 4));
    put_u32(out, static_cast<std::uint32_t>(hdr.size()));
    put_u32(out, crc32(out));
    out += hdr;
    out += payload;
    put_u32(out, crc32(out));
    return out;
}

std::string event(const std::string& event_type, json payload) {
    // Bedrock pads every event payload with a "p" field of varying length (against traffic analysis).
    payload["p"] = std::string("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ").substr(0, 4 + event_type.size() % 7);
    return frame({{":event-type", event_type}, {":content-type", "application/json"}, {":message-type", "event"}},
                 payload.dump());
}

std::string exception(const std::string& exception_type, const std::string& message) {
    return frame(
        {{":exception-type", exception_type}, {":content-type", "application/json"}, {":message-type", "exception"}},
        json{{"message", message}}.dump());
}

Reply stream(std::vector<std::string> frames, bool drop_connection) {
    Reply r;
    r.content_type = "application/vnd.amazon.eventstream";
    r.headers.emplace_back("x-amzn-RequestId", kRequestId);
    r.chunks = std::move(frames);
    r.drop_connection_after_chunks = drop_connection;
    return r;
}

std::vector<std::string> text_frames(const std::vector<std::string>& pieces, const std::string& stop_reason,
                                     bool send_stop, bool send_metadata) {
    std::vector<std::string> frames{event("messageStart", {{"role", "assistant"}})};
    for (const auto& p : pieces)
        frames.push_back(event("contentBlockDelta", {{"contentBlockIndex", 0}, {"delta", {{"text", p}}}}));
    frames.push_back(event("contentBlockStop", {{"contentBlockIndex", 0}}));
    if (send_stop) frames.push_back(event("messageStop", {{"stopReason", stop_reason}}));
    if (send_metadata)
        frames.push_back(event("metadata", {{"usage", default_usage()}, {"metrics", {{"latencyMs", 123}}}}));
    return frames;
}

Reply stream_text(const std::vector<std::string>& pieces, const std::string& stop_reason) {
    return stream(text_frames(pieces, stop_reason));
}

Reply stream_tool_use(const std::vector<std::pair<std::string, std::vector<std::string>>>& name_and_fragments,
                      const std::string& text) {
    std::vector<std::string> frames{event("messageStart", {{"role", "assistant"}})};
    int block = 0;
    if (!text.empty()) {
        frames.push_back(event("contentBlockDelta", {{"contentBlockIndex", 0}, {"delta", {{"text", text}}}}));
        frames.push_back(event("contentBlockStop", {{"contentBlockIndex", 0}}));
        block = 1;
    }
    for (std::size_t i = 0; i < name_and_fragments.size(); ++i, ++block) {
        frames.push_back(event(
            "contentBlockStart",
            {{"contentBlockIndex", block},
             {"start",
              {{"toolUse", {{"toolUseId", "tooluse_" + std::to_string(i)}, {"name", name_and_fragments[i].first}}}}}}));
        for (const auto& f : name_and_fragments[i].second)
            frames.push_back(
                event("contentBlockDelta", {{"contentBlockIndex", block}, {"delta", {{"toolUse", {{"input", f}}}}}}));
        frames.push_back(event("contentBlockStop", {{"contentBlockIndex", block}}));
    }
    frames.push_back(event("messageStop", {{"stopReason", "tool_use"}}));
    frames.push_back(event("metadata", {{"usage", default_usage()}, {"metrics", {{"latencyMs", 99}}}}));
    return stream(std::move(frames));
}

Reply error(int status, const std::string& error_type, const std::string& message) {
    Reply r = json_reply({{"message", message}}, status);
    r.headers.emplace_back("x-amzn-ErrorType", error_type + ":http://internal.amazon.com/coral/com.amazon.bedrock/");
    return r;
}

Reply titan_embedding(const std::vector<float>& vector, int input_tokens) {
    Reply r = json_reply(
        {{"embedding", vector}, {"embeddingsByType", {{"float", vector}}}, {"inputTextTokenCount", input_tokens}});
    r.headers.emplace_back("X-Amzn-Bedrock-Input-Token-Count", std::to_string(input_tokens));
    return r;
}

Reply cohere_embeddings(const std::vector<std::vector<float>>& vectors, bool by_type) {
    json texts = json::array();
    for (std::size_t i = 0; i < vectors.size(); ++i) texts.push_back("text " + std::to_string(i));
    json body{{"id", "emb-0001"}, {"texts", texts}};
    if (by_type) {
        body["embeddings"] = {{"float", vectors}};
        body["response_type"] = "embeddings_by_type";
    } else {
        body["embeddings"] = vectors;
        body["response_type"] = "embeddings_floats";
    }
    Reply r = json_reply(body);
    r.headers.emplace_back("X-Amzn-Bedrock-Input-Token-Count", "7");
    return r;
}

Reply malformed_json() {
    Reply r;
    r.body = R"({"output":{"message":{"role":"assistant","content":[{"text":"cut)";
    r.headers.emplace_back("x-amzn-RequestId", kRequestId);
    return r;
}

}  // namespace llmgate::testing::bedrock
