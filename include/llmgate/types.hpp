// The unified value types every provider speaks: messages in, responses and chunks out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmgate::inline v1 {

using json = nlohmann::json;

// An image given by URL (https://... or a data: URI) or by base64 bytes.
struct ImageURL {
    std::string url{};
    std::string detail{};  // "auto" | "low" | "high"; empty = provider default
};
struct ImageBytes {
    std::string data{};       // base64, no data: prefix
    std::string mime_type{};  // e.g. "image/jpeg"
};

// A prompt-cache breakpoint: the prompt up to and including what carries it (a content part, a message,
// a tool definition) is cached by the provider and read back by later calls that start the same way.
// Sent as Anthropic `cache_control` and Bedrock `cachePoint`; providers that cache on their own (OpenAI,
// Gemini, Groq, DeepSeek...) ignore it. See docs/caching.md.
struct CacheMarker {
    std::string ttl{};  // "5m" | "1h"; empty = the provider's default (5 minutes)
};

// One block of a multi-part message: text, or an image by URL or bytes.
struct ContentPart {
    std::string type = "text";  // "text" | "image_url" | "image_bytes"
    std::string text{};
    std::optional<ImageURL> image_url{};
    std::optional<ImageBytes> image_bytes{};
    std::optional<CacheMarker> cache{};  // a cache breakpoint after this part

    static ContentPart text_part(std::string t) { return ContentPart{.type = "text", .text = std::move(t)}; }
    static ContentPart image_from_url(std::string url, std::string detail = {}) {
        return ContentPart{.type = "image_url", .image_url = ImageURL{std::move(url), std::move(detail)}};
    }
    static ContentPart image_from_bytes(std::string base64, std::string mime_type) {
        return ContentPart{.type = "image_bytes", .image_bytes = ImageBytes{std::move(base64), std::move(mime_type)}};
    }
    // Reads a local png/jpeg/gif/webp file (type told by its first bytes) into an image-bytes part.
    // Throws InvalidRequestError when the file cannot be read or is not one of those image types.
    static ContentPart image_from_file(const std::string& path);
};

// A tool call requested by the model. `arguments` is the parsed JSON object; `arguments_raw` is the
// exact string the provider sent (kept so nothing is lost when a model emits invalid JSON, in which
// case `arguments` is null).
struct ToolCall {
    std::string id{};
    std::string type = "function";
    std::string function{};  // the function's name (Python: tc.function)
    json arguments = json::object();
    std::string arguments_raw = "{}";
};

// A conversation turn. `content` is plain text or a list of parts; an assistant turn that only calls
// tools may leave it empty (sent as null). `reasoning` and `provider_data` carry what a provider needs
// replayed verbatim in later turns (thinking text, signatures).
struct Message {
    std::string role{};  // "system" | "user" | "assistant" | "tool" (| "developer")
    std::variant<std::string, std::vector<ContentPart>> content{};
    std::vector<ToolCall> tool_calls{};
    std::string tool_call_id{};  // for role "tool"
    std::string name{};
    std::string reasoning{};
    json provider_data{};  // opaque, provider-specific; null when unused
    std::optional<CacheMarker> cache{};  // a cache breakpoint after this message (its last block)

    static Message system(std::string text) { return Message{.role = "system", .content = std::move(text)}; }
    static Message user(std::string text) { return Message{.role = "user", .content = std::move(text)}; }
    static Message user(std::vector<ContentPart> parts) { return Message{.role = "user", .content = std::move(parts)}; }
    static Message assistant(std::string text) { return Message{.role = "assistant", .content = std::move(text)}; }
    static Message tool(std::string tool_call_id, std::string result) {
        return Message{.role = "tool", .content = std::move(result), .tool_call_id = std::move(tool_call_id)};
    }

    // The text of this message: the string content, or its text parts joined.
    std::string text() const&;
    // The same, taking a string content instead of copying it (a message about to be dropped).
    std::string text() &&;
};

