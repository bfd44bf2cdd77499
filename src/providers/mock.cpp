// mock/: an offline provider with deterministic replies, streams, tool calls and embeddings, so users
// can test their own code (and run the quick-start) with no network and no key.
//
// Control it through Options::extra:
//   "mock_response": "text"            reply with exactly this text
//   "mock_tool_calls": [{"name":..., "arguments":{...}}]   reply with these tool calls, until tool results
//                                      answer them; then reply with text (mock_response, or the results)
//   "mock_script": [{"tool_calls": [...]}, {"response": "text"}, ...]   a multi-step agent run: entry i
//                                      answers the i-th model call since the last user message
//   "mock_error": "rate_limit" | "auth" | "provider" | "timeout" | "connection" | "not_found" | "context_length"
//                 | "content_filter" (categories {"mock"})
// Options::reasoning_effort / reasoning_budget_tokens are accepted (checked by dispatch) and change nothing.
// ("arguments" may also be a string: the raw argument text, even invalid JSON, as a model may send it.)
// Without them it echoes the last user message; with tools and tool_choice "required" (or a tool's
// name) it calls that tool with arguments built from the schema's required properties. With
// options.response_format (and no mock_response) it answers with a JSON value synthesised to fit the
// schema, like a model in a schema-constrained mode; mock_response scripts any other reply.
#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <optional>

#include "transport/event_loop.hpp"
#include "llmgate/errors.hpp"
#include "providers/factories.hpp"
#include "providers/stream_decoder.hpp"
#include "providers/toolkit/deliver.hpp"
#include "providers/toolkit/json_fields.hpp"
#include "providers/toolkit/output_budget.hpp"

