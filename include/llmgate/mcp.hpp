// MCP client: tools served by a Model Context Protocol server, over stdio or Streamable HTTP, usable by
// run_tools next to C++ tools (llmgate/tools.hpp). See docs/mcp.md.
//
//   // A server started as a child process (its stderr kept: client.stderr_text()):
//   auto client = llmgate::mcp::Client::stdio({"npx", "-y", "@modelcontextprotocol/server-everything"});
//   // ... or one reached over Streamable HTTP (headers are sent on every request, never logged):
//   auto remote = llmgate::mcp::Client::http("http://127.0.0.1:3001/mcp",
//                                            {.headers = {{"Authorization", "Bearer ..."}}});
//
//   for (const auto& t : client.list_tools()) std::cout << t.name << ": " << t.description << "\n";
//   auto r = client.call_tool("echo", {{"message", "hi"}}, {.timeout = std::chrono::seconds(5)});
//   std::cout << r.text();                       // text blocks joined; r.structured_content, r.is_error
//   auto run = llmgate::run_tools("gpt-4o-mini", {llmgate::Message::user("...")}, client.tools());
//   for (const auto& r : client.list_resources()) std::cout << r.uri << "\n";
//   auto contents = client.read_resource("file:///notes.txt");   // text, or a base64 blob
//   auto prompt = client.get_prompt("review", {{"language", "C++"}});
//   auto answer = llmgate::completion("gpt-4o-mini", prompt.to_messages());
//   client.ping(); client.server_info(); client.protocol_version();
//   client.close();                              // also done by the destructor
//
// Every wait is bounded (ClientOptions::timeout, CallOptions::timeout). Failures are typed: MCPError for a
// JSON-RPC error reply (with its code), ConnectionError when the server exits or the connection drops
// (the server's stderr tail in the message), TimeoutError, ResponseParseError for bytes that are not
// JSON-RPC, CancelledError. A Client is thread-safe: calls may run concurrently from many threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "llmgate/cancel.hpp"
#include "llmgate/errors.hpp"
#include "llmgate/tools.hpp"
#include "llmgate/types.hpp"

namespace llmgate::inline v1::mcp {

// A JSON-RPC error reply from the server: code (-32601 method not found, -32602 invalid params, ...),
// message, and the optional `data` it sent.
class MCPError : public Error {
public:
    MCPError(ErrorInfo info, int code, json data) : Error(std::move(info)), code_(code), data_(std::move(data)) {}
    int code() const noexcept { return code_; }
    const json& data() const noexcept { return data_; }
    const char* type_name() const noexcept override { return "MCPError"; }

private:
    int code_ = 0;
    json data_{};
};

// The protocol versions this client speaks, newest first; the first is proposed in `initialize`.
inline constexpr const char* kLatestProtocolVersion = "2025-11-25";
std::vector<std::string> supported_protocol_versions();

// One notifications/progress of a call that asked for progress.
struct Progress {
    double progress = 0;
    std::optional<double> total{};
    std::string message{};
};

// A server's elicitation/create: it asks the user for input matching `requested_schema` (a flat object
// schema of primitive properties) while a call is running.
struct ElicitationRequest {
    std::string message{};
    json requested_schema{};
    json params{};  // the whole request params, for fields not mapped here
};

// The user's answer: accept (with content), decline or cancel. Properties the schema gives a `default` for
// are filled in when accepted content leaves them out.
struct ElicitationResponse {
    std::string action = "accept";  // "accept" | "decline" | "cancel"
    json content = json::object();

