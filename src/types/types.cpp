// Conversions between the unified types and the OpenAI dict shape, plus small accessors.
#include "llmgate/types.hpp"
#include "llmgate/arguments.hpp"
#include "llmgate/errors.hpp"
#include "util/json_parse.hpp"

#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <ostream>
#include <utility>

namespace llmgate::inline v1 {
namespace {

[[noreturn]] void bad_message(const std::string& why) {
    throw InvalidRequestError(ErrorInfo{.message = "invalid message: " + why});
}

std::string string_field(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return {};
    if (!it->is_string()) bad_message(std::string("field '") + key + "' must be a string");
    return it->get<std::string>();
}

// Anthropic's "cache_control" {"type": "ephemeral", "ttl"?} on a message or a part, as LiteLLM-style dict
// messages carry it: a CacheMarker.
std::optional<CacheMarker> cache_marker_from_json(const json& j) {
    auto it = j.find("cache_control");
    if (it == j.end() || it->is_null()) return std::nullopt;
    if (!it->is_object()) bad_message("'cache_control' must be an object");
    return CacheMarker{string_field(*it, "ttl")};
}

ContentPart part_from_json_unmarked(const json& p);

ContentPart part_from_json(const json& p) {
    ContentPart part = part_from_json_unmarked(p);
    if (p.is_object()) part.cache = cache_marker_from_json(p);
    return part;
}

ContentPart part_from_json_unmarked(const json& p) {
    if (p.is_string()) return ContentPart::text_part(p.get<std::string>());
    if (!p.is_object()) bad_message("content parts must be objects");
    const std::string type = string_field(p, "type");
    if (type == "text" || type == "input_text") return ContentPart::text_part(string_field(p, "text"));
    if (type == "image_url") {
        const json& iu = p.value("image_url", json());
        if (iu.is_string()) return ContentPart::image_from_url(iu.get<std::string>());
        if (!iu.is_object()) bad_message("image_url part needs an image_url object");
        return ContentPart::image_from_url(string_field(iu, "url"), string_field(iu, "detail"));
    }
    if (type == "image_bytes") {
        const json& ib = p.value("image_bytes", json());
        if (!ib.is_object()) bad_message("image_bytes part needs an image_bytes object");
        return ContentPart::image_from_bytes(string_field(ib, "data"), string_field(ib, "mime_type"));
    }
    bad_message("unknown content part type '" + type + "'");
}

json part_to_json(const ContentPart& p) {
    if (p.type == "image_url" && p.image_url) {
        json iu{{"url", p.image_url->url}};
        if (!p.image_url->detail.empty()) iu["detail"] = p.image_url->detail;
        return json{{"type", "image_url"}, {"image_url", std::move(iu)}};
    }
    if (p.type == "image_bytes" && p.image_bytes) {
        // The OpenAI shape has no bytes part: send it as a data URI, which every OpenAI-style API accepts.
        return json{{"type", "image_url"},
                    {"image_url", {{"url", "data:" + p.image_bytes->mime_type + ";base64," + p.image_bytes->data}}}};
    }
    return json{{"type", "text"}, {"text", p.text}};
}

}  // namespace

// A reply kept as text: this header, then the text's bytes, in one allocation (a large text taken over
// whole instead stays in its own string). `value` is written once,
// inside call_once, and only read after it: the once_flag is what makes concurrent first reads from
// several threads (copies share this) safe.
struct RawJson::Text {
    std::atomic<std::size_t> refs{1};
    std::size_t size = 0;
    std::string* owned = nullptr;  // a large text taken over whole; else the bytes follow this header
    mutable std::once_flag parsed;
    mutable json value;

    std::string_view text() const noexcept {
        if (owned != nullptr) return *owned;
        return {reinterpret_cast<const char*>(this + 1), size};
    }

