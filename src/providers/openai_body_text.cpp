// The OpenAI chat body as text. Keys are written in the order nlohmann::json (a std::map) dumps them.
#include "providers/openai_body_text.hpp"

#include <charconv>
#include <string_view>

#include "util/utf8.hpp"
#include "providers/openai_compatible.hpp"

namespace llmgate::inline v1::detail {
namespace {

// Appends the bytes of `s` escaped the way nlohmann's serializer escapes them (ensure_ascii off): the
// two-character escapes for " \ \b \f \n \r \t, \u00xx (lower-case hex) for other control characters,
// every other byte as it is. False, with `out` unspecified, when `s` is not valid UTF-8 (nlohmann would
// throw). Escaping goes byte by byte, so the pieces of one string may be appended one after another.
bool append_escaped(std::string& out, std::string_view s) {
    if (!is_valid_utf8(s)) return false;
    std::size_t run = 0;  // start of the bytes not yet copied
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default: {
                static constexpr char hex[] = "0123456789abcdef";
                const char esc[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
                out.append(esc, sizeof esc);
            }
        }
    }
    out.append(s.data() + run, s.size() - run);
    return true;
}

// `s` as a quoted JSON string.
bool append_string(std::string& out, std::string_view s) {
    out.push_back('"');
    if (!append_escaped(out, s)) return false;
    out.push_back('"');
    return true;
}

template <class Int>
void append_int(std::string& out, Int v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

// `"key":`; keys are our own ASCII constants, never escaped.
void append_key(std::string& out, std::string_view key) {
    out.push_back('"');
    out.append(key);
    out += "\":";
}

// One content part, as part_to_json shapes it.
bool append_part(std::string& out, const ContentPart& p) {
    if (p.type == "image_url" && p.image_url) {
        out += "{\"image_url\":{";
        if (!p.image_url->detail.empty()) {
            append_key(out, "detail");
            if (!append_string(out, p.image_url->detail)) return false;
            out.push_back(',');
        }
        append_key(out, "url");
        if (!append_string(out, p.image_url->url)) return false;
        out += "},\"type\":\"image_url\"}";
        return true;
    }
    if (p.type == "image_bytes" && p.image_bytes) {
        // A data URI, as part_to_json sends it; the base64 data is copied once, into the body.
        const ImageBytes& b = *p.image_bytes;
        out += "{\"image_url\":{\"url\":\"data:";
        if (!append_escaped(out, b.mime_type)) return false;
        out += ";base64,";
        if (!append_escaped(out, b.data)) return false;
        out += "\"},\"type\":\"image_url\"}";
        return true;
    }
    out += "{\"text\":";
    if (!append_string(out, p.text)) return false;
    out += ",\"type\":\"text\"}";
    return true;
}

// One message, as message_to_json shapes it: content, name, role, tool_call_id, tool_calls.
bool append_message(std::string& out, const Message& m) {
    out += "{\"content\":";
    if (const auto* s = std::get_if<std::string>(&m.content)) {
        if (s->empty() && !m.tool_calls.empty())
            out += "null";
        else if (!append_string(out, *s))
            return false;
    } else {
        out.push_back('[');
        bool first = true;
        for (const auto& p : std::get<std::vector<ContentPart>>(m.content)) {
            if (!first) out.push_back(',');
            first = false;
            if (!append_part(out, p)) return false;
        }
        out.push_back(']');
    }
    if (!m.name.empty()) {
        out += ",\"name\":";
        if (!append_string(out, m.name)) return false;
    }
    out += ",\"role\":";
    if (!append_string(out, m.role)) return false;
    if (!m.tool_call_id.empty()) {
        out += ",\"tool_call_id\":";
        if (!append_string(out, m.tool_call_id)) return false;
    }
    if (!m.tool_calls.empty()) {
        out += ",\"tool_calls\":[";
        bool first = true;
        for (const auto& tc : m.tool_calls) {
            if (!first) out.push_back(',');
            first = false;
            out += "{\"function\":{\"arguments\":";
            if (!append_string(out, tc.arguments_raw)) return false;
            out += ",\"name\":";
            if (!append_string(out, tc.function)) return false;
            out += "},\"id\":";
            if (!append_string(out, tc.id)) return false;
            out += ",\"type\":";
            if (!append_string(out, tc.type)) return false;
            out.push_back('}');
        }
        out.push_back(']');
    }
    out.push_back('}');
    return true;
}

std::size_t estimated_size(const ChatRequest& request) {
    std::size_t n = 128 + request.model.size();
    for (const auto& m : request.messages) {
        n += 48 + m.role.size() + m.name.size() + m.tool_call_id.size();
        if (const auto* s = std::get_if<std::string>(&m.content)) {
            n += s->size();
        } else {
            for (const auto& p : std::get<std::vector<ContentPart>>(m.content)) {
                n += 48 + p.text.size();
                if (p.image_url) n += p.image_url->url.size() + p.image_url->detail.size();
                if (p.image_bytes) n += p.image_bytes->data.size() + p.image_bytes->mime_type.size();
            }
        }
        for (const auto& tc : m.tool_calls) n += 64 + tc.arguments_raw.size() + tc.function.size() + tc.id.size();
    }
    return n;
}

}  // namespace

std::optional<std::string> openai_chat_body_text(const ChatRequest& request, bool stream, bool include_usage) {
    const Options& o = request.options;
    std::string out;
    out.reserve(estimated_size(request));
    out.push_back('{');
    if (o.max_tokens) {
        append_key(out, "max_tokens");
        append_int(out, *o.max_tokens);
        out.push_back(',');
    }
    append_key(out, "messages");
    out.push_back('[');
    bool first = true;
    for (const auto& m : request.messages) {
        if (!first) out.push_back(',');
        first = false;
        if (!append_message(out, m)) return std::nullopt;
    }
    out += "],";
    append_key(out, "model");
    if (!append_string(out, request.model)) return std::nullopt;
    // The rarer fields are small or already JSON: nlohmann writes them, so their bytes are its own.
    if (o.parallel_tool_calls) {
        out += ",\"parallel_tool_calls\":";
        out += *o.parallel_tool_calls ? "true" : "false";
    }
    if (const std::string effort = openai_reasoning_effort(o); !effort.empty()) {
        out += ",\"reasoning_effort\":";
        if (!append_string(out, effort)) return std::nullopt;
    }
    if (json format = openai_response_format(request, true); !format.is_null()) {
        out += ",\"response_format\":";
        out += format.dump();
    }
    if (o.seed) {
        out += ",\"seed\":";
        append_int(out, *o.seed);
    }
    if (!o.stop.empty()) {
        out += ",\"stop\":";
        out += json(o.stop).dump();
    }
    if (stream) {
        out += ",\"stream\":true";
        if (include_usage) out += ",\"stream_options\":{\"include_usage\":true}";
    }
    if (o.temperature) {
        out += ",\"temperature\":";
        out += json(*o.temperature).dump();
    }
    if (!o.tool_choice.empty()) {
        out += ",\"tool_choice\":";
        out += openai_tool_choice_json(o.tool_choice).dump();
    }
    if (!o.tools.empty()) {
        out += ",\"tools\":[";
        for (std::size_t i = 0; i < o.tools.size(); ++i) {
            if (i) out.push_back(',');
            out += openai_tool_json(o.tools[i]).dump();
        }
        out.push_back(']');
    }
    if (o.top_p) {
        out += ",\"top_p\":";
        out += json(*o.top_p).dump();
    }
    if (!o.user.empty()) {
        out += ",\"user\":";
        if (!append_string(out, o.user)) return std::nullopt;
    }
    out.push_back('}');
    return out;
}

}  // namespace llmgate::detail
