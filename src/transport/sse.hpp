// Server-Sent Events framing: bytes in, complete events out (WHATWG rules: CR/LF/CRLF line ends,
// "data:" lines joined with \n, ":" comments ignored, a blank line dispatches).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace llmgate::inline v1::detail {

struct SseEvent {
    std::string event{};  // "" when the event had no "event:" line
    std::string data{};
    std::string id{};
};

class SseParser {
public:
    // Feeds any slice of the byte stream; complete events are appended to `out`.
    void feed(std::string_view bytes, std::vector<SseEvent>& out);
    // End of stream: an event still being built (no closing blank line) is dispatched if it has data.
    void finish(std::vector<SseEvent>& out);
    // The stream's last event ID and reconnection time as the fields set them so far (an "id:" counts even
    // on an event with no data, as servers send to prime resumption); for reconnecting with Last-Event-ID.
    const std::string& last_event_id() const { return last_event_id_; }
    long retry_ms() const { return retry_ms_; }  // -1 until a "retry:" field of digits

private:
    void line(std::string_view l, std::vector<SseEvent>& out);
    void carried_line(std::vector<SseEvent>& out);  // the line in partial_, which it may take

    static constexpr std::size_t kKeptLineCapacity = 64 * 1024;

    std::string partial_{};  // an unterminated line carried to the next feed
    bool skip_lf_ = false;   // the previous slice ended in CR: a leading LF belongs to that line end
    SseEvent current_{};
    bool has_data_ = false;
    std::string last_event_id_{};
    long retry_ms_ = -1;
};

}  // namespace llmgate::detail
