// The fast path of the OpenAI chat-completion mapper (see openai_fast_reply.hpp). Every rule here mirrors
// openai_parse_chat_full in openai_compatible.cpp (shapes from openai-python
// types/chat/chat_completion.py, chat_completion_message.py, completion_usage.py); where that mapper
// would do anything unusual (content parts, arguments sent as an object, a malformed value) this one
// declines instead of guessing. Like nlohmann::json, a key that appears twice counts with its last value.
#include "providers/openai_fast_reply.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <cstdint>
#include <limits>

#include "util/json_numbers.hpp"

namespace llmgate::inline v1::detail {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Bigger replies go to the full mapper: the parser keeps buffers sized for the largest document it has
// seen, per thread, and chat replies are almost always far smaller than this.
constexpr std::size_t kMaxFastBody = 16 * 1024;

struct Scratch {
    // Sized once, here: allocating is the parser's only use of simdjson's static dispatch objects, which
    // are destroyed at process exit while the loop thread may still parse (it never grows past this).
    Scratch() {
        const simdjson::error_code sized = parser.allocate(kMaxFastBody);
        static_cast<void>(sized);  // without memory now, the first parse tries again
    }
    simdjson::dom::parser parser{kMaxFastBody};
    std::string padded;  // simdjson reads up to SIMDJSON_PADDING bytes past the end
};

Scratch& scratch() {
    thread_local Scratch s;
    return s;
}

// The last value of each key we read, per object ("last wins", as nlohmann::json keeps duplicates).
template <std::size_t N>
struct Fields {
    std::optional<element> values[N];
};

template <std::size_t N>
bool collect(element object, const std::string_view (&names)[N], Fields<N>& out) {
    simdjson::dom::object obj;
    if (object.get_object().get(obj)) return false;
    for (simdjson::dom::key_value_pair kv : obj) {
        // Length and first byte first: most keys of an event are none of the names, and this settles those
        // without a call to memcmp (a stream reads tens of keys per event).
        const std::string_view key = kv.key;
        for (std::size_t i = 0; i < N; ++i) {
            const std::string_view name = names[i];
            if (key.size() == name.size() && !key.empty() && key[0] == name[0] &&
                std::memcmp(key.data(), name.data(), key.size()) == 0) {
                out.values[i] = kv.value;
                break;  // the names differ from each other
            }
        }
    }
    return true;
}

// string_or_empty: a string value, else "".
std::string string_or_empty(const std::optional<element>& e) {
    std::string_view s;
    if (!e || e->get_string().get(s)) return {};
    return std::string(s);
}

// Absent, null, or of the given type: what the stream decoder's strict reads (json_fields.hpp typed_field)
// accept. Anything else is a wrong-shaped event the full path reports.
bool absent_or(const std::optional<element>& e, element_type type) { return !e || e->is_null() || e->type() == type; }

// json_count for numbers and null; false for anything else (not a number), which the full mapper reports.
bool count_of(const std::optional<element>& e, std::int64_t& out) {
    out = 0;
    if (!e) return true;
    switch (e->type()) {
        case element_type::INT64:
            out = clamp_count(e->get_int64().value_unsafe());
            return true;
        case element_type::UINT64:  // only above int64's range
            out = clamp_count(e->get_uint64().value_unsafe());
            return true;
        case element_type::DOUBLE:
            out = float_count(e->get_double().value_unsafe());
            return true;
        case element_type::NULL_VALUE:
            return true;
        default:
            return false;
    }
}

// json_index: absent or null gives `fallback`; an integer in [0, INT_MAX] is the index; anything else
// is a malformed reply, which the full mapper reports.
bool index_of(const std::optional<element>& e, int fallback, int& out) {
    if (!e || e->is_null()) {
        out = fallback;
        return true;
    }
    if (e->type() != element_type::INT64) return false;
    const std::int64_t v = e->get_int64().value_unsafe();
    if (v < 0 || v > std::numeric_limits<int>::max()) return false;
    out = static_cast<int>(v);
    return true;
}

bool read_usage(element u, Usage& usage) {
    static constexpr std::string_view kNames[] = {"prompt_tokens", "completion_tokens", "total_tokens",
                                                  "prompt_tokens_details", "completion_tokens_details"};
    Fields<5> f;
    if (!collect(u, kNames, f)) return true;  // not an object: no usage, as the full mapper reads it
    if (!count_of(f.values[0], usage.prompt_tokens) || !count_of(f.values[1], usage.completion_tokens) ||
        !count_of(f.values[2], usage.total_tokens))
        return false;
    if (usage.total_tokens == 0) usage.total_tokens = add_counts(usage.prompt_tokens, usage.completion_tokens);
    static constexpr std::string_view kCached[] = {"cached_tokens"};
    static constexpr std::string_view kReasoning[] = {"reasoning_tokens"};
    Fields<1> d;
    if (f.values[3] && collect(*f.values[3], kCached, d) && !count_of(d.values[0], usage.cached_tokens)) return false;
    Fields<1> r;
    if (f.values[4] && collect(*f.values[4], kReasoning, r) && !count_of(r.values[0], usage.reasoning_tokens))
        return false;
    return true;
}

// A tool call's "function": its name, and its "arguments" element when present.
struct FunctionFields {
    std::string name{};
    std::optional<element> arguments{};
    bool name_absent_or_string = true;  // what a stream chunk's strict read needs
};

bool read_function(element fn, FunctionFields& out) {
    static constexpr std::string_view kFn[] = {"name", "arguments"};
    Fields<2> f;
    if (!collect(fn, kFn, f)) return false;
    out.name = string_or_empty(f.values[0]);
    out.name_absent_or_string = absent_or(f.values[0], element_type::STRING);
    out.arguments = f.values[1];
    return true;
}

// Parses `text` into the thread's parser; nullopt when simdjson rejects it (malformed, not UTF-8, too big).
std::optional<element> parse(std::string_view text) {
    if (text.size() > kMaxFastBody) return std::nullopt;
    Scratch& s = scratch();
    s.padded.assign(text);
    s.padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
    element doc;
    if (s.parser.parse(s.padded.data(), text.size(), false).get(doc)) return std::nullopt;
    return doc;
}

bool read_tool_call(element tc, ToolCall& call) {
    static constexpr std::string_view kNames[] = {"id", "type", "function"};
    Fields<3> f;
    if (!collect(tc, kNames, f)) return false;
    call.id = string_or_empty(f.values[0]);
    std::string_view type;
    call.type = f.values[1] && !f.values[1]->get_string().get(type) ? std::string(type) : "function";
    if (f.values[2]) {
        FunctionFields fn;
        if (!read_function(*f.values[2], fn)) return false;
        call.function = std::move(fn.name);
        if (fn.arguments) {
            std::string_view args;
            if (!fn.arguments->get_string().get(args)) {
                call.arguments_raw = args.empty() ? std::string("{}") : std::string(args);
            } else if (fn.arguments->is_object()) {
                return false;  // some compatible servers send an object: the full mapper re-serialises it
            }
        }
    }
    call.arguments = json::parse(call.arguments_raw, nullptr, false);
    if (call.arguments.is_discarded()) call.arguments = nullptr;
    return true;
}

bool read_message(element msg, Message& m) {
    static constexpr std::string_view kNames[] = {"role",      "content", "reasoning_content",
                                                  "reasoning", "refusal", "tool_calls"};
    Fields<6> f;
    if (!collect(msg, kNames, f)) return false;
    std::string_view s;
    m.role = f.values[0] && !f.values[0]->get_string().get(s) ? std::string(s) : "assistant";
    if (f.values[1] && !f.values[1]->is_null()) {
        if (f.values[1]->get_string().get(s)) return false;  // content parts: the full mapper reads those
        m.content = std::string(s);
    }
    // DeepSeek-style "reasoning_content" first, then Groq's and OpenRouter's "reasoning".
    for (std::size_t i : {2u, 3u})
        if (f.values[i] && !f.values[i]->get_string().get(s)) m.reasoning.append(s);
    if (f.values[4] && !f.values[4]->get_string().get(s) && !s.empty())
        m.provider_data = json{{"refusal", std::string(s)}};
    simdjson::dom::array calls;
    if (f.values[5] && !f.values[5]->get_array().get(calls)) {
        for (element tc : calls) {
            ToolCall call;
            if (!read_tool_call(tc, call)) return false;
            m.tool_calls.push_back(std::move(call));
        }
    }
    return true;
}

bool read_choice(element c, int position, Choice& choice) {
    static constexpr std::string_view kNames[] = {"index", "finish_reason", "message"};
    Fields<3> f;
    if (!collect(c, kNames, f)) return false;
    if (!index_of(f.values[0], position, choice.index)) return false;
    choice.finish_reason = string_or_empty(f.values[1]);
    if (!f.values[2]) {
        choice.message.role = "assistant";
        return true;
    }
    return read_message(*f.values[2], choice.message);
}

// One choice of a chunk (index 0 only is read; the caller skips the others).
bool read_chunk_choice(element choice, OpenAIChunkFields& out) {
    static constexpr std::string_view kNames[] = {"delta", "finish_reason"};
    Fields<2> f;
    if (!collect(choice, kNames, f)) return false;
    std::string_view s;
    if (!absent_or(f.values[0], element_type::OBJECT) || !absent_or(f.values[1], element_type::STRING))
        return false;  // a wrong-shaped delta or finish_reason: the full path reports it
    if (f.values[0] && f.values[0]->is_object()) {
        static constexpr std::string_view kDelta[] = {"content", "reasoning_content", "reasoning", "tool_calls"};
        Fields<4> d;
        collect(*f.values[0], kDelta, d);
        if (!absent_or(d.values[1], element_type::STRING) || !absent_or(d.values[2], element_type::STRING) ||
            !absent_or(d.values[3], element_type::ARRAY))
            return false;
        if (d.values[0] && !d.values[0]->is_null()) {
            if (d.values[0]->get_string().get(s)) return false;  // content parts
            out.delta.append(s);
        }
        for (std::size_t i : {1u, 2u})
            if (d.values[i] && !d.values[i]->get_string().get(s)) out.reasoning.append(s);
        simdjson::dom::array calls;
        if (d.values[3] && !d.values[3]->get_array().get(calls)) {
            for (element tc : calls) {
                static constexpr std::string_view kCall[] = {"index", "id", "function"};
                Fields<3> c;
                if (!collect(tc, kCall, c)) return false;
                ToolCallDelta td;
                if (!index_of(c.values[0], 0, td.index)) return false;
                if (!absent_or(c.values[1], element_type::STRING)) return false;
                td.id = string_or_empty(c.values[1]);
                if (c.values[2] && !c.values[2]->is_null()) {
                    FunctionFields fn;
                    if (!read_function(*c.values[2], fn) || !fn.name_absent_or_string) return false;
                    td.function = std::move(fn.name);
                    if (fn.arguments && !fn.arguments->is_null()) {
                        if (fn.arguments->get_string().get(s)) return false;  // the full path dumps non-strings
                        td.arguments = std::string(s);
                    }
                }
                out.tool_call_deltas.push_back(std::move(td));
            }
        }
    }
    if (f.values[1] && !f.values[1]->get_string().get(s)) out.finish_reason = std::string(s);
    return true;
}

}  // namespace

