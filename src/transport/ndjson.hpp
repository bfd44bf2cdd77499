// Newline-delimited JSON framing: bytes in, complete lines out (LF or CRLF ends, blank lines skipped,
// a last line without its newline returned at finish, lines longer than a bound refused).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace llmgate::inline v1::detail {

class NdjsonParser {
public:
    // Ollama's longest line is one complete reply (a final chunk, or a tool call with large arguments);
    // 8 MiB is far beyond that yet stops a body that never sends a newline from growing without end.
    static constexpr std::size_t kDefaultMaxLine = 8u * 1024u * 1024u;

    explicit NdjsonParser(std::size_t max_line = kDefaultMaxLine) : max_line_(max_line) {}

    // Feeds any slice of the byte stream; complete non-blank lines (without their line end) are appended
    // to `out`. Throws ResponseParseError when a line grows past the bound.
    void feed(std::string_view bytes, std::vector<std::string>& out);
    // End of stream: a last line sent without its newline is appended if it is not blank.
    void finish(std::vector<std::string>& out);

private:
    void emit(std::vector<std::string>& out);

    std::size_t max_line_;
    std::string partial_{};  // the line being built, carried across feeds
};

}  // namespace llmgate::detail
