// The OpenAI chat-completions / embeddings wire format: request bodies, replies, SSE chunks, errors.
#include "providers/openai_compatible.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <utility>

#include "llmgate/errors.hpp"
#include "providers/http_errors.hpp"
#include "providers/openai_body_text.hpp"
#include "providers/openai_fast_embeddings.hpp"
#include "providers/toolkit/openai_cache_breakpoints.hpp"
#include "providers/openai_fast_reply.hpp"
#include "providers/openai_responses.hpp"
#include "providers/toolkit/adapter_errors.hpp"
#include "providers/toolkit/api_key.hpp"
#include "providers/toolkit/json_fields.hpp"
#include "providers/toolkit/json_request.hpp"
#include "providers/toolkit/reasoning.hpp"
#include "providers/toolkit/sse_stream_decoder.hpp"
#include "util/base64.hpp"
#include "util/json_parse.hpp"

namespace llmgate::inline v1::detail {
namespace {

// The buffered reply's and the stream's words when max_tokens ran out before any output.
constexpr OutputBudget kBudget{
    .name = "max_tokens", .reason = "finish_reason \"length\"", .hidden_tokens = "reasoning"};
constexpr OutputBudget kResponsesBudget{.name = "max_tokens (max_output_tokens)",
                                        .reason = "incomplete_details.reason \"max_output_tokens\"",
                                        .hidden_tokens = "reasoning"};

// Message content may be a string, null, or (Mistral's reasoning models) a list of typed chunks.
void read_content(const json& content, std::string& text, std::string& reasoning) {
    if (content.is_string()) {
        text += content.get_ref<const std::string&>();
        return;
    }
    if (content.is_null()) return;
    if (!content.is_array()) throw json::type_error::create(302, "content must be a string, a list or null", nullptr);
    for (const auto& part : content) {
        require_object(part, "content[]");
        const std::string type = string_field(part, "type");
        if (type == "text") {
            text += string_field(part, "text");
        } else if (type == "thinking") {
            auto t = part.find("thinking");
            if (t != part.end()) read_content(*t, reasoning, reasoning);
        }
    }
}

// The same, taking a string content's buffer instead of copying it where `from` allows (move_text).
void read_content(json& content, std::string& text, std::string& reasoning, TextFrom from) {
    if (content.is_string())
        move_text(content, text, from);
    else
        read_content(std::as_const(content), text, reasoning);
}

void read_reasoning(const json& message, std::string& reasoning) {
    // DeepSeek-style "reasoning_content"; Groq's and OpenRouter's "reasoning".
    for (const char* key : {"reasoning_content", "reasoning"}) {
        auto it = message.find(key);
        if (it != message.end() && it->is_string()) reasoning += it->get_ref<const std::string&>();
    }
}

ToolCall read_tool_call(const json& tc) {
    ToolCall call;
    call.id = string_or_empty(tc, "id");
    call.type = tc.contains("type") && tc["type"].is_string() ? tc["type"].get<std::string>() : "function";
    const json fn = tc.value("function", json::object());
    call.function = string_or_empty(fn, "name");
    auto args = fn.find("arguments");
    if (args != fn.end() && args->is_string()) {
        call.arguments_raw = args->get<std::string>();
        if (call.arguments_raw.empty()) call.arguments_raw = "{}";
    } else if (args != fn.end() && args->is_object()) {  // some compatible servers send an object
        call.arguments_raw = args->dump();
    }
    call.arguments = json::parse(call.arguments_raw, nullptr, false);
    if (call.arguments.is_discarded()) call.arguments = nullptr;
    return call;
}

// Decodes an embedding sent as base64 of little-endian float32 values (encoding_format "base64").
std::vector<double> decode_base64_floats(const std::string& provider, const std::string& text) {
    auto bytes = base64_decode(text);
    if (!bytes || bytes->size() % 4 != 0) parse_failure(provider, "", "invalid base64 embedding", text);
    std::vector<double> out(bytes->size() / 4);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto* p = reinterpret_cast<const unsigned char*>(bytes->data() + i * 4);
        const std::uint32_t bits = static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
                                   (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
        float f;
        std::memcpy(&f, &bits, sizeof f);
        out[i] = static_cast<double>(f);
    }
    return out;
}

// --- structured output (openai-python types/shared_params/response_format_json_schema.py,
// response_format_json_object.py; strict-mode rules as openai-python lib/_pydantic.py applies them) ---

constexpr int kMaxSchemaDepth = 64;

// The schema of a property that was optional, made to accept null as well (strict mode requires
// every property, so "absent" is sent as null).
json accepting_null(json node) {
    if (!node.is_object()) return node;  // a boolean schema: `true` takes null already
    const json null_type{{"type", "null"}};
    auto type = node.find("type");
    if (type != node.end() && !node.contains("const") && (type->is_string() || type->is_array())) {
        if (type->is_string() && *type != "null") *type = json::array({*type, "null"});
        if (type->is_array() && std::find(type->begin(), type->end(), json("null")) == type->end())
            type->push_back("null");
        if (auto e = node.find("enum");
            e != node.end() && e->is_array() && std::find(e->begin(), e->end(), json(nullptr)) == e->end())
            e->push_back(nullptr);
        return node;
    }
    if (auto any = node.find("anyOf"); any != node.end() && any->is_array()) {
        if (std::find(any->begin(), any->end(), null_type) == any->end()) any->push_back(null_type);
        return node;
    }
    return json{{"anyOf", json::array({std::move(node), null_type})}};
}

bool describes_object(const json& node) {
    auto type = node.find("type");
    if (type == node.end()) return node.contains("properties");
    if (type->is_string()) return *type == "object";
    return type->is_array() && std::find(type->begin(), type->end(), json("object")) != type->end();
}

void make_strict(json& node, int depth) {
    if (depth > kMaxSchemaDepth || !node.is_object()) return;
    for (const char* key : {"$defs", "definitions"})
        if (auto d = node.find(key); d != node.end() && d->is_object())
            for (auto& [name, sub] : d->items()) make_strict(sub, depth + 1);
    for (const char* key : {"anyOf", "oneOf", "allOf", "prefixItems"})
        if (auto list = node.find(key); list != node.end() && list->is_array())
            for (auto& sub : *list) make_strict(sub, depth + 1);
    if (auto items = node.find("items"); items != node.end()) {
        if (items->is_object()) make_strict(*items, depth + 1);
        if (items->is_array())
            for (auto& sub : *items) make_strict(sub, depth + 1);
    }
    if (auto extra = node.find("additionalProperties"); extra != node.end() && extra->is_object())
        make_strict(*extra, depth + 1);
    if (auto props = node.find("properties"); props != node.end() && props->is_object()) {
        json was_required = json::array();
        if (auto r = node.find("required"); r != node.end() && r->is_array()) was_required = *r;
        json required = json::array();
        for (auto& [name, prop] : props->items()) {
            make_strict(prop, depth + 1);
            if (std::find(was_required.begin(), was_required.end(), json(name)) == was_required.end())
                prop = accepting_null(std::move(prop));
            required.push_back(name);
        }
        node["required"] = std::move(required);
    }
    if (describes_object(node) && !node.contains("additionalProperties")) node["additionalProperties"] = false;
}

// json_schema.name must match ^[a-zA-Z0-9_-]{1,64}$; anything else is replaced rather than rejected.
std::string schema_name(const std::string& name) {
    std::string out = name.empty() ? std::string("response") : name.substr(0, 64);
    for (char& ch : out)
        if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-')) ch = '_';
    return out;
}

class OpenAIStreamDecoder final : public SseStreamDecoder {
public:
    OpenAIStreamDecoder(std::string provider, std::string model, bool fast_path, bool done_marker)
        : SseStreamDecoder(std::move(provider), std::move(model),
                           done_marker ? Ending{.missing_end = "before [DONE]", .end = "[DONE]", .budget = kBudget}
                                       : Ending{.missing_end = "before a finish_reason", .end = "the end of the body",
                                                .budget = kBudget}),
          fast_path_(fast_path),
          done_marker_(done_marker) {}

private:
    // Without the marker (Perplexity) the reply is whole once a choice has finished.
    bool ended() const override { return done_ || (!done_marker_ && !finish_reason_.empty()); }

