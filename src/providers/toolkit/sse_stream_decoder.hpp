// Base for the decoders of SSE reply streams (Anthropic, Gemini, Cohere, OpenAI-compatible): framing, event
// errors, the state every provider keeps, and the checks once the body has ended.
#pragma once

#include <deque>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "providers/stream_decoder.hpp"
#include "providers/toolkit/output_budget.hpp"
#include "transport/sse.hpp"

namespace llmgate::inline v1::detail {

class SseStreamDecoder : public StreamDecoder {
public:
    void feed(std::string_view bytes, std::deque<StreamChunk>& out) final;
    // Raises what was held back, then: no end marker → stream_cut_short(missing_end); the end marker without
    // any text, tool call or finish reason → check_stream_answered(end); the budget spent before any output →
    // check_stream_budget.
    void finish(std::deque<StreamChunk>& out) final;

protected:
    struct Ending {
        std::string_view missing_end;  // "before [DONE]": how a cut-short stream's error says what is missing
        std::string_view end;          // "[DONE]": how an unanswered stream's error names the end it reached
        OutputBudget budget;
        // An error (an `error` event, bad data) after chunks decoded from the same bytes is held back until
        // the next feed or finish, so the caller takes those chunks first.
        bool errors_after_chunks = false;
    };
    SseStreamDecoder(std::string provider, std::string model, Ending ending)
        : provider_(std::move(provider)), model_(std::move(model)), ending_(ending) {}

    // One event. A json::exception it throws is the provider's bad data: ResponseParseError "unexpected
    // stream event shape (...)". The event is the decoder's own: a chunk may take its data as its raw
    // (only once nothing can throw any more, since an error quotes the data).
    virtual void on_event(SseEvent& event, std::deque<StreamChunk>& out) = 0;
    // Whether the provider's end of stream (its marker, or a finish reason) has come.
    virtual bool ended() const = 0;

    // The event's data as a JSON object; ResponseParseError "malformed stream event" otherwise.
    nlohmann::json event_object(const SseEvent& event) const;
    [[noreturn]] void fail(const std::string& what, const std::string& data) const;
    // A chunk labelled with this provider (and the reply's id and model, and the event, when given).
    StreamChunk chunk(std::string id = {}, std::string model = {}, nlohmann::json raw = nullptr) const;
    // Records a finish reason and, once tool calls were assembled, puts them on `c`.
    void finish_with(StreamChunk& c, std::string finish_reason);
    void note_text(const std::string& delta) { saw_output_ = saw_output_ || !delta.empty(); }
    void note_tool_call(ToolCallDelta d, StreamChunk& c);

    const std::string provider_;
    const std::string model_;
    static constexpr std::size_t kKeptEvents = 256;  // a longer list of decoded events is not kept for reuse
    ToolCallAssembler assembler_;
    bool saw_output_ = false;  // any text or tool call
    std::string finish_reason_;
    Usage usage_;

private:
    void drain(std::deque<StreamChunk>& out);
    void rethrow_held();

    Ending ending_;
    SseParser sse_;
    std::vector<SseEvent> events_;
    std::exception_ptr held_;
};

}  // namespace llmgate::inline v1::detail
