// Anthropic: the Messages API (POST {base}/v1/messages) with x-api-key auth, its SSE events and its errors.
//
// Wire facts checked against anthropics/anthropic-sdk-python: src/anthropic/_client.py (X-Api-Key,
// anthropic-version 2023-06-01, ANTHROPIC_BASE_URL, default https://api.anthropic.com, 529 overloaded),
// _streaming.py (ping skipped, `error` events raised), lib/streaming/_messages.py (event accumulation;
// message_delta usage is cumulative and overrides), types/*.py (block, delta, usage and param shapes).
#include "providers/anthropic.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <utility>

#include "llmgate/errors.hpp"
#include "providers/base_url.hpp"
#include "providers/factories.hpp"
#include "providers/http_errors.hpp"
#include "providers/http_provider.hpp"
#include "providers/toolkit/cache_markers.hpp"
#include "providers/toolkit/tool_result.hpp"
#include "providers/toolkit/adapter_errors.hpp"
#include "providers/toolkit/api_key.hpp"
#include "providers/toolkit/json_fields.hpp"
#include "providers/toolkit/model_list.hpp"
#include "providers/toolkit/json_request.hpp"
#include "providers/toolkit/reasoning.hpp"
#include "providers/toolkit/sse_stream_decoder.hpp"

namespace llmgate::inline v1::detail {
namespace {

constexpr const char* kProvider = "anthropic";
constexpr const char* kApiVersion = "2023-06-01";

// The buffered reply and the stream say the same when max_tokens ran out before any output.
constexpr OutputBudget kBudget{.name = "max_tokens",
                               .reason = "stop_reason \"max_tokens\"",
                               .hidden_tokens = "thinking",
                               .stream_says_as_buffered = true};

// --- request: unified messages → Anthropic turns ---

json text_block(const std::string& text) { return json{{"type", "text"}, {"text", text}}; }

// types/image_block_param.py: source is {"type":"base64","media_type","data"} or {"type":"url","url"}.
json image_block(const ContentPart& part, const std::string& model) {
    if (part.image_bytes)
        return json{
            {"type", "image"},
            {"source",
             {{"type", "base64"}, {"media_type", part.image_bytes->mime_type}, {"data", part.image_bytes->data}}}};
    const std::string& url = part.image_url ? part.image_url->url : std::string();
    if (url.rfind("data:", 0) == 0) {
        const auto marker = url.find(";base64,");
        if (marker == std::string::npos)
            invalid_request(kProvider, model, "a data: image URL must be base64-encoded for Anthropic");
        // data:image/png[;param=value...];base64,<data>: the media type is what precedes the first ';'.
        const std::string media_type = url.substr(5, std::min(url.find(';', 5), marker) - 5);
        if (media_type.empty())
            invalid_request(kProvider, model, "a data: image URL needs a media type (data:image/png;base64,...)");
        return json{{"type", "image"},
                    {"source", {{"type", "base64"}, {"media_type", media_type}, {"data", url.substr(marker + 8)}}}};
    }
    return json{{"type", "image"}, {"source", {{"type", "url"}, {"url", url}}}};
}

// types/cache_control_ephemeral_param.py: {"type": "ephemeral", "ttl"?: "5m" | "1h"}.
json cache_control(const CacheMarker& marker) {
    json cc{{"type", "ephemeral"}};
    if (!marker.ttl.empty()) cc["ttl"] = marker.ttl;
    return cc;
}

// Message content as Anthropic content: a plain string stays a string; parts become blocks (a part's cache
// marker on its block).
json content_of(const Message& m, const std::string& model) {
    if (const auto* s = std::get_if<std::string>(&m.content)) return *s;
    json blocks = json::array();
    for (const auto& p : std::get<std::vector<ContentPart>>(m.content)) {
        if (p.type == "text") {
            if (p.text.empty()) continue;
            blocks.push_back(text_block(p.text));
        } else {
            blocks.push_back(image_block(p, model));
        }
        if (p.cache) blocks.back()["cache_control"] = cache_control(*p.cache);
    }
    return blocks;
}

json as_blocks(const json& content) {
    if (content.is_array()) return content;
    json blocks = json::array();
    if (content.is_string() && !content.get_ref<const std::string&>().empty()) blocks.push_back(text_block(content));
    return blocks;
}

// A breakpoint on the last block of `content` (a string becomes one text block to carry it); content with
// no block at all has nothing to mark.
json with_breakpoint(json content, const CacheMarker& marker) {
    json blocks = as_blocks(content);
    if (blocks.empty()) return content;
    if (!blocks.back().contains("cache_control")) blocks.back()["cache_control"] = cache_control(marker);
    return blocks;
}

json with_message_marker(json content, const Message& m) {
    return m.cache ? with_breakpoint(std::move(content), *m.cache) : content;
}

// tool_use.input must be an object. Arguments that never parsed (the model emitted invalid JSON) are
// replayed as {}: the API would reject the turn otherwise.
json tool_input(const ToolCall& tc) {
    if (tc.arguments.is_object()) return tc.arguments;
    json parsed = json::parse(tc.arguments_raw, nullptr, false);
    return parsed.is_object() ? parsed : json::object();
}

// The thinking / redacted_thinking blocks kept from an earlier reply, replayed first and untouched:
// the API checks their signatures and requires them before the tool_use blocks they led to.
const json* replay_blocks(const Message& m) {
    if (!m.provider_data.is_object()) return nullptr;
    auto a = m.provider_data.find(kProvider);
    if (a == m.provider_data.end() || !a->is_object()) return nullptr;
    auto c = a->find("content");
    return c != a->end() && c->is_array() ? &*c : nullptr;
}

json assistant_content(const Message& m, const std::string& model) {
    const json* replay = replay_blocks(m);
    json content = content_of(m, model);
    if (replay == nullptr && m.tool_calls.empty()) return content;
    json blocks = replay != nullptr ? *replay : json::array();
    for (auto& b : as_blocks(content)) blocks.push_back(std::move(b));
    for (const auto& tc : m.tool_calls)
        blocks.push_back(json{{"type", "tool_use"}, {"id", tc.id}, {"name", tc.function}, {"input", tool_input(tc)}});
    return blocks;
}

json tool_result_block(const Message& m, const std::string& model) {
    json block{{"type", "tool_result"}, {"tool_use_id", m.tool_call_id}};
    if (m.cache) block["cache_control"] = cache_control(*m.cache);
    json content = content_of(m, model);
    // An empty result is sent without content: the API rejects empty text blocks.
    if (!(content.is_string() && content.get_ref<const std::string&>().empty()) &&
        !(content.is_array() && content.empty()))
        block["content"] = std::move(content);
    // A result reporting a failure (the tool loop marks them): the API's is_error flag.
    if (is_tool_error(m)) block["is_error"] = true;
    return block;
}

// Anthropic wants user and assistant turns to alternate; tool results travel as tool_result blocks in a
// user turn. So consecutive turns of one role (several tool results, a tool result then a user note)
// are merged into one turn of blocks.
void push_turn(json& turns, const std::string& role, json content) {
    if (!turns.empty() && turns.back()["role"] == role) {
        json merged = as_blocks(turns.back()["content"]);
        for (auto& b : as_blocks(content)) merged.push_back(std::move(b));
        turns.back()["content"] = std::move(merged);
        return;
    }
    turns.push_back(json{{"role", role}, {"content", std::move(content)}});
}

json tool_to_json(const Tool& t) {
    json j{{"name", t.name}, {"input_schema", t.parameters}};
    if (!t.description.empty()) j["description"] = t.description;
    if (t.strict) j["strict"] = *t.strict;
    if (t.cache) j["cache_control"] = cache_control(*t.cache);
    return j;
}

// PromptCacheOptions::automatic: breakpoints at the ends of the parts of the prompt that repeat from call to
// call, in the order the API reads them (tools, system, messages), while the limit leaves room: the last
// tool definition, the last system block, and the last block of the conversation so far.
void place_automatic_breakpoints(json& body, const CacheMarker& marker, int room) {
    auto mark = [&](json& block) {
        if (room <= 0 || !block.is_object() || block.contains("cache_control")) return;
        block["cache_control"] = cache_control(marker);
        --room;
    };
    if (auto tools = body.find("tools"); tools != body.end() && tools->is_array() && !tools->empty())
        mark(tools->back());
    if (auto system = body.find("system"); system != body.end()) {
        if (system->is_string()) *system = as_blocks(*system);
        if (system->is_array() && !system->empty()) mark(system->back());
    }
    json& turns = body["messages"];
    if (turns.is_array() && !turns.empty()) {
        json& last = turns.back()["content"];
        last = as_blocks(last);
        if (!last.empty()) mark(last.back());
    }
}

// types/tool_choice_*_param.py: {"type":"auto"|"any"|"none"} or {"type":"tool","name"}.
json tool_choice_to_json(const std::string& choice) {
    if (choice == "auto") return json{{"type", "auto"}};
    if (choice == "required") return json{{"type", "any"}};
    if (choice == "none") return json{{"type", "none"}};
    return json{{"type", "tool"}, {"name", choice}};
}

// --- structured output ---

constexpr int kMaxSchemaDepth = 64;

// The string formats output_config.format enforces (_transform.py SupportedStringFormats).
bool supported_format(const json& f) {
    static const char* const kFormats[] = {"date-time", "time", "date", "duration", "email",
                                           "hostname",  "uri",  "ipv4", "ipv6",     "uuid"};
    if (!f.is_string()) return false;
    return std::any_of(std::begin(kFormats), std::end(kFormats), [&](const char* k) { return f == k; });
}

json output_schema(const json& node, int depth) {
    if (depth > kMaxSchemaDepth || !node.is_object()) return node;
    json in = node;
    json out = json::object();
    auto take = [&](const char* key) -> std::optional<json> {
        auto it = in.find(key);
        if (it == in.end()) return std::nullopt;
        json v = std::move(*it);
        in.erase(key);
        return v;
    };
    auto each = [&](const json& list) {
        json mapped = json::array();
        for (const auto& sub : list) mapped.push_back(output_schema(sub, depth + 1));
        return mapped;
    };
    for (const char* key : {"$defs", "definitions"})
        if (auto defs = take(key); defs && defs->is_object()) {
            json mapped = json::object();
            for (const auto& [name, sub] : defs->items()) mapped[name] = output_schema(sub, depth + 1);
            out[key] = std::move(mapped);
        }
    if (auto ref = take("$ref")) {
        out["$ref"] = std::move(*ref);
        return out;
    }
    for (const char* key : {"anyOf", "oneOf", "allOf"}) {
        auto list = take(key);
        if (!list || !list->is_array()) continue;
        json& target = out[key == std::string("allOf") ? "allOf" : "anyOf"];  // oneOf joins anyOf
        if (!target.is_array()) target = json::array();
        for (auto& sub : each(*list)) target.push_back(std::move(sub));
    }
    for (const char* key : {"type", "enum", "description", "title"})
        if (auto v = take(key)) out[key] = std::move(*v);
    const json type = out.value("type", json());
    auto has_type = [&](const char* t) {
        return type == t || (type.is_array() && std::find(type.begin(), type.end(), json(t)) != type.end());
    };
    if (has_type("object") || (type.is_null() && in.contains("properties"))) {
        json props = json::object();
        if (auto p = take("properties"); p && p->is_object())
            for (const auto& [name, sub] : p->items()) props[name] = output_schema(sub, depth + 1);
        out["properties"] = std::move(props);
        take("additionalProperties");
        out["additionalProperties"] = false;
        if (auto r = take("required")) out["required"] = std::move(*r);
    }
    if (has_type("string"))
        if (auto f = in.find("format"); f != in.end() && supported_format(*f)) out["format"] = *take("format");
    if (has_type("array")) {
        if (auto items = take("items")) out["items"] = output_schema(*items, depth + 1);
        if (auto m = in.find("minItems"); m != in.end() && (*m == 0 || *m == 1)) out["minItems"] = *take("minItems");
    }
    // What is left is not enforced by the API: keep it as text the model reads.
    if (!in.empty()) {
        std::string note;
        for (const auto& [key, value] : in.items()) note += (note.empty() ? "" : ", ") + key + ": " + value.dump();
        const std::string before = out.value("description", std::string());
        out["description"] = (before.empty() ? "" : before + "\n\n") + "{" + note + "}";
    }
    return out;
}

// "claude-<family>-<major>[-<minor>][-<date>]" → (family, major, minor); minor 0 when absent or a date.
bool model_at_least(const std::string& model, const std::string& family, int major, int minor) {
    const std::string prefix = "claude-" + family + "-";
    if (model.rfind(prefix, 0) != 0) return false;
    int v[2] = {0, 0};
    std::size_t pos = prefix.size();
    for (int i = 0; i < 2 && pos < model.size(); ++i) {
        std::size_t end = pos;
        while (end < model.size() && std::isdigit(static_cast<unsigned char>(model[end]))) ++end;
        if (end == pos || end - pos > 2) break;  // no number, or an 8-digit snapshot date
        v[i] = std::stoi(model.substr(pos, end - pos));
        if (end >= model.size() || model[end] != '-') break;
        pos = end + 1;
    }
    return v[0] > major || (v[0] == major && v[1] >= minor);
}

// --- reasoning: adaptive thinking, extended thinking budgets and effort, per model family ---

bool family_at_least(const std::string& model, int major) {
    for (const char* family : {"opus", "sonnet", "haiku"})
        if (model_at_least(model, family, major, 0)) return true;
    return false;
}

// Mythos and Fable take adaptive thinking only: neither a budget nor {type: "disabled"} (Bedrock's Claude adaptive
// thinking page: "Manual extended thinking ... and disabled thinking ... are not supported on these models").
bool adaptive_only_family(const std::string& model) {
    return model.rfind("claude-mythos", 0) == 0 || model.rfind("claude-fable", 0) == 0;
}

// thinking {type: "adaptive"} with output_config.effort: Opus 4.6, Sonnet 4.6 and every later model.
bool takes_adaptive_thinking(const std::string& model) {
    return adaptive_only_family(model) || model_at_least(model, "opus", 4, 6) ||
           model_at_least(model, "sonnet", 4, 6) || family_at_least(model, 5);
}

// Where a manual budget (thinking {type: "enabled"}) is rejected: Opus 4.7 ("only adaptive thinking ... will
// return a 400 error"), Mythos, Fable, and the 5-series, for which enabled and budget_tokens were announced as
// removed after their deprecation on the 4.6 models. Opus / Sonnet 4.6 still take a budget.
bool rejects_budget(const std::string& model) {
    return adaptive_only_family(model) || model_at_least(model, "opus", 4, 7) || family_at_least(model, 5);
}

// output_config.effort ("low" | "medium" | "high" | ...): Opus 4.5 and every adaptive-thinking model.
bool takes_effort(const std::string& model) {
    return takes_adaptive_thinking(model) || model_at_least(model, "opus", 4, 5);
}

// Extended thinking arrived with Claude 3.7 Sonnet: the Claude 3 / 3.5 models and older have no `thinking` at all,
// so "no reasoning" is what they do unasked and nothing is sent for it.
bool thinks(const std::string& model) {
    if (model.rfind("claude-3-7", 0) == 0) return true;
    for (const char* old : {"claude-3", "claude-2", "claude-instant"})
        if (model.rfind(old, 0) == 0) return false;
    return true;
}

// OutputConfigParam.effort has no "minimal": the nearest is "low".
std::string claude_effort(Effort e) { return e == Effort::minimal || e == Effort::none ? "low" : effort_name(e); }

// ThinkingConfigEnabledParam.budget_tokens: "Must be ≥1024 and less than `max_tokens`".
constexpr int kMinThinkingBudget = 1024;

// --- reply: Anthropic blocks → unified message ---

void add_thinking_block(const json& block, std::string& reasoning, json& kept) {
    if (auto t = block.find("thinking"); t != block.end() && t->is_string())
        reasoning += t->get_ref<const std::string&>();
    kept.push_back(block);
}

json provider_data_from(json kept) {
    if (kept.empty()) return nullptr;
    return json{{kProvider, {{"content", std::move(kept)}}}};
}

ErrorInfo stream_error_info(const std::string& model, const std::string& data) {
    ErrorInfo info{.provider = kProvider,
                   .model = model,
                   .status = 0,
                   .message = error_message_from_body(data),
                   .error_type = error_type_from_body(data),
                   .body = data.substr(0, 2000)};
    if (info.message.empty()) info.message = "an error occurred during streaming";
    return info;
}

class AnthropicStreamDecoder final : public SseStreamDecoder {
public:
    explicit AnthropicStreamDecoder(std::string model)
        : SseStreamDecoder(kProvider, std::move(model),
                           {.missing_end = "before message_stop",
                            .end = "message_stop",
                            .budget = kBudget,
                            .errors_after_chunks = true}) {}

private:
    bool ended() const override { return stopped_; }

