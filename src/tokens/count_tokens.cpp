// count_tokens: the provider's counting API where it has one, else OpenAI's cookbook convention on the exact
// local tokeniser (the OpenAI family), else the same convention on o200k_base as a marked estimate.
#include "llmgate/token_count.hpp"

#include "llmgate/errors.hpp"
#include "llmgate/tokens.hpp"
#include "providers/registry.hpp"
#include "tokens/local_count.hpp"

namespace llmgate::inline v1 {
namespace {

// openai-cookbook, "How to count tokens with tiktoken": per message 3 tokens, each value's tokens, 1 more
// for a name; 3 to prime the reply. Function definitions: the cookbook's num_tokens_for_tools constants
// (gpt-4o / gpt-4o-mini for o200k_base; gpt-3.5 / gpt-4 for cl100k_base).
struct ToolConstants {
    std::int64_t func_init, prop_init, prop_key, enum_init, enum_item, func_end;
};

std::int64_t count(const Encoding& enc, const std::string& s) { return static_cast<std::int64_t>(enc.count(s)); }

std::string without_final_period(std::string s) {
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}

std::string string_field(const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

namespace detail {

std::int64_t definitions_tokens(const Encoding& enc, const std::vector<Tool>& tools) {
    if (tools.empty()) return 0;
    const ToolConstants c = enc.name() == "cl100k_base" ? ToolConstants{10, 3, 3, -3, 3, 12}
                                                        : ToolConstants{7, 3, 3, -3, 3, 12};
    std::int64_t n = 0;
    for (const Tool& t : tools) {
        n += c.func_init;
        n += count(enc, t.name + ":" + without_final_period(t.description));
        const json& props = t.parameters.is_object() && t.parameters.contains("properties")
                                ? t.parameters["properties"]
                                : json::object();
        if (props.is_object() && !props.empty()) {
            n += c.prop_init;
            for (const auto& [name, p] : props.items()) {
                n += c.prop_key;
                if (p.is_object() && p.contains("enum") && p["enum"].is_array()) {
                    n += c.enum_init;
                    for (const json& item : p["enum"]) {
                        n += c.enum_item;
                        n += count(enc, item.is_string() ? item.get<std::string>() : item.dump());
                    }
                }
                const std::string type = p.is_object() ? string_field(p, "type") : std::string();
                const std::string desc = p.is_object() ? without_final_period(string_field(p, "description")) : "";
                n += count(enc, name + ":" + type + ":" + desc);
            }
        }
    }
    return n + c.func_end;
}

std::int64_t message_tokens(const Encoding& enc, const Message& m) {
    std::int64_t n = 3 + count(enc, m.role) + count(enc, m.text());
    if (!m.name.empty()) n += 1 + count(enc, m.name);
    if (!m.tool_call_id.empty()) n += count(enc, m.tool_call_id);
    for (const ToolCall& tc : m.tool_calls) n += count(enc, tc.function) + count(enc, tc.arguments_raw);
    return n;
}

LocalCounter local_counter(const std::string& provider, const std::string& model_id) {
    if (provider == "openai" || provider == "azure" || provider == "openai-responses" || provider == "azure-responses") {
        try {
            return LocalCounter{&encoding_for_model(model_id), true};
        } catch (const ModelNotFoundError&) {
            // An Azure deployment name or a model of no known family: estimated below.
        }
    }
    return LocalCounter{&encoding("o200k_base"), false};
}

std::int64_t local_count(const LocalCounter& counter, const std::vector<Message>& messages, const std::vector<Tool>& tools) {
    std::int64_t n = kReplyPriming + definitions_tokens(*counter.encoding, tools);
    for (const Message& m : messages) n += message_tokens(*counter.encoding, m);
    return n;
}

}  // namespace detail

TokenCount count_tokens(Models models, Messages messages, Options options) {
    const std::string model = models.first();
    std::vector<Message> list = std::move(messages).take();
    if (list.empty())
        throw InvalidRequestError(ErrorInfo{.model = model, .message = "count_tokens: messages must not be empty"});
    const detail::Route route = detail::route(model, options.provider);
    const std::string provider = route.provider->name();

    detail::ChatRequest request{.model = route.model, .messages = list, .options = options};
    if (const auto n = route.provider->count_prompt_tokens(request))
        return TokenCount{.n = *n, .exact = true, .method = "provider_api"};

    const detail::LocalCounter counter = detail::local_counter(provider, route.model);
    return TokenCount{.n = detail::local_count(counter, list, options.tools),
                      .exact = counter.exact,
                      .method = counter.exact ? "openai_cookbook" : "estimate_o200k_base"};
}

}  // namespace llmgate::inline v1
