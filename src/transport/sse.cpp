// Server-Sent Events framing, incremental and allocation-light.
#include "transport/sse.hpp"

#include <algorithm>
#include <cstring>

namespace llmgate::inline v1::detail {

namespace {

// The index of the first `c` in bytes at or after `from`, or bytes.size().
std::size_t find_from(std::string_view bytes, std::size_t from, char c) {
    const void* at = std::memchr(bytes.data() + from, c, bytes.size() - from);
    return at != nullptr ? static_cast<std::size_t>(static_cast<const char*>(at) - bytes.data()) : bytes.size();
}

}  // namespace

void SseParser::feed(std::string_view bytes, std::vector<SseEvent>& out) {
    if (bytes.empty()) return;  // keeps a pending CR's "skip the next LF" for the next real slice
    std::size_t start = 0;
    if (skip_lf_ && bytes.front() == '\n') start = 1;
    skip_lf_ = false;
    // Line ends are found with memchr, a word or a vector at a time, instead of a byte at a time. The
    // next LF and the next CR are each searched again only once a line has passed them, so a stream with
    // only one kind of line end is still read once.
    std::size_t next_lf = find_from(bytes, start, '\n');
    std::size_t next_cr = find_from(bytes, start, '\r');
    while (start < bytes.size()) {
        if (next_lf < start) next_lf = find_from(bytes, start, '\n');
        if (next_cr < start) next_cr = find_from(bytes, start, '\r');
        const std::size_t end = std::min(next_lf, next_cr);
        if (end == bytes.size()) break;  // no line end in the rest: carried to the next slice
        const std::string_view text = bytes.substr(start, end - start);
        if (partial_.empty()) {
            line(text, out);
        } else {
            partial_.append(text);
            carried_line(out);
        }
        start = end + 1;
        if (bytes[end] == '\r') {
            if (start < bytes.size()) {
                if (bytes[start] == '\n') ++start;
            } else {
                skip_lf_ = true;
            }
        }
    }
    if (start < bytes.size()) partial_.append(bytes.substr(start));
}

void SseParser::carried_line(std::vector<SseEvent>& out) {
    // A line that spanned several slices can be any size (one event carrying a whole 200 MB answer). The
    // first data line of an event takes the buffer itself, its "data: " prefix removed in place, instead
    // of a copy: the event's text then exists once.
    constexpr std::string_view kData = "data:";
    if (!has_data_ && std::string_view(partial_).substr(0, kData.size()) == kData) {
        std::size_t prefix = kData.size();
        if (partial_.size() > prefix && partial_[prefix] == ' ') ++prefix;
        partial_.erase(0, prefix);
        current_.data = std::move(partial_);
        has_data_ = true;
    } else {
        line(partial_, out);
    }
    partial_.clear();
    if (partial_.capacity() > kKeptLineCapacity) partial_.shrink_to_fit();  // a long line leaves no buffer behind
}

void SseParser::line(std::string_view l, std::vector<SseEvent>& out) {
    if (l.empty()) {
        if (has_data_) out.push_back(std::move(current_));
        current_ = SseEvent{};
        has_data_ = false;
        return;
    }
    if (l.front() == ':') return;  // comment / keep-alive
    std::string_view field = l;
    std::string_view value;
    if (const std::size_t colon = l.find(':'); colon != std::string_view::npos) {
        field = l.substr(0, colon);
        value = l.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }
    if (field == "data") {
        if (has_data_) current_.data += '\n';
        current_.data.append(value);
        has_data_ = true;
    } else if (field == "event") {
        current_.event.assign(value);
    } else if (field == "id") {
        if (value.find('\0') == std::string_view::npos) {
            current_.id.assign(value);
            last_event_id_.assign(value);
        }
    } else if (field == "retry") {
        if (!value.empty() && value.size() <= 9 && value.find_first_not_of("0123456789") == std::string_view::npos)
            retry_ms_ = std::stol(std::string(value));
    }
    // Unknown fields are ignored, as the spec says.
}

void SseParser::finish(std::vector<SseEvent>& out) {
    if (!partial_.empty()) carried_line(out);
    if (has_data_) out.push_back(std::move(current_));
    current_ = SseEvent{};
    has_data_ = false;
}

}  // namespace llmgate::detail