    json provider_data() const {
        json kept = json::array();
        for (const auto& [index, block] : thinking_) kept.push_back(block);
        return provider_data_from(std::move(kept));
    }

    struct Block {
        std::string type;
        int tool_index = -1;  // for tool_use blocks: the ToolCallDelta index of this call
    };

    void on_event(SseEvent& ev, std::deque<StreamChunk>& out) override {
        if (stopped_) return;  // nothing after message_stop belongs to this reply
        if (ev.event == "ping" && ev.data.empty()) return;
        json j = event_object(ev);
        std::string type = string_field(j, "type");
        if (type.empty()) type = ev.event;
        dispatch(type, j, ev.data, out);
    }

    void dispatch(const std::string& type, json& j, const std::string& data, std::deque<StreamChunk>& out) {
        if (type == "ping") return;
        if (type == "error") {
            // types/*_error.py: overloaded_error is the stream form of HTTP 529.
            ErrorInfo info = stream_error_info(model_, data);
            if (info.error_type == "overloaded_error" || info.error_type == "rate_limit_error")
                throw RateLimitError(std::move(info), std::nullopt);
            throw_provider_error(std::move(info));
        }
        if (type == "message_start") {
            const json& m = j.at("message");
            require_object(m, "message");
            id_ = string_field(m, "id");
            reply_model_ = string_field(m, "model");
            if (const json* u = object_field(m, "usage")) usage_json_ = *u;
            out.push_back(chunk(id_, reply_model_, std::move(j)));
        } else if (type == "content_block_start") {
            start_block(j, out);
        } else if (type == "content_block_delta") {
            block_delta(j, out);
        } else if (type == "message_delta") {
            // Usage here is cumulative: each field present replaces the one from message_start.
            if (const json* u = object_field(j, "usage"))
                for (const auto& [k, v] : u->items())
                    if (!v.is_null()) usage_json_[k] = v;
            usage_ = anthropic_parse_usage(usage_json_);
            StreamChunk c = chunk(id_, reply_model_);
            if (const json* d = object_field(j, "delta"))
                if (const json* sr = typed_field(*d, "stop_reason", json::value_t::string))
                    finish_reason_ = c.finish_reason = anthropic_finish_reason(sr->get<std::string>());
            if (!c.finish_reason.empty()) {
                if (!assembler_.empty()) c.tool_calls = assembler_.build();
                c.provider_data = provider_data();  // the thinking blocks, for Stream::response()'s message
            }
            c.usage = usage_;
            c.raw = std::move(j);
            out.push_back(std::move(c));
        } else if (type == "message_stop") {
            stopped_ = true;
        }
        // content_block_stop and event types added after this adapter was written carry nothing to surface
        // (Anthropic's versioning policy: new event types may appear, and clients ignore the unknown ones).
    }

