// Newline-delimited JSON framing: bytes in, complete lines out (LF or CRLF ends, blank lines skipped,
// a last line without its newline returned at finish, lines longer than an optional bound refused).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace llmgate::inline v1::detail {

class NdjsonParser {
public:
    // No bound of its own unless given one: the transport's reply size limit (Options::max_response_bytes)
    // already bounds the whole stream and so every line in it, and a second, fixed bound would refuse a
    // long answer the caller allowed.
    static constexpr std::size_t kNoLineLimit = 0;
    explicit NdjsonParser(std::size_t max_line = kNoLineLimit) : max_line_(max_line) {}

    // Feeds any slice of the byte stream; complete non-blank lines (without their line end) are appended
    // to `out`. Throws ResponseParseError when a line grows past the bound (if there is one).
    void feed(std::string_view bytes, std::vector<std::string>& out);
    // End of stream: a last line sent without its newline is appended if it is not blank.
    void finish(std::vector<std::string>& out);

private:
    void emit(std::vector<std::string>& out);

    std::size_t max_line_;
    std::string partial_{};  // the line being built, carried across feeds
};

}  // namespace llmgate::detail