    static ElicitationResponse accept(json content) { return {"accept", std::move(content)}; }
    static ElicitationResponse decline() { return {"decline", json::object()}; }
    static ElicitationResponse cancel() { return {"cancel", json::object()}; }
};

// A root the client offers the server (MCP "roots"): a file:// URI the server may work in, and a name.
struct Root {
    std::string uri{};
    std::string name{};
};

// OAuth 2.1 tokens for an HTTP server (ClientOptions::oauth): kept by the client, handed to
// OAuthOptions::on_tokens whenever they change so a program can save them for its next run.
struct OAuthTokens {
    std::string access_token{};
    std::string refresh_token{};
    std::string scope{};
    std::optional<std::chrono::system_clock::time_point> expires_at{};
};

// MCP authorization (spec 2025-06-18 and later, with the 2025-03-26 fallbacks) for a Streamable HTTP server
// that answers 401: protected-resource and authorization-server metadata discovery, dynamic client
// registration (or a pre-registered client), the authorization code flow with PKCE (S256) and the RFC 8707
// `resource`, scope step-up on 403 insufficient_scope, refresh. See docs/mcp.md.
struct OAuthOptions {
    // Shows the user `authorization_url` (opens a browser) and returns the URL the authorization server sent
    // the browser back to: redirect_uri with ?code=...&state=... . It runs inside the call that met the 401
    // (usually initialize: ClientOptions::connect_timeout bounds it). Required unless tokens never run out.
    std::function<std::string(const std::string& authorization_url)> authorize{};
    std::string redirect_uri = "http://127.0.0.1:8976/callback";
    std::string client_name = "llmgate";
    // A client registered beforehand; empty: dynamic client registration (RFC 7591) where the server has it.
    std::string client_id{};
    std::string client_secret{};
    // An https URL where this client's metadata document is published (Client ID Metadata Documents): used as
    // the client id by servers that advertise client_id_metadata_document_supported, before registration.
    std::string client_metadata_url{};
    // Scopes to ask for (space-separated); empty: those the server's 401 names, else all it supports.
    std::string scope{};
    // Machine to machine, no user (the client_credentials grant, MCP extension SEP-1046): needs client_id and
    // either client_secret (sent with HTTP Basic, or in the form where the server takes only that) or
    // private_key_pem (private_key_jwt, RFC 7523: a JWT signed with `signing_algorithm`, ES256 or RS256).
    bool client_credentials = false;
    std::string private_key_pem{};
    std::string signing_algorithm = "ES256";
    std::optional<OAuthTokens> tokens{};                   // saved from an earlier run
    std::function<void(const OAuthTokens&)> on_tokens{};  // new tokens (after authorization or refresh)
};

// Settings of one client. Fields marked (stdio) or (http) apply to that transport only.
struct ClientOptions {
    std::chrono::milliseconds timeout{60000};          // the longest wait for any reply (per call: CallOptions)
    std::chrono::milliseconds connect_timeout{30000};  // spawning / connecting + initialize
    std::string client_name = "llmgate";
    std::string client_version = "0.1";
    // The first is proposed; the server's answer must be one of them (else ProviderAPIError and the client
    // closes). 2025-03-26 is accepted for older servers.
    std::vector<std::string> protocol_versions = supported_protocol_versions();

    std::map<std::string, std::string> env{};  // (stdio) set in the child's environment, over the parent's
    bool inherit_env = true;                   // (stdio) false: the child gets `env` only
    std::string cwd{};                         // (stdio) working directory of the child ("" = ours)
    std::size_t stderr_limit = 64 * 1024;      // (stdio) bytes of the server's stderr kept (the latest)
    std::chrono::milliseconds kill_grace{2000};  // (stdio) SIGTERM → SIGKILL on close

    std::map<std::string, std::string> headers{};  // (http) sent on every request (e.g. Authorization)
    int max_reconnects = 3;  // (http) SSE resumption attempts of one stream (GET with Last-Event-ID)
    std::optional<OAuthOptions> oauth{};  // (http) set: a 401 starts MCP authorization (OAuth 2.1)

    // Called for every notifications/progress of a call that has no CallOptions::on_progress.
    std::function<void(const std::string& tool, const Progress&)> on_progress{};
    // The server's tool list changed (the cached list is dropped first; list_tools() fetches it anew).
    std::function<void()> on_tools_changed{};
    // Answers elicitation/create. Only when set is the `elicitation` capability declared. Runs on a
    // thread of the client's own; it may block (the call waits, its timeout still counts).
    std::function<ElicitationResponse(const ElicitationRequest&)> on_elicitation{};
    // A resource the client subscribed to (subscribe_resource) changed: its URI. Read it again to see how.
    std::function<void(const std::string& uri)> on_resource_updated{};
    // The server's resource or prompt list changed (notifications/resources|prompts/list_changed).
    std::function<void()> on_resources_changed{};
    std::function<void()> on_prompts_changed{};
    // Any other notification from the server (logging, ...): method and params.
    std::function<void(const std::string& method, const json& params)> on_notification{};
    // Set: the `roots` capability is declared and the server's roots/list is answered with these (change
    // them with Client::set_roots). Unset: the server is told nothing about roots.
    std::optional<std::vector<Root>> roots{};
};

// Per-call settings.
struct CallOptions {
    std::optional<std::chrono::milliseconds> timeout{};  // default: ClientOptions::timeout
    std::function<void(const Progress&)> on_progress{};  // set: the call asks for progress (progressToken)
    std::optional<CancelToken> cancel{};  // cancelled: notifications/cancelled is sent, CancelledError thrown
};

// A tool as the server lists it.
struct ToolInfo {
    std::string name{};
    std::string title{};
    std::string description{};
    json input_schema = json::object();
    json output_schema{};  // null when the tool declares none
    json annotations{};
    json raw{};  // the whole tool object

    Tool definition() const;  // as sent to a model: name, description, input schema as parameters
};

// The result of tools/call.
struct CallToolResult {
    json content = json::array();  // content blocks: text, image, audio, resource_link, resource
    json structured_content{};     // structuredContent, or null
    bool is_error = false;         // the tool failed (the call itself succeeded)
    json raw{};                    // the whole result