    // A content block index; never get<int>() on an arbitrary number (a float out of range is UB).
    int block_index(const json& j) const {
        const json& index = j.at("index");
        if (!index.is_number_integer() || index.get<std::int64_t>() < 0 || index.get<std::int64_t>() > 1000000)
            fail("content block index out of range", j.dump());
        return static_cast<int>(index.get<std::int64_t>());
    }

    void start_block(json& j, std::deque<StreamChunk>& out) {
        const int index = block_index(j);
        const json& block = j.at("content_block");
        require_object(block, "content_block");
        Block b{.type = required_string(block, "type")};
        StreamChunk c = chunk(id_, reply_model_);
        if (b.type == "tool_use") {
            b.tool_index = next_tool_index_++;
            note_tool_call(
                {.index = b.tool_index, .id = string_field(block, "id"), .function = string_field(block, "name")}, c);
        } else if (b.type == "text") {
            c.delta = string_field(block, "text");
            note_text(c.delta);
        } else if (b.type == "thinking") {
            c.reasoning = string_field(block, "thinking");
            thinking_[index] =
                json{{"type", "thinking"}, {"thinking", c.reasoning}, {"signature", string_field(block, "signature")}};
        } else if (b.type == "redacted_thinking") {
            thinking_[index] = block;  // opaque: replayed exactly as received
        }
        blocks_[index] = b;
        c.raw = std::move(j);
        out.push_back(std::move(c));
    }