// A function the model may call. `parameters` is a JSON Schema object.
struct Tool {
    std::string name{};
    std::string description{};
    json parameters = json{{"type", "object"}, {"properties", json::object()}};
    std::optional<bool> strict{};
    std::optional<CacheMarker> cache{};  // a cache breakpoint after this tool (the definitions up to it)
};

// Token accounting. `prompt_tokens` means what OpenAI means: cached tokens included.
struct Usage {
    std::int64_t prompt_tokens = 0;
    std::int64_t completion_tokens = 0;
    std::int64_t total_tokens = 0;
    std::int64_t cached_tokens = 0;          // part of prompt_tokens served from the provider's cache
    std::int64_t cache_creation_tokens = 0;  // part of prompt_tokens written to the cache (Anthropic, Bedrock)
    std::int64_t reasoning_tokens = 0;       // part of completion_tokens spent on hidden reasoning
};

// A provider reply or event as received. A reply is kept as its text and parsed on first read, so that
// holding many responses (a batch of 10,000) costs the reply's bytes, not a JSON tree (a std::map-based
// tree is ~6x the text). Events built in memory (stream chunks, merged replies) are kept inline.
// Reads are const and thread-safe: copies share the text and its one lazy parse.
class RawJson {
public:
    RawJson() = default;
    RawJson(std::nullptr_t) {}  // NOLINT: `raw = nullptr` clears it, as it did when raw was a json
    // Implicit on purpose: `chunk.raw = std::move(j)` keeps working; stored inline, no extra allocation.
    RawJson(json value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
    // Kept as text (a copy, in one allocation with its bookkeeping); parsed once, on first read. Text that
    // is not JSON reads as null.
    static RawJson from_text(std::string_view text);
    static RawJson from_text(const char* text) { return from_text(std::string_view(text)); }
    // The same, taking the string itself when it is large (64 KiB or more) instead of copying it: a
    // 200 MB reply body then exists once.
    static RawJson from_text(std::string&& text);

    // The value (null when empty). The first read of a text raw parses it; later reads are free.
    const json& get() const;
    operator const json&() const { return get(); }  // NOLINT(google-explicit-constructor)
    // Null json when the key is absent or this is not an object (never asserts, unlike json's const []).
    const json& operator[](std::string_view key) const;
    // Null json when out of range or this is not an array.
    const json& operator[](std::size_t index) const;
    bool contains(std::string_view key) const;
    // True when nothing is held (default, null or released). Never parses, unlike is_null(): the stream
    // path asks this of every event.
    bool empty() const noexcept { return !text_ && value_.is_null(); }
    bool is_null() const { return get().is_null(); }
    bool is_object() const { return get().is_object(); }
    bool is_array() const { return get().is_array(); }
    // The original bytes when kept as text and indent < 0; otherwise the value serialised.
    std::string dump(int indent = -1) const;
    // Moves the value out (parsing a text raw first) and leaves this null: for appending to a raw array
    // without copying it.
    json release() &&;

    friend bool operator==(const RawJson& a, const RawJson& b) { return a.get() == b.get(); }
    friend bool operator==(const RawJson& a, const json& b) { return a.get() == b; }
    friend std::ostream& operator<<(std::ostream& os, const RawJson& r);

private:
    struct Text;  // src/types/types.cpp: a count, a once_flag, the parsed value, then the text's bytes
    // Shares one Text between copies, as a shared_ptr would, but a held reply is then a single block of
    // about its own size: no control block and no separate string buffer (a batch keeps 10,000 of them).
    class TextRef {
    public:
        TextRef() = default;
        explicit TextRef(Text* text) noexcept : text_(text) {}
        TextRef(const TextRef& other) noexcept;
        TextRef(TextRef&& other) noexcept : text_(std::exchange(other.text_, nullptr)) {}
        TextRef& operator=(TextRef other) noexcept {
            std::swap(text_, other.text_);
            return *this;
        }
        ~TextRef();
        const Text* get() const noexcept { return text_; }
        const Text& operator*() const noexcept { return *text_; }
        const Text* operator->() const noexcept { return text_; }
        explicit operator bool() const noexcept { return text_ != nullptr; }
        void reset() noexcept { TextRef().swap(*this); }
        void swap(TextRef& other) noexcept { std::swap(text_, other.text_); }

    private:
        Text* text_ = nullptr;
    };
    json value_{};
    TextRef text_{};  // copies share it; immutable apart from the one parse
};

struct Choice {
    int index = 0;
    Message message{};
    std::string finish_reason{};  // "stop" | "length" | "tool_calls" | "content_filter" | provider value
};

struct CompletionResponse {
    std::string id{};
    std::string model{};
    std::string provider{};
    std::vector<Choice> choices{};
    Usage usage{};
    std::string finish_reason{};                   // of the first choice
    RawJson raw{};                                 // the provider's reply as received (escape hatch)
    std::vector<std::string> fallback_attempts{};  // models that failed before this one answered

