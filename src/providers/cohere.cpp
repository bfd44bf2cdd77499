// Cohere: v2 chat (buffered and SSE-streamed), tool calls both ways, and v2 embed, on Cohere's own wire format.
// Every field name below was checked against cohere-ai/cohere-python (src/cohere/v2/raw_client.py and
// src/cohere/types/*), the official SDK the request bodies and parsed results are compared with.
#include "providers/cohere.hpp"

#include <algorithm>
#include <cctype>

#include "llmgate/errors.hpp"
#include "providers/base_url.hpp"
#include "providers/factories.hpp"
#include "providers/http_errors.hpp"
#include "providers/http_provider.hpp"
#include "providers/toolkit/adapter_errors.hpp"
#include "providers/toolkit/api_key.hpp"
#include "providers/toolkit/json_fields.hpp"
#include "providers/toolkit/model_list.hpp"
#include "providers/toolkit/json_request.hpp"
#include "providers/toolkit/reasoning.hpp"
#include "providers/toolkit/sse_stream_decoder.hpp"
#include "providers/toolkit/tool_arguments.hpp"

namespace llmgate::inline v1::detail {
namespace {

constexpr const char* kProvider = "cohere";
// cohere-python src/cohere/environment.py: ClientEnvironment.PRODUCTION.
constexpr const char* kDefaultBase = "https://api.cohere.com";

// The buffered reply's and the stream's words when max_tokens ran out before any output.
constexpr OutputBudget kBudget{.name = "max_tokens", .reason = "finish_reason MAX_TOKENS"};

std::string join_reasoning(const std::string& thinking, const std::string& tool_plan) {
    if (thinking.empty()) return tool_plan;
    if (tool_plan.empty()) return thinking;
    return thinking + "\n" + tool_plan;
}

// --- request ---

// User content: a string, or blocks [{type:text},{type:image_url,image_url:{url,detail}}]
// (cohere-python types/content.py, types/image_url.py).
json user_content(const Message& m) {
    if (const auto* s = std::get_if<std::string>(&m.content)) return *s;
    json parts = json::array();
    for (const auto& p : std::get<std::vector<ContentPart>>(m.content)) {
        if (p.type == "text") {
            parts.push_back({{"type", "text"}, {"text", p.text}});
        } else if (p.type == "image_url" && p.image_url) {
            json img{{"url", p.image_url->url}};
            if (!p.image_url->detail.empty()) img["detail"] = p.image_url->detail;
            parts.push_back({{"type", "image_url"}, {"image_url", std::move(img)}});
        } else if (p.type == "image_bytes" && p.image_bytes) {
            // ImageUrl.url takes "either a base64 data URI or a web URL".
            parts.push_back(
                {{"type", "image_url"},
                 {"image_url", {{"url", "data:" + p.image_bytes->mime_type + ";base64," + p.image_bytes->data}}}});
        }
    }
    return parts;
}

// Assistant history (types/chat_message_v2.py AssistantChatMessageV2): content as a string, or as
// [{type:thinking},{type:text}] blocks when a thinking block must be replayed; tool_calls; tool_plan.
json assistant_message(const Message& m) {
    json out{{"role", "assistant"}};
    const std::string text = m.text();
    const std::string thinking = m.provider_data.is_object() ? string_or_empty(m.provider_data, "thinking") : "";
    if (!thinking.empty()) {
        json blocks = json::array({{{"type", "thinking"}, {"thinking", thinking}}});
        if (!text.empty()) blocks.push_back({{"type", "text"}, {"text", text}});
        out["content"] = std::move(blocks);
    } else if (!text.empty() || m.tool_calls.empty()) {
        out["content"] = text;
    }
    if (!m.tool_calls.empty()) {
        json calls = json::array();
        for (const auto& tc : m.tool_calls) {
            calls.push_back(
                {{"id", tc.id},
                 {"type", "function"},
                 {"function",
                  {{"name", tc.function}, {"arguments", tc.arguments_raw.empty() ? "{}" : tc.arguments_raw}}}});
        }
        out["tool_calls"] = std::move(calls);
        // The plan the model wrote before calling tools goes back with the calls. A reply parsed here keeps it
        // in provider_data; a streamed or hand-built turn only has `reasoning`, which is the plan then.
        std::string plan = m.provider_data.is_object() ? string_or_empty(m.provider_data, "tool_plan") : "";
        if (plan.empty() && thinking.empty()) plan = m.reasoning;
        if (!plan.empty()) out["tool_plan"] = plan;
    }
    return out;
}

json message_to_cohere(const Message& m, const std::string& model) {
    if (m.role == "system" || m.role == "developer") return {{"role", "system"}, {"content", m.text()}};
    if (m.role == "user") return {{"role", "user"}, {"content", user_content(m)}};
    if (m.role == "assistant") return assistant_message(m);
    if (m.role == "tool") {
        // ToolChatMessageV2: the result is linked to its call only by tool_call_id, which is required.
        if (m.tool_call_id.empty())
            invalid_request(kProvider, model, "a tool message needs tool_call_id (the id of the call it answers)");
        return {{"role", "tool"}, {"tool_call_id", m.tool_call_id}, {"content", m.text()}};
    }
    invalid_request(kProvider, model, "unsupported message role \"" + m.role + "\" for cohere");
}

json tool_to_cohere(const Tool& t) {
    json fn{{"name", t.name}, {"parameters", t.parameters}};
    if (!t.description.empty()) fn["description"] = t.description;
    return json{{"type", "function"}, {"function", std::move(fn)}};
}

// --- reply ---

ToolCall read_tool_call(const json& tc) {
    ToolCall call;
    call.id = string_or_empty(tc, "id");
    const json* fn = object_at(tc, "function");
    if (fn != nullptr) {
        call.function = string_or_empty(*fn, "name");
        auto args = fn->find("arguments");
        if (args != fn->end() && args->is_string())
            call.arguments_raw = args->get<std::string>();
        else if (args != fn->end() && args->is_object())
            call.arguments_raw = args->dump();
    }
    set_tool_arguments(call, std::move(call.arguments_raw));
    return call;
}

// message.content: a list of {type:text,text} and {type:thinking,thinking} (AssistantMessageResponse);
// a plain string is accepted too. Text strings are moved out of the reply's tree, not copied.
void read_content(json& content, std::string& text, std::string& thinking) {
    if (content.is_string()) return take_string(content, text);
    if (!content.is_array()) return;
    for (auto& block : content) {
        const std::string type = string_or_empty(block, "type");
        if (auto t = block.find("text"); type == "text" && t != block.end() && t->is_string())
            take_string(*t, text);
        else if (type == "thinking")
            thinking += string_or_empty(block, "thinking");
    }
}

class CohereStreamDecoder final : public SseStreamDecoder {
public:
    explicit CohereStreamDecoder(std::string model)
        : SseStreamDecoder(kProvider, std::move(model),
                           {.missing_end = "before message-end", .end = "message-end", .budget = kBudget}) {}

private:
    bool ended() const override { return ended_; }

