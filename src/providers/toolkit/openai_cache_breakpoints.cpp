// OpenAI's explicit prompt-cache breakpoints and prompt_cache_options (see the header for the sources).
#include "providers/toolkit/openai_cache_breakpoints.hpp"

#include <cctype>
#include <string_view>
#include <variant>

#include "providers/toolkit/adapter_errors.hpp"

namespace llmgate::inline v1::detail {

namespace {

// Reads digits at `at`; -1 when there are none.
long read_number(std::string_view s, std::size_t& at) {
    long n = -1;
    while (at < s.size() && std::isdigit(static_cast<unsigned char>(s[at])) && n < 100000) {
        n = (n < 0 ? 0 : n * 10) + (s[at] - '0');
        ++at;
    }
    return n;
}

std::size_t parts_of(const Message& m) {
    if (const auto* parts = std::get_if<std::vector<ContentPart>>(&m.content)) return parts->size();
    return 1;
}

}  // namespace

bool openai_takes_cache_breakpoints(const std::string& model) {
    std::string_view s = model;
    if (s.starts_with("ft:")) s.remove_prefix(3);
    if (!s.starts_with("gpt-")) return false;
    std::size_t at = 4;
    const long major = read_number(s, at);
    if (major < 0) return false;
    long minor = 0;
    if (at < s.size() && s[at] == '.') {
        ++at;
        minor = read_number(s, at);
        if (minor < 0) return false;
    }
    if (at < s.size() && s[at] != '-' && s[at] != ':') return false;  // "gpt-4o", "gpt-5o"-like names
    return major > 5 || (major == 5 && minor >= 6);
}

bool openai_sends_cache_breakpoints(const ChatRequest& request) {
    if (!openai_takes_cache_breakpoints(request.model)) return false;
    if (request.options.prompt_cache.automatic) return true;
    for (const auto& m : request.messages) {
        if (m.cache) return true;
        if (const auto* parts = std::get_if<std::vector<ContentPart>>(&m.content))
            for (const auto& p : *parts)
                if (p.cache) return true;
    }
    return false;
}

bool openai_breakpoint_after(const ChatRequest& request, std::size_t message, std::size_t part, std::size_t parts) {
    if (!openai_takes_cache_breakpoints(request.model)) return false;
    const Message& m = request.messages[message];
    if (const auto* list = std::get_if<std::vector<ContentPart>>(&m.content))
        if (part < list->size() && (*list)[part].cache) return true;
    if (part + 1 != parts) return false;
    if (m.cache) return true;
    if (!request.options.prompt_cache.automatic) return false;
    if (message + 1 == request.messages.size()) return true;
    if (m.role != "system" && m.role != "developer") return false;
    for (std::size_t i = message + 1; i < request.messages.size(); ++i)
        if (request.messages[i].role == "system" || request.messages[i].role == "developer") return false;
    return true;  // the last system / developer message: the end of the stable instructions
}

bool openai_sends_prompt_cache_options(const ChatRequest& request) {
    const PromptCacheOptions& c = request.options.prompt_cache;
    return !c.mode.empty() || c.ttl == "30m";
}

void add_openai_prompt_cache_options(nlohmann::json& body, const ChatRequest& request, const std::string& provider) {
    const PromptCacheOptions& c = request.options.prompt_cache;
    if (!openai_sends_prompt_cache_options(request)) return;
    nlohmann::json options = nlohmann::json::object();
    if (!c.mode.empty()) {
        if (c.mode != "implicit" && c.mode != "explicit")
            invalid_request(provider, request.model,
                            "prompt_cache.mode \"" + c.mode + "\" is not one of \"implicit\", \"explicit\"");
        options["mode"] = c.mode;
    }
    if (c.ttl == "30m") options["ttl"] = c.ttl;  // Anthropic's "5m" / "1h" are not OpenAI values: not sent
    body["prompt_cache_options"] = std::move(options);
}

void add_openai_chat_cache_breakpoints(nlohmann::json& body, const ChatRequest& request) {
    auto messages = body.find("messages");
    if (messages == body.end() || !messages->is_array() || messages->size() != request.messages.size()) return;
    for (std::size_t i = 0; i < request.messages.size(); ++i) {
        const std::size_t parts = parts_of(request.messages[i]);
        nlohmann::json& content = (*messages)[i]["content"];
        if (content.is_string()) {
            if (content.get_ref<const std::string&>().empty() || !openai_breakpoint_after(request, i, 0, 1)) continue;
            nlohmann::json part{{"type", "text"}, {"text", std::move(content.get_ref<std::string&>())}};
            part["prompt_cache_breakpoint"] = openai_cache_breakpoint();
            content = nlohmann::json::array({std::move(part)});
        } else if (content.is_array() && content.size() == parts) {
            for (std::size_t p = 0; p < parts; ++p)
                if (openai_breakpoint_after(request, i, p, parts)) content[p]["prompt_cache_breakpoint"] = openai_cache_breakpoint();
        }
    }
}

}  // namespace llmgate::inline v1::detail
