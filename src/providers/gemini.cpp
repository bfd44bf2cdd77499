// Gemini (Developer API): generateContent / streamGenerateContent?alt=sse, embedContent / batchEmbedContents, errors.
//
// Wire facts checked against googleapis/python-genai (google/genai/_api_client.py, models.py, types.py,
// _extra_utils.py): base https://generativelanguage.googleapis.com/ + "v1beta", the key in the `x-goog-api-key`
// header, camelCase JSON fields, function responses sent back in a `user` content with non-dict results wrapped
// as {"result": ...}, FunctionDeclaration.parametersJsonSchema for standard JSON Schema.
#include "providers/gemini.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <set>

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
#include "providers/toolkit/tool_result.hpp"
#include "util/json_parse.hpp"

namespace llmgate::inline v1::detail {
namespace {

constexpr const char* kProvider = "gemini";
constexpr const char* kDefaultBase = "https://generativelanguage.googleapis.com";
constexpr const char* kApiVersion = "v1beta";  // what python-genai uses for the Developer API

// The buffered reply's and the stream's words when maxOutputTokens ran out before any output.
constexpr OutputBudget kBudget{
    .name = "maxOutputTokens", .reason = "finishReason MAX_TOKENS", .hidden_tokens = "thinking"};

// ---------------------------------------------------------------------------------------------- requests

std::string guess_mime_type(const std::string& url) {
    std::string path = url.substr(0, url.find_first_of("?#"));
    const auto dot = path.rfind('.');
    if (dot == std::string::npos) return {};
    std::string ext = path.substr(dot + 1);
    for (auto& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    // Leaked, as every static the loop thread may read: it can still be working while the process exits.
    static const auto& kTypes = *new std::map<std::string, std::string>{
        {"png", "image/png"}, {"jpg", "image/jpeg"},  {"jpeg", "image/jpeg"}, {"webp", "image/webp"},
        {"gif", "image/gif"}, {"heic", "image/heic"}, {"heif", "image/heif"}, {"pdf", "application/pdf"}};
    auto it = kTypes.find(ext);
    return it == kTypes.end() ? std::string() : it->second;
}

json image_part(const ContentPart& p) {
    if (p.image_bytes)
        return json{{"inlineData", {{"mimeType", p.image_bytes->mime_type}, {"data", p.image_bytes->data}}}};
    const std::string& url = p.image_url ? p.image_url->url : std::string();
    // data:<mime>;base64,<data> goes inline; anything else is a file URI (uploaded file, or a URL the model fetches).
    if (url.rfind("data:", 0) == 0) {
        const auto comma = url.find(',');
        const auto semi = url.find(';');
        if (comma != std::string::npos && semi != std::string::npos && semi < comma)
            return json{{"inlineData", {{"mimeType", url.substr(5, semi - 5)}, {"data", url.substr(comma + 1)}}}};
    }
    json file{{"fileUri", url}};
    if (std::string mime = guess_mime_type(url); !mime.empty()) file["mimeType"] = mime;
    return json{{"fileData", std::move(file)}};
}

json user_parts(const Message& m) {
    json parts = json::array();
    if (const auto* s = std::get_if<std::string>(&m.content)) {
        parts.push_back({{"text", *s}});
        return parts;
    }
    for (const auto& p : std::get<std::vector<ContentPart>>(m.content)) {
        if (p.type == "text")
            parts.push_back({{"text", p.text}});
        else
            parts.push_back(image_part(p));
    }
    return parts;
}

json call_args(const ToolCall& tc) {
    if (tc.arguments.is_object()) return tc.arguments;
    json parsed = json::parse(tc.arguments_raw, nullptr, false);
    return parsed.is_object() ? parsed : json::object();
}

// A saved part whose text was large is kept without it (the text is the message's content already):
// {"llmgate_text_bytes": N} stands for the N bytes of content it held, and is put back before sending.
constexpr const char* kMovedTextBytes = "llmgate_text_bytes";

// A plain text part (no thought, no signature) with at least kEventTextMovedFrom bytes of text: that size,
// else 0. Its text is moved into the message rather than held twice.
std::size_t movable_text_size(const json& part) {
    if (!part.is_object() || part.contains("thoughtSignature") || part.contains("thought")) return 0;
    auto t = part.find("text");
    if (t == part.end() || !t->is_string()) return 0;
    const std::size_t n = t->get_ref<const std::string&>().size();
    return n >= kEventTextMovedFrom ? n : 0;
}

// The part as saved for replay, after read_part took `moved` bytes of text out of it.
json saved_part(const json& part, std::size_t moved) {
    json saved = part;
    if (moved > 0) {
        saved.erase("text");
        saved[kMovedTextBytes] = moved;
    }
    return saved;
}

// The saved parts with every moved text put back from the message's text, which holds the texts of all
// plain text parts in order; nullopt when that text no longer matches them (the caller changed it).
std::optional<json> with_moved_text(const json& saved, const std::string& content) {
    json parts = json::array();
    std::size_t at = 0;
    for (const auto& p : saved) {
        json part = p;
        if (part.is_object()) {
            if (auto n = part.find(kMovedTextBytes); n != part.end()) {
                if (!n->is_number_unsigned() || n->get<std::size_t>() > content.size() - at) return std::nullopt;
                const std::size_t len = n->get<std::size_t>();
                part.erase(kMovedTextBytes);
                part["text"] = content.substr(at, len);
                at += len;
            } else if (auto t = part.find("text"); t != part.end() && t->is_string() && part.value("thought", json()) != true) {
                const std::string& kept = t->get_ref<const std::string&>();
                if (content.compare(at, kept.size(), kept) != 0) return std::nullopt;
                at += kept.size();
            }
        }
        parts.push_back(std::move(part));
    }
    if (at != content.size()) return std::nullopt;
    return parts;
}

bool has_moved_text(const json& parts) {
    return std::any_of(parts.begin(), parts.end(),
                       [](const json& p) { return p.is_object() && p.contains(kMovedTextBytes); });
}

// The parts saved from the reply that produced this assistant message, when it carried anything a rebuild would
// lose (thoughtSignature, thought parts, the API's call ids): the API wants them back verbatim.
const json* saved_parts(const Message& m) {
    if (!m.provider_data.is_object()) return nullptr;
    auto g = m.provider_data.find("gemini");
    if (g == m.provider_data.end() || !g->is_object()) return nullptr;
    auto parts = g->find("parts");
    if (parts == g->end() || !parts->is_array() || parts->empty()) return nullptr;
    return &*parts;
}

json model_parts(const Message& m) {
    if (const json* saved = saved_parts(m)) {
        if (!has_moved_text(*saved)) return *saved;
        if (auto parts = with_moved_text(*saved, m.text())) return std::move(*parts);
        // The message's text was changed since the reply: send what it says now, without the saved parts.
    }
    json parts = json::array();
    // History is always `parts` (the key python llmgate < 0.8.3 got wrong).
    if (std::string text = m.text(); !text.empty()) parts.push_back({{"text", text}});
    for (const auto& tc : m.tool_calls)
        parts.push_back({{"functionCall", {{"name", tc.function}, {"args", call_args(tc)}}}});
    return parts;
}

// A tool's result as functionResponse.response, which must be an object: a JSON object result is sent as it is,
// anything else wrapped as {"result": <text>} as python-genai's automatic function calling does.
json tool_response(const Message& m) {
    const std::string text = m.text();
    // python-genai's automatic function calling sends {"error": ...} for a function that failed.
    if (is_tool_error(m)) return json{{"error", text}};
    json parsed = json::parse(text, nullptr, false);
    if (parsed.is_object()) return parsed;
    return json{{"result", text}};
}

struct Contents {
    json contents = json::array();
    json system_parts = json::array();
};

Contents build_contents(const ChatRequest& request) {
    Contents out;
    std::map<std::string, std::string> name_of_call;  // tool_call_id → function name, from earlier assistant turns
    std::set<std::string> api_ids;  // call ids the API itself sent (echoed back as functionResponse.id)
    bool last_is_tool_results = false;
    for (const auto& m : request.messages) {
        if (m.role == "system" || m.role == "developer") {
            out.system_parts.push_back({{"text", m.text()}});
            continue;
        }
        if (m.role == "assistant") {
            for (const auto& tc : m.tool_calls) name_of_call[tc.id] = tc.function;
            if (const json* saved = saved_parts(m)) {
                for (const auto& p : *saved) {
                    if (!p.is_object()) continue;
                    auto fc = p.find("functionCall");
                    if (fc != p.end() && fc->is_object()) {
                        if (std::string id = string_or_empty(*fc, "id"); !id.empty()) api_ids.insert(id);
                    }
                }
            }
            json parts = model_parts(m);
            last_is_tool_results = false;
            if (parts.empty()) continue;  // the API rejects a content without parts
            out.contents.push_back({{"role", "model"}, {"parts", std::move(parts)}});
            continue;
        }
        if (m.role == "tool") {
            // The tool message only names the call; the function's name comes from the assistant turn that made it.
            std::string name = m.name;
            if (auto it = name_of_call.find(m.tool_call_id); it != name_of_call.end()) name = it->second;
            if (name.empty())
                invalid_request(
                    kProvider, request.model,
                    "tool result for \"" + m.tool_call_id + "\" matches no tool call of an earlier assistant message");
            json fr{{"name", name}, {"response", tool_response(m)}};
            if (api_ids.count(m.tool_call_id)) fr["id"] = m.tool_call_id;
            json part{{"functionResponse", std::move(fr)}};
            // All results of one turn go in one `user` content (python-genai's AFC does the same).
            if (last_is_tool_results) {
                out.contents.back()["parts"].push_back(std::move(part));
            } else {
                out.contents.push_back({{"role", "user"}, {"parts", json::array({std::move(part)})}});
                last_is_tool_results = true;
            }
            continue;
        }
        out.contents.push_back({{"role", "user"}, {"parts", user_parts(m)}});
        last_is_tool_results = false;
    }
    return out;
}

json tool_config(const std::string& choice) {
    json fcc;
    if (choice == "auto")
        fcc = {{"mode", "AUTO"}};
    else if (choice == "none")
        fcc = {{"mode", "NONE"}};
    else if (choice == "required")
        fcc = {{"mode", "ANY"}};
    else  // one named tool: ANY restricted to it; allowedFunctionNames is only valid with ANY
        fcc = {{"mode", "ANY"}, {"allowedFunctionNames", json::array({choice})}};
    return json{{"functionCallingConfig", std::move(fcc)}};
}

// Options' reasoning → generationConfig.thinkingConfig (python-genai types.py ThinkingConfig: thinkingBudget, "0 is
// DISABLED. -1 is AUTOMATIC"; thinkingLevel MINIMAL | LOW | MEDIUM | HIGH; includeThoughts, so thought summaries come
// back as parts with thought:true, read as the unified reasoning). Gemini 1.x / 2.x take a budget: the caller's, else
// the effort's (toolkit/reasoning.hpp effort_budget; none = 0, which Flash models take and Pro models refuse).
// Later models take a level: the caller's effort, else the budget's nearest; they cannot turn thinking off, so
// none is their lowest level: MINIMAL on Flash models, LOW on the others (Gemini 3 Pro takes only LOW and HIGH).
json thinking_config(const std::string& model, const Reasoning& r) {
    const std::string bare = model.rfind("models/", 0) == 0 ? model.substr(7) : model;
    if (bare.rfind("gemini-2", 0) == 0 || bare.rfind("gemini-1", 0) == 0) {
        const int budget = r.budget ? *r.budget : effort_budget(*r.effort);
        json cfg{{"thinkingBudget", budget}};
        if (budget != 0) cfg["includeThoughts"] = true;
        return cfg;
    }
    const Effort effort = effort_or_budget(r);
    const bool flash = bare.find("flash") != std::string::npos;
    std::string level = effort != Effort::none ? effort_name(effort) : flash ? "minimal" : "low";
    for (auto& ch : level) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return json{{"includeThoughts", true}, {"thinkingLevel", level}};
}

void merge_extra(json& body, const json& extra) {
    if (!extra.is_object()) return;
    for (const auto& [k, v] : extra.items()) {
        // Nested objects (generationConfig, toolConfig) are merged so extra can add one setting without dropping ours.
        if (v.is_object() && body.contains(k) && body[k].is_object())
            body[k].update(v, true);
        else
            body[k] = v;
    }
}

// ------------------------------------------------------------------------------------------------ replies

std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 1469598103934665603ull) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

// Reads one part into text / reasoning / a tool call; true when the part carries something only a verbatim replay
// keeps (a thought, its signature, the API's call id). A known field of the wrong type (a `text` that is a
// number, a `functionCall` that is a string) is a json::type_error naming it; unknown part kinds carry nothing.
// With `take_text`, a text part's string is moved into `text` (the part is left with an empty text): for a
// reply whose parts are not kept, so its answer is not held twice.
bool read_part(json& part, std::string& text, std::string& reasoning, std::vector<ToolCall>& calls,
               std::size_t& call_position, std::vector<ToolCallDelta>* deltas, bool take_text = false) {
    require_object(part, "parts[]");
    bool replay = part.contains("thoughtSignature");
    const json* thought_flag = typed_field(part, "thought", json::value_t::boolean);
    const bool thought = thought_flag != nullptr && thought_flag->get<bool>();
    if (json* t = typed_field(part, "text", json::value_t::string)) {
        if (thought) {
            reasoning += t->get_ref<const std::string&>();
            replay = true;
        } else if (take_text) {
            take_string(*t, text);
        } else {
            text += t->get_ref<const std::string&>();
        }
    }
    if (const json* fc = object_field(part, "functionCall")) {
        ToolCall call;
        call.function = string_field(*fc, "name");
        const json* args = object_field(*fc, "args");
        call.arguments = args != nullptr ? *args : json::object();
        call.arguments_raw = call.arguments.dump();
        call.id = string_field(*fc, "id");
        if (call.id.empty())
            call.id = gemini_tool_call_id(call.function, call.arguments, call_position);
        else
            replay = true;
        if (deltas)
            deltas->push_back(ToolCallDelta{.index = static_cast<int>(call_position),
                                            .id = call.id,
                                            .function = call.function,
                                            .arguments = call.arguments_raw});
        ++call_position;
        calls.push_back(std::move(call));
    }
    return replay;
}

const json* first_error_object(const json& j) {
    const json* root = &j;
    if (j.is_array() && !j.empty()) root = &j.front();  // some Google front ends wrap the error in a list
    if (!root->is_object()) return nullptr;
    auto e = root->find("error");
    return e != root->end() && e->is_object() ? &*e : nullptr;
}

[[noreturn]] void blocked(const std::string& model, const json& reply, const std::string& body) {
    const json feedback = reply.value("promptFeedback", json::object());
    const std::string reason = string_or_empty(feedback, "blockReason");
    std::string message = "the prompt was blocked (blockReason " + reason + ")";
    if (std::string detail = string_or_empty(feedback, "blockReasonMessage"); !detail.empty()) message += ": " + detail;
    // The categories: the blockReason (SAFETY, BLOCKLIST, PROHIBITED_CONTENT, ...), then the harm category of each
    // safety rating that blocked the prompt (python-genai types.py SafetyRating.blocked / .category).
    std::vector<std::string> categories{reason};
    if (auto ratings = feedback.find("safetyRatings"); ratings != feedback.end() && ratings->is_array())
        for (const auto& rating : *ratings)
            if (rating.is_object() && rating.value("blocked", false) == true)
                if (std::string category = string_or_empty(rating, "category"); !category.empty())
                    categories.push_back(std::move(category));
    throw ContentFilterError(ErrorInfo{.provider = kProvider,
                                       .model = model,
                                       .status = 200,
                                       .message = message,
                                       .error_type = reason,
                                       .body = body.substr(0, 2000)},
                             std::move(categories));
}

bool has_block_reason(const json& reply) {
    auto pf = reply.find("promptFeedback");
    return pf != reply.end() && !string_or_empty(*pf, "blockReason").empty();
}

class GeminiStreamDecoder final : public SseStreamDecoder {
public:
    // Gemini sends no end marker: the body just ends. Only a finishReason proves the reply is whole.
    explicit GeminiStreamDecoder(std::string model)
        : SseStreamDecoder(
              kProvider, std::move(model),
              {.missing_end = "before any finishReason", .end = "the end of the body", .budget = kBudget}) {}

private:
    bool ended() const override { return !finish_reason_.empty(); }