    // Each data line is one JSON event whose "type" names it; the "event:" line repeats the type
    // (cohere-python parses the data's "type", core/pydantic_utilities.py parse_sse_obj). The fields read are
    // checked for their documented types (types/streamed_chat_response_v2.py and the *_event_delta*.py types
    // it names): a wrong-shaped event is an error, never skipped.
    void on_event(SseEvent& ev, std::deque<StreamChunk>& out) override {
        if (ended_) return;  // nothing after message-end belongs to this reply ("data: [DONE]" included)
        if (ev.data.empty() || ev.data == "[DONE]") return;
        json j = event_object(ev);
        std::string type = string_field(j, "type");
        if (type.empty()) type = ev.event;
        // content-end, tool-call-end, citation-start/end, debug and unknown types carry nothing unified: their
        // fields are not read, whatever their shape.
        if (!reads(type)) return;
        json* delta = object_field(j, "delta");
        json* message = delta != nullptr ? object_field(*delta, "message") : nullptr;

        if (type == "message-start") {
            id_ = string_field(j, "id");
            out.push_back(chunk(id_, model_, std::move(j)));
        } else if (type == "content-start" || type == "content-delta") {
            // delta.message.content is {text} or {thinking}; content-start usually carries "" and its type.
            json* content = message != nullptr ? object_field(*message, "content") : nullptr;
            if (content == nullptr) return;
            StreamChunk c = chunk(id_, model_);
            if (json* text = typed_field(*content, "text", json::value_t::string))
                move_text(*text, c.delta, TextFrom::stream_event);
            c.reasoning = string_field(*content, "thinking");
            if (c.delta.empty() && c.reasoning.empty()) return;
            note_text(c.delta);
            c.raw = std::move(j);
            out.push_back(std::move(c));
        } else if (type == "tool-plan-delta") {
            StreamChunk c = chunk(id_, model_);
            c.reasoning = message != nullptr ? string_field(*message, "tool_plan") : "";
            if (c.reasoning.empty()) return;
            c.raw = std::move(j);
            out.push_back(std::move(c));
        } else if (type == "tool-call-start" || type == "tool-call-delta") {
            // delta.message.tool_calls is ONE call object here, not a list (ChatToolCallStartEventDeltaMessage).
            const json* tc = message != nullptr ? object_field(*message, "tool_calls") : nullptr;
            ToolCallDelta td;
            if (type == "tool-call-start") {
                td.index = index_of(j, next_tool_index_);
                next_tool_index_ = std::max(next_tool_index_, td.index + 1);
                td.id = tc != nullptr ? string_field(*tc, "id") : "";
                // Ids are normally sent; a call without one still needs an id to be answered by.
                if (td.id.empty()) td.id = "call_" + std::to_string(td.index);
            } else {
                td.index = index_of(j, current_tool_index_);
            }
            current_tool_index_ = td.index;
            if (const json* fn = tc != nullptr ? object_field(*tc, "function") : nullptr) {
                td.function = string_field(*fn, "name");
                td.arguments = string_field(*fn, "arguments");
            }
            StreamChunk c = chunk(id_, model_, std::move(j));
            note_tool_call(std::move(td), c);
            out.push_back(std::move(c));
        } else if (type == "message-end") {
            ended_ = true;
            const std::string error = delta != nullptr ? string_field(*delta, "error") : "";
            if (!error.empty()) {
                // A failure the server reported after the 200 status (ChatMessageEndEventDelta.error).
                throw_provider_error(
                    ErrorInfo{.provider = kProvider, .model = model_, .status = 0, .message = error, .body = ev.data});
            }
            StreamChunk c = chunk(id_, model_);
            const std::string reason =
                cohere_finish_reason(delta != nullptr ? string_field(*delta, "finish_reason") : "");
            // Without a finish_reason a reply that said something ended normally; one that said nothing at all
            // is no answer (the base's finish raises it), not an empty "stop".
            finish_with(c, reason.empty() && saw_output_ ? "stop" : reason);
            if (const json* u = delta != nullptr ? object_field(*delta, "usage") : nullptr) {
                c.usage = cohere_parse_usage(*u);
                usage_ = *c.usage;
            }
            c.raw = std::move(j);
            out.push_back(std::move(c));
        }
    }

