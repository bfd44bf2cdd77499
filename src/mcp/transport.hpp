// How the MCP session talks to a server: messages out, messages in (on the transport's own thread).
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "llmgate/errors.hpp"
#include "llmgate/mcp.hpp"

namespace llmgate::inline v1::mcp::detail {

// The server no longer knows our session (Streamable HTTP answers 404 to a request carrying its id).
// The session starts a new one and sends the request again; a caller who still sees it gets a
// ConnectionError.
class SessionExpiredError : public ConnectionError {
public:
    using ConnectionError::ConnectionError;
};

// What a transport tells its session. Called from the transport's threads, never with its locks held.
struct TransportSink {
    std::function<void(json message)> on_message{};
    // The connection is gone for good (the process exited, the stream broke): the typed error to fail
    // every waiting call with.
    std::function<void(std::exception_ptr why)> on_closed{};
    // Only request `id` failed (its HTTP exchange broke): the session fails that call with `why`.
    std::function<void(const json& id, std::exception_ptr why)> on_request_failed{};
};

class Transport {
public:
    virtual ~Transport() = default;
    // Starts delivering to `sink` (the sink outlives the transport's threads: close() joins them).
    virtual void start(TransportSink sink) = 0;
    // Sends one message; throws ConnectionError when the server cannot be reached.
    virtual void send(const json& message) = 0;
    // The session stopped waiting for the reply to request `id` (timeout, cancel): a transport that reads
    // the reply on a stream of its own may drop that stream.
    virtual void abandon(const json& id) { (void)id; }
    // After initialize: the negotiated version (HTTP sends it as a header on later requests).
    virtual void set_protocol_version(const std::string& version) { (void)version; }
    // After notifications/initialized: a transport may now listen for what the server sends unasked.
    virtual void initialized() {}
    // Forgets the session the server expired (its id, the negotiated version, the listening stream), so
    // the next initialize starts a new one without a session id.
    virtual void reset_session() {}
    // Ends the connection and joins the transport's threads. Idempotent.
    virtual void close() = 0;
    virtual std::string stderr_text() const { return {}; }
};

std::unique_ptr<Transport> make_stdio_transport(const std::vector<std::string>& command, const ClientOptions& options);
std::unique_ptr<Transport> make_http_transport(const std::string& url, const ClientOptions& options);

}  // namespace llmgate::inline v1::mcp::detail