    void block_delta(json& j, std::deque<StreamChunk>& out) {
        const int index = block_index(j);
        json& delta = j.at("delta");
        require_object(delta, "delta");
        const std::string type = required_string(delta, "type");
        StreamChunk c = chunk(id_, reply_model_);
        if (type == "text_delta") {
            read_required_text(delta, "text", c.delta, TextFrom::stream_event);
            note_text(c.delta);
        } else if (type == "input_json_delta") {
            auto b = blocks_.find(index);
            if (b == blocks_.end() || b->second.tool_index < 0)
                fail("input_json_delta for a content block that is not a tool_use", j.dump());
            note_tool_call({.index = b->second.tool_index, .arguments = required_string(delta, "partial_json")}, c);
        } else if (type == "thinking_delta") {
            c.reasoning = required_string(delta, "thinking");
            if (auto t = thinking_.find(index); t != thinking_.end())
                t->second["thinking"] = t->second.value("thinking", "") + c.reasoning;
        } else if (type == "signature_delta") {
            if (auto t = thinking_.find(index); t != thinking_.end())
                t->second["signature"] = required_string(delta, "signature");
        }
        c.raw = std::move(j);
        out.push_back(std::move(c));
    }

    std::string id_, reply_model_;
    std::map<int, Block> blocks_;   // by content block index
    std::map<int, json> thinking_;  // thinking / redacted_thinking blocks, by content block index
    int next_tool_index_ = 0;
    json usage_json_ = json::object();
    bool stopped_ = false;
};

class AnthropicProvider final : public HttpProvider {
public:
    AnthropicProvider() : HttpProvider(kProvider) {}