    void on_event(SseEvent& ev, std::deque<StreamChunk>& out) override {
        if (ev.data.empty()) return;
        json j = parse_json(ev.data);
        if (j.is_discarded() || !(j.is_object() || j.is_array())) fail("malformed stream event", ev.data);
        if (first_error_object(j)) gemini_raise_error(model_, 200, {}, ev.data);  // an error sent mid-stream
        if (!j.is_object()) fail("malformed stream event", ev.data);
        out.push_back(map(j, ev.data));
    }

    StreamChunk map(json& j, const std::string& data) {
        StreamChunk c = chunk();
        // Checked for their documented types (python-genai types.py GenerateContentResponse, Candidate,
        // Content, Part): a wrong-shaped event is an error; unknown fields and usage-only events are fine.
        c.id = string_field(j, "responseId");
        c.model = string_field(j, "modelVersion");
        json* candidates = array_field(j, "candidates");
        const bool none = candidates == nullptr || candidates->empty();
        if (none && has_block_reason(j)) blocked(model_, j, data);
        if (!none) {
            for (auto& cand : *candidates) {
                if (!cand.is_object()) fail("malformed candidate", data);
                // StreamChunk describes the first candidate; candidateCount > 1 streams are not split out.
                if (json_index(cand, "index", 0) != 0) continue;
                if (json* content = object_field(cand, "content")) {
                    if (json* parts = array_field(*content, "parts")) {
                        std::vector<ToolCall> calls;
                        for (auto& part : *parts) {
                            // Each functionCall part is a whole call: it gets the next index, so parallel calls
                            // spread over several events stay separate calls.
                            const std::size_t moved = movable_text_size(part);
                            replay_ = read_part(part, c.delta, c.reasoning, calls, calls_seen_, &c.tool_call_deltas,
                                                moved > 0) ||
                                      replay_;
                            // Kept so signatures can be replayed next turn; a large text only by its size.
                            stream_parts_.push_back(saved_part(part, moved));
                        }
                        for (auto& call : calls) calls_.push_back(std::move(call));
                    }
                }
                if (const json* fr = typed_field(cand, "finishReason", json::value_t::string)) {
                    c.finish_reason = gemini_finish_reason(fr->get<std::string>(), !calls_.empty());
                    finish_reason_ = c.finish_reason;
                    if (!calls_.empty()) c.tool_calls = calls_;
                    if (replay_) c.provider_data = json{{"gemini", {{"parts", stream_parts_}}}};
                }
            }
        }
        saw_output_ = saw_output_ || !c.delta.empty() || !c.tool_call_deltas.empty();
        if (const json* u = object_field(j, "usageMetadata")) {
            c.usage = gemini_parse_usage(*u);
            usage_ = *c.usage;
        }
        c.raw = std::move(j);
        return c;
    }

