// Context windows of the common models (providers' model pages, checked with the price table's date) and
// fits / trim_to_fit on the local count.
#include <algorithm>

#include "cost/model_names.hpp"
#include "llmgate/context.hpp"
#include "llmgate/errors.hpp"
#include "providers/registry.hpp"
#include "tokens/local_count.hpp"

namespace llmgate::inline v1 {
namespace {

struct WindowRow {
    std::string_view provider;
    std::string_view model;
    ContextWindow window;
};

constexpr ContextWindow w(std::int64_t context, std::int64_t output, std::int64_t input = 0) {
    return ContextWindow{context, input ? input : context, output};
}

constexpr WindowRow kWindows[] = {
    {"openai", "gpt-5", w(400000, 128000, 272000)},
    {"openai", "gpt-5.1", w(400000, 128000, 272000)},
    {"openai", "gpt-5-mini", w(400000, 128000, 272000)},
    {"openai", "gpt-5-nano", w(400000, 128000, 272000)},
    {"openai", "gpt-4.1", w(1047576, 32768)},
    {"openai", "gpt-4.1-mini", w(1047576, 32768)},
    {"openai", "gpt-4.1-nano", w(1047576, 32768)},
    {"openai", "gpt-4o", w(128000, 16384)},
    {"openai", "gpt-4o-mini", w(128000, 16384)},
    {"openai", "chatgpt-4o-latest", w(128000, 16384)},
    {"openai", "gpt-4-turbo", w(128000, 4096)},
    {"openai", "gpt-4", w(8192, 8192)},
    {"openai", "gpt-3.5-turbo", w(16385, 4096)},
    {"openai", "o1", w(200000, 100000)},
    {"openai", "o3", w(200000, 100000)},
    {"openai", "o3-pro", w(200000, 100000)},
    {"openai", "o3-mini", w(200000, 100000)},
    {"openai", "o4-mini", w(200000, 100000)},
    {"anthropic", "claude-opus-4-5", w(200000, 64000)},
    {"anthropic", "claude-opus-4-1", w(200000, 32000)},
    {"anthropic", "claude-opus-4", w(200000, 32000)},
    {"anthropic", "claude-sonnet-4-5", w(200000, 64000)},
    {"anthropic", "claude-sonnet-4", w(200000, 64000)},
    {"anthropic", "claude-3-7-sonnet", w(200000, 64000)},
    {"anthropic", "claude-haiku-4-5", w(200000, 64000)},
    {"anthropic", "claude-3-5-haiku", w(200000, 8192)},
    {"anthropic", "claude-3-haiku", w(200000, 4096)},
    {"gemini", "gemini-3-pro-preview", w(1048576, 65536)},
    {"gemini", "gemini-2.5-pro", w(1048576, 65536)},
    {"gemini", "gemini-2.5-flash", w(1048576, 65536)},
    {"gemini", "gemini-2.5-flash-lite", w(1048576, 65536)},
    {"gemini", "gemini-2.0-flash", w(1048576, 8192)},
    {"gemini", "gemini-2.0-flash-lite", w(1048576, 8192)},
    {"groq", "llama-3.1-8b-instant", w(131072, 131072)},
    {"groq", "llama-3.3-70b-versatile", w(131072, 32768)},
    {"groq", "openai/gpt-oss-120b", w(131072, 65536)},
    {"groq", "openai/gpt-oss-20b", w(131072, 65536)},
    {"mistral", "mistral-large-latest", w(262144, 262144)},
    {"mistral", "mistral-medium-latest", w(131072, 131072)},
    {"mistral", "mistral-small-latest", w(131072, 131072)},
    {"mistral", "codestral-latest", w(262144, 262144)},
    {"mistral", "open-mistral-nemo", w(131072, 131072)},
    {"cohere", "command-a-03-2025", w(256000, 8000)},
    {"cohere", "command-r-plus-08-2024", w(128000, 4000)},
    {"cohere", "command-r-08-2024", w(128000, 4000)},
    {"cohere", "command-r7b-12-2024", w(128000, 4000)},
    {"bedrock", "anthropic.claude-opus-4-5", w(200000, 64000)},
    {"bedrock", "anthropic.claude-opus-4-1", w(200000, 32000)},
    {"bedrock", "anthropic.claude-sonnet-4-5", w(200000, 64000)},
    {"bedrock", "anthropic.claude-sonnet-4", w(200000, 64000)},
    {"bedrock", "anthropic.claude-3-7-sonnet", w(200000, 64000)},
    {"bedrock", "anthropic.claude-3-5-sonnet", w(200000, 8192)},
    {"bedrock", "anthropic.claude-haiku-4-5", w(200000, 64000)},
    {"bedrock", "anthropic.claude-3-5-haiku", w(200000, 8192)},
    {"bedrock", "amazon.nova-pro", w(300000, 10000)},
    {"bedrock", "amazon.nova-lite", w(300000, 10000)},
    {"bedrock", "amazon.nova-micro", w(128000, 10000)},
};

struct Prepared {
    ContextWindow window;
    detail::LocalCounter counter;
};

Prepared prepare(const Models& models, const Options& options) {
    const std::string model = models.first();
    const detail::Route route = detail::route(model, options.provider);
    const auto window = context_window(route.model, route.provider->name());
    if (!window)
        throw InvalidRequestError(ErrorInfo{.provider = route.provider->name(),
                                            .model = model,
                                            .message = "no context window is known for this model"});
    return Prepared{*window, detail::local_counter(route.provider->name(), route.model)};
}

bool within(const ContextWindow& w, std::int64_t prompt, std::int64_t reserve) {
    return prompt <= w.max_input_tokens && prompt + reserve <= w.context_tokens;
}

bool pinned_role(const Message& m) { return m.role == "system" || m.role == "developer"; }

}  // namespace

std::optional<ContextWindow> context_window(std::string_view model, std::string_view provider) {
    for (const auto& [prov, name] : detail::table_keys(provider, model))
        for (const WindowRow& row : kWindows)
            if (row.provider == prov && row.model == name) return row.window;
    return std::nullopt;
}

bool fits(Models model, Messages messages, std::int64_t reserve_output_tokens, const Options& options) {
    const Prepared p = prepare(model, options);
    const std::vector<Message> list = std::move(messages).take();
    return within(p.window, detail::local_count(p.counter, list, options.tools), reserve_output_tokens);
}

std::vector<Message> trim_to_fit(Models model, Messages messages, std::int64_t reserve_output_tokens,
                                 const Options& options) {
    const Prepared p = prepare(model, options);
    std::vector<Message> list = std::move(messages).take();
    if (list.empty()) return list;

    // Units that go together: an assistant turn with tool calls and the tool results after it; every other
    // message alone. System/developer messages and the unit holding the last message are never dropped.
    struct Unit {
        std::size_t first, last;  // message indexes, inclusive
        std::int64_t tokens = 0;
        bool pinned = false;
    };
    std::vector<Unit> units;
    for (std::size_t i = 0; i < list.size();) {
        std::size_t end = i;
        if (list[i].role == "assistant" && !list[i].tool_calls.empty())
            while (end + 1 < list.size() && list[end + 1].role == "tool") ++end;
        Unit u{i, end};
        for (std::size_t k = i; k <= end; ++k) u.tokens += detail::message_tokens(*p.counter.encoding, list[k]);
        u.pinned = pinned_role(list[i]) || end + 1 == list.size();
        units.push_back(u);
        i = end + 1;
    }
    std::int64_t total = detail::kReplyPriming + detail::definitions_tokens(*p.counter.encoding, options.tools);
    for (const Unit& u : units) total += u.tokens;

    std::vector<bool> dropped(units.size(), false);
    const auto first_kept_turn = [&]() -> const Unit* {
        for (std::size_t k = 0; k < units.size(); ++k)
            if (!dropped[k] && !pinned_role(list[units[k].first])) return &units[k];
        return nullptr;
    };
    for (std::size_t k = 0; k < units.size() && !within(p.window, total, reserve_output_tokens); ++k) {
        if (units[k].pinned) continue;
        dropped[k] = true;
        total -= units[k].tokens;
    }
    if (!within(p.window, total, reserve_output_tokens))
        throw InvalidRequestError(ErrorInfo{
            .model = model.first(),
            .message = "trim_to_fit: the system messages and the last message alone are " + std::to_string(total) +
                       " tokens, over the window (" + std::to_string(p.window.max_input_tokens) + " input, " +
                       std::to_string(p.window.context_tokens) + " in all) with " +
                       std::to_string(reserve_output_tokens) + " reserved for the reply"});
    // The conversation must still start with a user turn (Anthropic and Gemini reject one that does not).
    for (std::size_t k = 0; k < units.size(); ++k) {
        const Unit* first = first_kept_turn();
        if (!first || first->pinned || list[first->first].role == "user") break;
        const auto idx = static_cast<std::size_t>(first - units.data());
        dropped[idx] = true;
    }

    std::vector<Message> out;
    for (std::size_t k = 0; k < units.size(); ++k)
        if (!dropped[k])
            for (std::size_t i = units[k].first; i <= units[k].last; ++i) out.push_back(std::move(list[i]));
    return out;
}

}  // namespace llmgate::inline v1