    // Images: url and base64 sources (image URLs are fetched by Anthropic itself).
    Capabilities capabilities(const std::string& model) const override {
        Capabilities c;
        c.native_schema = anthropic_supports_structured_output(model);
        return c;
    }

protected:
    HttpRequest build_chat(const ChatRequest& request, bool stream) const override {
        HttpRequest http = authorised_post(request, "/v1/messages", stream);
        finish_json_request(http, request.options.extra_headers, anthropic_chat_body(request, stream),
                            request.options.extra);
        return http;
    }

    // POST /v1/messages/count_tokens takes the Messages body's model, messages, system, tools, tool_choice
    // and thinking (anthropic-sdk-python messages.count_tokens); the sampling fields are not accepted.
    std::optional<HttpRequest> build_count_tokens(const ChatRequest& request) const override {
        const Options& o = request.options;
        HttpRequest http = authorised_post(request, "/v1/messages/count_tokens", false);
        json body = anthropic_chat_body(request, false);
        if (o.extra.is_object())
            for (const auto& [k, v] : o.extra.items()) body[k] = v;
        json counted = json::object();
        for (const char* key : {"model", "messages", "system", "tools", "tool_choice", "thinking", "mcp_servers"})
            if (auto it = body.find(key); it != body.end()) counted[key] = std::move(*it);
        finish_json_request(http, o.extra_headers, counted);
        return http;
    }

    std::int64_t parse_count_tokens(const std::string& model, const HttpResponse& response) const override {
        return count_field(model, response, "input_tokens");
    }

