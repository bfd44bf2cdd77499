// Ollama: the native API (POST {OLLAMA_HOST}/api/chat and /api/embed), NDJSON streaming, no key needed.
//
// Wire facts checked against ollama/ollama api/types.go (ChatRequest, Message, ToolCall, Metrics,
// EmbedRequest/EmbedResponse), server/routes.go (errors, tool-call ids), docs/api.md, docs/api/errors.mdx,
// and ollama/ollama-python ollama/_client.py (_parse_host, OLLAMA_API_KEY, mid-stream {"error"} lines).
#include "providers/ollama.hpp"

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <map>
#include <utility>

#include "llmgate/errors.hpp"
#include "providers/factories.hpp"
#include "providers/http_errors.hpp"
#include "providers/http_provider.hpp"
#include "providers/toolkit/adapter_errors.hpp"
#include "providers/toolkit/api_key.hpp"
#include "providers/toolkit/json_fields.hpp"
#include "providers/toolkit/model_list.hpp"
#include "providers/toolkit/json_request.hpp"
#include "providers/toolkit/output_budget.hpp"
#include "providers/toolkit/reasoning.hpp"
#include "transport/ndjson.hpp"
#include "util/environment.hpp"
#include "util/json_parse.hpp"

namespace llmgate::inline v1::detail {
namespace {

constexpr const char* kProvider = "ollama";
constexpr const char* kDefaultHost = "http://localhost:11434";

// The buffered reply's and the stream's words when num_predict ran out before any output.
constexpr OutputBudget kBudget{.name = "num_predict (max_tokens)", .reason = "done_reason \"length\""};

// message.content / message.thinking: a string, or absent/null; anything else is not Ollama's reply.
// A buffered reply's text is moved out of its tree (the reply keeps its body text as raw); a stream line's
// is moved only when large (read_event_string), since the chunk keeps the line's tree as raw.
std::string text_field(json& j, const char* key, TextFrom from) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return {};
    if (!it->is_string()) throw json::type_error::create(302, std::string(key) + " must be a string", nullptr);
    std::string out;
    move_text(*it, out, from);
    return out;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Ollama reports no cache or reasoning split: prompt_eval_count and eval_count are all it sends
// (api/types.go Metrics; both omitted when zero).
Usage usage_from(const json& j) {
    Usage u;
    u.prompt_tokens = json_count(j, "prompt_eval_count");
    u.completion_tokens = json_count(j, "eval_count");
    u.total_tokens = add_counts(u.prompt_tokens, u.completion_tokens);
    return u;
}

// done_reason is "stop" or "length" (llm/server.go DoneReason.String), or "load"/"unload" for
// requests without messages. A reply that calls tools still says "stop", so tool calls win.
std::string finish_reason_from(const json& j, bool has_tool_calls) {
    std::string reason = string_field(j, "done_reason");
    if (has_tool_calls && (reason.empty() || reason == "stop")) return "tool_calls";
    return reason.empty() ? "stop" : reason;  // older servers sent no done_reason
}

// Ollama sends tool-call arguments as a JSON object, never as a string; arguments_raw is its dump.
ToolCall tool_call_from(const json& tc, int index) {
    ToolCall call;
    require_object(tc, "tool_calls[]");
    const json* fn_field = object_field(tc, "function");
    const json fn = fn_field != nullptr ? *fn_field : json::object();
    call.function = string_field(fn, "name");
    auto args = fn.find("arguments");
    if (args == fn.end() || args->is_null()) {
        call.arguments_raw = "{}";
    } else if (args->is_string()) {  // not Ollama's shape, but keep whatever text a proxy put there
        call.arguments_raw = args->get<std::string>().empty() ? "{}" : args->get<std::string>();
    } else {
        call.arguments_raw = args->dump();
    }
    call.arguments = json::parse(call.arguments_raw, nullptr, false);
    if (call.arguments.is_discarded()) call.arguments = nullptr;
    // Recent servers give "call_xxxxxxxx" ids (server/routes.go toolCallId); older ones none.
    call.id = string_or_empty(tc, "id");
    if (call.id.empty()) call.id = ollama_tool_call_id(index, call.function, call.arguments_raw);
    return call;
}

// The error a {"error": "..."} object stands for: Ollama says "model 'x' not found" (404 before a
// stream starts; the same words may come as a mid-stream line).
[[noreturn]] void throw_error_object(const std::string& model, const std::string& body, int status) {
    ErrorInfo info{.provider = kProvider,
                   .model = model,
                   .status = status,
                   .message = error_message_from_body(body),
                   .body = body.substr(0, 2000)};
    if (info.message.empty()) info.message = "Ollama reported an error";
    const std::string m = lower(info.message);
    if (m.find("model") != std::string::npos && m.find("not found") != std::string::npos)
        throw ModelNotFoundError(std::move(info));
    throw_provider_error(std::move(info));
}

// --- request building ---

std::string base64_of_data_url(const std::string& url) {
    const auto comma = url.find(',');
    if (url.compare(0, 5, "data:") != 0 || comma == std::string::npos ||
        url.substr(0, comma).find(";base64") == std::string::npos)
        throw InvalidRequestError(
            ErrorInfo{.provider = kProvider,
                      .message = "Ollama takes images as base64 bytes, not URLs: use ContentPart::image_from_bytes "
                                 "or a data:<mime>;base64,... URL"});
    return url.substr(comma + 1);
}

// Ollama's message content is one string; images go beside it as base64 strings (api/types.go Message).
void put_content(json& out, const Message& m) {
    if (const auto* s = std::get_if<std::string>(&m.content)) {
        out["content"] = *s;
        return;
    }
    std::string text;
    json images = json::array();
    for (const auto& p : std::get<std::vector<ContentPart>>(m.content)) {
        if (p.type == "text") {
            text += p.text;
        } else if (p.type == "image_bytes" && p.image_bytes) {
            images.push_back(p.image_bytes->data);
        } else if (p.type == "image_url" && p.image_url) {
            images.push_back(base64_of_data_url(p.image_url->url));
        }
    }
    out["content"] = std::move(text);
    if (!images.empty()) out["images"] = std::move(images);
}

json tool_call_to_wire(const ToolCall& tc) {
    // Sent back as an OBJECT: Ollama's ToolCallFunctionArguments does not accept a JSON string.
    json args = tc.arguments;
    if (!args.is_object()) args = json::parse(tc.arguments_raw.empty() ? "{}" : tc.arguments_raw, nullptr, false);
    if (!args.is_object())
        throw InvalidRequestError(ErrorInfo{
            .provider = kProvider,
            .message =
                "tool call '" + tc.function + "' has arguments that are not a JSON object; Ollama needs an object"});
    json out{{"function", {{"name", tc.function}, {"arguments", std::move(args)}}}};
    if (!tc.id.empty()) out["id"] = tc.id;  // api/types.go ToolCall.ID; older servers ignore it
    return out;
}

json message_to_wire(const Message& m, const std::map<std::string, std::string>& tool_names) {
    // Ollama knows system/user/assistant/tool; OpenAI's "developer" is its system prompt.
    json out{{"role", m.role == "developer" ? std::string("system") : m.role}};
    put_content(out, m);
    if (m.role == "assistant") {
        if (!m.reasoning.empty()) out["thinking"] = m.reasoning;  // replayed for thinking models' templates
        if (!m.tool_calls.empty()) {
            json calls = json::array();
            for (const auto& tc : m.tool_calls) calls.push_back(tool_call_to_wire(tc));
            out["tool_calls"] = std::move(calls);
        }
    } else if (m.role == "tool") {
        // The docs name the tool with tool_name; api/types.go also takes tool_call_id. Send both.
        std::string name = m.name;
        if (name.empty()) {
            auto it = tool_names.find(m.tool_call_id);
            if (it != tool_names.end()) name = it->second;
        }
        if (!name.empty()) out["tool_name"] = name;
        if (!m.tool_call_id.empty()) out["tool_call_id"] = m.tool_call_id;
    }
    return out;
}

json tool_to_wire(const Tool& t) {
    json fn{{"name", t.name}, {"parameters", t.parameters}};
    if (!t.description.empty()) fn["description"] = t.description;
    return json{{"type", "function"}, {"function", std::move(fn)}};
}

// --- stream decoding ---

class OllamaStreamDecoder final : public StreamDecoder {
public:
    explicit OllamaStreamDecoder(std::string model) : model_(std::move(model)) {}