    void on_event(SseEvent& ev, std::deque<StreamChunk>& out) override {
        if (done_) return;  // nothing after [DONE] belongs to this reply
        if (ev.data.compare(0, 6, "[DONE]") == 0) {
            done_ = true;
            return;
        }
        // The usual event takes the fast path; errors, unusual shapes and malformed events the full one.
        if (auto fast = fast_path_ ? openai_parse_chunk_fast(ev.data) : std::nullopt) {
            apply(*fast, ev.data, out);
            return;
        }
        json j = event_object(ev);
        if (auto e = j.find("error"); e != j.end() && !e->is_null()) {
            // An error reported mid-stream (HTTP status was already 200).
            ErrorInfo info{.provider = provider_,
                           .model = model_,
                           .status = 0,
                           .message = error_message_from_body(ev.data),
                           .error_type = error_type_from_body(ev.data),
                           .body = ev.data};
            if (info.message.empty()) info.message = "an error occurred during streaming";
            throw_provider_error(std::move(info));
        }
        out.push_back(map(j));
    }

    // The fast path's fields applied exactly as map() applies a parsed event, to a chunk made in place at
    // the end of `out` (a StreamChunk is a large struct: every move of it costs, on every event). The
    // event's data becomes the chunk's raw (moved, not copied), last.
    void apply(OpenAIChunkFields& f, std::string& data, std::deque<StreamChunk>& out) {
        StreamChunk& c = out.emplace_back();
        try {
            c.provider = provider_;  // as chunk() labels it
            c.id = std::move(f.id);
            c.model = std::move(f.model);
            c.delta = std::move(f.delta);
            c.reasoning = std::move(f.reasoning);
            note_text(c.delta);
            for (auto& td : f.tool_call_deltas) note_tool_call(std::move(td), c);
            if (f.finish_reason) finish_with(c, std::move(*f.finish_reason));
            if (f.usage) {
                c.usage = f.usage;
                usage_ = *f.usage;
            }
            c.raw = RawJson::from_text(std::move(data));
        } catch (...) {
            out.pop_back();  // a chunk that failed is not handed out half made
            throw;
        }
    }

