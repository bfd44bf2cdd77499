// Newline-delimited JSON framing (https://github.com/ndjson/ndjson-spec): splits a body into lines.
#include "transport/ndjson.hpp"

#include "llmgate/errors.hpp"

namespace llmgate::inline v1::detail {
namespace {

bool blank(std::string_view s) {
    for (char c : s)
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
    return true;
}

}  // namespace

void NdjsonParser::emit(std::vector<std::string>& out) {
    // A CR before the LF is part of the line end (CRLF), not of the JSON text.
    if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
    if (!blank(partial_)) out.push_back(std::move(partial_));
    partial_.clear();
}

void NdjsonParser::feed(std::string_view bytes, std::vector<std::string>& out) {
    while (!bytes.empty()) {
        const std::size_t nl = bytes.find('\n');
        const std::string_view piece = bytes.substr(0, nl);
        partial_.append(piece);
        std::size_t length = partial_.size();
        if (length > 0 && partial_.back() == '\r') --length;  // maybe the CR of a CRLF end: not counted
        if (max_line_ != 0 && length > max_line_) {
            partial_.clear();
            throw ResponseParseError(ErrorInfo{
                .status = 200,
                .message = "stream line longer than " + std::to_string(max_line_) + " bytes: the reply is not NDJSON"});
        }
        if (nl == std::string_view::npos) return;
        emit(out);
        bytes.remove_prefix(nl + 1);
    }
}

void NdjsonParser::finish(std::vector<std::string>& out) { emit(out); }

}  // namespace llmgate::detail