    // Structured output (Options::response_format): the validated JSON value, and how it was obtained
    // ("native" | "json_mode" | "prompt"; empty without a response_format).
    json parsed_json{};
    std::string structured_strategy{};
    // True when CacheMiddleware answered without calling the provider.
    bool cache_hit = false;

    // The structured reply converted to T (T needs from_json, e.g. via LLMGATE_STRUCT in
    // llmgate/structured.hpp). Throws StructuredOutputError when there is no structured reply.
    template <class T>
    T parsed() const;

    // First choice's text ("" when there is none).
    std::string text() const&;
    // The same, moved out of a reply about to be dropped (`auto t = completion(...).text();`): a large
    // answer is then never held twice.
    std::string text() &&;
    // First choice's tool calls (empty when none).
    const std::vector<ToolCall>& tool_calls() const;
    // First choice's reasoning/thinking text, where the provider exposes it.
    std::string reasoning() const;
};

// A fragment of a tool call as it streams in. Fragments with the same `index` belong to one call.
struct ToolCallDelta {
    int index = 0;
    std::string id{};         // set on the fragment that opens the call
    std::string function{};   // name, set on the fragment that opens the call
    std::string arguments{};  // a piece of the JSON argument string
};

struct StreamChunk {
    std::string id{};
    std::string model{};
    std::string provider{};
    std::string delta{};      // new text
    std::string reasoning{};  // new reasoning/thinking text
    std::vector<ToolCallDelta> tool_call_deltas{};
    std::string finish_reason{};         // set on the chunk that ends the choice
    std::optional<Usage> usage{};        // on the last chunk, when the provider reports it
    std::vector<ToolCall> tool_calls{};  // complete calls, assembled, on the chunk carrying finish_reason
    json provider_data{};  // on the finish chunk: what the next turn must replay (signatures); see Message
    // Streamed fallback chains: set on the first chunk from a model that took over. `fallback_attempts`
    // lists the models that failed so far; `restarted` means the reply starts over (the restart mode)
    // and the text received before it must be discarded.
    std::vector<std::string> fallback_attempts{};
    bool restarted = false;
    RawJson raw{};  // the provider event this chunk came from
};

struct EmbeddingResponse {
    std::vector<std::vector<double>> embeddings{};  // one vector per input, in input order
    std::string model{};
    std::string provider{};
    Usage usage{};
    RawJson raw{};  // the provider's reply (an array of the parts' replies when split into several calls)
};

// Conversions from/to the OpenAI dict shape, as the Python library accepts messages.
Message message_from_json(const json& j);
std::vector<Message> messages_from_json(const json& j);
json message_to_json(const Message& m);
Tool tool_from_json(const json& j);  // {"type":"function","function":{...}} or the inner function object
std::vector<Tool> tools_from_json(const json& j);
json response_to_json(const CompletionResponse& r);  // the unified response (the CLI's --json)
json usage_to_json(const Usage& u);
json tool_call_to_json(const ToolCall& tc);
json embedding_response_to_json(const EmbeddingResponse& r);

}  // namespace llmgate::inline v1