    std::string text() const;       // the text blocks joined by newlines
    ToolOutput to_output() const;   // what a model sees: text, other blocks described, structured value
};

// A resource as the server lists it (resources/list).
struct ResourceInfo {
    std::string uri{};
    std::string name{};
    std::string title{};
    std::string description{};
    std::string mime_type{};
    std::optional<std::int64_t> size{};  // bytes, when the server says
    json annotations{};
    json raw{};  // the whole resource object
};

// A parameterised resource (resources/templates/list): an RFC 6570 URI template such as "file:///{path}".
struct ResourceTemplateInfo {
    std::string uri_template{};
    std::string name{};
    std::string title{};
    std::string description{};
    std::string mime_type{};
    json annotations{};
    json raw{};
};

// One item of resources/read: text, or binary data as base64 (`blob`).
struct ResourceContents {
    std::string uri{};
    std::string mime_type{};
    std::optional<std::string> text{};  // set for text contents
    std::string blob{};                 // base64, for binary contents
    json raw{};

    // The contents' bytes: the text, or the blob decoded (InvalidRequestError when it is not base64).
    std::string bytes() const;
};

// A prompt template the server offers (prompts/list), with the arguments it takes.
struct PromptArgument {
    std::string name{};
    std::string title{};
    std::string description{};
    bool required = false;
};
struct PromptInfo {
    std::string name{};
    std::string title{};
    std::string description{};
    std::vector<PromptArgument> arguments{};
    json raw{};
};

// A prompt filled in by the server (prompts/get): messages of role "user" or "assistant", each one content
// block (text, image, audio, resource, resource_link).
struct PromptMessage {
    std::string role{};
    json content{};
};
struct GetPromptResult {
    std::string description{};
    std::vector<PromptMessage> messages{};
    json raw{};

    // The messages as llmgate messages, ready for completion(): text as text, images as image parts,
    // embedded text resources as their text, other blocks described in a line (as tool results are).
    std::vector<Message> to_messages() const;
};

class Client {
public:
    // Spawns `command` (argv[0] looked up in PATH) and initialises the session. Throws ConnectionError when
    // it cannot start or exits, TimeoutError, MCPError when it refuses initialize.
    static Client stdio(std::vector<std::string> command, ClientOptions options = {});
    // Connects to a Streamable HTTP endpoint (e.g. "http://127.0.0.1:3001/mcp") and initialises the session.
    static Client http(std::string url, ClientOptions options = {});

    Client(Client&&) noexcept;
    Client& operator=(Client&&) noexcept;
    ~Client();  // close()

    // Every tool, across all pages (cursor / nextCursor); cached until the server says the list changed.
    std::vector<ToolInfo> list_tools(const CallOptions& options = {});
    CallToolResult call_tool(const std::string& name, const json& arguments = json::object(),
                             const CallOptions& options = {});
    // The server's tools for run_tools: each handler calls tools/call (the server validates arguments),
    // honours the run's CancelToken and maps the result with CallToolResult::to_output. Handlers may run
    // concurrently; once the client is closed (or destroyed) they fail with ConnectionError.
    // `options` apply to the listing and to every call the handlers make (timeout, on_progress, cancel).
    std::vector<FunctionTool> tools(const CallOptions& options = {});
    void ping(const CallOptions& options = {});

    // Every resource and resource template, across all pages; the contents of one resource (a resource may
    // have several parts, e.g. a directory's files).
    std::vector<ResourceInfo> list_resources(const CallOptions& options = {});
    std::vector<ResourceTemplateInfo> list_resource_templates(const CallOptions& options = {});
    std::vector<ResourceContents> read_resource(const std::string& uri, const CallOptions& options = {});
    // Asks the server to send notifications/resources/updated for `uri` (ClientOptions::on_resource_updated);
    // needs the server's resources.subscribe capability (else MCPError from the server).
    void subscribe_resource(const std::string& uri, const CallOptions& options = {});
    void unsubscribe_resource(const std::string& uri, const CallOptions& options = {});

    // Every prompt, across all pages; one prompt filled in with string arguments.
    std::vector<PromptInfo> list_prompts(const CallOptions& options = {});
    GetPromptResult get_prompt(const std::string& name, const std::map<std::string, std::string>& arguments = {},
                               const CallOptions& options = {});

    // Replaces the roots answered to roots/list and tells the server (notifications/roots/list_changed).
    // InvalidRequestError when the client was created without ClientOptions::roots (no roots capability).
    void set_roots(std::vector<Root> roots);
    // Any request; returns its result.
    json request(const std::string& method, const json& params = json::object(), const CallOptions& options = {});
    void notify(const std::string& method, const json& params = json::object());

    const json& server_info() const;           // serverInfo: name, version, title...
    const json& server_capabilities() const;
    const std::string& instructions() const;   // "" when the server gave none
    const std::string& protocol_version() const;  // negotiated
    std::string stderr_text() const;  // (stdio) the server's stderr, the latest ClientOptions::stderr_limit bytes

    // Ends the session: (stdio) closes its stdin, SIGTERM then SIGKILL to its process group, reaps it;
    // (http) DELETE of the session. Pending calls fail with ConnectionError. Idempotent.
    void close();

    class Impl;

private:
    explicit Client(std::shared_ptr<Impl> impl);
    std::shared_ptr<Impl> impl_;
};

}  // namespace llmgate::inline v1::mcp