    std::vector<ToolCall> calls_;
    std::size_t calls_seen_ = 0;
    json stream_parts_ = json::array();  // every part received, in order
    bool replay_ = false;                // some part carries what a rebuilt part would lose (thoughtSignature)
};

// --------------------------------------------------------------------------------------------- provider

class GeminiProvider final : public HttpProvider {
public:
    GeminiProvider() : HttpProvider(kProvider) {}

    Capabilities capabilities(const std::string& model) const override { return gemini_capabilities(model); }

protected:
    HttpRequest build_chat(const ChatRequest& request, bool stream) const override {
        const Options& o = request.options;
        const std::string method = stream ? ":streamGenerateContent?alt=sse" : ":generateContent";
        HttpRequest http = json_post(
            kProvider, request.model, o.timeout,
            {.url = gemini_api_root(o.api_base) + "/" + gemini_model_resource(request.model) + method,
             .accept = stream ? "text/event-stream" : "application/json",
             .streaming = stream},
            o.extra_headers.size());
        add_key(http, o.api_key, request.model);
        finish_json_request(http, o.extra_headers, gemini_chat_body(request));
        return http;
    }

    // POST models/{model}:countTokens with the whole request as generateContentRequest (python-genai's
    // count_tokens sends contents only; the full form also counts the system instruction and tools, as the
    // completion will be billed).
    std::optional<HttpRequest> build_count_tokens(const ChatRequest& request) const override {
        const Options& o = request.options;
        HttpRequest http = json_post(kProvider, request.model, o.timeout,
                                     {.url = gemini_api_root(o.api_base) + "/" +
                                             gemini_model_resource(request.model) + ":countTokens"},
                                     o.extra_headers.size());
        add_key(http, o.api_key, request.model);
        json inner = gemini_chat_body(request);
        inner["model"] = gemini_model_resource(request.model);
        finish_json_request(http, o.extra_headers, json{{"generateContentRequest", std::move(inner)}});
        return http;
    }