    // Every field read is checked for its documented type (openai-python types/chat/chat_completion_chunk.py):
    // a wrong-shaped chunk is an error, never an empty one. Unknown fields, and chunks with empty choices
    // (usage only; Azure's prompt_filter_results), carry nothing and are fine.
    StreamChunk map(json& j) {
        StreamChunk c = chunk();
        c.id = string_field(j, "id");
        c.model = string_field(j, "model");
        if (json* choices = array_field(j, "choices")) {
            for (auto& choice : *choices) {
                require_object(choice, "choices[]");
                // StreamChunk describes the first choice; n > 1 streams are not split out.
                if (json_index(choice, "index", 0) != 0) continue;
                if (json* d = object_field(choice, "delta")) {
                    if (auto content = d->find("content"); content != d->end())
                        read_content(*content, c.delta, c.reasoning, TextFrom::stream_event);
                    note_text(c.delta);
                    // DeepSeek-style "reasoning_content"; Groq's and OpenRouter's "reasoning".
                    for (const char* key : {"reasoning_content", "reasoning"}) c.reasoning += string_field(*d, key);
                    if (const json* tcs = array_field(*d, "tool_calls")) {
                        for (const auto& tc : *tcs) {
                            require_object(tc, "tool_calls[]");
                            ToolCallDelta td;
                            td.index = json_index(tc, "index", 0);
                            td.id = string_field(tc, "id");
                            if (const json* fn = object_field(tc, "function")) {
                                td.function = string_field(*fn, "name");
                                // Some compatible servers send the arguments as an object: kept as its text.
                                if (auto args = fn->find("arguments"); args != fn->end() && !args->is_null()) {
                                    if (!args->is_string() && !args->is_object())
                                        wrong_field_type("arguments", "a string", *args);
                                    td.arguments = args->is_string() ? args->get<std::string>() : args->dump();
                                }
                            }
                            note_tool_call(std::move(td), c);
                        }
                    }
                }
                if (const json* fr = typed_field(choice, "finish_reason", json::value_t::string))
                    finish_with(c, fr->get<std::string>());
            }
        }
        const json* usage = object_field(j, "usage");
        // Groq reports stream usage under x_groq.usage instead.
        if (const json* xg = usage == nullptr ? object_field(j, "x_groq") : nullptr) usage = object_field(*xg, "usage");
        if (usage != nullptr) {
            c.usage = openai_parse_usage(*usage);
            usage_ = *c.usage;
        }
        c.raw = std::move(j);
        return c;
    }

