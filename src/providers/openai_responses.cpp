// The OpenAI Responses API: request body and buffered reply (openai-python types/responses/
// response_create_params.py, response_input_param.py, response.py, response_usage.py).
#include "providers/openai_responses.hpp"

#include <cstring>
#include <utility>

#include "llmgate/errors.hpp"
#include "providers/openai_compatible.hpp"
#include "providers/openai_responses_items.hpp"
#include "providers/toolkit/adapter_errors.hpp"
#include "providers/toolkit/json_fields.hpp"
#include "providers/toolkit/openai_cache_breakpoints.hpp"
#include "providers/toolkit/tool_arguments.hpp"

namespace llmgate::inline v1::detail {
namespace {

bool has_prefix(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// "o3-pro", "gpt-5-pro-2025-10-06", "gpt-5.4-pro": the family, then "-pro" ending the name or a snapshot date.
bool is_pro_model(const std::string& model) {
    for (const char* family : {"o1", "o3", "gpt-5"}) {
        if (!has_prefix(model, family)) continue;
        std::size_t i = std::strlen(family);
        if (std::strcmp(family, "gpt-5") == 0 && i < model.size() && model[i] == '.') {  // gpt-5.N
            ++i;
            while (i < model.size() && model[i] >= '0' && model[i] <= '9') ++i;
        }
        if (model.compare(i, 4, "-pro") == 0 && (i + 4 == model.size() || model[i + 4] == '-')) return true;
    }
    return false;
}

// --- request: the unified messages as input items ---

json text_item(const Message& m) { return json{{"role", m.role}, {"content", m.text()}}; }

// input_text / input_image parts (response_input_text_param.py, response_input_image_param.py: `detail`
// is required there, "auto" when the caller chose none).
json content_parts(const std::vector<ContentPart>& parts, const ChatRequest& request, std::size_t message) {
    const std::string& model = request.model;
    json out = json::array();
    for (const auto& p : parts) {
        if (p.type == "text") {
            out.push_back({{"type", "input_text"}, {"text", p.text}});
        } else if (p.type == "image_url" && p.image_url) {
            out.push_back({{"type", "input_image"},
                           {"image_url", p.image_url->url},
                           {"detail", p.image_url->detail.empty() ? "auto" : p.image_url->detail}});
        } else if (p.type == "image_bytes" && p.image_bytes) {
            out.push_back({{"type", "input_image"},
                           {"image_url", "data:" + p.image_bytes->mime_type + ";base64," + p.image_bytes->data},
                           {"detail", "auto"}});
        } else {
            invalid_request("openai", model, "content part type '" + p.type + "' cannot be sent to the Responses API");
        }
        if (openai_breakpoint_after(request, message, out.size() - 1, parts.size()))
            out.back()["prompt_cache_breakpoint"] = openai_cache_breakpoint();
    }
    return out;
}

json input_message(const ChatRequest& request, std::size_t message) {
    const Message& m = request.messages[message];
    if (const auto* parts = std::get_if<std::vector<ContentPart>>(&m.content))
        return json{{"role", m.role}, {"content", content_parts(*parts, request, message)}};
    if (!m.text().empty() && openai_breakpoint_after(request, message, 0, 1)) {
        // A text message that ends a cached prefix: one input_text part carrying the breakpoint.
        json part{{"type", "input_text"}, {"text", m.text()}, {"prompt_cache_breakpoint", openai_cache_breakpoint()}};
        return json{{"role", m.role}, {"content", json::array({std::move(part)})}};
    }
    return text_item(m);
}

// An assistant turn: its reasoning items first (as the model produced them), then its text, then its calls.
// Without server-side state a reasoning item is only usable with its encrypted_content, and the item ids of
// messages and calls name nothing the server kept, so they are not sent (the API would answer "Item with id
// ... not found. Items are not persisted when `store` is set to false").
void append_assistant(const Message& m, bool stored, json& input) {
    const json* replay = responses_replay_data(m);
    if (replay != nullptr) {
        if (const json* reasoning = object_at_key_array(*replay, "reasoning")) {
            for (const auto& item : *reasoning) {
                if (!item.is_object()) continue;
                const bool encrypted = !string_or_empty(item, "encrypted_content").empty();
                if (!encrypted && !stored) continue;
                json r{{"type", "reasoning"}, {"id", string_or_empty(item, "id")}};
                auto summary = item.find("summary");
                r["summary"] = summary != item.end() && summary->is_array() ? *summary : json::array();
                if (encrypted) r["encrypted_content"] = item["encrypted_content"];
                input.push_back(std::move(r));
            }
        }
    }
    if (std::string text = m.text(); !text.empty()) {
        json item{{"role", "assistant"}, {"content", std::move(text)}};
        // gpt-5.3-codex and later: "preserve and resend phase on all assistant messages".
        if (replay != nullptr)
            if (std::string phase = string_or_empty(*replay, "phase"); !phase.empty()) item["phase"] = phase;
        input.push_back(std::move(item));
    }
    for (const auto& tc : m.tool_calls)
        input.push_back({{"type", "function_call"},
                         {"call_id", tc.id},
                         {"name", tc.function},
                         {"arguments", tc.arguments_raw.empty() ? std::string("{}") : tc.arguments_raw}});
}

json input_items(const ChatRequest& request, std::size_t first, bool stored) {
    json input = json::array();
    for (std::size_t i = first; i < request.messages.size(); ++i) {
        const Message& m = request.messages[i];
        if (m.role == "user" || m.role == "system" || m.role == "developer") {
            input.push_back(input_message(request, i));
        } else if (m.role == "assistant") {
            append_assistant(m, stored, input);
        } else if (m.role == "tool") {
            input.push_back({{"type", "function_call_output"}, {"call_id", m.tool_call_id}, {"output", m.text()}});
        } else {
            invalid_request("openai", request.model, "role '" + m.role + "' has no Responses API input item");
        }
    }
    return input;
}

// function_tool_param.py: flat {type, name, description, parameters, strict}. The Responses API makes a
// tool strict when `strict` is left out, which rejects ordinary schemas, so false is sent unless asked.
json tool_json(const Tool& t) {
    json tool{{"type", "function"}, {"name", t.name}, {"parameters", t.parameters}, {"strict", t.strict.value_or(false)}};
    if (!t.description.empty()) tool["description"] = t.description;
    return tool;
}

json tool_choice_json(const std::string& choice) {
    if (choice == "auto" || choice == "none" || choice == "required") return choice;
    return json{{"type", "function"}, {"name", choice}};  // tool_choice_function_param.py
}

// --- reply ---

void read_message_item(json& item, Message& message, std::string& refusal, json& replay) {
    if (const json* phase = typed_field(item, "phase", json::value_t::string)) replay["phase"] = *phase;
    json* content = array_field(item, "content");
    if (content == nullptr) return;
    std::string text = message.text();
    for (auto& part : *content) {
        require_object(part, "content[]");
        const std::string type = string_field(part, "type");
        if (type == "output_text")
            read_required_text(part, "text", text, TextFrom::reply);
        else if (type == "refusal")
            refusal += required_string(part, "refusal");
    }
    message.content = std::move(text);
}

ToolCall read_function_call(const json& item) {
    ToolCall call;
    call.id = required_string(item, "call_id");
    call.function = required_string(item, "name");
    set_tool_arguments(call, string_field(item, "arguments"));
    return call;
}

}  // namespace

bool openai_responses_only_model(const std::string& model) {
    return model.find("codex") != std::string::npos || model.find("deep-research") != std::string::npos ||
           has_prefix(model, "computer-use") || is_pro_model(model);
}

bool openai_responses_reasoning_model(const std::string& model) {
    for (const char* family : {"o1", "o3", "o4", "gpt-5", "gpt-6"}) {
        const std::size_t n = std::strlen(family);
        if (model.compare(0, n, family) == 0 && (model.size() == n || model[n] == '-' || model[n] == '.')) return true;
    }
    return openai_responses_only_model(model) && !has_prefix(model, "computer-use");
}

json openai_responses_body(const ChatRequest& request, bool stream) {
    const Options& o = request.options;
    if (!o.stop.empty()) invalid_request("openai", request.model, "the Responses API takes no stop sequences");
    if (o.seed) invalid_request("openai", request.model, "the Responses API takes no seed");
    const bool stored = o.store.value_or(false);
    json body{{"model", request.model}};

    std::size_t first = 0;
    // A system prompt ending a cached prefix stays an input message: `instructions` takes no breakpoint.
    if (!request.messages.empty() &&
        (request.messages.front().role == "system" || request.messages.front().role == "developer") &&
        std::holds_alternative<std::string>(request.messages.front().content) &&
        !openai_breakpoint_after(request, 0, 0, 1)) {
        body["instructions"] = request.messages.front().text();
        first = 1;
    }
    if (!o.previous_response_id.empty()) {
        // The server holds everything up to its own reply; what follows the last assistant turn is new.
        for (std::size_t i = request.messages.size(); i > first; --i)
            if (request.messages[i - 1].role == "assistant") {
                first = i;
                break;
            }
        body["previous_response_id"] = o.previous_response_id;
    }
    body["input"] = input_items(request, first, stored);

    if (o.max_tokens) body["max_output_tokens"] = *o.max_tokens;
    if (o.temperature) body["temperature"] = *o.temperature;
    if (o.top_p) body["top_p"] = *o.top_p;
    if (!o.tools.empty()) {
        json tools = json::array();
        for (const auto& t : o.tools) tools.push_back(tool_json(t));
        body["tools"] = std::move(tools);
    }
    if (!o.tool_choice.empty()) body["tool_choice"] = tool_choice_json(o.tool_choice);
    if (o.parallel_tool_calls) body["parallel_tool_calls"] = *o.parallel_tool_calls;
    if (!o.user.empty()) body["user"] = o.user;
    body["store"] = stored;
    // response_create_params.py prompt_cache_key, prompt_cache_retention ("in_memory" | "24h").
    if (!o.prompt_cache.key.empty()) body["prompt_cache_key"] = o.prompt_cache.key;
    if (!o.prompt_cache.retention.empty()) body["prompt_cache_retention"] = o.prompt_cache.retention;
    add_openai_prompt_cache_options(body, request, "openai");
    // reasoning.effort as chat completions' reasoning_effort (a budget sent as its nearest effort).
    if (std::string effort = openai_reasoning_effort(o); !effort.empty()) body["reasoning"] = {{"effort", std::move(effort)}};
    // Stateless reasoning: the items come back encrypted so the next turn can carry them.
    if (openai_responses_reasoning_model(request.model) && !stored)
        body["include"] = json::array({"reasoning.encrypted_content"});
    // text.format: the chat completions response_format, flattened (response_format_text_json_schema_config_param.py).
    if (json format = openai_response_format(request, true); !format.is_null()) {
        json flat{{"type", format["type"]}};
        if (auto spec = format.find("json_schema"); spec != format.end())
            for (auto& [key, value] : spec->items()) flat[key] = value;
        body["text"] = {{"format", std::move(flat)}};
    }
    if (stream) body["stream"] = true;
    return body;
}

Usage openai_responses_usage(const json& u) {
    Usage usage;
    if (!u.is_object()) return usage;
    usage.prompt_tokens = json_count(u, "input_tokens");
    usage.completion_tokens = json_count(u, "output_tokens");
    usage.total_tokens = json_count(u, "total_tokens");
    if (usage.total_tokens == 0) usage.total_tokens = add_counts(usage.prompt_tokens, usage.completion_tokens);
    if (const json* d = object_at(u, "input_tokens_details")) {
        usage.cached_tokens = json_count(*d, "cached_tokens");
        usage.cache_creation_tokens = json_count(*d, "cache_write_tokens");
    }
    if (const json* d = object_at(u, "output_tokens_details")) usage.reasoning_tokens = json_count(*d, "reasoning_tokens");
    return usage;
}

CompletionResponse openai_responses_parse(const std::string& provider, std::string body) {
    json j = reply_object(provider, "", body);
    CompletionResponse r;
    r.provider = provider;
    reading_shape(provider, "", body, "reply", [&] {
        r.id = string_field(j, "id");
        r.model = string_field(j, "model");
        const std::string status = string_field(j, "status");
        if (status == "failed") throw_response_failure(provider, r.model, j, body);
        json* output = array_field(j, "output");
        if (output == nullptr) parse_failure(provider, r.model, "reply has no output", body);
        Choice choice;
        choice.message.role = "assistant";
        choice.message.content = std::string();
        std::string refusal;
        json replay = json::object();
        for (auto& item : *output) {
            require_object(item, "output[]");
            const std::string type = required_string(item, "type");
            if (type == "message") {
                read_message_item(item, choice.message, refusal, replay);
            } else if (type == "function_call") {
                choice.message.tool_calls.push_back(read_function_call(item));
            } else if (type == "reasoning") {
                append_reasoning_text(item, choice.message.reasoning);
                replay["reasoning"].push_back(reasoning_for_replay(item));
            }
            // Built-in tools' items (web_search_call, file_search_call, ...) stay in `raw`.
        }
        choice.finish_reason = responses_finish_reason(j, !choice.message.tool_calls.empty());
        choice.message.provider_data = responses_provider_data(std::move(replay), refusal);
        if (const json* u = object_field(j, "usage")) r.usage = openai_responses_usage(*u);
        r.finish_reason = choice.finish_reason;
        r.choices.push_back(std::move(choice));
    });
    r.raw = RawJson::from_text(std::move(body));
    return r;
}

}  // namespace llmgate::inline v1::detail