std::optional<OpenAIChunkFields> openai_parse_chunk_fast(std::string_view data) {
    const std::optional<element> parsed = parse(data);
    if (!parsed) return std::nullopt;
    const element doc = *parsed;

    static constexpr std::string_view kNames[] = {"id", "model", "choices", "usage", "x_groq", "error"};
    Fields<6> f;
    if (!collect(doc, kNames, f)) return std::nullopt;
    if (f.values[5] && !f.values[5]->is_null()) return std::nullopt;  // an error event: the full path raises it

    // A known field of the wrong type (choices "oops", a numeric id...): the full path reports the event.
    if (!absent_or(f.values[0], element_type::STRING) || !absent_or(f.values[1], element_type::STRING) ||
        !absent_or(f.values[2], element_type::ARRAY) || !absent_or(f.values[3], element_type::OBJECT))
        return std::nullopt;
    OpenAIChunkFields out;
    out.id = string_or_empty(f.values[0]);
    out.model = string_or_empty(f.values[1]);
    simdjson::dom::array choices;
    if (f.values[2] && !f.values[2]->get_array().get(choices)) {
        bool seen_first = false;
        for (element choice : choices) {
            static constexpr std::string_view kIndex[] = {"index"};
            Fields<1> i;
            if (!collect(choice, kIndex, i)) return std::nullopt;
            int index = 0;
            if (!index_of(i.values[0], 0, index)) return std::nullopt;
            if (index != 0) continue;             // StreamChunk describes the first choice
            if (seen_first) return std::nullopt;  // two "first" choices: the full path's order rules apply
            seen_first = true;
            if (!read_chunk_choice(choice, out)) return std::nullopt;
        }
    }
    std::optional<element> usage;
    if (f.values[3] && f.values[3]->is_object()) {
        usage = f.values[3];
    } else if (!absent_or(f.values[4], element_type::OBJECT)) {
        return std::nullopt;
    } else if (f.values[4] && f.values[4]->is_object()) {  // Groq reports stream usage under x_groq.usage
        static constexpr std::string_view kUsage[] = {"usage"};
        Fields<1> g;
        collect(*f.values[4], kUsage, g);
        if (!absent_or(g.values[0], element_type::OBJECT)) return std::nullopt;
        if (g.values[0] && g.values[0]->is_object()) usage = g.values[0];
    }
    if (usage) {
        Usage u;
        if (!read_usage(*usage, u)) return std::nullopt;  // a count that is not an integer: the full path decides
        out.usage = u;
    }
    return out;
}

std::optional<CompletionResponse> openai_parse_chat_fast(const std::string& provider, std::string_view body) {
    const std::optional<element> parsed = parse(body);
    if (!parsed) return std::nullopt;
    const element doc = *parsed;

    static constexpr std::string_view kNames[] = {"id", "model", "choices", "usage"};
    Fields<4> f;
    if (!collect(doc, kNames, f)) return std::nullopt;
    simdjson::dom::array choices;
    if (!f.values[2] || f.values[2]->get_array().get(choices)) return std::nullopt;  // "reply has no choices"

    CompletionResponse r;
    r.provider = provider;
    r.id = string_or_empty(f.values[0]);
    r.model = string_or_empty(f.values[1]);
    for (element c : choices) {
        Choice choice;
        if (!read_choice(c, static_cast<int>(r.choices.size()), choice)) return std::nullopt;
        r.choices.push_back(std::move(choice));
    }
    if (f.values[3] && !read_usage(*f.values[3], r.usage)) return std::nullopt;
    if (!r.choices.empty()) r.finish_reason = r.choices.front().finish_reason;
    return r;
}

}  // namespace llmgate::inline v1::detail
