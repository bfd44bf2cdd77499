// JSON-RPC 2.0 for MCP: newline-delimited framing (stdio), message parsing and classification, builders.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "llmgate/types.hpp"

namespace llmgate::inline v1::mcp::detail {

// Splits a byte stream into lines ("\n" or "\r\n" ends one). A line longer than `max_line` is an error
// (ResponseParseError): a server that never ends its line cannot grow our memory without bound.
class LineFramer {
public:
    explicit LineFramer(std::size_t max_line = 64 * 1024 * 1024) : max_line_(max_line) {}
    void feed(std::string_view bytes, std::vector<std::string>& lines);

private:
    std::string partial_{};
    std::size_t max_line_;
};

enum class MessageKind { request, notification, response, error_response };

// One JSON-RPC message from the server: JSON, an object, "jsonrpc":"2.0", and a method or an id with a
// result / error. Anything else is ResponseParseError (an excerpt of the text in its message).
json parse_message(std::string_view text);
MessageKind kind_of(const json& message);  // of a message parse_message accepted

json make_request(const json& id, const std::string& method, const json& params);
json make_notification(const std::string& method, const json& params);
json make_result(const json& id, const json& result);
json make_error(const json& id, int code, const std::string& message);

// Standard JSON-RPC error codes.
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;

// A short, printable excerpt of server output for an error message.
std::string excerpt(std::string_view text, std::size_t max = 200);

}  // namespace llmgate::inline v1::mcp::detail
