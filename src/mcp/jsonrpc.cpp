// JSON-RPC 2.0 framing and message checks for the MCP client.
#include "mcp/jsonrpc.hpp"

#include "llmgate/errors.hpp"

namespace llmgate::inline v1::mcp::detail {

namespace {
[[noreturn]] void garbage(std::string why, std::string_view text) {
    throw ResponseParseError(ErrorInfo{.provider = "mcp", .message = "MCP server sent " + why + ": " + excerpt(text)});
}
}  // namespace

void LineFramer::feed(std::string_view bytes, std::vector<std::string>& lines) {
    while (!bytes.empty()) {
        auto nl = bytes.find('\n');
        if (nl == std::string_view::npos) {
            if (partial_.size() + bytes.size() > max_line_) garbage("a line longer than the limit", partial_);
            partial_.append(bytes);
            return;
        }
        if (partial_.size() + nl > max_line_) garbage("a line longer than the limit", partial_);
        partial_.append(bytes.substr(0, nl));
        bytes.remove_prefix(nl + 1);
        if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
        if (!partial_.empty()) lines.push_back(std::move(partial_));
        partial_.clear();
    }
}

json parse_message(std::string_view text) {
    json m = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (m.is_discarded()) garbage("text that is not JSON", text);
    if (!m.is_object()) garbage("JSON that is not a JSON-RPC message", text);
    auto v = m.find("jsonrpc");
    if (v == m.end() || *v != "2.0") garbage("a message without \"jsonrpc\": \"2.0\"", text);
    auto method = m.find("method");
    auto id = m.find("id");
    bool id_ok = id != m.end() && (id->is_string() || id->is_number_integer() || id->is_number_unsigned());
    if (method != m.end()) {
        if (!method->is_string()) garbage("a method that is not a string", text);
        if (id != m.end() && !id_ok) garbage("a request id that is neither a string nor an integer", text);
        auto params = m.find("params");
        if (params != m.end() && !params->is_object() && !params->is_array()) garbage("params that are not an object", text);
        return m;
    }
    bool has_result = m.contains("result");
    auto error = m.find("error");
    if (has_result == (error != m.end())) garbage("a reply with neither or both of result and error", text);
    if (error != m.end()) {
        if (!error->is_object() || !error->contains("code") || !(*error)["code"].is_number_integer())
            garbage("an error reply without an integer code", text);
        // An error about a request the server could not parse has a null id: allowed.
        if (id == m.end() || (!id_ok && !id->is_null())) garbage("an error reply with a bad id", text);
        return m;
    }
    if (!id_ok) garbage("a reply without a valid id", text);
    return m;
}

MessageKind kind_of(const json& m) {
    if (m.contains("method")) return m.contains("id") ? MessageKind::request : MessageKind::notification;
    return m.contains("error") ? MessageKind::error_response : MessageKind::response;
}

json make_request(const json& id, const std::string& method, const json& params) {
    json m{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
    if (!params.is_null()) m["params"] = params;
    return m;
}

json make_notification(const std::string& method, const json& params) {
    json m{{"jsonrpc", "2.0"}, {"method", method}};
    if (!params.is_null()) m["params"] = params;
    return m;
}

json make_result(const json& id, const json& result) { return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", result}}; }

json make_error(const json& id, int code, const std::string& message) {
    return json{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

std::string excerpt(std::string_view text, std::size_t max) {
    std::string out;
    for (unsigned char c : text.substr(0, max)) out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
    if (text.size() > max) out += "...";
    return out;
}

}  // namespace llmgate::inline v1::mcp::detail