    // A POST to `path` of the Messages API with the key and version headers; the body is the caller's.
    // The SDK sends Accept: application/json for streamed calls too; the reply is SSE either way.
    static HttpRequest authorised_post(const ChatRequest& request, const char* path, bool stream) {
        const Options& o = request.options;
        HttpRequest http = json_post(
            kProvider, request.model, o.timeout,
            {.url = pick_base_url(o.api_base, {"ANTHROPIC_BASE_URL"}, "https://api.anthropic.com") + path,
             .streaming = stream},
            o.extra_headers.size());
        http.headers.emplace_back("x-api-key", require_key(kProvider, o.api_key, {"ANTHROPIC_API_KEY"}));
        http.headers.emplace_back("anthropic-version", kApiVersion);
        return http;
    }

    // GET /v1/models (anthropic-sdk-python resources/models.py): pages of up to `limit` (1000 at most) models,
    // newest first; the next page starts after_id the last one while has_more is true.
    std::optional<HttpRequest> build_list_models(const ListModelsOptions& options,
                                                 const std::string& page_token) const override {
        std::string url = pick_base_url(options.api_base, {"ANTHROPIC_BASE_URL"}, "https://api.anthropic.com") +
                          "/v1/models?limit=1000";
        if (!page_token.empty()) url += "&after_id=" + query_escape(page_token);
        HttpRequest http = models_get(std::move(url), options);
        http.headers.emplace_back("x-api-key", require_key(kProvider, options.api_key, {"ANTHROPIC_API_KEY"}));
        http.headers.emplace_back("anthropic-version", kApiVersion);
        return http;
    }

    // {"data":[{"type":"model","id","display_name","created_at"(RFC 3339)}],"has_more","first_id","last_id"}
    std::string parse_list_models(const HttpResponse& response, std::vector<ModelInfo>& out) const override {
        const json j = reply_object(kProvider, "", response.body);
        std::string next;
        reading_shape(kProvider, "", response.body, "model list", [&] {
            const json* data = array_field(j, "data");
            if (data == nullptr) parse_failure(kProvider, "", "model list has no data", response.body);
            for (const auto& item : *data) {
                require_object(item, "data[]");
                ModelInfo m{.id = required_string(item, "id"), .provider = kProvider};
                m.display_name = string_field(item, "display_name");
                m.context_window = integer_field(item, "max_input_tokens");
                m.raw = item;
                out.push_back(std::move(m));
            }
            const json* more = typed_field(j, "has_more", json::value_t::boolean);
            if (more != nullptr && more->get<bool>()) next = string_field(j, "last_id");
        });
        return next;
    }

    CompletionResponse parse_chat(const ChatRequest& request, HttpResponse& response) const override {
        CompletionResponse r = anthropic_parse_chat(std::move(response.body));
        if (r.model.empty()) r.model = request.model;
        check_reply_budget(r, {.provider = kProvider, .model = request.model, .status = 200}, kBudget);
        return r;
    }

    std::unique_ptr<StreamDecoder> make_stream_decoder(const ChatRequest& request) const override {
        return make_anthropic_stream_decoder(request.model);
    }

    // embed: the HttpProvider default raises EmbeddingsNotSupported before anything is sent.