    // The event types whose fields this decoder reads.
    static bool reads(const std::string& type) {
        for (const char* t : {"message-start", "content-start", "content-delta", "tool-plan-delta", "tool-call-start",
                              "tool-call-delta", "message-end"})
            if (type == t) return true;
        return false;
    }

    static int index_of(const json& j, int fallback) {
        auto it = j.find("index");
        if (it == j.end() || it->is_null()) return fallback;
        if (!it->is_number_integer()) wrong_field_type("index", "an integer", *it);
        const auto v = it->get<std::int64_t>();
        if (v >= 0 && v < 1 << 20) return static_cast<int>(v);
        return fallback;
    }

    std::string id_;
    int next_tool_index_ = 0;
    int current_tool_index_ = 0;
    bool ended_ = false;
};

// --- the provider ---

class CohereProvider final : public HttpProvider {
public:
    CohereProvider() : HttpProvider(kProvider) {}

    // response_format (JSON mode, with or without a schema) on Command R and newer; image_url content
    // parts (web URLs or data URIs) on its vision models; v2 embed takes at most 96 texts per call
    // (docs.cohere.com/v2/reference/embed: "Maximum number of texts per call is 96").
    Capabilities capabilities(const std::string&) const override {
        Capabilities c;
        c.native_schema = true;
        c.json_mode = true;
        c.max_embedding_inputs = 96;
        return c;
    }

protected:
    HttpRequest build_chat(const ChatRequest& request, bool stream) const override {
        const Options& o = request.options;
        HttpRequest http =
            base_request(o.api_base, "/v2/chat", o.api_key, request.model, o.timeout, o.extra_headers.size(), stream);
        finish_json_request(http, o.extra_headers, cohere_chat_body(request, stream), o.extra);
        return http;
    }

