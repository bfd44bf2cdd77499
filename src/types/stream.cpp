// Stream: pulls chunks from a provider's source as the caller iterates, and assembles the whole reply.
#include "llmgate/stream.hpp"

#include "providers/stream_decoder.hpp"

namespace llmgate::inline v1 {
namespace detail {

class StreamAccumulator {
public:
    void add(const StreamChunk& c) {
        if (c.restarted) {  // a fallback model started the reply over: what came before is not part of it
            text_.clear();
            reasoning_.clear();
            tools_ = ToolCallAssembler();
            final_tools_.clear();
            provider_data_ = json();
        }
        if (!c.fallback_attempts.empty()) response_.fallback_attempts = c.fallback_attempts;
        if (!c.id.empty()) response_.id = c.id;
        if (!c.model.empty()) response_.model = c.model;
        if (!c.provider.empty()) response_.provider = c.provider;
        text_ += c.delta;
        reasoning_ += c.reasoning;
        for (const auto& d : c.tool_call_deltas) tools_.add(d);
        if (!c.tool_calls.empty()) final_tools_ = c.tool_calls;
        if (!c.finish_reason.empty()) response_.finish_reason = c.finish_reason;
        if (c.usage) response_.usage = *c.usage;
        if (!c.provider_data.is_null()) provider_data_ = c.provider_data;
        // raw is not copied here (a deep copy of every event was a large part of a stream's CPU): the
        // Stream hands over each chunk's raw with keep_raw() once the caller has moved past it.
    }

    // The raw event of a chunk the caller is done with: only the last one is kept, so memory stays flat.
    void keep_raw(RawJson&& raw) { last_raw_ = std::move(raw); }

    // `latest` is the raw event of the chunk the caller is looking at now, if any.
    CompletionResponse build(const RawJson* latest) const {
        CompletionResponse r = response_;
        r.raw = latest != nullptr && !latest->empty() ? *latest : last_raw_;
        Choice choice;
        choice.message.role = "assistant";
        choice.message.content = text_;
        choice.message.reasoning = reasoning_;
        choice.message.tool_calls = final_tools_.empty() ? tools_.build() : final_tools_;
        choice.message.provider_data = provider_data_;
        choice.finish_reason = r.finish_reason;
        r.choices.push_back(std::move(choice));
        return r;
    }

private:
    CompletionResponse response_;
    std::string text_;
    std::string reasoning_;
    ToolCallAssembler tools_;
    std::vector<ToolCall> final_tools_;
    json provider_data_;
    RawJson last_raw_;
};

}  // namespace detail

Stream::Stream(std::unique_ptr<ChunkSource> source)
    : source_(std::move(source)), accumulator_(std::make_unique<detail::StreamAccumulator>()) {}
Stream::Stream(Stream&&) noexcept = default;
Stream& Stream::operator=(Stream&&) noexcept = default;
Stream::~Stream() = default;

Stream::iterator Stream::begin() {
    if (!started_) {
        started_ = true;
        advance();
    }
    return iterator(this);
}

std::optional<StreamChunk> Stream::next() {
    started_ = true;
    advance();
    return current_;
}

void Stream::advance() {
    // The caller has moved past the current chunk: keep its raw event (moved, not copied) for response().
    if (current_ && !current_->raw.empty()) accumulator_->keep_raw(std::move(current_->raw));
    if (finished_ || !source_) {
        current_.reset();
        finished_ = true;
        return;
    }
    try {
        current_ = source_->next();
    } catch (...) {
        current_.reset();
        finished_ = true;
        source_.reset();  // drop the transfer now; the error belongs to the caller
        throw;
    }
    if (current_) {
        accumulator_->add(*current_);
    } else {
        finished_ = true;
        source_.reset();  // release the connection as soon as the stream is over
    }
}

CompletionResponse Stream::response() const { return accumulator_->build(current_ ? &current_->raw : nullptr); }

}  // namespace llmgate::inline v1
