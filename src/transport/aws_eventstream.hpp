// AWS binary event stream (application/vnd.amazon.eventstream): incremental frame decoder and encoder.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmgate::inline v1::detail {

// One decoded frame. Header values of type string (7) keep their text; other types are rendered as
// text too (booleans "true"/"false", integers in decimal, byte arrays and UUIDs as raw bytes), since
// the headers a client reads (:message-type, :event-type, ...) are all strings.
struct EventStreamMessage {
    std::vector<std::pair<std::string, std::string>> headers{};
    std::string payload{};

    // The value of a header, or "" when absent.
    std::string header(std::string_view name) const;
};

// Frame layout: total length u32 BE, headers length u32 BE, prelude CRC32 (of those 8 bytes);
// headers (name length u8, name, type u8, value); payload; message CRC32 (of everything before it).
// Both CRCs are checked. Bytes may arrive split anywhere.
class EventStreamDecoder {
public:
    // Appends every frame completed by `bytes`. Throws ResponseParseError on a bad CRC, an impossible
    // length or a malformed header; the decoder is unusable afterwards.
    void feed(std::string_view bytes, std::vector<EventStreamMessage>& out);
    // True when bytes of an unfinished frame are buffered (the body ended mid-frame).
    bool mid_frame() const { return !buffer_.empty(); }

    static constexpr std::uint32_t kMaxFrameBytes =
        16u * 1024u * 1024u + 128u * 1024u;  // AWS: 16 MiB payload + 128 KiB headers

private:
    std::string buffer_{};
};

// CRC-32 (IEEE 802.3, the zlib polynomial) of `data`, continuing from `crc` (0 to start).
std::uint32_t crc32_ieee(std::string_view data, std::uint32_t crc = 0);

// One frame with string-typed headers, CRCs included: for tests, fuzz seeds and tools.
std::string encode_event_stream_message(const std::vector<std::pair<std::string, std::string>>& string_headers,
                                        std::string_view payload);

}  // namespace llmgate::detail