    [[noreturn]] void raise_http_error(const std::string& model, const HttpResponse& response) const override {
        // Error body: {"type":"error","error":{"type":"...","message":"..."}}; id in `request-id`.
        ErrorInfo info{.provider = kProvider,
                       .model = model,
                       .status = static_cast<int>(response.status),
                       .request_id = first_header(response.headers, {"request-id", "x-request-id"}),
                       .message = error_message_from_body(response.body),
                       .error_type = error_type_from_body(response.body),
                       .body = response.body};
        throw_for_status(std::move(info), response.headers, {529});  // 529: overloaded_error
    }
};

}  // namespace

ClaudeThinking claude_thinking(const Options& o, const std::string& model, const std::string& provider,
                               int default_max_tokens) {
    const Reasoning r = requested_reasoning(o, provider, model);
    ClaudeThinking out;
    if (!r.requested()) return out;
    if (r.off()) {
        if (adaptive_only_family(model)) {
            out.thinking = {{"type", "adaptive"}};
            out.effort = "low";
        } else if (thinks(model) && !rejects_budget(model)) {
            out.thinking = {{"type", "disabled"}};
        }
        // Opus 4.7 and the 5-series: Bedrock's guide lists {type: "disabled"} among what some of them refuse,
        // and without `thinking` they do not think; so nothing is sent.
        return out;
    }
    if (takes_adaptive_thinking(model) && (!r.budget || rejects_budget(model))) {
        out.thinking = {{"type", "adaptive"}};
        out.effort = claude_effort(effort_or_budget(r));
        return out;
    }
    const bool callers_budget = r.budget.has_value();
    int budget = callers_budget ? *r.budget : effort_budget(*r.effort);
    if (callers_budget && budget < kMinThinkingBudget)
        invalid_request(provider, model,
                        "Claude's thinking budget (reasoning_budget_tokens " + std::to_string(budget) +
                            ") must be at least 1024 tokens; 0 turns thinking off");
    if (o.max_tokens) {
        if (budget >= *o.max_tokens) {
            if (callers_budget)
                invalid_request(provider, model,
                                "Claude's thinking budget (reasoning_budget_tokens " + std::to_string(budget) +
                                    ") must be below max_tokens (" + std::to_string(*o.max_tokens) +
                                    "): raise max_tokens or lower the budget");
            budget = std::max(kMinThinkingBudget, *o.max_tokens / 2);
            if (budget >= *o.max_tokens)
                invalid_request(provider, model,
                                "max_tokens " + std::to_string(*o.max_tokens) +
                                    " leaves no room for thinking: Claude's thinking budget is at least 1024 tokens "
                                    "and must be below max_tokens");
        }
    } else if (budget >= default_max_tokens) {
        // The budget is part of max_tokens: keep the default's room for the answer on top of it.
        out.max_tokens = budget <= std::numeric_limits<int>::max() - default_max_tokens
                             ? budget + default_max_tokens
                             : std::numeric_limits<int>::max();
    }
    out.thinking = {{"type", "enabled"}, {"budget_tokens", budget}};
    if (r.effort && takes_effort(model)) out.effort = claude_effort(*r.effort);
    return out;
}

json anthropic_chat_body(const ChatRequest& request, bool stream) {
    const Options& o = request.options;
    std::vector<std::string> system;
    json turns = json::array();
    const int explicit_markers = explicit_cache_markers(kProvider, request);
    std::vector<std::optional<CacheMarker>> system_markers;
    for (const auto& m : request.messages) {
        if (m.role == "system" || m.role == "developer") {
            system.push_back(m.text());
            system_markers.push_back(m.cache);
        } else if (m.role == "assistant") {
            push_turn(turns, "assistant", with_message_marker(assistant_content(m, request.model), m));
        } else if (m.role == "tool") {
            push_turn(turns, "user", json::array({tool_result_block(m, request.model)}));
        } else if (m.role == "user") {
            push_turn(turns, "user", with_message_marker(content_of(m, request.model), m));
        } else {
            invalid_request(kProvider, request.model, "Anthropic takes no message role \"" + m.role + "\"");
        }
    }

    int max_tokens = o.max_tokens.value_or(kAnthropicDefaultMaxTokens);
    // Extended thinking needs budget_tokens < max_tokens: a default too small for the caller's budget
    // is raised to leave the default's room for the answer.
    if (!o.max_tokens) {
        if (auto t = o.extra.find("thinking"); t != o.extra.end() && t->is_object()) {
            if (auto b = t->find("budget_tokens"); b != t->end() && b->is_number_integer()) {
                const std::int64_t budget = b->get<std::int64_t>();
                if (budget >= max_tokens && budget <= std::numeric_limits<int>::max() - kAnthropicDefaultMaxTokens)
                    max_tokens = static_cast<int>(budget) + kAnthropicDefaultMaxTokens;
            }
        }
    }

    ClaudeThinking thinking = claude_thinking(o, request.model, kProvider, kAnthropicDefaultMaxTokens);
    if (thinking.max_tokens) max_tokens = std::max(max_tokens, *thinking.max_tokens);

    json body{{"model", request.model}, {"max_tokens", max_tokens}, {"messages", std::move(turns)}};
    if (!thinking.thinking.is_null()) body["thinking"] = std::move(thinking.thinking);
    const bool marked_system =
        std::any_of(system_markers.begin(), system_markers.end(), [](const auto& c) { return c.has_value(); });
    if (system.size() == 1 && !marked_system) {
        body["system"] = system.front();
    } else if (!system.empty()) {
        json blocks = json::array();
        for (std::size_t i = 0; i < system.size(); ++i) {
            if (system[i].empty()) continue;
            blocks.push_back(text_block(system[i]));
            if (system_markers[i]) blocks.back()["cache_control"] = cache_control(*system_markers[i]);
        }
        body["system"] = std::move(blocks);
    }
    if (o.temperature) body["temperature"] = *o.temperature;
    if (o.top_p) body["top_p"] = *o.top_p;
    if (!o.stop.empty()) body["stop_sequences"] = o.stop;
    if (!o.tools.empty()) {
        json tools = json::array();
        for (const auto& t : o.tools) tools.push_back(tool_to_json(t));
        body["tools"] = std::move(tools);
    }
    json choice = o.tool_choice.empty() ? json() : tool_choice_to_json(o.tool_choice);
    // parallel_tool_calls=false is disable_parallel_tool_use on tool_choice ("none" takes no such flag).
    if (o.parallel_tool_calls == false && (!o.tools.empty() || !choice.is_null())) {
        if (choice.is_null()) choice = json{{"type", "auto"}};
        if (choice["type"] != "none") choice["disable_parallel_tool_use"] = true;
    }
    if (!choice.is_null()) body["tool_choice"] = std::move(choice);
    if (!o.user.empty()) body["metadata"] = {{"user_id", o.user}};
    // types/output_config_param.py: effort "low" | "medium" | "high" | "xhigh" | "max", and format
    // (types/json_output_format_param.py {type: "json_schema", schema}) in the same object. Both are in
    // the SDK's non-beta Messages types: no anthropic-beta header.
    if (!thinking.effort.empty()) body["output_config"]["effort"] = std::move(thinking.effort);
    if (request.structured == StructuredMode::native_schema && o.response_format)
        body["output_config"]["format"] = {{"type", "json_schema"},
                                           {"schema", anthropic_output_schema(o.response_format->schema)}};
    if (o.prompt_cache.automatic)
        place_automatic_breakpoints(body, CacheMarker{o.prompt_cache.ttl}, kMaxCacheBreakpoints - explicit_markers);
    if (stream) body["stream"] = true;
    return body;
}

bool anthropic_supports_structured_output(const std::string& model) {
    if (model_at_least(model, "opus", 4, 1) || model_at_least(model, "sonnet", 4, 5) ||
        model_at_least(model, "haiku", 4, 5))
        return true;
    // A family named after these (claude-<name>-5...) is assumed to keep the feature.
    for (const char* family : {"opus", "sonnet", "haiku"})
        if (model_at_least(model, family, 5, 0)) return true;
    return false;
}

json anthropic_output_schema(const json& schema) { return output_schema(schema, 0); }

Usage anthropic_parse_usage(const json& u) {
    Usage usage;
    if (!u.is_object()) return usage;
    usage.cached_tokens = json_count(u, "cache_read_input_tokens");
    usage.cache_creation_tokens = json_count(u, "cache_creation_input_tokens");
    // types/usage.py: total input is input_tokens + cache_creation_input_tokens + cache_read_input_tokens.
    usage.prompt_tokens = add_counts(json_count(u, "input_tokens"), usage.cached_tokens, usage.cache_creation_tokens);
    usage.completion_tokens = json_count(u, "output_tokens");
    usage.total_tokens = add_counts(usage.prompt_tokens, usage.completion_tokens);
    if (const json* d = object_at(u, "output_tokens_details"))
        usage.reasoning_tokens = json_count(*d, "thinking_tokens");
    return usage;
}

std::string anthropic_finish_reason(const std::string& stop_reason) {
    if (stop_reason == "end_turn" || stop_reason == "stop_sequence") return "stop";
    if (stop_reason == "max_tokens" || stop_reason == "model_context_window_exceeded") return "length";
    if (stop_reason == "tool_use") return "tool_calls";
    if (stop_reason == "refusal") return "content_filter";
    return stop_reason;  // pause_turn and anything newer: kept as sent
}

CompletionResponse anthropic_parse_chat(std::string body) {
    json j = reply_object(kProvider, "", body);  // not const: the answer's text is moved out of it
    CompletionResponse r;
    r.provider = kProvider;
    reading_shape(kProvider, r.model, body, "reply", [&] {
        if (string_or_empty(j, "type") == "error") throw_provider_error(stream_error_info("", body));
        r.id = string_or_empty(j, "id");
        r.model = string_or_empty(j, "model");
        auto content = j.find("content");
        if (content == j.end() || !content->is_array()) parse_failure(kProvider, r.model, "reply has no content", body);
        Choice choice;
        choice.message.role = "assistant";
        std::string text;
        json kept = json::array();
        for (auto& block : *content) {
            if (!block.is_object()) parse_failure(kProvider, r.model, "reply has a malformed content block", body);
            const std::string type = string_or_empty(block, "type");
            if (type == "text") {
                take_string(block.at("text"), text);
            } else if (type == "thinking" || type == "redacted_thinking") {
                add_thinking_block(block, choice.message.reasoning, kept);
            } else if (type == "tool_use") {
                ToolCall tc;
                tc.id = block.at("id").get<std::string>();
                tc.function = block.at("name").get<std::string>();
                tc.arguments = block.value("input", json::object());
                tc.arguments_raw = tc.arguments.dump();
                choice.message.tool_calls.push_back(std::move(tc));
            }
            // server_tool_use, web_search_tool_result, ...: left in `raw`.
        }
        choice.message.content = std::move(text);
        choice.message.provider_data = provider_data_from(std::move(kept));
        choice.finish_reason = anthropic_finish_reason(string_or_empty(j, "stop_reason"));
        r.finish_reason = choice.finish_reason;
        r.choices.push_back(std::move(choice));
        if (auto u = j.find("usage"); u != j.end()) r.usage = anthropic_parse_usage(*u);
    });
    r.raw = RawJson::from_text(std::move(body));  // the text, not the tree: held replies cost their bytes
    return r;
}

std::unique_ptr<StreamDecoder> make_anthropic_stream_decoder(std::string model) {
    return std::make_unique<AnthropicStreamDecoder>(std::move(model));
}

std::unique_ptr<Provider> make_anthropic_provider() { return std::make_unique<AnthropicProvider>(); }

}  // namespace llmgate::inline v1::detail