    void feed(std::string_view bytes, std::deque<StreamChunk>& out) override {
        rethrow_pending();
        try {
            ndjson_.feed(bytes, lines_);
        } catch (const ResponseParseError& e) {
            drain(out);  // the complete lines before the overlong one still count
            rethrow_pending();
            relabel(e);
        }
        drain(out);
    }

    void finish(std::deque<StreamChunk>& out) override {
        rethrow_pending();
        ndjson_.finish(lines_);
        drain(out);
        rethrow_pending();
        if (!done_) stream_cut_short(kProvider, model_, "without its \"done\": true line");
        check_stream_answered(kProvider, model_, "its \"done\": true line", answered_reason_, saw_output_);
        check_stream_budget(kProvider, model_, finish_reason_, saw_output_, usage_, kBudget);
    }

private:
    [[noreturn]] void relabel(const ResponseParseError& e) {
        ErrorInfo info = e.info();
        info.provider = kProvider;
        info.model = model_;
        throw ResponseParseError(std::move(info));
    }

    // An error line that arrives in the same read as good lines is raised only after those lines'
    // chunks have been handed out, so the caller sees everything that came before the failure.
    void drain(std::deque<StreamChunk>& out) {
        std::vector<std::string> lines;
        lines.swap(lines_);
        const std::size_t before = out.size();
        for (const auto& line : lines) {
            try {
                handle(line, out);
            } catch (const Error&) {
                if (out.size() == before) throw;
                pending_ = std::current_exception();
                return;
            }
        }
    }