    bool fast_path_ = true;
    bool done_marker_ = true;
    bool done_ = false;
};

}  // namespace

std::string openai_reasoning_effort(const Options& o) {
    const Reasoning r = requested_reasoning(o);
    return r.requested() ? effort_name(effort_or_budget(r)) : std::string();
}

json openai_tool_json(const Tool& t) {
    json fn{{"name", t.name}, {"parameters", t.parameters}};
    if (!t.description.empty()) fn["description"] = t.description;
    if (t.strict) fn["strict"] = *t.strict;
    return json{{"type", "function"}, {"function", std::move(fn)}};
}

json openai_tool_choice_json(const std::string& choice) {
    if (choice == "auto" || choice == "none" || choice == "required") return choice;
    return json{{"type", "function"}, {"function", {{"name", choice}}}};
}

Usage openai_parse_usage(const json& u) {
    Usage usage;
    if (!u.is_object()) return usage;
    usage.prompt_tokens = json_count(u, "prompt_tokens");
    usage.completion_tokens = json_count(u, "completion_tokens");
    usage.total_tokens = json_count(u, "total_tokens");
    if (usage.total_tokens == 0) usage.total_tokens = add_counts(usage.prompt_tokens, usage.completion_tokens);
    if (auto d = u.find("prompt_tokens_details"); d != u.end() && d->is_object())
        usage.cached_tokens = json_count(*d, "cached_tokens");
    if (auto d = u.find("completion_tokens_details"); d != u.end() && d->is_object())
        usage.reasoning_tokens = json_count(*d, "reasoning_tokens");
    return usage;
}

json openai_strict_schema(const json& schema) {
    json out = schema;
    make_strict(out, 0);
    return out;
}

json openai_response_format(const ChatRequest& request, bool strict_allowed) {
    if (request.structured == StructuredMode::json_mode) return json{{"type", "json_object"}};
    const auto& rf = request.options.response_format;
    if (request.structured != StructuredMode::native_schema || !rf) return nullptr;
    const bool strict = strict_allowed && rf->strict;
    json spec{{"name", schema_name(rf->name)},
              {"schema", strict ? openai_strict_schema(rf->schema) : rf->schema},
              {"strict", strict}};
    if (!rf->description.empty()) spec["description"] = rf->description;
    return json{{"type", "json_schema"}, {"json_schema", std::move(spec)}};
}

json openai_chat_body(const ChatRequest& request, bool stream, bool include_usage) {
    const Options& o = request.options;
    json messages = json::array();
    for (const auto& m : request.messages) messages.push_back(message_to_json(m));
    json body{{"model", request.model}, {"messages", std::move(messages)}};
    if (o.max_tokens) body["max_tokens"] = *o.max_tokens;
    if (o.temperature) body["temperature"] = *o.temperature;
    if (o.top_p) body["top_p"] = *o.top_p;
    if (!o.stop.empty()) body["stop"] = o.stop;
    if (o.seed) body["seed"] = *o.seed;
    if (!o.tools.empty()) {
        json tools = json::array();
        for (const auto& t : o.tools) tools.push_back(openai_tool_json(t));
        body["tools"] = std::move(tools);
    }
    if (!o.tool_choice.empty()) body["tool_choice"] = openai_tool_choice_json(o.tool_choice);
    if (o.parallel_tool_calls) body["parallel_tool_calls"] = *o.parallel_tool_calls;
    if (std::string effort = openai_reasoning_effort(o); !effort.empty()) body["reasoning_effort"] = std::move(effort);
    if (!o.user.empty()) body["user"] = o.user;
    if (json format = openai_response_format(request, true); !format.is_null())
        body["response_format"] = std::move(format);
    if (stream) {
        body["stream"] = true;
        if (include_usage) body["stream_options"] = {{"include_usage", true}};
    }
    return body;
}

CompletionResponse openai_parse_chat(const std::string& provider, std::string body) {
    // The usual reply takes the fast path; anything unusual or malformed, the full mapper below.
    if (auto fast = openai_parse_chat_fast(provider, body)) {
        fast->raw = RawJson::from_text(std::move(body));
        return std::move(*fast);
    }
    return openai_parse_chat_full(provider, std::move(body));
}

CompletionResponse openai_parse_chat_full(const std::string& provider, std::string body) {
    json j = reply_object(provider, "", body);  // not const: the answer's text is moved out of it
    CompletionResponse r;
    r.provider = provider;
    reading_shape(provider, "", body, "reply", [&] {
        r.id = string_or_empty(j, "id");
        r.model = string_or_empty(j, "model");
        auto choices = j.find("choices");
        if (choices == j.end() || !choices->is_array()) parse_failure(provider, "", "reply has no choices", body);
        for (auto& c : *choices) {
            if (!c.is_object()) parse_failure(provider, "", "reply has a malformed choice", body);
            Choice choice;
            choice.index = json_index(c, "index", static_cast<int>(r.choices.size()));
            choice.finish_reason = string_or_empty(c, "finish_reason");
            static json& kNoMessage = *new json(json::object());  // leaked: the loop thread may parse during exit
            const auto msg_it = c.find("message");
            json& msg = msg_it != c.end() ? *msg_it : kNoMessage;  // a reference: no copy of the message
            const auto role = msg.find("role");
            choice.message.role = role != msg.end() && role->is_string() ? role->get<std::string>() : "assistant";
            std::string text;
            if (auto content = msg.find("content"); content != msg.end())
                read_content(*content, text, choice.message.reasoning, TextFrom::reply);
            read_reasoning(msg, choice.message.reasoning);
            choice.message.content = std::move(text);
            // A structured-output refusal arrives instead of content (openai-python
            // types/chat/chat_completion_message.py `refusal`); kept where the structured layer looks.
            if (auto refusal = msg.find("refusal");
                refusal != msg.end() && refusal->is_string() && !refusal->get_ref<const std::string&>().empty())
                choice.message.provider_data = json{{"refusal", *refusal}};
            if (auto tcs = msg.find("tool_calls"); tcs != msg.end() && tcs->is_array())
                for (const auto& tc : *tcs) choice.message.tool_calls.push_back(read_tool_call(tc));
            r.choices.push_back(std::move(choice));
        }
        if (auto u = j.find("usage"); u != j.end()) r.usage = openai_parse_usage(*u);
    });
    if (!r.choices.empty()) r.finish_reason = r.choices.front().finish_reason;
    r.raw = RawJson::from_text(std::move(body));  // the text, not the tree: held replies cost their bytes
    return r;
}

std::unique_ptr<StreamDecoder> make_openai_stream_decoder(std::string provider, std::string model, bool fast_path,
                                                          bool done_marker) {
    return std::make_unique<OpenAIStreamDecoder>(std::move(provider), std::move(model), fast_path, done_marker);
}

EmbeddingResponse openai_parse_embeddings(const std::string& provider, std::string body) {
    // A large reply of float lists takes the fast path (no tree of millions of numbers); anything unusual,
    // and every small reply, the mapper below.
    if (body.size() >= kLeanParseFrom) {
        if (auto fast = openai_parse_embeddings_fast(provider, body)) {
            fast->raw = RawJson::from_text(std::move(body));
            return std::move(*fast);
        }
    }
    const json j = reply_object(provider, "", body);
    EmbeddingResponse r;
    r.provider = provider;
    reading_shape(provider, "", body, "reply", [&] {
        r.model = string_or_empty(j, "model");
        auto data = j.find("data");
        if (data == j.end() || !data->is_array()) parse_failure(provider, "", "reply has no data", body);
        std::vector<std::pair<std::int64_t, std::vector<double>>> indexed;
        for (const auto& item : *data) {
            const auto& emb = item.at("embedding");
            std::vector<double> v;
            if (emb.is_string())
                v = decode_base64_floats(provider, emb.get<std::string>());
            else
                v = emb.get<std::vector<double>>();
            indexed.emplace_back(json_index(item, "index", static_cast<int>(indexed.size())), std::move(v));
        }
        std::stable_sort(indexed.begin(), indexed.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto& [i, v] : indexed) r.embeddings.push_back(std::move(v));
        if (auto u = j.find("usage"); u != j.end()) r.usage = openai_parse_usage(*u);
    });
    r.raw = RawJson::from_text(std::move(body));  // the text, not the tree: held replies cost their bytes
    return r;
}

std::vector<ModelInfo> openai_parse_model_list(const std::string& provider, const std::string& body) {
    const json j = parse_json(body);  // an object, or Together's bare array
    if (j.is_discarded() || !(j.is_object() || j.is_array())) parse_failure(provider, "", "malformed JSON reply", body);
    std::vector<ModelInfo> out;
    reading_shape(provider, "", body, "model list", [&] {
        const json* list = &j;
        if (j.is_object()) {
            auto data = j.find("data");
            if (data == j.end() || !data->is_array()) parse_failure(provider, "", "model list has no data", body);
            list = &*data;
        }
        for (const auto& item : *list) {
            require_object(item, "data[]");
            ModelInfo m;
            m.provider = provider;
            m.id = string_field(item, "id");
            if (m.id.empty()) parse_failure(provider, "", "a listed model has no id", body);
            m.owned_by = string_or_empty(item, "owned_by");
            if (m.owned_by.empty()) m.owned_by = string_or_empty(item, "organization");  // Together
            for (const char* key : {"display_name", "name"})  // Together; OpenRouter, Mistral
                if (m.display_name.empty()) m.display_name = string_or_empty(item, key);
            if (auto c = item.find("created"); c != item.end() && c->is_number_integer()) m.created = c->get<std::int64_t>();
            // Groq context_window; OpenRouter, Together context_length; Mistral max_context_length; vLLM max_model_len.
            for (const char* key : {"context_window", "context_length", "max_context_length", "max_model_len"}) {
                auto n = item.find(key);
                if (!m.context_window && n != item.end() && n->is_number_integer()) m.context_window = n->get<std::int64_t>();
            }
            m.raw = item;
            out.push_back(std::move(m));
        }
    });
    return out;
}

// --- OpenAICompatibleProvider ---

std::string OpenAICompatibleProvider::chat_url(const std::string& base, const std::string&) const {
    return base + "/chat/completions";
}

std::string OpenAICompatibleProvider::embeddings_url(const std::string& base, const std::string&) const {
    return base + "/embeddings";
}

void OpenAICompatibleProvider::add_bearer(Headers& headers, const std::string& key) {
    headers.emplace_back("Authorization", "Bearer " + key);
}

void OpenAICompatibleProvider::adapt_chat_body(json&, const ChatRequest&, bool) const {}
bool OpenAICompatibleProvider::adapts_chat_body(const ChatRequest&, bool) const { return false; }
void OpenAICompatibleProvider::adapt_embed_body(json&, const EmbedRequest&) const {}
bool OpenAICompatibleProvider::accepts_stream_usage_option(const ChatRequest&) const { return true; }

std::string OpenAICompatibleProvider::request_id(const Headers& headers) const {
    return first_header(headers, {"x-request-id", "request-id"});
}

bool OpenAICompatibleProvider::is_reasoning_model(const std::string& model) {
    for (const char* p : {"o1", "o3", "o4", "gpt-5"}) {
        const std::size_t n = std::strlen(p);
        if (model.compare(0, n, p) == 0 && (model.size() == n || model[n] == '-' || model[n] == '.')) return true;
    }
    return false;
}

bool OpenAICompatibleProvider::sends_max_completion_tokens(const ChatRequest& request) {
    return is_reasoning_model(request.model) && request.options.max_tokens.has_value();
}

void OpenAICompatibleProvider::rename_max_tokens(json& body, const ChatRequest& request) {
    if (is_reasoning_model(request.model) && body.contains("max_tokens")) {
        body["max_completion_tokens"] = body["max_tokens"];
        body.erase("max_tokens");
    }
}

bool OpenAICompatibleProvider::sends_prompt_cache_fields(const ChatRequest& request) {
    return !request.options.prompt_cache.key.empty() || !request.options.prompt_cache.retention.empty() ||
           openai_sends_prompt_cache_options(request) || openai_sends_cache_breakpoints(request);
}

void OpenAICompatibleProvider::add_prompt_cache_fields(json& body, const ChatRequest& request) const {
    const PromptCacheOptions& c = request.options.prompt_cache;
    if (!c.key.empty()) body["prompt_cache_key"] = c.key;
    if (!c.retention.empty()) body["prompt_cache_retention"] = c.retention;
    add_openai_prompt_cache_options(body, request, name());
    if (openai_sends_cache_breakpoints(request)) add_openai_chat_cache_breakpoints(body, request);
}

std::string OpenAICompatibleProvider::require_key(const std::string& override_key,
                                                  std::initializer_list<const char*> variables) const {
    return detail::require_key(name(), override_key, variables);
}

std::string OpenAICompatibleProvider::require_key(const std::string& override_key,
                                                  std::span<const char* const> variables) const {
    return detail::require_key(name(), override_key, variables);
}

bool OpenAICompatibleProvider::uses_responses_api(const std::string&) const { return false; }

std::string OpenAICompatibleProvider::responses_url(const std::string& base) const { return base + "/responses"; }

HttpRequest OpenAICompatibleProvider::build_chat(const ChatRequest& request, bool stream) const {
    const Options& o = request.options;
    if (uses_responses_api(request.model)) {
        HttpRequest http = json_post(name(), request.model, o.timeout,
                                     {.url = responses_url(base_url(o.api_base)),
                                      .accept = stream ? "text/event-stream" : "application/json",
                                      .streaming = stream},
                                     o.extra_headers.size());
        add_auth(http.headers, o.api_key);
        finish_json_request(http, o.extra_headers, openai_responses_body(request, stream), o.extra);
        return http;
    }
    HttpRequest http = json_post(name(), request.model, o.timeout,
                                 {.url = chat_url(base_url(o.api_base), request.model),
                                  .accept = stream ? stream_accept() : "application/json",
                                  .streaming = stream},
                                 o.extra_headers.size());
    add_auth(http.headers, o.api_key);
    const bool include_usage = o.stream_include_usage && accepts_stream_usage_option(request);
    // The usual request is written straight to text; a tree is built only when something must edit it.
    if (o.extra.empty() && !adapts_chat_body(request, stream)) {
        if (auto text = openai_chat_body_text(request, stream, include_usage)) {
            set_headers(http.headers, o.extra_headers);
            http.body = std::move(*text);
            return http;
        }
    }
    json body = openai_chat_body(request, stream, include_usage);
    adapt_chat_body(body, request, stream);
    finish_json_request(http, o.extra_headers, std::move(body), o.extra);
    return http;
}

CompletionResponse OpenAICompatibleProvider::parse_chat(const ChatRequest& request, HttpResponse& response) const {
    const bool responses = uses_responses_api(request.model);
    CompletionResponse r = responses ? openai_responses_parse(name(), std::move(response.body))
                                     : openai_parse_chat(name(), std::move(response.body));
    if (r.model.empty()) r.model = request.model;
    // A reasoning model that spent its whole budget thinking returns no text and no tool call.
    check_reply_budget(r,
                       {.provider = name(),
                        .model = request.model,
                        .status = static_cast<int>(response.status),
                        .request_id = request_id(response.headers)},
                       responses ? kResponsesBudget : kBudget);
    return r;
}

std::unique_ptr<StreamDecoder> OpenAICompatibleProvider::make_stream_decoder(const ChatRequest& request) const {
    if (uses_responses_api(request.model)) return make_openai_responses_stream_decoder(name(), request.model);
    return make_openai_stream_decoder(name(), request.model, true, stream_ends_with_done());
}

HttpRequest OpenAICompatibleProvider::build_embed(const EmbedRequest& request) const {
    if (!supports_embeddings()) return HttpProvider::build_embed(request);  // EmbeddingsNotSupported
    const EmbedOptions& o = request.options;
    if (request.inputs.empty()) invalid_request(name(), request.model, "embed needs at least one input");
    HttpRequest http = json_post(name(), request.model, o.timeout,
                                 {.url = embeddings_url(base_url(o.api_base), request.model)}, o.extra_headers.size());
    add_auth(http.headers, o.api_key);
    json body{{"model", request.model}};
    if (request.single_input)
        body["input"] = request.inputs.front();
    else
        body["input"] = request.inputs;
    if (o.dimensions) body["dimensions"] = *o.dimensions;
    const std::string encoding = o.encoding_format.empty() ? default_encoding_format() : o.encoding_format;
    if (!encoding.empty()) body["encoding_format"] = encoding;
    if (!o.user.empty()) body["user"] = o.user;
    adapt_embed_body(body, request);
    finish_json_request(http, o.extra_headers, std::move(body), o.extra);
    return http;
}

EmbeddingResponse OpenAICompatibleProvider::parse_embed(const EmbedRequest& request, HttpResponse& response) const {
    EmbeddingResponse r = openai_parse_embeddings(name(), std::move(response.body));
    if (r.model.empty()) r.model = request.model;
    check_embedding_count(name(), "", r, request.inputs.size());
    return r;
}

std::optional<HttpRequest> OpenAICompatibleProvider::build_list_models(const ListModelsOptions& options,
                                                                      const std::string&) const {
    if (!supports_model_listing()) return std::nullopt;
    HttpRequest http = models_get(models_url(base_url(options.api_base)), options);
    add_auth(http.headers, options.api_key);
    return http;
}

std::string OpenAICompatibleProvider::parse_list_models(const HttpResponse& response, std::vector<ModelInfo>& out) const {
    for (auto& m : openai_parse_model_list(name(), response.body)) out.push_back(std::move(m));
    return {};  // the OpenAI-format list is one page
}

void OpenAICompatibleProvider::raise_http_error(const std::string& model, const HttpResponse& response) const {
    ErrorInfo info{.provider = name(),
                   .model = model,
                   .status = static_cast<int>(response.status),
                   .request_id = request_id(response.headers),
                   .message = error_message_from_body(response.body),
                   .error_type = error_type_from_body(response.body),
                   .body = response.body};
    throw_for_status(std::move(info), response.headers);
}

}  // namespace llmgate::inline v1::detail