namespace llmgate::inline v1::detail {
namespace {

std::int64_t count_words(const std::string& s) {
    std::int64_t n = 0;
    bool in_word = false;
    for (char c : s) {
        const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        if (!space && !in_word) ++n;
        in_word = !space;
    }
    return n;
}

json sample_value(const json& schema) {
    const std::string type = schema.is_object() && schema.contains("type") && schema["type"].is_string()
                                 ? schema["type"].get<std::string>()
                                 : "string";
    if (schema.is_object() && schema.contains("enum") && schema["enum"].is_array() && !schema["enum"].empty())
        return schema["enum"].front();
    if (type == "integer" || type == "number") return 0;
    if (type == "boolean") return false;
    if (type == "array") return json::array();
    if (type == "object") {
        json out = json::object();
        if (schema.contains("required") && schema["required"].is_array() && schema.contains("properties")) {
            for (const auto& name : schema["required"]) {
                if (name.is_string() && schema["properties"].contains(name.get<std::string>()))
                    out[name.get<std::string>()] = sample_value(schema["properties"][name.get<std::string>()]);
            }
        }
        return out;
    }
    return "mock";
}

// A value that fits `schema` (the subset structured output generates and users commonly pass):
// every property of an object, one item per array (or minItems), the first enum value, numbers at
// their lower bound. `root` resolves "#/..." references; depth bounds recursive schemas.
json synthesise(const json& schema, const json& root, int depth) {
    if (depth > 16 || !schema.is_object()) return nullptr;
    if (const auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string()) {
        const std::string r = ref->get<std::string>();
        if (r == "#") return synthesise(root, root, depth + 1);
        try {
            if (r.rfind("#/", 0) == 0 && root.contains(json::json_pointer(r.substr(1))))
                return synthesise(root.at(json::json_pointer(r.substr(1))), root, depth + 1);
        } catch (const json::exception&) {
        }
        return nullptr;
    }
    if (const auto c = schema.find("const"); c != schema.end()) return *c;
    if (const auto e = schema.find("enum"); e != schema.end() && e->is_array() && !e->empty()) return e->front();
    for (const char* key : {"anyOf", "oneOf"}) {
        if (const auto alt = schema.find(key); alt != schema.end() && alt->is_array() && !alt->empty()) {
            for (const auto& a : *alt)  // prefer a non-null alternative: it shows the shape
                if (!(a.is_object() && a.value("type", json()) == "null")) return synthesise(a, root, depth + 1);
            return nullptr;
        }
    }
    if (const auto all = schema.find("allOf"); all != schema.end() && all->is_array() && !all->empty()) {
        json merged = json::object();
        for (const auto& part : *all) {
            json v = synthesise(part, root, depth + 1);
            if (v.is_object()) merged.update(v);
        }
        return merged;
    }
    std::string type = "object";
    if (const auto t = schema.find("type"); t != schema.end()) {
        if (t->is_string()) type = t->get<std::string>();
        if (t->is_array()) {
            type = "null";
            for (const auto& x : *t)
                if (x.is_string() && x != "null") {
                    type = x.get<std::string>();
                    break;
                }
        }
    } else if (!schema.contains("properties")) {
        type = schema.contains("items") ? "array" : "string";
    }
    const auto number_at = [&](bool integer) -> json {
        double v = 0;
        if (const auto m = schema.find("minimum"); m != schema.end() && m->is_number()) v = m->get<double>();
        if (const auto m = schema.find("exclusiveMinimum"); m != schema.end() && m->is_number())
            v = m->get<double>() + 1;
        if (const auto m = schema.find("maximum"); m != schema.end() && m->is_number() && v > m->get<double>())
            v = m->get<double>();
        if (integer) return static_cast<std::int64_t>(std::ceil(v));
        return v;
    };
    if (type == "null") return nullptr;
    if (type == "boolean") return false;
    if (type == "integer") return number_at(true);
    if (type == "number") return number_at(false);
    if (type == "string") {
        std::string s = "mock";
        if (const auto m = schema.find("minLength"); m != schema.end() && m->is_number())
            while (static_cast<double>(s.size()) < m->get<double>() && s.size() < 4096) s += '_';
        if (const auto m = schema.find("maxLength"); m != schema.end() && m->is_number() && m->get<double>() >= 0 &&
                                                     static_cast<double>(s.size()) > m->get<double>())
            s.resize(static_cast<std::size_t>(m->get<double>()));
        return s;
    }
    if (type == "array") {
        json out = json::array();
        std::size_t n = 1;
        if (const auto m = schema.find("minItems"); m != schema.end() && m->is_number_unsigned())
            n = std::max<std::size_t>(1, m->get<std::size_t>());
        if (const auto m = schema.find("maxItems"); m != schema.end() && m->is_number_unsigned())
            n = std::min(n, m->get<std::size_t>());
        n = std::min<std::size_t>(n, 64);
        if (depth > 8) n = 0;  // recursive arrays end here
        const auto items = schema.find("items");
        for (std::size_t i = 0; i < n; ++i)
            out.push_back(items != schema.end() ? synthesise(*items, root, depth + 1) : json("mock"));
        return out;
    }
    json out = json::object();
    if (const auto props = schema.find("properties"); props != schema.end() && props->is_object()) {
        for (const auto& [name, sub] : props->items()) out[name] = synthesise(sub, root, depth + 1);
    }
    return out;
}

// How many assistant turns follow the last user message: which step of an agent run this call is.
std::size_t turns_since_user(const ChatRequest& request) {
    std::size_t n = 0;
    for (const auto& m : request.messages) {
        if (m.role == "user") n = 0;
        if (m.role == "assistant") ++n;
    }
    return n;
}

// The tool results sent since the last user message, joined: the mock's answer once tools have run.
std::string tool_results_since_user(const ChatRequest& request) {
    std::string out;
    for (const auto& m : request.messages) {
        if (m.role == "user") out.clear();
        if (m.role == "tool") out += (out.empty() ? "" : "; ") + m.text();
    }
    return out;
}

// What the script in Options::extra says this call answers: tool calls, a text, or nothing scripted.
struct ScriptedTurn {
    const json* tool_calls = nullptr;
    std::optional<std::string> response{};
};

ScriptedTurn scripted_turn(const ChatRequest& request) {
    const json& extra = request.options.extra;
    ScriptedTurn turn;
    if (auto script = extra.find("mock_script"); script != extra.end() && script->is_array()) {
        const std::size_t step = turns_since_user(request);
        if (step < script->size()) {
            const json& entry = (*script)[step];
            if (entry.is_string()) {
                turn.response = entry.get<std::string>();
            } else if (entry.is_object()) {
                if (auto c = entry.find("tool_calls"); c != entry.end() && c->is_array()) turn.tool_calls = &*c;
                if (auto r = entry.find("response"); r != entry.end() && r->is_string()) turn.response = r->get<std::string>();
            }
        }
        return turn;  // past the script's end: the default answer (mock_response, or the tool results)
    }
    if (auto calls = extra.find("mock_tool_calls"); calls != extra.end() && calls->is_array()) {
        // Once tool results answer the calls, the scripted calls are done: answer with text.
        const auto last = request.messages.empty() ? nullptr : &request.messages.back();
        if (!(last && last->role == "tool")) turn.tool_calls = &*calls;
    }
    return turn;
}

[[noreturn]] void raise_mock_error(const std::string& kind, const std::string& model) {
    ErrorInfo info{.provider = "mock", .model = model, .message = "mock " + kind + " error", .error_type = kind};
    if (kind == "rate_limit") {
        info.status = 429;
        throw RateLimitError(std::move(info), std::chrono::milliseconds(1000));
    }
    if (kind == "auth") {
        info.status = 401;
        throw AuthError(std::move(info));
    }
    if (kind == "not_found") {
        info.status = 404;
        throw ModelNotFoundError(std::move(info));
    }
    if (kind == "timeout") throw TimeoutError(std::move(info));
    if (kind == "connection") throw ConnectionError(std::move(info));
    if (kind == "context_length") {
        info.status = 400;
        throw ContextLengthExceededError(std::move(info));
    }
    if (kind == "content_filter") {
        info.status = 400;
        throw ContentFilterError(std::move(info), {"mock"});
    }
    info.status = 500;
    throw ProviderAPIError(std::move(info));
}

CompletionResponse mock_reply(const ChatRequest& request) {
    const Options& o = request.options;
    if (auto e = o.extra.find("mock_error"); e != o.extra.end() && e->is_string())
        raise_mock_error(e->get<std::string>(), request.model);
    if (request.messages.empty())
        throw InvalidRequestError(
            ErrorInfo{.provider = "mock", .model = request.model, .message = "messages must not be empty"});

    Message reply;
    reply.role = "assistant";
    std::string finish = "stop";
    const ScriptedTurn scripted = scripted_turn(request);
    if (scripted.tool_calls) {
        for (const auto& c : *scripted.tool_calls) {
            if (!c.is_object()) continue;
            ToolCall tc;
            // Unique across an agent run's steps; the first step keeps the plain call_mock_<i>.
            const std::size_t step = turns_since_user(request);
            tc.id = (step == 0 ? "call_mock_" : "call_mock_" + std::to_string(step) + "_") +
                    std::to_string(reply.tool_calls.size());
            tc.function = c.value("name", "");
            const json args = c.value("arguments", json::object());
            if (args.is_string()) {  // raw argument text, possibly not JSON: as a model may send it
                tc.arguments_raw = args.get<std::string>();
                tc.arguments = json::parse(tc.arguments_raw, nullptr, false);
                if (tc.arguments.is_discarded()) tc.arguments = nullptr;
            } else {
                tc.arguments = args;
                tc.arguments_raw = args.dump();
            }
            reply.tool_calls.push_back(std::move(tc));
        }
    } else if (scripted.response) {
        reply.content = *scripted.response;
    } else if (!o.tools.empty() && !o.tool_choice.empty() && o.tool_choice != "auto" && o.tool_choice != "none") {
        const Tool* tool = &o.tools.front();
        for (const auto& t : o.tools) {
            if (t.name == o.tool_choice) tool = &t;
        }
        ToolCall tc{.id = "call_mock_0", .function = tool->name, .arguments = sample_value(tool->parameters)};
        tc.arguments_raw = tc.arguments.dump();
        reply.tool_calls.push_back(std::move(tc));
    }
    if (!reply.tool_calls.empty()) {
        finish = "tool_calls";
        reply.content = std::string();
    } else if (scripted.response) {
    } else if (auto text = o.extra.find("mock_response"); text != o.extra.end() && text->is_string()) {
        reply.content = text->get<std::string>();
    } else if (o.response_format) {
        reply.content = synthesise(o.response_format->schema, o.response_format->schema, 0).dump();
    } else if (const std::string results = tool_results_since_user(request); !results.empty()) {
        reply.content = "Mock answer from the tool results: " + results;
    } else {
        std::string last_user;
        for (const auto& m : request.messages) {
            if (m.role == "user") last_user = m.text();
        }
        reply.content = "Mock reply to: " + last_user;
    }

    std::int64_t prompt_words = 0;
    for (const auto& m : request.messages) prompt_words = add_counts(prompt_words, count_words(m.text()), 1);
    std::string reply_text = reply.text();
    if (o.max_tokens && count_words(reply_text) > *o.max_tokens) {
        // Honour max_tokens the way a real model does: cut the reply and say so.
        std::string cut;
        std::int64_t words = 0;
        bool in_word = false;
        for (char c : reply_text) {
            const bool space = c == ' ';
            if (!space && !in_word && ++words > *o.max_tokens) break;
            in_word = !space;
            cut += c;
        }
        while (!cut.empty() && cut.back() == ' ') cut.pop_back();
        reply.content = cut;
        reply_text = cut;
        finish = "length";
    }

    CompletionResponse r;
    r.id = "mock-" + std::to_string(std::hash<std::string>{}(reply_text) % 1000000007ULL);
    r.model = request.model;
    r.provider = "mock";
    r.usage.prompt_tokens = prompt_words;
    r.usage.completion_tokens = count_words(reply_text) + static_cast<std::int64_t>(reply.tool_calls.size()) * 5;
    r.usage.total_tokens = add_counts(r.usage.prompt_tokens, r.usage.completion_tokens);
    r.choices.push_back(Choice{.index = 0, .message = std::move(reply), .finish_reason = finish});
    r.finish_reason = finish;
    if (spent_before_output(r))
        throw IncompleteResponseError(
            ErrorInfo{.provider = "mock", .model = request.model, .message = "max_tokens left no room for any output"},
            finish, r.usage);
    r.raw = response_to_json(r);
    return r;
}

// Streams a prepared reply word by word, then the tool calls, then the finish chunk with usage.
class MockChunkSource final : public ChunkSource {
public:
    explicit MockChunkSource(const CompletionResponse& r) {
        const std::string text = r.text();
        std::size_t start = 0;
        while (start < text.size()) {
            std::size_t end = text.find(' ', start + 1);
            if (end == std::string::npos) end = text.size();
            StreamChunk c = base(r);
            c.delta = text.substr(start, end - start);
            chunks_.push_back(std::move(c));
            start = end;
        }
        int index = 0;
        for (const auto& tc : r.tool_calls()) {
            StreamChunk c = base(r);
            c.tool_call_deltas.push_back(
                ToolCallDelta{.index = index++, .id = tc.id, .function = tc.function, .arguments = tc.arguments_raw});
            chunks_.push_back(std::move(c));
        }
        StreamChunk last = base(r);
        last.finish_reason = r.finish_reason;
        last.usage = r.usage;
        last.tool_calls = r.tool_calls();
        chunks_.push_back(std::move(last));
    }
    std::optional<StreamChunk> next() override {
        if (chunks_.empty()) return std::nullopt;
        StreamChunk c = std::move(chunks_.front());
        chunks_.pop_front();
        return c;
    }

private:
    static StreamChunk base(const CompletionResponse& r) {
        return StreamChunk{.id = r.id, .model = r.model, .provider = "mock"};
    }
    std::deque<StreamChunk> chunks_;
};

std::vector<double> mock_vector(const std::string& text, int dims) {
    // Deterministic, unit-length: the same text always maps to the same vector.
    std::vector<double> v(static_cast<std::size_t>(dims));
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
    double norm = 0;
    for (auto& x : v) {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdULL;
        h ^= h >> 33;
        x = static_cast<double>(h % 20001) / 10000.0 - 1.0;
        norm += x * x;
    }
    norm = std::sqrt(norm);
    for (auto& x : v) x = norm > 0 ? x / norm : 0;
    return v;
}

EmbeddingResponse mock_embed(const EmbedRequest& request) {
    if (auto e = request.options.extra.find("mock_error"); e != request.options.extra.end() && e->is_string())
        raise_mock_error(e->get<std::string>(), request.model);
    if (request.inputs.empty())
        throw InvalidRequestError(
            ErrorInfo{.provider = "mock", .model = request.model, .message = "embed needs at least one input"});
    const int dims = request.options.dimensions.value_or(16);
    if (dims <= 0 || dims > 65536)
        throw InvalidRequestError(
            ErrorInfo{.provider = "mock", .model = request.model, .message = "dimensions must be 1..65536"});
    EmbeddingResponse r;
    r.model = request.model;
    r.provider = "mock";
    for (const auto& text : request.inputs) {
        r.embeddings.push_back(mock_vector(text, dims));
        r.usage.prompt_tokens += count_words(text);
    }
    r.usage.total_tokens = r.usage.prompt_tokens;
    return r;
}

template <class T, class Fn>
void run_on_loop(Callback<T> done, Fn fn) {
    // Asynchronous like every provider: the answer arrives on the shared event loop thread.
    post_to_event_loop([done = std::move(done), fn = std::move(fn)]() mutable { deliver(done, fn); });
}

class MockProvider final : public Provider {
public:
    const std::string& name() const override { return name_; }
    Capabilities capabilities(const std::string& model) const override {
        (void)model;
        Capabilities caps;
        caps.native_schema = true;  // answers response_format with a value synthesised from the schema
        caps.json_mode = true;
        return caps;
    }
    CompletionResponse complete(const ChatRequest& request) override { return mock_reply(request); }
    void complete_async(ChatRequest&& request, Callback<CompletionResponse> done) override {
        run_on_loop<CompletionResponse>(std::move(done),
                                        [request = std::move(request)] { return mock_reply(request); });
    }
    Stream stream(const ChatRequest& request) override {
        return Stream(std::make_unique<MockChunkSource>(mock_reply(request)));
    }
    void stream_async(ChatRequest request, Callback<Stream> ready) override {
        run_on_loop<Stream>(std::move(ready), [request = std::move(request)] {
            return Stream(std::make_unique<MockChunkSource>(mock_reply(request)));
        });
    }
    EmbeddingResponse embed(const EmbedRequest& request) override { return mock_embed(request); }
    void embed_async(EmbedRequest request, Callback<EmbeddingResponse> done) override {
        run_on_loop<EmbeddingResponse>(std::move(done), [request = std::move(request)] { return mock_embed(request); });
    }
    // Any model name works; the list names the one default_model() falls back to.
    std::vector<ModelInfo> list_models(const ListModelsOptions&) override {
        ModelInfo m{.id = "llmgate-offline", .provider = "mock", .display_name = "llmgate offline mock", .owned_by = "llmgate"};
        m.raw = json{{"id", m.id}, {"object", "model"}, {"owned_by", m.owned_by}};
        return {std::move(m)};
    }

private:
    std::string name_ = "mock";
};

}  // namespace

std::unique_ptr<Provider> make_mock_provider() { return std::make_unique<MockProvider>(); }

}  // namespace llmgate::inline v1::detail