    std::int64_t parse_count_tokens(const std::string& model, const HttpResponse& response) const override {
        return count_field(model, response, "totalTokens");
    }

    CompletionResponse parse_chat(const ChatRequest& request, HttpResponse& response) const override {
        CompletionResponse r = gemini_parse_chat(request.model, std::move(response.body));
        check_reply_budget(r,
                           {.provider = kProvider,
                            .model = request.model,
                            .status = static_cast<int>(response.status),
                            .request_id = first_header(response.headers, {"x-request-id"})},
                           kBudget);
        return r;
    }

    std::unique_ptr<StreamDecoder> make_stream_decoder(const ChatRequest& request) const override {
        return make_gemini_stream_decoder(request.model);
    }

    HttpRequest build_embed(const EmbedRequest& request) const override {
        const EmbedOptions& o = request.options;
        if (request.inputs.empty()) invalid_request(kProvider, request.model, "embed needs at least one input");
        const bool single = request.single_input && request.inputs.size() == 1;
        HttpRequest http =
            json_post(kProvider, request.model, o.timeout,
                      {.url = gemini_api_root(o.api_base) + "/" + gemini_model_resource(request.model) +
                              (single ? ":embedContent" : ":batchEmbedContents")},
                      o.extra_headers.size());
        add_key(http, o.api_key, request.model);
        finish_json_request(http, o.extra_headers, gemini_embed_body(request));
        return http;
    }

