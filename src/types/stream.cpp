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
        // The text is taken later, by keep_text, once the caller is done with the chunk.
        for (const auto& d : c.tool_call_deltas) tools_.add(d);
        if (!c.tool_calls.empty()) final_tools_ = c.tool_calls;
        if (!c.finish_reason.empty()) response_.finish_reason = c.finish_reason;
        if (c.usage) response_.usage = *c.usage;
        if (!c.provider_data.is_null()) provider_data_ = c.provider_data;
        // raw is not copied here (a deep copy of every event was a large part of a stream's CPU): the
        // Stream hands over each chunk's raw with keep_raw() once the caller has moved past it.
    }

    // A chunk the caller is done with: its text is moved here, not copied, so a large streamed answer is
    // held once while the caller reads it (in the chunk) and once after (here), never twice at a time
    // besides the caller's own copy; and only its raw event is kept of the last one, so memory stays flat.
    void keep(StreamChunk&& c) {
        append(text_, std::move(c.delta));
        append(reasoning_, std::move(c.reasoning));
        if (!c.raw.empty()) last_raw_ = std::move(c.raw);
    }

    // `current` is the chunk the caller is looking at now, if any (not yet kept).
    CompletionResponse build(const StreamChunk* current) const {
        CompletionResponse r = response_;
        r.raw = current != nullptr && !current->raw.empty() ? current->raw : last_raw_;
        Choice choice;
        choice.message.role = "assistant";
        choice.message.content = current != nullptr ? text_ + current->delta : text_;
        choice.message.reasoning = current != nullptr ? reasoning_ + current->reasoning : reasoning_;
        choice.message.tool_calls = final_tools_.empty() ? tools_.build() : final_tools_;
        choice.message.provider_data = provider_data_;
        choice.finish_reason = r.finish_reason;
        r.choices.push_back(std::move(choice));
        return r;
    }

private:
    static void append(std::string& to, std::string&& piece) {
        if (to.empty())
            to = std::move(piece);
        else
            to += piece;
    }

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
    // The caller has moved past the current chunk: keep its text and raw event (moved, not copied) for
    // response().
    if (current_) accumulator_->keep(std::move(*current_));
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

CompletionResponse Stream::response() const { return accumulator_->build(current_ ? &*current_ : nullptr); }

}  // namespace llmgate::inline v1
