// AWS Bedrock Runtime: Converse / ConverseStream for chat, InvokeModel for Titan and Cohere embeddings,
// every request signed with SigV4. Wire shapes checked against aws/aws-sdk-js-v3
// clients/client-bedrock-runtime (models_0.ts, protocols/Aws_restJson1.ts) and the Bedrock API reference.
#include "providers/bedrock.hpp"

#include <algorithm>
#include <exception>
#include <functional>
#include <map>
#include <set>
#include <utility>

#include "llmgate/errors.hpp"
#include "providers/anthropic.hpp"
#include "providers/aws_sigv4.hpp"
#include "providers/base_url.hpp"
#include "providers/factories.hpp"
#include "providers/http_errors.hpp"
#include "providers/http_provider.hpp"
#include "providers/toolkit/cache_markers.hpp"
#include "providers/toolkit/tool_result.hpp"
#include "providers/toolkit/adapter_errors.hpp"
#include "providers/toolkit/json_fields.hpp"
#include "providers/toolkit/model_list.hpp"
#include "providers/toolkit/json_request.hpp"
#include "providers/toolkit/output_budget.hpp"
#include "providers/toolkit/reasoning.hpp"
#include "transport/aws_eventstream.hpp"
#include "util/environment.hpp"
#include "util/json_parse.hpp"