    EmbeddingResponse parse_embed(const EmbedRequest& request, HttpResponse& response) const override {
        const bool single = request.single_input && request.inputs.size() == 1;
        EmbeddingResponse r = gemini_parse_embeddings(request.model, std::move(response.body), single);
        check_embedding_count(kProvider, request.model, r, request.inputs.size());
        return r;
    }

    // GET /v1beta/models (ai.google.dev/api/models#method:-models.list): pageSize up to 1000, pageToken from
    // the previous page's nextPageToken.
    std::optional<HttpRequest> build_list_models(const ListModelsOptions& options,
                                                 const std::string& page_token) const override {
        std::string url = gemini_api_root(options.api_base) + "/models?pageSize=1000";
        if (!page_token.empty()) url += "&pageToken=" + query_escape(page_token);
        HttpRequest http = models_get(std::move(url), options);
        add_key(http, options.api_key, "");
        return http;
    }

    // {"models":[{"name":"models/gemini-2.5-flash","displayName","inputTokenLimit",...}],"nextPageToken"}
    std::string parse_list_models(const HttpResponse& response, std::vector<ModelInfo>& out) const override {
        const json j = reply_object(kProvider, "", response.body);
        std::string next;
        reading_shape(kProvider, "", response.body, "model list", [&] {
            if (const json* models = array_field(j, "models")) {  // absent when the key can list nothing
                for (const auto& item : *models) {
                    require_object(item, "models[]");
                    std::string id = required_string(item, "name");
                    if (id.rfind("models/", 0) == 0) id.erase(0, 7);  // the id completion() takes after gemini/
                    ModelInfo m{.id = std::move(id), .provider = kProvider};
                    m.display_name = string_field(item, "displayName");
                    m.context_window = integer_field(item, "inputTokenLimit");
                    m.raw = item;
                    out.push_back(std::move(m));
                }
            }
            next = string_field(j, "nextPageToken");
        });
        return next;
    }