    CompletionResponse parse_chat(const ChatRequest& request, HttpResponse& response) const override {
        CompletionResponse r = cohere_parse_chat(std::move(response.body));
        r.model = request.model;  // a v2 chat reply names no model
        check_reply_budget(r,
                           {.provider = kProvider,
                            .model = request.model,
                            .status = static_cast<int>(response.status),
                            .request_id = request_id(response.headers)},
                           kBudget);
        return r;
    }

    std::unique_ptr<StreamDecoder> make_stream_decoder(const ChatRequest& request) const override {
        return make_cohere_stream_decoder(request.model);
    }

    HttpRequest build_embed(const EmbedRequest& request) const override {
        const EmbedOptions& o = request.options;
        if (request.inputs.empty()) invalid_request(kProvider, request.model, "embed needs at least one input");
        HttpRequest http =
            base_request(o.api_base, "/v2/embed", o.api_key, request.model, o.timeout, o.extra_headers.size(), false);
        finish_json_request(http, o.extra_headers, cohere_embed_body(request), o.extra);
        return http;
    }

    EmbeddingResponse parse_embed(const EmbedRequest& request, HttpResponse& response) const override {
        EmbeddingResponse r = cohere_parse_embed(std::move(response.body));
        r.model = request.model;
        check_embedding_count(kProvider, request.model, r, request.inputs.size());
        return r;
    }

    // GET /v1/models (cohere-python resources models.list): page_size up to 1000, page_token from the previous
    // page's next_page_token.
    std::optional<HttpRequest> build_list_models(const ListModelsOptions& options,
                                                 const std::string& page_token) const override {
        std::string url =
            pick_base_url(options.api_base, {"COHERE_BASE_URL", "CO_API_URL"}, kDefaultBase) + "/v1/models?page_size=1000";
        if (!page_token.empty()) url += "&page_token=" + query_escape(page_token);
        HttpRequest http = models_get(std::move(url), options);
        http.headers.emplace_back("Authorization",
                                  "Bearer " + require_key(kProvider, options.api_key, {"COHERE_API_KEY", "CO_API_KEY"}));
        return http;
    }

    // {"models":[{"name","endpoints":[...],"context_length"(a number),...}],"next_page_token"}
    std::string parse_list_models(const HttpResponse& response, std::vector<ModelInfo>& out) const override {
        const json j = reply_object(kProvider, "", response.body);
        std::string next;
        reading_shape(kProvider, "", response.body, "model list", [&] {
            const json* models = array_field(j, "models");
            if (models == nullptr) parse_failure(kProvider, "", "model list has no models", response.body);
            for (const auto& item : *models) {
                require_object(item, "models[]");
                ModelInfo m{.id = required_string(item, "name"), .provider = kProvider};
                // The SDK types context_length as a float; a whole number of tokens either way.
                if (auto n = item.find("context_length"); n != item.end() && n->is_number())
                    m.context_window = static_cast<std::int64_t>(n->get<double>());
                m.raw = item;
                out.push_back(std::move(m));
            }
            next = string_field(j, "next_page_token");
        });
        return next;
    }

    [[noreturn]] void raise_http_error(const std::string& model, const HttpResponse& response) const override {
        ErrorInfo info{.provider = kProvider,
                       .model = model,
                       .status = static_cast<int>(response.status),
                       .request_id = request_id(response.headers),
                       .message = error_message_from_body(response.body),  // Cohere sends {"id"?, "message"}
                       .error_type = error_type_from_body(response.body),
                       .body = response.body.substr(0, 2000)};
        // cohere-python raises InvalidTokenError for 498: a rejected key, so an AuthError here.
        if (info.status == 498) throw AuthError(std::move(info));
        // 503 ServiceUnavailableError is Cohere's "overloaded, retry later" (the SDK retries it).
        throw_for_status(std::move(info), response.headers, {503});
    }

private:
    // COHERE_BASE_URL is llmgate's name; CO_API_URL is the one cohere-python reads (client.py). The key is the
    // per-call one, else COHERE_API_KEY, else CO_API_KEY (which cohere-python prefers; it accepts both,
    // client.py _get_api_key_from_environment).
    static HttpRequest base_request(const std::string& override_base, const char* path, const std::string& override_key,
                                    const std::string& model, std::chrono::milliseconds timeout,
                                    std::size_t extra_headers, bool stream) {
        HttpRequest http =
            json_post(kProvider, model, timeout,
                      {.url = pick_base_url(override_base, {"COHERE_BASE_URL", "CO_API_URL"}, kDefaultBase) + path,
                       .accept = stream ? "text/event-stream" : "application/json",
                       .streaming = stream},
                      extra_headers);
        http.headers.emplace_back(
            "Authorization", "Bearer " + require_key(kProvider, override_key, {"COHERE_API_KEY", "CO_API_KEY"}, model));
        return http;
    }