namespace llmgate::inline v1::detail {
namespace {

constexpr const char* kProvider = "bedrock";

// The buffered reply's and the stream's words when maxTokens ran out before any output.
constexpr OutputBudget kBudget{.name = "maxTokens", .reason = "stopReason \"max_tokens\""};

bool starts_with(const std::string& s, std::string_view prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// --- request ---

// Converse takes image bytes (base64 in JSON) with a format name, never a URL (S3 aside).
std::string image_format(const std::string& mime) {
    for (const char* f : {"png", "jpeg", "gif", "webp"})
        if (mime == std::string("image/") + f) return f;
    if (mime == "image/jpg") return "jpeg";
    return {};
}

json image_block(const std::string& model, const std::string& mime, const std::string& base64) {
    const std::string format = image_format(mime);
    if (format.empty())
        invalid_request(kProvider, model, "Bedrock Converse takes png, jpeg, gif or webp images, not " + mime);
    return json{{"image", {{"format", format}, {"source", {{"bytes", base64}}}}}};
}

// A CachePointBlock (botocore service-2.json CachePointBlock: type "default", ttl "5m" | "1h"): everything
// before it in the request is a cache checkpoint.
json cache_point(const CacheMarker& marker) {
    json point{{"type", "default"}};
    if (!marker.ttl.empty()) point["ttl"] = marker.ttl;
    return json{{"cachePoint", std::move(point)}};
}

json user_blocks(const std::string& model, const Message& m) {
    json blocks = json::array();
    if (const auto* text = std::get_if<std::string>(&m.content)) {
        blocks.push_back({{"text", *text}});
        return blocks;
    }
    for (const auto& part : std::get<std::vector<ContentPart>>(m.content)) {
        if (part.type == "text") {
            blocks.push_back({{"text", part.text}});
        } else if (part.type == "image_bytes" && part.image_bytes) {
            blocks.push_back(image_block(model, part.image_bytes->mime_type, part.image_bytes->data));
        } else if (part.type == "image_url" && part.image_url) {
            // data:<mime>;base64,<data> is sent as bytes; Bedrock cannot fetch http(s) URLs.
            const std::string& url = part.image_url->url;
            const auto comma = url.find(',');
            const auto semi = url.find(";base64");
            if (!starts_with(url, "data:") || comma == std::string::npos || semi == std::string::npos || semi > comma)
                invalid_request(
                    kProvider, model,
                    "Bedrock Converse takes images as bytes: pass a base64 data: URI or image bytes, not a URL");
            blocks.push_back(image_block(model, url.substr(5, semi - 5), url.substr(comma + 1)));
        }
        if (part.cache) blocks.push_back(cache_point(*part.cache));
    }
    return blocks;
}

json assistant_blocks(const Message& m) {
    json blocks = json::array();
    // Signed reasoning blocks must come back verbatim, before the text and tool calls they led to.
    if (m.provider_data.is_object()) {
        if (auto r = m.provider_data.find("reasoningContent"); r != m.provider_data.end() && r->is_array())
            for (const auto& block : *r) blocks.push_back({{"reasoningContent", block}});
    }
    const std::string text = m.text();
    if (!text.empty()) blocks.push_back({{"text", text}});
    for (const auto& tc : m.tool_calls) {
        json input = tc.arguments;
        if (!input.is_object()) {
            input = json::parse(tc.arguments_raw, nullptr, false);
            if (!input.is_object()) input = json::object();  // toolUse.input must be a JSON object
        }
        blocks.push_back({{"toolUse", {{"toolUseId", tc.id}, {"name", tc.function}, {"input", std::move(input)}}}});
    }
    if (blocks.empty()) blocks.push_back({{"text", text}});
    return blocks;
}

// Every toolUse needs its toolResult in the very next (user) turn, and every toolResult answers a toolUse
// of the turn before: Bedrock rejects the call otherwise, so say which id is wrong before sending.
void check_tool_pairs(const std::string& model, const json& messages) {
    std::set<std::string> open;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const json& turn = messages[i];
        std::set<std::string> answered;
        for (const auto& block : turn["content"]) {
            if (auto r = block.find("toolResult"); r != block.end()) {
                const std::string id = string_or_empty(*r, "toolUseId");
                if (!open.count(id))
                    invalid_request(
                        kProvider, model,
                        "tool result for \"" + id + "\" answers no tool call of the previous assistant turn");
                answered.insert(id);
            }
        }
        for (const auto& id : open)
            if (!answered.count(id))
                invalid_request(kProvider, model,
                                "tool call \"" + id +
                                    "\" has no tool result: Bedrock needs a tool message answering every "
                                    "tool call, right after the assistant turn that made it");
        open.clear();
        for (const auto& block : turn["content"])
            if (auto u = block.find("toolUse"); u != block.end()) open.insert(string_or_empty(*u, "toolUseId"));
    }
    // Tool calls in the last turn are fine only if it is the model's own turn being continued: never sent.
    if (!open.empty())
        invalid_request(kProvider, model,
                        "tool call \"" + *open.begin() + "\" has no tool result: add a tool message answering it");
}

json tool_config(const Options& o, bool history_has_tools) {
    json tools = json::array();
    for (const auto& t : o.tools) {
        json spec{{"name", t.name}, {"inputSchema", {{"json", t.parameters}}}};
        if (!t.description.empty()) spec["description"] = t.description;
        tools.push_back({{"toolSpec", std::move(spec)}});
        if (t.cache) tools.push_back(cache_point(*t.cache));
    }
    json config{{"tools", std::move(tools)}};
    // Converse has no "none" choice. Without tool blocks in the history the tools are left out (the
    // model cannot call what it does not see); with them toolConfig must stay (Bedrock requires it),
    // so "none" falls back to the model's default.
    if (o.tool_choice == "none") return history_has_tools ? config : json();
    if (o.tool_choice == "auto")
        config["toolChoice"] = {{"auto", json::object()}};
    else if (o.tool_choice == "required")
        config["toolChoice"] = {{"any", json::object()}};
    else if (!o.tool_choice.empty())
        config["toolChoice"] = {{"tool", {{"name", o.tool_choice}}}};
    return config;
}

// PromptCacheOptions::automatic: a cache point after each part of the prompt that repeats from call to call,
// in the order Bedrock reads them (tools, system, messages: its TTLs must not grow along it, so one TTL is
// used), while the limit leaves room: after the tools, after the system prompt, after the last message.
void place_automatic_cache_points(json& body, const CacheMarker& marker, int room) {
    auto append = [&](json& list) {
        if (room <= 0 || !list.is_array() || list.empty() || list.back().contains("cachePoint")) return;
        list.push_back(cache_point(marker));
        --room;
    };
    if (auto config = body.find("toolConfig"); config != body.end()) append((*config)["tools"]);
    if (auto system = body.find("system"); system != body.end()) append(*system);
    json& messages = body["messages"];
    if (messages.is_array() && !messages.empty()) append(messages.back()["content"]);
}

// The foundation model id of `model`: an ARN's last segment, without a cross-region inference profile's
// geography ("us.anthropic.claude-sonnet-4-5-20250929-v1:0" → "anthropic.claude-sonnet-4-5-20250929-v1:0").
std::string base_model_id(const std::string& model) {
    std::string id = model;
    if (auto slash = id.rfind('/'); slash != std::string::npos) id = id.substr(slash + 1);  // ARNs
    for (const char* geo : {"us.", "eu.", "apac.", "us-gov.", "jp.", "au.", "ca.", "global."})
        if (starts_with(id, geo)) id = id.substr(std::string_view(geo).size());
    return id;
}

// Options' reasoning, in the model's own request fields (Converse passes additionalModelRequestFields to the model
// untouched): Claude takes the Messages API's thinking (and output_config.effort), mapped as for Anthropic
// (claude_thinking); Amazon Nova 2 takes reasoningConfig {type: "enabled", maxReasoningEffort: low | medium |
// high}, off by default (so none sends nothing). Other models have no documented field: nothing is sent.
void add_reasoning(json& body, const ChatRequest& request) {
    const Options& o = request.options;
    const Reasoning r = requested_reasoning(o, kProvider, request.model);
    if (!r.requested()) return;
    const std::string id = base_model_id(request.model);
    if (starts_with(id, "anthropic.claude")) {
        ClaudeThinking t =
            claude_thinking(o, id.substr(std::string_view("anthropic.").size()), kProvider, kAnthropicDefaultMaxTokens);
        json& fields = body["additionalModelRequestFields"];
        if (!t.thinking.is_null()) {
            // Converse sends no maxTokens unless asked, and budget_tokens must be below it.
            if (t.thinking.value("type", "") == "enabled" && !o.max_tokens)
                body["inferenceConfig"]["maxTokens"] = t.max_tokens.value_or(kAnthropicDefaultMaxTokens);
            fields["thinking"] = std::move(t.thinking);
        }
        if (!t.effort.empty()) fields["output_config"]["effort"] = std::move(t.effort);
    } else if (starts_with(id, "amazon.nova-2")) {
        const Effort effort = effort_or_budget(r);
        if (effort == Effort::none) return;
        body["additionalModelRequestFields"]["reasoningConfig"] = {
            {"type", "enabled"}, {"maxReasoningEffort", effort == Effort::minimal ? "low" : effort_name(effort)}};
    }
}

// --- reply ---

std::string error_message(const json& payload, const std::string& raw) {
    for (const char* key : {"message", "Message", "originalMessage"})
        if (auto m = string_or_empty(payload, key); !m.empty()) return m;
    return raw.substr(0, 500);
}

// The error type name without the namespace ("com.amazon.coral.service#X") or documentation URL ("X:http://...").
std::string bare_error_type(std::string type) {
    if (auto colon = type.find(':'); colon != std::string::npos) type.resize(colon);
    if (auto hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
    return type;
}

// One error type name (HTTP header or stream :exception-type, any case) to the typed error.
[[noreturn]] void throw_typed(ErrorInfo info, const Headers& headers, const std::string& type) {
    std::string t;
    for (char c : type) t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (info.body.size() > 2000) info.body.resize(2000);
    for (const char* auth : {"accessdeniedexception", "unrecognizedclientexception", "invalidsignatureexception",
                             "incompletesignatureexception", "missingauthenticationtokenexception",
                             "expiredtokenexception", "invalidclienttokenid", "signaturedoesnotmatch"})
        if (t == auth) throw AuthError(std::move(info));
    // ServiceUnavailable is Bedrock's overload signal, retried like a throttle by the AWS SDKs.
    for (const char* busy : {"throttlingexception", "serviceunavailableexception", "toomanyrequestsexception"})
        if (t == busy) throw RateLimitError(std::move(info), parse_retry_after(headers));
    if (t == "resourcenotfoundexception") throw ModelNotFoundError(std::move(info));
    if (info.status == 0) throw_provider_error(std::move(info));
    throw_for_status(std::move(info), headers, {503});
}

// The reply's text is moved out of its tree (the reply keeps its body text as raw).
Message read_message(json& message) {
    Message m;
    m.role = "assistant";
    std::string text;
    json reasoning_blocks = json::array();
    for (auto& block : message.at("content")) {
        if (!block.is_object()) continue;
        if (auto t = block.find("text"); t != block.end() && t->is_string()) {
            take_string(*t, text);
        } else if (auto u = block.find("toolUse"); u != block.end() && u->is_object()) {
            ToolCall tc;
            tc.id = string_or_empty(*u, "toolUseId");
            tc.function = string_or_empty(*u, "name");
            tc.arguments = u->contains("input") ? (*u)["input"] : json::object();
            tc.arguments_raw = tc.arguments.dump();
            m.tool_calls.push_back(std::move(tc));
        } else if (auto r = block.find("reasoningContent"); r != block.end() && r->is_object()) {
            if (auto rt = r->find("reasoningText"); rt != r->end()) m.reasoning += string_or_empty(*rt, "text");
            reasoning_blocks.push_back(*r);
        }
    }
    m.content = std::move(text);
    if (!reasoning_blocks.empty()) m.provider_data = json{{"reasoningContent", std::move(reasoning_blocks)}};
    return m;
}

// --- stream ---

class BedrockStreamDecoder final : public StreamDecoder {
public:
    explicit BedrockStreamDecoder(std::string model) : model_(std::move(model)) {}

    // An error (exception frame, bad frame) that follows chunks decoded in the same read is held back
    // until those chunks are delivered: the caller sees the partial reply, then the error.
    void feed(std::string_view bytes, std::deque<StreamChunk>& out) override {
        if (pending_) std::rethrow_exception(std::exchange(pending_, nullptr));
        const std::size_t before = out.size();
        try {
            decode(bytes, out);
        } catch (const Error&) {
            if (out.size() == before) throw;
            pending_ = std::current_exception();
        }
    }

    void finish(std::deque<StreamChunk>&) override {
        if (pending_) std::rethrow_exception(std::exchange(pending_, nullptr));
        if (errored_) return;
        if (frames_decoder_.mid_frame())
            fail("the ConverseStream body ended in the middle of a frame: the reply is incomplete");
        if (!stopped_ || !metadata_)
            fail(std::string("the ConverseStream body ended before ") +
                 (stopped_ ? "the metadata event" : "messageStop") + ": the reply is incomplete");
        check_stream_answered(kProvider, model_, "messageStop", stop_reason_, saw_output_);
    }

private:
    void decode(std::string_view bytes, std::deque<StreamChunk>& out) {
        if (errored_) return;
        frames_.clear();
        try {
            frames_decoder_.feed(bytes, frames_);
        } catch (const ResponseParseError& e) {
            // Frames completed before the bad one still count, whatever the read boundaries were.
            for (auto& f : frames_) handle(f, out);
            errored_ = true;
            ErrorInfo info = e.info();
            info.provider = kProvider;
            info.model = model_;
            throw ResponseParseError(std::move(info));
        }
        for (auto& f : frames_) handle(f, out);
    }

    [[noreturn]] void fail(const std::string& what) {
        errored_ = true;
        throw ResponseParseError(ErrorInfo{.provider = kProvider, .model = model_, .status = 200, .message = what});
    }

    void handle(const EventStreamMessage& frame, std::deque<StreamChunk>& out) {
        if (errored_) return;
        const std::string type = frame.header(":message-type");
        if (type == "exception") {
            const std::string kind = frame.header(":exception-type");
            const json payload = parse_json(frame.payload);
            errored_ = true;
            throw_typed(ErrorInfo{.provider = kProvider,
                                  .model = model_,
                                  .status = 0,
                                  .message = kind + ": " + error_message(payload, frame.payload),
                                  .error_type = kind,
                                  .body = frame.payload},
                        {}, kind);
        }
        if (type == "error") {  // service-level failure: :error-code / :error-message headers, no payload
            errored_ = true;
            throw ProviderAPIError(
                ErrorInfo{.provider = kProvider,
                          .model = model_,
                          .message = frame.header(":error-code") + ": " + frame.header(":error-message"),
                          .error_type = frame.header(":error-code")});
        }
        if (type != "event") fail("event stream frame with :message-type \"" + type + "\"");
        json payload = parse_json(frame.payload);
        if (!payload.is_object()) fail("malformed event payload: " + frame.payload.substr(0, 300));
        const std::string event = frame.header(":event-type");
        try {
            handle_event(event, payload, out);
        } catch (const json::exception& e) {
            fail("unexpected " + event + " event shape (" + e.what() + "): " + frame.payload.substr(0, 300));
        }
    }

    // Tool calls are numbered 0, 1, ... in arrival order, whatever their contentBlockIndex.
    int tool_index(std::int64_t block, bool create) {
        auto it = tool_by_block_.find(block);
        if (it != tool_by_block_.end()) return it->second;
        if (!create) return -1;
        const int index = static_cast<int>(tool_by_block_.size());
        tool_by_block_[block] = index;
        return index;
    }

    // The fields read are checked for their documented types (Bedrock Runtime API reference: ContentBlockStartEvent,
    // ContentBlockDeltaEvent, MessageStopEvent, ConverseStreamMetadataEvent): a wrong-shaped event is an error,
    // never skipped; unknown fields and event types are fine.
    void handle_event(const std::string& event, json& payload, std::deque<StreamChunk>& out) {
        StreamChunk c;
        c.model = model_;
        bool emit = false;
        if (event == "contentBlockStart") {
            const std::int64_t block = json_index(payload, "contentBlockIndex", 0);
            const json* start = object_field(payload, "start");
            if (const json* u = start != nullptr ? object_field(*start, "toolUse") : nullptr) {
                ToolCallDelta d{.index = tool_index(block, true),
                                .id = string_field(*u, "toolUseId"),
                                .function = string_field(*u, "name"),
                                .arguments = {}};
                assembler_.add(d);
                c.tool_call_deltas.push_back(std::move(d));
                emit = true;
            }
        } else if (event == "contentBlockDelta") {
            const std::int64_t block = json_index(payload, "contentBlockIndex", 0);
            json no_delta = json::object();
            json* delta_field = object_field(payload, "delta");
            json& delta = delta_field != nullptr ? *delta_field : no_delta;  // a reference: no copy of the text
            if (json* t = typed_field(delta, "text", json::value_t::string)) {
                move_text(*t, c.delta, TextFrom::stream_event);
                saw_output_ = saw_output_ || !c.delta.empty();
                emit = true;
            }
            if (const json* u = object_field(delta, "toolUse")) {
                ToolCallDelta d{
                    .index = tool_index(block, true), .id = {}, .function = {}, .arguments = string_field(*u, "input")};
                assembler_.add(d);
                c.tool_call_deltas.push_back(std::move(d));
                saw_output_ = true;
                emit = true;
            }
            if (const json* r = object_field(delta, "reasoningContent")) {
                c.reasoning = string_field(*r, "text");
                // Kept per block so the finish chunk can hand the signed blocks over for replay.
                ReasoningBlock& kept = reasoning_blocks_[block];
                kept.text += c.reasoning;
                kept.signature += string_field(*r, "signature");
                kept.redacted += string_field(*r, "redactedContent");
                emit = true;
            }
        } else if (event == "messageStop") {
            stopped_ = true;
            stop_reason_ = bedrock_finish_reason(string_field(payload, "stopReason"));
            c.finish_reason = stop_reason_;
            if (!assembler_.empty()) c.tool_calls = assembler_.build();
            if (!reasoning_blocks_.empty()) c.provider_data = json{{"reasoningContent", reasoning_for_replay()}};
            emit = true;
        } else if (event == "metadata") {
            metadata_ = true;
            if (const json* u = object_field(payload, "usage")) {
                c.usage = bedrock_parse_usage(*u);
                emit = true;
            }
            // As for a buffered reply: a model that spent its whole budget before any output has failed.
            errored_ = stop_reason_ == "length" && !saw_output_;
            check_stream_budget(kProvider, model_, stop_reason_, saw_output_, c.usage.value_or(Usage{}), kBudget);
        }
        // messageStart, contentBlockStop and unknown events carry nothing a chunk reports.
        if (!emit) return;
        c.raw = std::move(payload);
        out.push_back(std::move(c));
    }

    // The same shape a buffered reply's reasoningContent blocks have, in block order.
    json reasoning_for_replay() const {
        json blocks = json::array();
        for (const auto& [index, b] : reasoning_blocks_) {
            if (!b.redacted.empty()) {
                blocks.push_back({{"redactedContent", b.redacted}});
                continue;
            }
            json text{{"text", b.text}};
            if (!b.signature.empty()) text["signature"] = b.signature;
            blocks.push_back({{"reasoningText", std::move(text)}});
        }
        return blocks;
    }

    struct ReasoningBlock {
        std::string text, signature, redacted;
    };

    std::string model_;
    std::map<std::int64_t, ReasoningBlock> reasoning_blocks_;
    EventStreamDecoder frames_decoder_;
    std::vector<EventStreamMessage> frames_;
    ToolCallAssembler assembler_;
    std::map<std::int64_t, int> tool_by_block_;
    bool stopped_ = false;
    bool metadata_ = false;
    bool errored_ = false;  // an error was raised: later bytes are ignored
    std::exception_ptr pending_;
    bool saw_output_ = false;
    std::string stop_reason_;
};

// --- the provider ---

class BedrockProvider final : public HttpProvider {
public:
    BedrockProvider() : HttpProvider(kProvider) {}

    Capabilities capabilities(const std::string& model) const override { return bedrock_capabilities(model); }

    EmbeddingResponse embed(const EmbedRequest& request) override {
        std::vector<HttpRequest> calls = build_embeds(request);
        EmbeddingResponse out = empty_embedding(request);
        for (const auto& call : calls) add_embedding(request, perform(call), out);
        return out;
    }

    // Titan embeds one text per request: the requests go one after another, so the vectors keep the
    // input order and a throttle stops the batch at the first refusal.
    void embed_async(EmbedRequest request, Callback<EmbeddingResponse> done) override {
        struct State {
            EmbedRequest request;
            std::vector<HttpRequest> calls;
            std::size_t next = 0;
            EmbeddingResponse out;
            Callback<EmbeddingResponse> done;
        };
        auto state = std::make_shared<State>();
        try {
            state->calls = build_embeds(request);
        } catch (...) {
            done(std::current_exception(), {});
            return;
        }
        state->out = empty_embedding(request);
        state->request = std::move(request);
        state->done = std::move(done);
        auto step = std::make_shared<std::function<void()>>();
        *step = [this, state, step]() {
            if (state->next == state->calls.size()) {
                auto finish = std::move(state->done);
                finish(nullptr, std::move(state->out));
                *step = nullptr;  // break the self-reference
                return;
            }
            perform_async(std::move(state->calls[state->next++]),
                          [this, state, step](std::exception_ptr err, HttpResponse resp) {
                              if (!err) {
                                  try {
                                      add_embedding(state->request, resp, state->out);
                                  } catch (...) {
                                      err = std::current_exception();
                                  }
                              }
                              if (err) {
                                  auto finish = std::move(state->done);
                                  *step = nullptr;
                                  finish(err, {});
                                  return;
                              }
                              (*step)();
                          });
        };
        (*step)();
    }

protected:
    HttpRequest build_chat(const ChatRequest& request, bool stream) const override {
        const Options& o = request.options;
        const AwsCredentials credentials = resolve_credentials(o.api_key);
        const std::string region = resolve_region(request.model);
        HttpRequest http = json_post(kProvider, request.model, o.timeout,
                                     {.url = endpoint(o.api_base, region) +
                                             bedrock_model_path(request.model, stream ? "converse-stream" : "converse"),
                                      .streaming = stream},
                                     o.extra_headers.size());
        finish_json_request(http, o.extra_headers, bedrock_converse_body(request), o.extra);
        sigv4_sign(http, credentials, SigV4Scope{.region = region, .service = "bedrock"});
        return http;
    }

    CompletionResponse parse_chat(const ChatRequest& request, HttpResponse& response) const override {
        CompletionResponse r =
            bedrock_parse_converse(request.model, std::move(response.body), response.header("x-amzn-requestid"));
        check_reply_budget(r,
                           {.provider = kProvider,
                            .model = request.model,
                            .status = static_cast<int>(response.status),
                            .request_id = r.id},
                           kBudget);
        return r;
    }

    std::unique_ptr<StreamDecoder> make_stream_decoder(const ChatRequest& request) const override {
        return make_bedrock_stream_decoder(request.model);
    }

    [[noreturn]] void raise_http_error(const std::string& model, const HttpResponse& response) const override {
        bedrock_raise_http_error(model, response);
    }

    // ListFoundationModels: GET /foundation-models on the Bedrock control plane (bedrock.<region>, not
    // bedrock-runtime), SigV4-signed for service "bedrock"; one page. AWS_ENDPOINT_URL_BEDROCK is the
    // SDKs' service-specific endpoint variable for it.
    std::optional<HttpRequest> build_list_models(const ListModelsOptions& options, const std::string&) const override {
        const AwsCredentials credentials = resolve_credentials(options.api_key);
        const std::string region = resolve_region("");
        HttpRequest http = models_get(pick_base_url(options.api_base, {"AWS_ENDPOINT_URL_BEDROCK", "AWS_ENDPOINT_URL"},
                                                    "https://bedrock." + region + ".amazonaws.com") +
                                          "/foundation-models",
                                      options);
        set_headers(http.headers, options.extra_headers);  // before signing, so they are signed as sent
        sigv4_sign(http, credentials, SigV4Scope{.region = region, .service = "bedrock"});
        return http;
    }

    // {"modelSummaries":[{"modelId","modelName","providerName","modelArn","inputModalities",...}]}
    std::string parse_list_models(const HttpResponse& response, std::vector<ModelInfo>& out) const override {
        const json j = reply_object(kProvider, "", response.body);
        reading_shape(kProvider, "", response.body, "model list", [&] {
            const json* models = array_field(j, "modelSummaries");
            if (models == nullptr) parse_failure(kProvider, "", "model list has no modelSummaries", response.body);
            for (const auto& item : *models) {
                require_object(item, "modelSummaries[]");
                ModelInfo m{.id = required_string(item, "modelId"), .provider = kProvider};
                m.display_name = string_field(item, "modelName");
                m.owned_by = string_field(item, "providerName");
                m.raw = item;
                out.push_back(std::move(m));
            }
        });
        return {};
    }

private:
    // Per-call api_key is "ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]" (no part of an AWS key has a ':').
    AwsCredentials resolve_credentials(const std::string& override_key) const {
        AwsCredentials c;
        if (!override_key.empty()) {
            const auto first = override_key.find(':');
            if (first == std::string::npos)
                throw AuthError(ErrorInfo{
                    .provider = kProvider,
                    .message = "api_key for bedrock must be ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]"});
            c.access_key_id = override_key.substr(0, first);
            const auto second = override_key.find(':', first + 1);
            c.secret_access_key =
                override_key.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
            if (second != std::string::npos) c.session_token = override_key.substr(second + 1);
            return c;
        }
        c.access_key_id = first_env({"AWS_ACCESS_KEY_ID"}).value_or("");
        c.secret_access_key = first_env({"AWS_SECRET_ACCESS_KEY"}).value_or("");
        c.session_token = first_env({"AWS_SESSION_TOKEN"}).value_or("");
        if (c.access_key_id.empty() || c.secret_access_key.empty())
            throw AuthError(ErrorInfo{.provider = kProvider,
                                      .message = "no AWS credentials for bedrock: set AWS_ACCESS_KEY_ID and "
                                                 "AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary "
                                                 "credentials) or pass api_key"});
        return c;
    }

    static std::string resolve_region(const std::string& model) {
        if (auto r = first_env({"AWS_REGION", "AWS_DEFAULT_REGION"})) return *r;
        invalid_request(kProvider, model, "no AWS region for bedrock: set AWS_REGION or AWS_DEFAULT_REGION");
    }

    static std::string endpoint(const std::string& override_base, const std::string& region) {
        return pick_base_url(override_base, {"AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_ENDPOINT_URL"},
                             "https://bedrock-runtime." + region + ".amazonaws.com");
    }

    std::vector<HttpRequest> build_embeds(const EmbedRequest& request) const {
        const EmbedOptions& o = request.options;
        const BedrockEmbedFamily family = bedrock_embed_family(request.model);
        if (family == BedrockEmbedFamily::unsupported)
            throw EmbeddingsNotSupported(ErrorInfo{
                .provider = kProvider,
                .model = request.model,
                .message = "bedrock embeddings are supported for amazon.titan-embed-* and cohere.embed-* models, not " +
                           request.model});
        if (request.inputs.empty()) invalid_request(kProvider, request.model, "embed needs at least one input");
        const AwsCredentials credentials = resolve_credentials(o.api_key);
        const std::string region = resolve_region(request.model);
        std::vector<json> bodies;
        if (family == BedrockEmbedFamily::titan)
            for (const auto& text : request.inputs) bodies.push_back(bedrock_titan_embed_body(text, o));
        else
            bodies.push_back(bedrock_cohere_embed_body(request));
        std::vector<HttpRequest> calls;
        for (auto& body : bodies) {
            HttpRequest http =
                json_post(kProvider, request.model, o.timeout,
                          {.url = endpoint(o.api_base, region) + bedrock_model_path(request.model, "invoke")},
                          o.extra_headers.size());
            finish_json_request(http, o.extra_headers, std::move(body), o.extra);
            sigv4_sign(http, credentials, SigV4Scope{.region = region, .service = "bedrock"});
            http.cancel = o.cancel;
            calls.push_back(std::move(http));
        }
        return calls;
    }

    static EmbeddingResponse empty_embedding(const EmbedRequest& request) {
        EmbeddingResponse out;
        out.model = request.model;
        out.provider = kProvider;
        out.raw = json::array();
        return out;
    }

    void add_embedding(const EmbedRequest& request, const HttpResponse& response, EmbeddingResponse& out) const {
        if (response.status < 200 || response.status >= 300) raise_http_error(request.model, response);
        const std::size_t before = out.embeddings.size();
        if (bedrock_embed_family(request.model) == BedrockEmbedFamily::titan) {
            bedrock_parse_titan_embedding(response.body, out);
        } else {
            bedrock_parse_cohere_embeddings(response.body, out);
            // Cohere's body has no token count; Bedrock reports it in a header on every InvokeModel reply.
            const std::string count = response.header("x-amzn-bedrock-input-token-count");
            if (!count.empty() && count.find_first_not_of("0123456789") == std::string::npos && count.size() < 18) {
                out.usage.prompt_tokens = add_counts(out.usage.prompt_tokens, std::stoll(count));
                out.usage.total_tokens = out.usage.prompt_tokens;
            }
        }
        const std::size_t expected =
            bedrock_embed_family(request.model) == BedrockEmbedFamily::titan ? 1 : request.inputs.size();
        check_embedding_count(kProvider, request.model, out.embeddings.size() - before, expected, response.body);
    }
};

}  // namespace

std::string bedrock_model_path(const std::string& model, const std::string& operation) {
    // modelId is a non-greedy URI label: the SDKs encode everything but unreserved characters, '/' too
    // (smithy-rs aws-smithy-http label.rs BASE_SET; botocore serialize.py percent_encode with safe '-._~').
    return "/model/" + aws_uri_encode(model) + "/" + operation;
}

json bedrock_converse_body(const ChatRequest& request) {
    const Options& o = request.options;
    json system = json::array();
    json messages = json::array();
    bool history_has_tools = false;
    const int explicit_markers = explicit_cache_markers(kProvider, request);
    for (const auto& m : request.messages) {
        std::string role;
        json blocks;
        if (m.role == "system" || m.role == "developer") {
            if (const std::string text = m.text(); !text.empty()) system.push_back({{"text", text}});
            if (m.cache && !system.empty()) system.push_back(cache_point(*m.cache));
            continue;
        }
        if (m.role == "user") {
            role = "user";
            blocks = user_blocks(request.model, m);
        } else if (m.role == "assistant") {
            role = "assistant";
            blocks = assistant_blocks(m);
            history_has_tools = history_has_tools || !m.tool_calls.empty();
        } else if (m.role == "tool") {
            role = "user";
            json result{{"toolUseId", m.tool_call_id}, {"content", json::array({{{"text", m.text()}}})}};
            if (is_tool_error(m)) result["status"] = "error";  // ToolResultBlock.status: success | error
            blocks = json::array({{{"toolResult", std::move(result)}}});
            history_has_tools = true;
        } else {
            invalid_request(kProvider, request.model, "bedrock has no message role \"" + m.role + "\"");
        }
        if (m.cache && !blocks.empty() && !blocks.back().contains("cachePoint")) blocks.push_back(cache_point(*m.cache));
        // Converse wants turns to alternate: consecutive tool results (and a user message after them)
        // become one user turn with several blocks.
        if (!messages.empty() && messages.back()["role"] == role) {
            for (auto& b : blocks) messages.back()["content"].push_back(std::move(b));
        } else {
            messages.push_back({{"role", role}, {"content", std::move(blocks)}});
        }
    }
    check_tool_pairs(request.model, messages);
    json body{{"messages", std::move(messages)}};
    if (!system.empty()) body["system"] = std::move(system);
    json inference = json::object();
    if (o.max_tokens) inference["maxTokens"] = *o.max_tokens;
    if (o.temperature) inference["temperature"] = *o.temperature;
    if (o.top_p) inference["topP"] = *o.top_p;
    if (!o.stop.empty()) inference["stopSequences"] = o.stop;
    if (!inference.empty()) body["inferenceConfig"] = std::move(inference);
    add_reasoning(body, request);
    // Structured output (botocore data/bedrock-runtime/2023-09-30/service-2.json: ConverseRequest.outputConfig
    // → OutputConfig.textFormat → OutputFormat{type "json_schema", structure{jsonSchema: JsonSchemaDefinition}}).
    // JsonSchemaDefinition.schema is a String: the schema travels as JSON text, not as an object.
    // Converse has no schema-less JSON mode, so StructuredMode::json_mode never reaches here (capabilities).
    if (request.structured == StructuredMode::native_schema) {
        if (!o.response_format)
            invalid_request(kProvider, request.model, "native structured output needs options.response_format");
        json schema_def{{"schema", o.response_format->schema.dump()}};
        if (!o.response_format->name.empty()) schema_def["name"] = o.response_format->name;
        if (!o.response_format->description.empty()) schema_def["description"] = o.response_format->description;
        body["outputConfig"] = {
            {"textFormat", {{"type", "json_schema"}, {"structure", {{"jsonSchema", std::move(schema_def)}}}}}};
    }
    if (!o.tools.empty()) {
        json config = tool_config(o, history_has_tools);
        if (!config.is_null()) body["toolConfig"] = std::move(config);
    }
    if (o.prompt_cache.automatic)
        place_automatic_cache_points(body, CacheMarker{o.prompt_cache.ttl}, kMaxCacheBreakpoints - explicit_markers);
    return body;
}

Usage bedrock_parse_usage(const json& u) {
    Usage usage;
    if (!u.is_object()) return usage;
    // inputTokens counts only the uncached input; cache reads and writes come on top (as in Anthropic's
    // API that Bedrock mirrors), so prompt_tokens adds them back to mean what OpenAI means.
    usage.cached_tokens = json_count(u, "cacheReadInputTokens");
    usage.cache_creation_tokens = json_count(u, "cacheWriteInputTokens");
    usage.prompt_tokens = add_counts(json_count(u, "inputTokens"), usage.cached_tokens, usage.cache_creation_tokens);
    usage.completion_tokens = json_count(u, "outputTokens");
    usage.total_tokens =
        std::max(json_count(u, "totalTokens"), add_counts(usage.prompt_tokens, usage.completion_tokens));
    return usage;
}

std::string bedrock_finish_reason(const std::string& stop_reason) {
    if (stop_reason == "end_turn" || stop_reason == "stop_sequence") return "stop";
    if (stop_reason == "max_tokens" || stop_reason == "model_context_window_exceeded") return "length";
    if (stop_reason == "tool_use") return "tool_calls";
    if (stop_reason == "guardrail_intervened" || stop_reason == "content_filtered") return "content_filter";
    return stop_reason;
}

CompletionResponse bedrock_parse_converse(const std::string& model, std::string body,
                                          const std::string& request_id) {
    json j = reply_object(kProvider, model, body);  // not const: the answer's text is moved out of it
    CompletionResponse r;
    r.provider = kProvider;
    r.model = model;
    r.id = request_id;
    reading_shape(kProvider, model, body, "reply", [&] {
        json& message = j.at("output").at("message");
        if (!message.is_object() || !message.at("content").is_array())
            parse_failure(kProvider, model, "reply has no output.message.content", body);
        Choice choice;
        choice.message = read_message(message);
        choice.finish_reason = bedrock_finish_reason(string_or_empty(j, "stopReason"));
        r.finish_reason = choice.finish_reason;
        r.choices.push_back(std::move(choice));
        if (auto u = j.find("usage"); u != j.end()) r.usage = bedrock_parse_usage(*u);
    });
    r.raw = RawJson::from_text(std::move(body));  // the text, not the tree: held replies cost their bytes
    return r;
}

std::unique_ptr<StreamDecoder> make_bedrock_stream_decoder(std::string model) {
    return std::make_unique<BedrockStreamDecoder>(std::move(model));
}

void bedrock_raise_http_error(const std::string& model, const HttpResponse& response) {
    const json body = json::parse(response.body, nullptr, false);
    std::string type = bare_error_type(response.header("x-amzn-errortype"));
    if (type.empty()) type = bare_error_type(string_or_empty(body, "__type"));
    ErrorInfo info{.provider = kProvider,
                   .model = model,
                   .status = static_cast<int>(response.status),
                   .request_id = response.header("x-amzn-requestid"),
                   .message = error_message(body, response.body),
                   .error_type = type,
                   .body = response.body};
    if (info.message.empty())
        info.message = "HTTP " + std::to_string(response.status) + (type.empty() ? "" : " " + type);
    throw_typed(std::move(info), response.headers, type);
}

Capabilities bedrock_capabilities(const std::string& model) {
    // Titan: the adapter already sends one InvokeModel per text (in order), so any count is fine here.
    // Cohere Embed on Bedrock: `texts` holds at most 96 strings.
    const std::size_t max_inputs = bedrock_embed_family(model) == BedrockEmbedFamily::cohere ? 96 : 0;
    // The Converse request shape is the same for every model id; which models honour outputConfig is the
    // service's call (a model that cannot is expected to answer 400 ValidationException, and
    // StructuredStrategy::automatic steps down from there, llmgate/options.hpp). No per-model list is kept.
    return Capabilities{.native_schema = true,
                        .json_mode = false,
                        .images = true,
                        .image_urls = false,  // ImageSource is bytes or an S3 location, never an http URL
                        .max_embedding_inputs = max_inputs};
}

BedrockEmbedFamily bedrock_embed_family(const std::string& model) {
    // Cross-region inference profiles prefix the id with a geography ("us.cohere.embed-v4:0").
    const std::string id = base_model_id(model);
    if (starts_with(id, "amazon.titan-embed-")) return BedrockEmbedFamily::titan;
    if (starts_with(id, "cohere.embed-")) return BedrockEmbedFamily::cohere;
    return BedrockEmbedFamily::unsupported;
}

json bedrock_titan_embed_body(const std::string& text, const EmbedOptions& o) {
    json body{{"inputText", text}};
    if (o.dimensions) body["dimensions"] = *o.dimensions;  // Titan Text Embeddings V2: 256, 512 or 1024
    return body;
}

json bedrock_cohere_embed_body(const EmbedRequest& request) {
    const EmbedOptions& o = request.options;
    json body{{"texts", request.inputs}, {"input_type", o.input_type.empty() ? "search_document" : o.input_type}};
    if (!o.truncate.empty()) body["truncate"] = o.truncate;
    // Embed v4 answers {"embeddings": {"float": [...]}} and takes output_dimension; v3 answers a plain list.
    if (bedrock_embed_family(request.model) == BedrockEmbedFamily::cohere &&
        request.model.find("embed-v4") != std::string::npos) {
        body["embedding_types"] = json::array({"float"});
        if (o.dimensions) body["output_dimension"] = *o.dimensions;
    }
    return body;
}

void bedrock_parse_titan_embedding(const std::string& body, EmbeddingResponse& out) {
    json j = reply_object(kProvider, out.model, body);
    reading_shape(kProvider, out.model, body, "reply", [&] {
        out.embeddings.push_back(j.at("embedding").get<std::vector<double>>());
        out.usage.prompt_tokens = add_counts(out.usage.prompt_tokens, json_count(j, "inputTextTokenCount"));
        out.usage.total_tokens = out.usage.prompt_tokens;
    });
    // One InvokeModel per text: raw is built in memory as the array of the replies (released, not copied).
    json all = out.raw.is_array() ? std::move(out.raw).release() : json::array();
    all.push_back(std::move(j));
    out.raw = std::move(all);
}

void bedrock_parse_cohere_embeddings(const std::string& body, EmbeddingResponse& out) {
    const json j = reply_object(kProvider, out.model, body);
    reading_shape(kProvider, out.model, body, "reply", [&] {
        const json& e = j.at("embeddings");
        const json& vectors = e.is_object() ? e.at("float") : e;  // embeddings_by_type or embeddings_floats
        for (const auto& v : vectors) out.embeddings.push_back(v.get<std::vector<double>>());
    });
    out.raw = RawJson::from_text(body);  // the text, not the tree: held replies cost their bytes
}

std::unique_ptr<Provider> make_bedrock_provider() { return std::make_unique<BedrockProvider>(); }

}  // namespace llmgate::inline v1::detail