    [[noreturn]] void raise_http_error(const std::string& model, const HttpResponse& response) const override {
        gemini_raise_error(model, static_cast<int>(response.status), response.headers, response.body);
    }

private:
    static void add_key(HttpRequest& http, const std::string& override_key, const std::string& model) {
        gemini_add_key(http, override_key, model);
    }
};

}  // namespace

std::string gemini_api_root(const std::string& override_base) {
    // GOOGLE_GEMINI_BASE_URL is the variable python-genai reads (_base_url.py); GEMINI_BASE_URL comes first.
    return pick_base_url(override_base, {"GEMINI_BASE_URL", "GOOGLE_GEMINI_BASE_URL"}, kDefaultBase) + "/" + kApiVersion;
}

// The key goes in a header, never in the URL (?key=...), so it cannot leak through logs or error messages.
// python-genai strips the key too: a stray newline from a file would otherwise break the header.
void gemini_add_key(HttpRequest& http, const std::string& override_key, const std::string& model) {
    http.headers.emplace_back(
        "x-goog-api-key",
        require_key(kProvider, override_key, {"GEMINI_API_KEY", "GOOGLE_API_KEY"}, model, KeySpaces::strip));
}

// ------------------------------------------------------------------------------------------ public helpers

Capabilities gemini_capabilities(const std::string& model) {
    const std::string bare = model.rfind("models/", 0) == 0 ? model.substr(7) : model;
    // Gemma models served by the Gemini API reject responseMimeType "application/json" with 400 "JSON mode is
    // not enabled for models/gemma-3-27b-it" (seen in vercel/ai#8080), so they get the schema in the prompt.
    const bool gemma = bare.rfind("gemma", 0) == 0;
    return Capabilities{.native_schema = !gemma,
                        .json_mode = !gemma,
                        .images = true,
                        // Parts take inlineData bytes or fileData URIs of uploaded files; an arbitrary https URL
                        // is not fetched by the API, so dispatch downloads it and sends inlineData.
                        .image_urls = false,
                        // batchEmbedContents: "at most 100 requests can be in one batch" (INVALID_ARGUMENT past it).
                        .max_embedding_inputs = 100};
}

std::string gemini_model_resource(const std::string& model) {
    if (model.rfind("models/", 0) == 0 || model.rfind("tunedModels/", 0) == 0) return model;
    return "models/" + model;
}

json gemini_chat_body(const ChatRequest& request) {
    const Options& o = request.options;
    Contents c = build_contents(request);
    json body{{"contents", std::move(c.contents)}};
    if (!c.system_parts.empty()) body["systemInstruction"] = {{"parts", std::move(c.system_parts)}};
    json gen = json::object();
    if (o.max_tokens) gen["maxOutputTokens"] = *o.max_tokens;
    if (o.temperature) gen["temperature"] = *o.temperature;
    if (o.top_p) gen["topP"] = *o.top_p;
    if (!o.stop.empty()) gen["stopSequences"] = o.stop;
    if (o.seed) gen["seed"] = *o.seed;
    if (const Reasoning r = requested_reasoning(o, kProvider, request.model); r.requested())
        gen["thinkingConfig"] = thinking_config(request.model, r);
    // Structured output (python-genai types.py GenerateContentConfig.response_mime_type / response_json_schema,
    // sent by models.py _GenerateContentConfig_to_mldev as generationConfig.responseMimeType / responseJsonSchema).
    // responseJsonSchema takes standard JSON Schema; responseSchema would take only Google's OpenAPI subset.
    if (request.structured != StructuredMode::none) gen["responseMimeType"] = "application/json";
    if (request.structured == StructuredMode::native_schema) {
        if (!o.response_format)
            invalid_request(kProvider, request.model, "native structured output needs options.response_format");
        gen["responseJsonSchema"] = o.response_format->schema;
    }
    if (!gen.empty()) body["generationConfig"] = std::move(gen);
    if (!o.tools.empty()) {
        json decls = json::array();
        for (const auto& t : o.tools) {
            // parametersJsonSchema takes standard JSON Schema as is; `parameters` takes Google's OpenAPI subset and
            // rejects fields like additionalProperties or $ref (types.py FunctionDeclaration).
            json d{{"name", t.name}, {"parametersJsonSchema", t.parameters}};
            if (!t.description.empty()) d["description"] = t.description;
            decls.push_back(std::move(d));
        }
        body["tools"] = json::array({{{"functionDeclarations", std::move(decls)}}});
    }
    if (!o.tool_choice.empty()) body["toolConfig"] = tool_config(o.tool_choice);
    // GenerateContentRequest.cachedContent (python-genai GenerateContentConfig.cached_content): the explicit
    // cache whose contents are the prompt's prefix.
    if (!o.prompt_cache.gemini_cached_content.empty()) body["cachedContent"] = o.prompt_cache.gemini_cached_content;
    merge_extra(body, o.extra);
    return body;
}

std::string gemini_tool_call_id(const std::string& name, const json& args, std::size_t position) {
    std::uint64_t h = fnv1a(name);
    h = fnv1a(std::string_view("\0", 1), h);
    h = fnv1a(args.dump(), h);
    h = fnv1a("#" + std::to_string(position), h);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id = "call_";
    for (int shift = 60; shift >= 0; shift -= 4) id.push_back(kHex[(h >> shift) & 0xF]);
    return id;
}

std::string gemini_finish_reason(const std::string& reason, bool has_tool_calls) {
    if (reason == "STOP") return has_tool_calls ? "tool_calls" : "stop";
    if (reason == "MAX_TOKENS") return "length";
    for (const char* filtered : {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
                                 "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION"})
        if (reason == filtered) return "content_filter";
    if (reason.empty() || reason == "FINISH_REASON_UNSPECIFIED") return has_tool_calls ? "tool_calls" : reason;
    return reason;  // OTHER, MALFORMED_FUNCTION_CALL, ...: the provider's own value
}

Usage gemini_parse_usage(const json& u) {
    Usage usage;
    if (!u.is_object()) return usage;
    // promptTokenCount already includes cachedContentTokenCount; tool-use prompt tokens are billed as input too.
    usage.prompt_tokens = add_counts(json_count(u, "promptTokenCount"), json_count(u, "toolUsePromptTokenCount"));
    // OpenAI's completion_tokens includes reasoning; Gemini counts thoughts apart from candidates.
    usage.reasoning_tokens = json_count(u, "thoughtsTokenCount");
    usage.completion_tokens = add_counts(json_count(u, "candidatesTokenCount"), usage.reasoning_tokens);
    usage.cached_tokens = json_count(u, "cachedContentTokenCount");
    usage.total_tokens = json_count(u, "totalTokenCount");
    if (usage.total_tokens == 0) usage.total_tokens = add_counts(usage.prompt_tokens, usage.completion_tokens);
    return usage;
}

// Whether a reply part must go back to the API as it came (read_part's verdict, without reading the part).
bool part_needs_replay(const json& part) {
    if (!part.is_object()) return false;
    if (part.contains("thoughtSignature")) return true;
    if (auto t = part.find("thought"); t != part.end() && t->is_boolean() && t->get<bool>()) return true;
    auto fc = part.find("functionCall");
    return fc != part.end() && fc->is_object() && fc->contains("id") && !string_or_empty(*fc, "id").empty();
}

CompletionResponse gemini_parse_chat(const std::string& model, std::string body) {
    json j = parse_json(body);
    if (j.is_discarded() || !(j.is_object() || j.is_array()))
        parse_failure(kProvider, model, "malformed JSON reply", body);
    if (first_error_object(j)) gemini_raise_error(model, 200, {}, body);
    if (!j.is_object()) parse_failure(kProvider, model, "malformed JSON reply", body);
    CompletionResponse r;
    r.provider = kProvider;
    reading_shape(kProvider, model, body, "reply", [&] {
        r.id = string_or_empty(j, "responseId");
        r.model = string_or_empty(j, "modelVersion");
        if (r.model.empty()) r.model = model;
        auto candidates = j.find("candidates");
        if (candidates == j.end() || (candidates->is_array() && candidates->empty())) {
            if (has_block_reason(j)) blocked(model, j, body);
            parse_failure(kProvider, model, "reply has no candidates", body);
        }
        if (!candidates->is_array()) parse_failure(kProvider, model, "reply has malformed candidates", body);
        for (auto& cand : *candidates) {
            if (!cand.is_object()) parse_failure(kProvider, model, "reply has a malformed candidate", body);
            Choice choice;
            choice.index = json_index(cand, "index", static_cast<int>(r.choices.size()));
            choice.message.role = "assistant";
            std::string text;
            std::size_t position = 0;
            static json& kNoParts = *new json(json::array());  // leaked: the loop thread may parse during exit
            json* parts = &kNoParts;
            if (auto content = cand.find("content"); content != cand.end() && content->is_object()) {
                if (auto p = content->find("parts"); p != content->end() && p->is_array()) parts = &*p;
            }
            // Parts that must be replayed are saved; their text moves into the content all the same, except
            // small texts, which are copied (a saved part then keeps its text).
            const bool keep_parts = std::any_of(parts->begin(), parts->end(), part_needs_replay);
            json saved = json::array();
            for (auto& part : *parts) {
                const std::size_t moved = keep_parts ? movable_text_size(part) : 0;
                read_part(part, text, choice.message.reasoning, choice.message.tool_calls, position, nullptr,
                          !keep_parts || moved > 0);
                if (keep_parts) saved.push_back(saved_part(part, moved));
            }
            if (keep_parts) choice.message.provider_data = json{{"gemini", {{"parts", std::move(saved)}}}};
            choice.message.content = std::move(text);
            choice.finish_reason =
                gemini_finish_reason(string_or_empty(cand, "finishReason"), !choice.message.tool_calls.empty());
            r.choices.push_back(std::move(choice));
        }
        if (auto u = j.find("usageMetadata"); u != j.end()) r.usage = gemini_parse_usage(*u);
    });
    if (!r.choices.empty()) r.finish_reason = r.choices.front().finish_reason;
    r.raw = RawJson::from_text(std::move(body));  // the text, not the tree: held replies cost their bytes
    return r;
}

std::unique_ptr<StreamDecoder> make_gemini_stream_decoder(std::string model) {
    return std::make_unique<GeminiStreamDecoder>(std::move(model));
}

json gemini_embed_body(const EmbedRequest& request) {
    const EmbedOptions& o = request.options;
    const std::string resource = gemini_model_resource(request.model);
    auto one = [&](const std::string& text) {
        json r{{"model", resource}, {"content", {{"parts", json::array({{{"text", text}}})}}}};
        if (!o.task_type.empty()) r["taskType"] = o.task_type;
        if (!o.title.empty()) r["title"] = o.title;
        if (o.dimensions) r["outputDimensionality"] = *o.dimensions;
        return r;
    };
    json body;
    if (request.single_input && request.inputs.size() == 1) {
        body = one(request.inputs.front());
    } else {
        json requests = json::array();
        for (const auto& text : request.inputs) requests.push_back(one(text));
        body = json{{"requests", std::move(requests)}};
    }
    merge_extra(body, o.extra);
    return body;
}

EmbeddingResponse gemini_parse_embeddings(const std::string& model, std::string body, bool single) {
    const json j = reply_object(kProvider, model, body);
    EmbeddingResponse r;
    r.provider = kProvider;
    r.model = model;
    reading_shape(kProvider, model, body, "reply", [&] {
        auto values = [&](const json& e) {
            if (!e.is_object()) parse_failure(kProvider, model, "reply has a malformed embedding", body);
            return e.at("values").get<std::vector<double>>();
        };
        if (single) {
            auto e = j.find("embedding");
            if (e == j.end()) parse_failure(kProvider, model, "reply has no embedding", body);
            r.embeddings.push_back(values(*e));
        } else {
            auto es = j.find("embeddings");
            if (es == j.end() || !es->is_array()) parse_failure(kProvider, model, "reply has no embeddings", body);
            for (const auto& e : *es) r.embeddings.push_back(values(e));
        }
    });
    r.raw = RawJson::from_text(std::move(body));  // the text, not the tree: held replies cost their bytes
    return r;
}

std::optional<std::chrono::milliseconds> gemini_retry_delay(const std::string& body) {
    const json j = parse_json(body);
    const json* err = first_error_object(j);
    if (!err) return std::nullopt;
    auto details = err->find("details");
    if (details == err->end() || !details->is_array()) return std::nullopt;
    for (const auto& d : *details) {
        if (!d.is_object() || string_or_empty(d, "@type") != "type.googleapis.com/google.rpc.RetryInfo") continue;
        // google.protobuf.Duration in JSON: decimal seconds with an "s" suffix.
        std::string delay = string_or_empty(d, "retryDelay");
        if (delay.size() < 2 || delay.back() != 's') continue;
        delay.pop_back();
        try {
            std::size_t used = 0;
            const double secs = std::stod(delay, &used);
            if (used != delay.size() || !std::isfinite(secs) || secs < 0 || secs > 1e9) continue;
            return std::chrono::milliseconds(static_cast<long long>(std::llround(secs * 1000)));
        } catch (...) {
            continue;
        }
    }
    return std::nullopt;
}

void gemini_raise_error(const std::string& model, int status, const Headers& headers, const std::string& body) {
    const json j = parse_json(body);
    const json* err = first_error_object(j);
    ErrorInfo info{.provider = kProvider,
                   .model = model,
                   .status = status,
                   .request_id = first_header(headers, {"x-request-id"}),
                   .message = {},
                   .error_type = {},
                   .body = body.substr(0, 2000)};
    std::string grpc_status, reason;
    if (err) {
        info.message = string_or_empty(*err, "message");
        grpc_status = string_or_empty(*err, "status");
        // An error inside a 200 reply or a stream: its own code says what the HTTP status would have been.
        if ((status == 0 || status == 200) && err->contains("code") && (*err)["code"].is_number_integer())
            info.status = (*err)["code"].get<int>();
        if (auto details = err->find("details"); details != err->end() && details->is_array()) {
            for (const auto& d : *details) {
                if (d.is_object() && string_or_empty(d, "@type") == "type.googleapis.com/google.rpc.ErrorInfo")
                    reason = string_or_empty(d, "reason");
            }
        }
    }
    if (info.message.empty()) info.message = error_message_from_body(body);
    if (info.message.empty()) info.message = "HTTP " + std::to_string(status);
    info.error_type = !reason.empty() ? reason : grpc_status;

    const int s = info.status;
    // Gemini answers a bad key with 400 INVALID_ARGUMENT; only the ErrorInfo reason says it is an auth failure.
    if (reason == "API_KEY_INVALID" || reason == "API_KEY_EXPIRED" || s == 401 || s == 403 ||
        grpc_status == "UNAUTHENTICATED" || grpc_status == "PERMISSION_DENIED")
        throw AuthError(std::move(info));
    // 503 UNAVAILABLE is Gemini's "model overloaded": as retryable as a 429.
    if (s == 429 || s == 503 || grpc_status == "RESOURCE_EXHAUSTED" || grpc_status == "UNAVAILABLE") {
        auto retry = gemini_retry_delay(body);
        if (!retry) retry = parse_retry_after(headers);
        throw RateLimitError(std::move(info), retry);
    }
    if (s == 404 || grpc_status == "NOT_FOUND") throw ModelNotFoundError(std::move(info));
    throw_provider_error(std::move(info));
}

std::unique_ptr<Provider> make_gemini_provider() { return std::make_unique<GeminiProvider>(); }

}  // namespace llmgate::inline v1::detail