    static Text* make(std::string_view text) {
        void* block = ::operator new(sizeof(Text) + text.size());
        Text* t = ::new (block) Text;
        t->size = text.size();
        if (!text.empty()) std::memcpy(reinterpret_cast<char*>(t + 1), text.data(), text.size());
        return t;
    }
    static Text* make(std::string&& text) {
        Text* t = make(std::string_view());
        t->owned = new std::string(std::move(text));
        t->size = t->owned->size();
        return t;
    }
    static void unref(Text* t) noexcept {
        if (t->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
        delete t->owned;
        t->~Text();
        ::operator delete(static_cast<void*>(t));
    }
};

RawJson::TextRef::TextRef(const TextRef& other) noexcept : text_(other.text_) {
    if (text_) text_->refs.fetch_add(1, std::memory_order_relaxed);
}

RawJson::TextRef::~TextRef() {
    if (text_) Text::unref(text_);
}

RawJson RawJson::from_text(std::string_view text) {
    RawJson r;
    r.text_ = TextRef(Text::make(text));
    return r;
}

RawJson RawJson::from_text(std::string&& text) {
    // Below this, one block with the header is worth the copy (a batch keeps thousands of small replies).
    constexpr std::size_t kTakenFrom = 64 * 1024;
    if (text.size() < kTakenFrom) return from_text(std::string_view(text));
    RawJson r;
    r.text_ = TextRef(Text::make(std::move(text)));
    return r;
}

const json& RawJson::get() const {
    if (!text_) return value_;
    const Text& t = *text_;
    std::call_once(t.parsed, [&t] {
        // A large text goes through the lean parse (no doubling token buffer), in place when it is its own
        // string with the padding simdjson reads past the end.
        json v = t.owned != nullptr ? detail::parse_json(*t.owned) : detail::parse_json(t.text());
        if (!v.is_discarded()) t.value = std::move(v);  // not JSON: stays null
    });
    return t.value;
}

namespace {
const json& null_json() {
    static const json& null_value = *new json();  // leaked: may be read on the loop thread during exit
    return null_value;
}
}  // namespace

const json& RawJson::operator[](std::string_view key) const {
    const json& v = get();
    if (!v.is_object()) return null_json();
    const auto it = v.find(key);
    return it == v.end() ? null_json() : *it;
}

const json& RawJson::operator[](std::size_t index) const {
    const json& v = get();
    return v.is_array() && index < v.size() ? v[index] : null_json();
}

bool RawJson::contains(std::string_view key) const {
    const json& v = get();
    return v.is_object() && v.find(key) != v.end();
}

std::string RawJson::dump(int indent) const {
    if (text_ && indent < 0) return std::string(text_->text());
    return get().dump(indent);
}

json RawJson::release() && {
    json out = text_ ? get() : std::move(value_);
    value_ = nullptr;
    text_.reset();
    return out;
}

std::ostream& operator<<(std::ostream& os, const RawJson& r) { return os << r.dump(); }

std::string Message::text() && {
    if (auto* s = std::get_if<std::string>(&content)) return std::move(*s);
    return std::as_const(*this).text();
}

std::string Message::text() const& {
    if (const auto* s = std::get_if<std::string>(&content)) return *s;
    std::string out;
    for (const auto& p : std::get<std::vector<ContentPart>>(content)) {
        if (p.type == "text") out += p.text;
    }
    return out;
}

std::string CompletionResponse::text() const& {
    return choices.empty() ? std::string() : choices.front().message.text();
}

std::string CompletionResponse::text() && {
    return choices.empty() ? std::string() : std::move(choices.front().message).text();
}

const std::vector<ToolCall>& CompletionResponse::tool_calls() const {
    static const std::vector<ToolCall>& none = *new std::vector<ToolCall>();  // leaked, as above
    return choices.empty() ? none : choices.front().message.tool_calls;
}

std::string CompletionResponse::reasoning() const {
    return choices.empty() ? std::string() : choices.front().message.reasoning;
}

Message message_from_json(const json& j) {
    if (!j.is_object()) bad_message("each message must be a JSON object");
    Message m;
    m.role = string_field(j, "role");
    if (m.role.empty()) bad_message("missing 'role'");
    if (auto it = j.find("content"); it != j.end() && !it->is_null()) {
        if (it->is_string()) {
            m.content = it->get<std::string>();
        } else if (it->is_array()) {
            std::vector<ContentPart> parts;
            for (const auto& p : *it) parts.push_back(part_from_json(p));
            m.content = std::move(parts);
        } else {
            bad_message("'content' must be a string, a list of parts or null");
        }
    }
    m.tool_call_id = string_field(j, "tool_call_id");
    m.name = string_field(j, "name");
    m.cache = cache_marker_from_json(j);
    if (auto it = j.find("tool_calls"); it != j.end() && it->is_array()) {
        for (const auto& tc : *it) {
            if (!tc.is_object()) bad_message("each tool call must be an object");
            ToolCall call;
            call.id = string_field(tc, "id");
            const json fn = tc.value("function", json::object());
            if (!fn.is_object()) bad_message("a tool call's function must be an object");
            call.function = string_field(fn, "name");
            auto args = fn.find("arguments");
            if (args != fn.end() && args->is_string()) {
                call.arguments_raw = args->get<std::string>();
                call.arguments = json::parse(call.arguments_raw, nullptr, false);
                if (call.arguments.is_discarded()) call.arguments = nullptr;
            } else if (args != fn.end() && args->is_object()) {
                call.arguments = *args;
                call.arguments_raw = args->dump();
            }
            m.tool_calls.push_back(std::move(call));
        }
    }
    for (const char* key : {"reasoning_content", "reasoning"}) {
        if (auto it = j.find(key); it != j.end() && it->is_string()) m.reasoning = it->get<std::string>();
    }
    if (auto it = j.find("provider_data"); it != j.end()) m.provider_data = *it;
    return m;
}

std::vector<Message> messages_from_json(const json& j) {
    if (!j.is_array()) bad_message("messages must be a JSON array");
    std::vector<Message> out;
    out.reserve(j.size());
    for (const auto& m : j) out.push_back(message_from_json(m));
    return out;
}

json message_to_json(const Message& m) {
    json j{{"role", m.role}};
    if (const auto* s = std::get_if<std::string>(&m.content)) {
        // An assistant turn that only calls tools carries null content, as the OpenAI API expects.
        if (s->empty() && !m.tool_calls.empty())
            j["content"] = nullptr;
        else
            j["content"] = *s;
    } else {
        json parts = json::array();
        for (const auto& p : std::get<std::vector<ContentPart>>(m.content)) parts.push_back(part_to_json(p));
        j["content"] = std::move(parts);
    }
    if (!m.tool_calls.empty()) {
        json calls = json::array();
        for (const auto& tc : m.tool_calls) calls.push_back(tool_call_to_json(tc));
        j["tool_calls"] = std::move(calls);
    }
    if (!m.tool_call_id.empty()) j["tool_call_id"] = m.tool_call_id;
    if (!m.name.empty()) j["name"] = m.name;
    return j;
}

Tool tool_from_json(const json& j) {
    if (!j.is_object()) throw InvalidRequestError(ErrorInfo{.message = "a tool must be a JSON object"});
    const json& fn = j.contains("function") ? j.at("function") : j;
    if (!fn.is_object() || !fn.contains("name") || !fn.at("name").is_string())
        throw InvalidRequestError(ErrorInfo{.message = "a tool needs function.name"});
    Tool t;
    t.name = fn.at("name").get<std::string>();
    if (fn.contains("description") && fn.at("description").is_string())
        t.description = fn.at("description").get<std::string>();
    if (fn.contains("parameters") && !fn.at("parameters").is_null()) t.parameters = fn.at("parameters");
    if (fn.contains("strict") && fn.at("strict").is_boolean()) t.strict = fn.at("strict").get<bool>();
    return t;
}

std::vector<Tool> tools_from_json(const json& j) {
    if (!j.is_array()) throw InvalidRequestError(ErrorInfo{.message = "tools must be a JSON array"});
    std::vector<Tool> out;
    for (const auto& t : j) out.push_back(tool_from_json(t));
    return out;
}

json tool_call_to_json(const ToolCall& tc) {
    return json{
        {"id", tc.id}, {"type", tc.type}, {"function", {{"name", tc.function}, {"arguments", tc.arguments_raw}}}};
}

json usage_to_json(const Usage& u) {
    return json{{"prompt_tokens", u.prompt_tokens},
                {"completion_tokens", u.completion_tokens},
                {"total_tokens", u.total_tokens},
                {"cached_tokens", u.cached_tokens},
                {"cache_creation_tokens", u.cache_creation_tokens},
                {"reasoning_tokens", u.reasoning_tokens}};
}

json response_to_json(const CompletionResponse& r) {
    json calls = json::array();
    for (const auto& tc : r.tool_calls()) {
        json c = tool_call_to_json(tc);
        c["function"]["parsed_arguments"] = tc.arguments;
        calls.push_back(std::move(c));
    }
    json j{{"id", r.id},
           {"provider", r.provider},
           {"model", r.model},
           {"text", r.text()},
           {"tool_calls", std::move(calls)},
           {"finish_reason", r.finish_reason},
           {"usage", usage_to_json(r.usage)}};
    if (!r.reasoning().empty()) j["reasoning"] = r.reasoning();
    if (!r.fallback_attempts.empty()) j["fallback_attempts"] = r.fallback_attempts;
    if (!r.structured_strategy.empty()) {
        j["parsed"] = r.parsed_json;
        j["structured_strategy"] = r.structured_strategy;
    }
    if (r.cache_hit) j["cache_hit"] = true;
    return j;
}

json embedding_response_to_json(const EmbeddingResponse& r) {
    return json{
        {"provider", r.provider}, {"model", r.model}, {"embeddings", r.embeddings}, {"usage", usage_to_json(r.usage)}};
}

}  // namespace llmgate::inline v1

namespace llmgate::inline v1 {

std::vector<Message> Messages::take() && {
    if (auto* typed = std::get_if<std::vector<Message>>(&value_)) return std::move(*typed);
    return messages_from_json(std::get<json>(value_));
}

}  // namespace llmgate::inline v1