    void rethrow_pending() {
        if (pending_) std::rethrow_exception(std::exchange(pending_, nullptr));
    }

    void handle(const std::string& line, std::deque<StreamChunk>& out) {
        if (done_) return;  // nothing after the done line belongs to this reply
        json j = parse_json(line);
        if (j.is_discarded() || !j.is_object()) parse_failure(kProvider, model_, "malformed stream line", line);
        if (auto e = j.find("error"); e != j.end() && !e->is_null()) throw_error_object(model_, line, 0);
        reading_shape(kProvider, model_, line, "stream line", [&] { out.push_back(map(j)); });
    }

    StreamChunk map(json& j) {
        StreamChunk c;
        c.provider = kProvider;
        // Checked for their documented types (api/types.go ChatResponse, Message, ToolCall): a wrong-shaped
        // line is an error, never skipped; unknown fields are fine.
        c.model = string_field(j, "model");
        if (json* m = object_field(j, "message")) {
            c.delta = text_field(*m, "content", TextFrom::stream_event);
            c.reasoning = text_field(*m, "thinking", TextFrom::stream_event);
            saw_output_ = saw_output_ || !c.delta.empty();
            if (const json* tcs = array_field(*m, "tool_calls")) {
                // Each call arrives whole in one line: one delta per call, with the next free index.
                for (const auto& tc : *tcs) {
                    const ToolCall call = tool_call_from(tc, next_index_);
                    ToolCallDelta d{.index = next_index_++,
                                    .id = call.id,
                                    .function = call.function,
                                    .arguments = call.arguments_raw};
                    assembler_.add(d);
                    saw_output_ = true;
                    c.tool_call_deltas.push_back(std::move(d));
                }
            }
        }
        const json* done = typed_field(j, "done", json::value_t::boolean);
        if (done != nullptr && done->get<bool>()) {
            done_ = true;
            // The done line carries the token counts and the reason; a done line without a done_reason after
            // no content at all is no answer (older servers that sent none always sent content first).
            answered_reason_ = string_field(j, "done_reason");
            c.finish_reason = finish_reason_from(j, !assembler_.empty());
            finish_reason_ = c.finish_reason;
            usage_ = usage_from(j);
            c.usage = usage_;
            if (!assembler_.empty()) c.tool_calls = assembler_.build();
        }
        c.raw = std::move(j);
        return c;
    }

