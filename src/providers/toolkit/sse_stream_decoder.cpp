// Base for the decoders of SSE reply streams: framing, event errors, shared state and the end-of-body checks.
#include "providers/toolkit/sse_stream_decoder.hpp"

#include <utility>

#include "llmgate/errors.hpp"
#include "providers/toolkit/adapter_errors.hpp"
#include "util/json_parse.hpp"

namespace llmgate::inline v1::detail {

void SseStreamDecoder::feed(std::string_view bytes, std::deque<StreamChunk>& out) {
    rethrow_held();
    sse_.feed(bytes, events_);
    drain(out);
}

void SseStreamDecoder::finish(std::deque<StreamChunk>& out) {
    rethrow_held();
    sse_.finish(events_);
    drain(out);
    rethrow_held();
    if (!ended()) stream_cut_short(provider_, model_, ending_.missing_end);
    check_stream_answered(provider_, model_, ending_.end, finish_reason_, saw_output_);
    check_stream_budget(provider_, model_, finish_reason_, saw_output_, usage_, ending_.budget);
}

void SseStreamDecoder::drain(std::deque<StreamChunk>& out) {
    // The events are taken out first (an error drops the rest of them); the emptied list then goes back,
    // so the next feed's events fill it without growing a new one (a feed holds a few dozen).
    std::vector<SseEvent> events;
    events.swap(events_);
    const std::size_t before = out.size();
    for (auto& ev : events) {
        try {
            reading_shape(provider_, model_, ev.data, "stream event", [&] { on_event(ev, out); });
        } catch (const Error&) {
            if (!ending_.errors_after_chunks || out.size() == before) throw;
            held_ = std::current_exception();
            return;
        }
    }
    events.clear();
    if (events.capacity() <= kKeptEvents) events_.swap(events);
}

void SseStreamDecoder::rethrow_held() {
    if (held_) std::rethrow_exception(std::exchange(held_, nullptr));
}

nlohmann::json SseStreamDecoder::event_object(const SseEvent& event) const {
    nlohmann::json j = parse_json(event.data);
    if (j.is_discarded() || !j.is_object()) fail("malformed stream event", event.data);
    return j;
}

void SseStreamDecoder::fail(const std::string& what, const std::string& data) const {
    parse_failure(provider_, model_, what, data);
}

StreamChunk SseStreamDecoder::chunk(std::string id, std::string model, nlohmann::json raw) const {
    StreamChunk c;
    c.provider = provider_;
    c.id = std::move(id);
    c.model = std::move(model);
    c.raw = std::move(raw);
    return c;
}

void SseStreamDecoder::finish_with(StreamChunk& c, std::string finish_reason) {
    finish_reason_ = finish_reason;
    c.finish_reason = std::move(finish_reason);
    if (!assembler_.empty()) c.tool_calls = assembler_.build();
}

void SseStreamDecoder::note_tool_call(ToolCallDelta d, StreamChunk& c) {
    assembler_.add(d);
    saw_output_ = true;
    c.tool_call_deltas.push_back(std::move(d));
}

}  // namespace llmgate::inline v1::detail
