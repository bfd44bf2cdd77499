// AWS binary event stream framing: splits the body into frames, checks both CRC32s, reads the headers.
#include "transport/aws_eventstream.hpp"

#include <array>

#include "llmgate/errors.hpp"

namespace llmgate::inline v1::detail {
namespace {

constexpr std::size_t kPreludeBytes = 12;  // total length, headers length, prelude CRC
constexpr std::size_t kMinFrameBytes = kPreludeBytes + 4;

std::array<std::uint32_t, 256> make_crc_table() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    return table;
}

std::uint32_t read_u32(const char* p) {
    const auto* u = reinterpret_cast<const unsigned char*>(p);
    return (std::uint32_t(u[0]) << 24) | (std::uint32_t(u[1]) << 16) | (std::uint32_t(u[2]) << 8) | std::uint32_t(u[3]);
}

void append_u32(std::string& out, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>((v >> s) & 0xFF));
}

[[noreturn]] void bad_frame(const std::string& what) {
    throw ResponseParseError(ErrorInfo{.status = 200, .message = "malformed AWS event stream: " + what});
}

// Reads the headers block [p, end) into `out`.
void read_headers(const char* p, const char* end, std::vector<std::pair<std::string, std::string>>& out) {
    auto need = [&](std::size_t n) {
        if (static_cast<std::size_t>(end - p) < n) bad_frame("header runs past the headers block");
    };
    while (p < end) {
        const std::size_t name_len = static_cast<unsigned char>(*p++);
        need(name_len + 1);
        std::string name(p, name_len);
        p += name_len;
        const int type = static_cast<unsigned char>(*p++);
        std::string value;
        auto fixed_int = [&](std::size_t n) {
            need(n);
            std::uint64_t v = 0;
            for (std::size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
            // Sign-extend: byte, short, integer and long are signed two's complement.
            const std::int64_t s =
                n == 8 ? static_cast<std::int64_t>(v) : static_cast<std::int64_t>(v << (64 - 8 * n)) >> (64 - 8 * n);
            p += n;
            return std::to_string(s);
        };
        switch (type) {
            case 0:
                value = "true";
                break;
            case 1:
                value = "false";
                break;
            case 2:
                value = fixed_int(1);
                break;
            case 3:
                value = fixed_int(2);
                break;
            case 4:
                value = fixed_int(4);
                break;
            case 5:
                value = fixed_int(8);
                break;
            case 8:
                value = fixed_int(8);
                break;  // timestamp: milliseconds since the epoch
            case 6:
            case 7: {
                need(2);
                const std::size_t len =
                    (std::size_t(static_cast<unsigned char>(p[0])) << 8) | static_cast<unsigned char>(p[1]);
                p += 2;
                need(len);
                value.assign(p, len);
                p += len;
                break;
            }
            case 9:
                need(16);
                value.assign(p, 16);
                p += 16;
                break;
            default:
                bad_frame("unknown header value type " + std::to_string(type));
        }
        out.emplace_back(std::move(name), std::move(value));
    }
}

}  // namespace

std::uint32_t crc32_ieee(std::string_view data, std::uint32_t crc) {
    static const std::array<std::uint32_t, 256> table = make_crc_table();
    crc = ~crc;
    for (unsigned char c : data) crc = table[(crc ^ c) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

std::string EventStreamMessage::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (k == name) return v;
    return {};
}

void EventStreamDecoder::feed(std::string_view bytes, std::vector<EventStreamMessage>& out) {
    buffer_.append(bytes.data(), bytes.size());
    std::size_t pos = 0;
    while (buffer_.size() - pos >= kPreludeBytes) {
        const char* frame = buffer_.data() + pos;
        const std::uint32_t total = read_u32(frame);
        const std::uint32_t headers_len = read_u32(frame + 4);
        if (crc32_ieee(std::string_view(frame, 8)) != read_u32(frame + 8)) bad_frame("prelude CRC mismatch");
        if (total < kMinFrameBytes || total > kMaxFrameBytes)
            bad_frame("frame length " + std::to_string(total) + " is impossible (an event-stream frame is " +
                      std::to_string(kMinFrameBytes) + " to " + std::to_string(kMaxFrameBytes) + " bytes)");
        if (headers_len > total - kMinFrameBytes) bad_frame("headers length exceeds the frame");
        if (buffer_.size() - pos < total) break;
        if (crc32_ieee(std::string_view(frame, total - 4)) != read_u32(frame + total - 4))
            bad_frame("message CRC mismatch");
        EventStreamMessage msg;
        read_headers(frame + kPreludeBytes, frame + kPreludeBytes + headers_len, msg.headers);
        msg.payload.assign(frame + kPreludeBytes + headers_len, total - kMinFrameBytes - headers_len);
        out.push_back(std::move(msg));
        pos += total;
    }
    buffer_.erase(0, pos);
}

std::string encode_event_stream_message(const std::vector<std::pair<std::string, std::string>>& string_headers,
                                        std::string_view payload) {
    std::string headers;
    for (const auto& [name, value] : string_headers) {
        headers.push_back(static_cast<char>(name.size()));
        headers += name;
        headers.push_back(7);  // string
        headers.push_back(static_cast<char>((value.size() >> 8) & 0xFF));
        headers.push_back(static_cast<char>(value.size() & 0xFF));
        headers += value;
    }
    std::string out;
    append_u32(out, static_cast<std::uint32_t>(kMinFrameBytes + headers.size() + payload.size()));
    append_u32(out, static_cast<std::uint32_t>(headers.size()));
    append_u32(out, crc32_ieee(out));
    out += headers;
    out.append(payload.data(), payload.size());
    append_u32(out, crc32_ieee(out));
    return out;
}

}  // namespace llmgate::detail