    // Cohere documents no request-id header; x-debug-trace-id is the id its gateway returns on every reply.
    static std::string request_id(const Headers& headers) {
        return first_header(headers, {"x-debug-trace-id", "x-request-id", "request-id"});
    }
};

}  // namespace

std::string cohere_finish_reason(const std::string& reason) {
    // cohere-python types/chat_finish_reason.py
    if (reason == "COMPLETE" || reason == "STOP_SEQUENCE") return "stop";
    if (reason == "MAX_TOKENS") return "length";
    if (reason == "TOOL_CALL") return "tool_calls";
    if (reason == "ERROR") return "error";
    if (reason == "TIMEOUT") return "timeout";
    std::string lower = reason;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    return lower;
}

Usage cohere_parse_usage(const json& u) {
    Usage usage;
    if (!u.is_object()) return usage;
    // usage.tokens counts what the model read and wrote; billed_units is what was charged (it leaves out
    // the prompt template tokens). The unified counts are token counts, so `tokens` wins when present.
    const json* counts = object_at(u, "tokens");
    if (counts == nullptr) counts = object_at(u, "billed_units");
    if (counts != nullptr) {
        usage.prompt_tokens = json_number_count(*counts, "input_tokens");
        usage.completion_tokens = json_number_count(*counts, "output_tokens");
    }
    usage.cached_tokens = json_number_count(u, "cached_tokens");  // "prompt tokens that hit the inference cache"
    usage.total_tokens = add_counts(usage.prompt_tokens, usage.completion_tokens);
    return usage;
}

json cohere_chat_body(const ChatRequest& request, bool stream) {
    const Options& o = request.options;
    json messages = json::array();
    for (const auto& m : request.messages) messages.push_back(message_to_cohere(m, request.model));
    json body{{"model", request.model}, {"messages", std::move(messages)}};

    // tool_choice is only "REQUIRED" or "NONE" (v2/types/v2chat_request_tool_choice.py); "auto" is the
    // default and is omitted. Forcing one named tool = REQUIRED with only that tool offered.
    std::vector<const Tool*> tools;
    for (const auto& t : o.tools) tools.push_back(&t);
    const std::string& choice = o.tool_choice;
    if (!choice.empty() && choice != "auto" && choice != "none" && choice != "required") {
        auto it = std::find_if(tools.begin(), tools.end(), [&](const Tool* t) { return t->name == choice; });
        if (it == tools.end())
            invalid_request(kProvider, request.model,
                            "tool_choice names \"" + choice + "\", which is not among the tools");
        tools = {*it};
    }
    if (!tools.empty()) {
        json arr = json::array();
        bool strict = false;
        for (const Tool* t : tools) {
            arr.push_back(tool_to_cohere(*t));
            strict = strict || (t->strict && *t->strict);
        }
        body["tools"] = std::move(arr);
        if (strict) body["strict_tools"] = true;  // Cohere's switch is per request, not per tool
    }
    if (choice == "none")
        body["tool_choice"] = "NONE";
    else if (!choice.empty() && choice != "auto")
        body["tool_choice"] = "REQUIRED";

    if (o.max_tokens) body["max_tokens"] = *o.max_tokens;
    if (!o.stop.empty()) body["stop_sequences"] = o.stop;
    if (o.temperature) body["temperature"] = *o.temperature;
    if (o.seed) body["seed"] = *o.seed;
    if (o.top_p) body["p"] = *o.top_p;
    // types/response_format_v2.py JsonObjectResponseFormatV2: {type: "json_object", json_schema?}; the
    // schema goes in as given (no name or strict field in Cohere's format).
    if (request.structured == StructuredMode::json_mode) {
        body["response_format"] = {{"type", "json_object"}};
    } else if (request.structured == StructuredMode::native_schema && o.response_format) {
        body["response_format"] = {{"type", "json_object"}, {"json_schema", o.response_format->schema}};
    }
    // types/thinking.py Thinking {type: "enabled" | "disabled", token_budget?}: reasoning models think by default;
    // none (or a budget of 0) turns it off; a budget, else the effort's (toolkit/reasoning.hpp effort_budget), is
    // the token_budget. Before Options::extra, which wins.
    if (const Reasoning r = requested_reasoning(o, kProvider, request.model); r.requested()) {
        if (r.off())
            body["thinking"] = {{"type", "disabled"}};
        else
            body["thinking"] = {{"type", "enabled"}, {"token_budget", r.budget ? *r.budget : effort_budget(*r.effort)}};
    }
    body["stream"] = stream;  // the SDK always sends it: true from chat_stream, false from chat
    return body;
}

CompletionResponse cohere_parse_chat(std::string body) {
    json j = reply_object(kProvider, "", body);  // not const: the answer's text is moved out of it
    CompletionResponse r;
    r.provider = kProvider;
    reading_shape(kProvider, "", body, "reply", [&] {
        r.id = string_or_empty(j, "id");
        json* msg = object_at(j, "message");
        if (msg == nullptr) parse_failure(kProvider, "", "reply has no message", body);
        Choice choice;
        choice.message.role = "assistant";
        std::string text, thinking;
        // The reply text is under message.content[], never a top-level "text" (that was v1).
        if (auto c = msg->find("content"); c != msg->end()) read_content(*c, text, thinking);
        choice.message.content = std::move(text);
        if (auto tcs = msg->find("tool_calls"); tcs != msg->end() && tcs->is_array())
            for (const auto& tc : *tcs) choice.message.tool_calls.push_back(read_tool_call(tc));
        const std::string plan = string_or_empty(*msg, "tool_plan");
        choice.message.reasoning = join_reasoning(thinking, plan);
        if (!plan.empty() || !thinking.empty()) {
            json data = json::object();
            if (!plan.empty()) data["tool_plan"] = plan;
            if (!thinking.empty()) data["thinking"] = thinking;
            choice.message.provider_data = std::move(data);
        }
        choice.finish_reason = cohere_finish_reason(string_or_empty(j, "finish_reason"));
        r.finish_reason = choice.finish_reason;
        r.choices.push_back(std::move(choice));
        if (const json* u = object_at(j, "usage")) r.usage = cohere_parse_usage(*u);
    });
    r.raw = RawJson::from_text(std::move(body));  // the text, not the tree: held replies cost their bytes
    return r;
}

std::unique_ptr<StreamDecoder> make_cohere_stream_decoder(std::string model) {
    return std::make_unique<CohereStreamDecoder>(std::move(model));
}

json cohere_embed_body(const EmbedRequest& request) {
    const EmbedOptions& o = request.options;
    // v2 embed always takes a list of texts, even for one input.
    json body{{"model", request.model}, {"texts", request.inputs}};
    // input_type is required by v2 for embed v3+ models; a stored document is the common case.
    body["input_type"] = o.input_type.empty() ? "search_document" : o.input_type;
    // embedding_types is required by v2 embed; llmgate returns float vectors.
    body["embedding_types"] = json::array({"float"});
    if (!o.truncate.empty()) {
        std::string t = o.truncate;
        std::transform(t.begin(), t.end(), t.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
        body["truncate"] = t;  // NONE | START | END
    }
    if (o.dimensions) body["output_dimension"] = *o.dimensions;  // embed-v4 and newer
    return body;
}

EmbeddingResponse cohere_parse_embed(std::string body) {
    const json j = reply_object(kProvider, "", body);
    EmbeddingResponse r;
    r.provider = kProvider;
    reading_shape(kProvider, "", body, "reply", [&] {
        const json* by_type = object_at(j, "embeddings");
        const json* floats = nullptr;
        if (by_type != nullptr) {
            auto it = by_type->find("float");
            if (it != by_type->end() && it->is_array()) floats = &*it;
        }
        if (floats == nullptr) parse_failure(kProvider, "", "reply has no embeddings.float", body);
        for (const auto& v : *floats) r.embeddings.push_back(v.get<std::vector<double>>());
        if (const json* meta = object_at(j, "meta")) {
            const json* counts = object_at(*meta, "tokens");
            if (counts == nullptr) counts = object_at(*meta, "billed_units");
            if (counts != nullptr) r.usage.prompt_tokens = json_number_count(*counts, "input_tokens");
            r.usage.total_tokens = r.usage.prompt_tokens;
        }
    });
    r.raw = RawJson::from_text(std::move(body));  // the text, not the tree: held replies cost their bytes
    return r;
}

std::unique_ptr<Provider> make_cohere_provider() { return std::make_unique<CohereProvider>(); }

}  // namespace llmgate::inline v1::detail