    std::string model_;
    NdjsonParser ndjson_;
    std::vector<std::string> lines_;
    ToolCallAssembler assembler_;
    int next_index_ = 0;
    bool done_ = false;
    bool saw_output_ = false;
    std::string finish_reason_;
    std::string answered_reason_;  // the done line's own done_reason, "" when it sent none
    Usage usage_;
    std::exception_ptr pending_;
};

// --- the provider ---

// ConnectionError before any HTTP reply: most often Ollama is not running or OLLAMA_HOST is wrong.
std::exception_ptr with_host_hint(std::exception_ptr err, const std::string& host) {
    if (!err) return err;
    try {
        std::rethrow_exception(err);
    } catch (const ConnectionError& e) {
        if (e.status() != 0) return err;
        ErrorInfo info = e.info();
        info.message = "could not connect to Ollama at " + host + " (" + info.message +
                       "): check that Ollama is running (`ollama serve`) and that OLLAMA_HOST points to it";
        return std::make_exception_ptr(ConnectionError(std::move(info)));
    } catch (...) {
        return err;
    }
}

class OllamaProvider final : public HttpProvider {
public:
    OllamaProvider() : HttpProvider(kProvider) {}

    Capabilities capabilities(const std::string& model) const override { return ollama_capabilities(model); }

    CompletionResponse complete(const ChatRequest& request) override {
        return hinted(request.options.api_base, [&] { return HttpProvider::complete(request); });
    }
    Stream stream(const ChatRequest& request) override {
        return hinted(request.options.api_base, [&] { return HttpProvider::stream(request); });
    }
    EmbeddingResponse embed(const EmbedRequest& request) override {
        return hinted(request.options.api_base, [&] { return HttpProvider::embed(request); });
    }
    std::vector<ModelInfo> list_models(const ListModelsOptions& options) override {
        return hinted(options.api_base, [&] { return HttpProvider::list_models(options); });
    }
    void complete_async(ChatRequest&& request, Callback<CompletionResponse> done) override {
        std::string host = ollama_host(request.options.api_base);
        HttpProvider::complete_async(std::move(request),
                                     [host, done = std::move(done)](std::exception_ptr e, CompletionResponse r) {
                                         done(with_host_hint(e, host), std::move(r));
                                     });
    }
    void stream_async(ChatRequest request, Callback<Stream> ready) override {
        std::string host = ollama_host(request.options.api_base);
        HttpProvider::stream_async(std::move(request),
                                   [host, ready = std::move(ready)](std::exception_ptr e, Stream s) {
                                       ready(with_host_hint(e, host), std::move(s));
                                   });
    }
    void embed_async(EmbedRequest request, Callback<EmbeddingResponse> done) override {
        std::string host = ollama_host(request.options.api_base);
        HttpProvider::embed_async(std::move(request),
                                  [host, done = std::move(done)](std::exception_ptr e, EmbeddingResponse r) {
                                      done(with_host_hint(e, host), std::move(r));
                                  });
    }

protected:
    HttpRequest build_chat(const ChatRequest& request, bool stream) const override {
        const Options& o = request.options;
        HttpRequest http = base_request({.url = ollama_host(o.api_base) + "/api/chat",
                                         .accept = stream ? "application/x-ndjson" : "application/json",
                                         .streaming = stream},
                                        request.model, o);
        finish_json_request(http, o.extra_headers, ollama_chat_body(request, stream));
        return http;
    }

    CompletionResponse parse_chat(const ChatRequest& request, HttpResponse& response) const override {
        CompletionResponse r = ollama_parse_chat(request.model, std::move(response.body));
        check_reply_budget(
            r, {.provider = kProvider, .model = request.model, .status = static_cast<int>(response.status)}, kBudget);
        return r;
    }

    std::unique_ptr<StreamDecoder> make_stream_decoder(const ChatRequest& request) const override {
        return make_ollama_stream_decoder(request.model);
    }

    HttpRequest build_embed(const EmbedRequest& request) const override {
        const EmbedOptions& o = request.options;
        HttpRequest http = base_request({.url = ollama_host(o.api_base) + "/api/embed"}, request.model, o);
        finish_json_request(http, o.extra_headers, ollama_embed_body(request));
        return http;
    }

    EmbeddingResponse parse_embed(const EmbedRequest& request, HttpResponse& response) const override {
        return ollama_parse_embed(request, std::move(response.body));
    }

