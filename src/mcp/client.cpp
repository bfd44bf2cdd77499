// llmgate::mcp::Client: the public face of a session, and the server's tools as FunctionTools.
#include "llmgate/errors.hpp"
#include "mcp/session.hpp"

namespace llmgate::inline v1::mcp {

namespace {
std::shared_ptr<Client::Impl> connect(std::unique_ptr<detail::Transport> transport, ClientOptions options) {
    auto impl = std::make_shared<Client::Impl>(std::move(options), std::move(transport));
    try {
        impl->initialize();
    } catch (...) {
        impl->close();
        throw;
    }
    return impl;
}

CallToolResult read_call_result(json result) {
    if (!result.is_object()) throw ResponseParseError(ErrorInfo{.provider = "mcp", .message = "MCP tools/call: the result is not an object"});
    CallToolResult r;
    if (result.contains("content") && result["content"].is_array()) r.content = result["content"];
    if (result.contains("structuredContent")) r.structured_content = result["structuredContent"];
    if (result.contains("isError") && result["isError"].is_boolean()) r.is_error = result["isError"];
    r.raw = std::move(result);
    return r;
}
}  // namespace

Client::Client(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&& other) noexcept {
    if (this != &other) {
        if (impl_) impl_->close();
        impl_ = std::move(other.impl_);
    }
    return *this;
}
Client::~Client() {
    if (impl_) impl_->close();
}

Client Client::stdio(std::vector<std::string> command, ClientOptions options) {
    auto transport = detail::make_stdio_transport(command, options);
    return Client(connect(std::move(transport), std::move(options)));
}

Client Client::http(std::string url, ClientOptions options) {
    auto transport = detail::make_http_transport(url, options);
    return Client(connect(std::move(transport), std::move(options)));
}

namespace {
Client::Impl& live(const std::shared_ptr<Client::Impl>& impl) {
    if (!impl) throw ConnectionError(ErrorInfo{.provider = "mcp", .message = "MCP client was moved from"});
    return *impl;
}
}  // namespace

std::vector<ToolInfo> Client::list_tools(const CallOptions& options) { return live(impl_).list_tools(options); }

CallToolResult Client::call_tool(const std::string& name, const json& arguments, const CallOptions& options) {
    auto& impl = live(impl_);
    json params{{"name", name}, {"arguments", arguments.is_null() ? json::object() : arguments}};
    return read_call_result(impl.request("tools/call", std::move(params), options, impl.options().timeout, name));
}

std::vector<FunctionTool> Client::tools(const CallOptions& options) {
    auto& impl = live(impl_);
    std::vector<FunctionTool> out;
    for (auto& info : impl.list_tools(options)) {
        FunctionTool t;
        t.definition = info.definition();
        t.validate_arguments = false;  // the server validates, and says what is wrong in its result
        t.handler = [session = impl_, name = info.name, options](const json& arguments, const ToolCallContext& context) {
            CallOptions call = options;
            if (context.cancel) call.cancel = call.cancel ? CancelToken::either(*call.cancel, *context.cancel) : *context.cancel;
            json params{{"name", name}, {"arguments", arguments.is_null() ? json::object() : arguments}};
            auto result = read_call_result(session->request("tools/call", std::move(params), call, session->options().timeout, name));
            return result.to_output();
        };
        out.push_back(std::move(t));
    }
    return out;
}

void Client::ping(const CallOptions& options) {
    auto& impl = live(impl_);
    impl.request("ping", json(), options, impl.options().timeout);
}

json Client::request(const std::string& method, const json& params, const CallOptions& options) {
    auto& impl = live(impl_);
    return impl.request(method, params, options, impl.options().timeout);
}

void Client::notify(const std::string& method, const json& params) { live(impl_).notify(method, params); }

const json& Client::server_info() const { return live(impl_).server_info_; }
const json& Client::server_capabilities() const { return live(impl_).capabilities_; }
const std::string& Client::instructions() const { return live(impl_).instructions_; }
const std::string& Client::protocol_version() const { return live(impl_).protocol_version_; }
std::string Client::stderr_text() const { return impl_ ? impl_->stderr_text() : std::string(); }

void Client::close() {
    if (impl_) impl_->close();
}

}  // namespace llmgate::inline v1::mcp