    // GET /api/tags (ollama docs/api.md "List Local Models"): the models pulled on this server, one page.
    std::optional<HttpRequest> build_list_models(const ListModelsOptions& options, const std::string&) const override {
        HttpRequest http = models_get(ollama_host(options.api_base) + "/api/tags", options);
        if (std::string key = find_key(options.api_key, {"OLLAMA_API_KEY"}); !key.empty())
            http.headers.emplace_back("Authorization", "Bearer " + key);
        return http;
    }

    // {"models":[{"name":"llama3.2:latest","model":"llama3.2:latest","modified_at","size","digest","details":{...}}]}
    std::string parse_list_models(const HttpResponse& response, std::vector<ModelInfo>& out) const override {
        const json j = reply_object(kProvider, "", response.body);
        reading_shape(kProvider, "", response.body, "model list", [&] {
            const json* models = array_field(j, "models");
            if (models == nullptr) parse_failure(kProvider, "", "model list has no models", response.body);
            for (const auto& item : *models) {
                require_object(item, "models[]");
                std::string id = string_field(item, "name");
                if (id.empty()) id = required_string(item, "model");
                ModelInfo m{.id = std::move(id), .provider = kProvider};
                m.raw = item;
                out.push_back(std::move(m));
            }
        });
        return {};
    }

    void raise_http_error(const std::string& model, const HttpResponse& response) const override {
        ErrorInfo info{.provider = kProvider,
                       .model = model,
                       .status = static_cast<int>(response.status),
                       .request_id = first_header(response.headers, {"x-request-id", "request-id"}),
                       .message = error_message_from_body(response.body),
                       .error_type = error_type_from_body(response.body),
                       .body = response.body};
        // 503 is Ollama's "server busy ... maximum pending requests exceeded" (server/routes.go ErrMaxQueue).
        throw_for_status(std::move(info), response.headers, {503});
    }

private:
    template <class F>
    static auto hinted(const std::string& api_base, F&& call) -> decltype(call()) {
        try {
            return call();
        } catch (const ConnectionError&) {
            std::rethrow_exception(with_host_hint(std::current_exception(), ollama_host(api_base)));
        }
    }

    // A local server needs no key. A key (per call, else OLLAMA_API_KEY as ollama-python reads it) is sent as a
    // bearer token, for ollama.com or an authenticating proxy in front of Ollama.
    template <class CallOptions>
    static HttpRequest base_request(JsonPost post, const std::string& model, const CallOptions& o) {
        HttpRequest http = json_post(kProvider, model, o.timeout, std::move(post), o.extra_headers.size());
        if (std::string key = find_key(o.api_key, {"OLLAMA_API_KEY"}); !key.empty())
            http.headers.emplace_back("Authorization", "Bearer " + key);
        return http;
    }
};

}  // namespace

// --- the pure functions ---

Capabilities ollama_capabilities(const std::string& model) {
    (void)model;  // the server knows which local models see images; a text-only one answers with an error
    return Capabilities{.native_schema = true,
                        .json_mode = true,
                        .images = true,
                        .image_urls = false,         // Message.images holds base64 bytes only (api/types.go ImageData)
                        .max_embedding_inputs = 0};  // /api/embed takes any number of inputs
}

std::string ollama_parse_host(std::string_view in) {
    // Mirrors ollama-python ollama/_client.py _parse_host, doctests included.
    std::string host(in);
    std::string scheme = "http";
    std::string port = "11434";
    std::string hostport;
    if (const auto sep = host.find("://"); sep != std::string::npos && sep + 3 < host.size()) {
        scheme = host.substr(0, sep);
        hostport = host.substr(sep + 3);
        if (scheme == "http") port = "80";
        if (scheme == "https") port = "443";
    } else {
        hostport = host;
    }
    const auto path_at = hostport.find_first_of("/?#");
    std::string netloc = hostport.substr(0, path_at);
    std::string path = path_at == std::string::npos ? std::string() : hostport.substr(path_at);
    if (const auto q = path.find_first_of("?#"); q != std::string::npos) path.erase(q);
    if (const auto at = netloc.rfind('@'); at != std::string::npos) netloc.erase(0, at + 1);  // user:pass@

    std::string name;
    std::string given_port;
    if (!netloc.empty() && netloc.front() == '[') {
        const auto close = netloc.find(']');
        name = netloc.substr(0, close == std::string::npos ? netloc.size() : close + 1);
        if (close != std::string::npos && close + 1 < netloc.size() && netloc[close + 1] == ':')
            given_port = netloc.substr(close + 2);
    } else {
        const auto colon = netloc.find(':');
        name = netloc.substr(0, colon);
        if (colon != std::string::npos) given_port = netloc.substr(colon + 1);
    }
    name = lower(name);
    if (name.empty()) name = "127.0.0.1";
    // Python's `split.port or port`: an absent (or zero) port falls back to the default.
    if (!given_port.empty() && given_port.find_first_not_of('0') != std::string::npos) port = given_port;

    std::size_t b = path.find_first_not_of('/');
    std::size_t e = path.find_last_not_of('/');
    path = b == std::string::npos ? std::string() : path.substr(b, e - b + 1);
    std::string out = scheme + "://" + name + ":" + port;
    if (!path.empty()) out += "/" + path;
    return out;
}

std::string ollama_host(const std::string& override_base) {
    if (!override_base.empty()) return ollama_parse_host(override_base);
    if (auto v = first_env({"OLLAMA_HOST"})) return ollama_parse_host(*v);
    return kDefaultHost;
}

std::string ollama_tool_call_id(int index, const std::string& name, const std::string& arguments_raw) {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a 64: stable across runs and platforms
    auto mix = [&h](unsigned char c) {
        h ^= c;
        h *= 1099511628211ull;
    };
    for (unsigned char c : name) mix(c);
    mix(0);
    for (unsigned char c : arguments_raw) mix(c);
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    return "call_" + std::to_string(index) + "_" + hex;
}

// Options' reasoning → `think` (docs/api.md: "a boolean or a thinking level (low, medium, high, or max)"). GPT-OSS
// takes only the levels and ignores a boolean (docs/capabilities/thinking.mdx: "the trace cannot be fully
// disabled"), so none is "low" there; elsewhere none is false. There is no budget field: a budget is sent as its
// nearest level (toolkit/reasoning.hpp budget_effort).
static json ollama_think(const std::string& model, const Reasoning& r) {
    const Effort effort = effort_or_budget(r);
    const bool levels_only = model.find("gpt-oss") != std::string::npos;
    if (effort == Effort::none) return levels_only ? json("low") : json(false);
    return effort == Effort::minimal ? "low" : effort_name(effort);
}

json ollama_chat_body(const ChatRequest& request, bool stream) {
    const Options& o = request.options;
    // tool_name for a tool result comes from the assistant turn that made the call, when the caller
    // did not set Message::name.
    std::map<std::string, std::string> tool_names;
    for (const auto& m : request.messages)
        for (const auto& tc : m.tool_calls)
            if (!tc.id.empty()) tool_names[tc.id] = tc.function;

    json messages = json::array();
    for (const auto& m : request.messages) messages.push_back(message_to_wire(m, tool_names));
    json body{{"model", request.model}, {"messages", std::move(messages)}, {"stream", stream}};

    // Ollama has no tool_choice; "none" is honoured by not offering the tools at all.
    if (!o.tools.empty() && o.tool_choice != "none") {
        json tools = json::array();
        for (const auto& t : o.tools) tools.push_back(tool_to_wire(t));
        body["tools"] = std::move(tools);
    }

    // Structured output: `format` is "json" (JSON mode) or a JSON Schema object (docs/api.md "Structured
    // outputs"; api/types.go ChatRequest.Format is a json.RawMessage taking either). Before `extra`, which wins.
    if (request.structured == StructuredMode::json_mode) body["format"] = "json";
    if (request.structured == StructuredMode::native_schema) {
        if (!o.response_format)
            invalid_request(kProvider, request.model, "native structured output needs options.response_format");
        body["format"] = o.response_format->schema;
    }

    if (const Reasoning r = requested_reasoning(o, kProvider, request.model); r.requested())
        body["think"] = ollama_think(request.model, r);  // before `extra`, which wins

    json options = json::object();
    if (o.max_tokens) options["num_predict"] = *o.max_tokens;
    if (o.temperature) options["temperature"] = *o.temperature;
    if (o.top_p) options["top_p"] = *o.top_p;
    if (o.seed) options["seed"] = *o.seed;
    if (!o.stop.empty()) options["stop"] = o.stop;

    for (const auto& [k, v] : o.extra.items()) {
        // extra.options is merged key by key, so {"options": {"num_ctx": 8192}} keeps max_tokens etc.
        if (k == "options" && v.is_object()) {
            for (const auto& [ok, ov] : v.items()) options[ok] = ov;
        } else {
            body[k] = v;  // think, format, keep_alive, ...
        }
    }
    if (!options.empty()) body["options"] = std::move(options);
    return body;
}

CompletionResponse ollama_parse_chat(const std::string& model, std::string body) {
    json j = reply_object(kProvider, model, body);  // not const: the answer's text is moved out of it
    if (auto e = j.find("error"); e != j.end() && !e->is_null()) throw_error_object(model, body, 200);
    CompletionResponse r;
    r.provider = kProvider;
    reading_shape(kProvider, model, body, "reply", [&] {
        r.model = string_or_empty(j, "model");
        if (r.model.empty()) r.model = model;
        auto msg = j.find("message");
        if (msg == j.end() || !msg->is_object()) parse_failure(kProvider, model, "reply has no message", body);
        Choice choice;
        choice.message.role = "assistant";
        choice.message.content = text_field(*msg, "content", TextFrom::reply);
        choice.message.reasoning = text_field(*msg, "thinking", TextFrom::reply);
        if (auto tcs = msg->find("tool_calls"); tcs != msg->end() && tcs->is_array()) {
            int index = 0;
            for (const auto& tc : *tcs) {
                if (!tc.is_object()) parse_failure(kProvider, model, "reply has a malformed tool call", body);
                choice.message.tool_calls.push_back(tool_call_from(tc, index++));
            }
        }
        choice.finish_reason = finish_reason_from(j, !choice.message.tool_calls.empty());
        r.finish_reason = choice.finish_reason;
        r.choices.push_back(std::move(choice));
        r.usage = usage_from(j);
    });
    r.raw = RawJson::from_text(std::move(body));  // the text, not the tree: held replies cost their bytes
    return r;
}

std::unique_ptr<StreamDecoder> make_ollama_stream_decoder(std::string model) {
    return std::make_unique<OllamaStreamDecoder>(std::move(model));
}

json ollama_embed_body(const EmbedRequest& request) {
    const EmbedOptions& o = request.options;
    if (request.inputs.empty()) invalid_request(kProvider, request.model, "embed needs at least one input");
    json body{{"model", request.model}};
    if (request.single_input)
        body["input"] = request.inputs.front();
    else
        body["input"] = request.inputs;
    if (!o.truncate.empty()) {
        // api/types.go EmbedRequest.Truncate is a *bool.
        const std::string t = lower(o.truncate);
        if (t != "true" && t != "false")
            invalid_request(kProvider, request.model,
                            "Ollama's truncate is \"true\" or \"false\", got \"" + o.truncate + "\"");
        body["truncate"] = t == "true";
    }
    if (o.dimensions) body["dimensions"] = *o.dimensions;
    for (const auto& [k, v] : o.extra.items()) body[k] = v;  // options, keep_alive
    return body;
}

EmbeddingResponse ollama_parse_embed(const EmbedRequest& request, std::string body) {
    const json j = reply_object(kProvider, request.model, body);
    if (auto e = j.find("error"); e != j.end() && !e->is_null()) throw_error_object(request.model, body, 200);
    EmbeddingResponse r;
    r.provider = kProvider;
    reading_shape(kProvider, request.model, body, "reply", [&] {
        r.model = string_or_empty(j, "model");
        if (r.model.empty()) r.model = request.model;
        auto data = j.find("embeddings");
        if (data == j.end() || !data->is_array())
            parse_failure(kProvider, request.model, "reply has no embeddings", body);
        for (const auto& v : *data) r.embeddings.push_back(v.get<std::vector<double>>());
        r.usage.prompt_tokens = json_count(j, "prompt_eval_count");
        r.usage.total_tokens = r.usage.prompt_tokens;
    });
    check_embedding_count(kProvider, request.model, r.embeddings.size(), request.inputs.size(), body);
    r.raw = RawJson::from_text(std::move(body));  // the text, not the tree: held replies cost their bytes
    return r;
}

std::unique_ptr<Provider> make_ollama_provider() { return std::make_unique<OllamaProvider>(); }

}  // namespace llmgate::inline v1::detail
