// The MCP session: JSON-RPC requests with bounded, cancellable waits, and the server's own messages.
#include "mcp/session.hpp"

#include "llmgate/errors.hpp"
#include "mcp/jsonrpc.hpp"

namespace llmgate::inline v1::mcp {

namespace {
using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kCancelPoll{25};

ErrorInfo info(std::string message) { return ErrorInfo{.provider = "mcp", .message = std::move(message)}; }

std::exception_ptr error_reply(const json& error, const std::string& method) {
    int code = error.value("code", 0);
    std::string message = error.contains("message") && error["message"].is_string() ? error["message"].get<std::string>() : "";
    json data = error.contains("data") ? error["data"] : json();
    ErrorInfo i = info("MCP " + method + " failed (" + std::to_string(code) + "): " + message);
    i.error_type = std::to_string(code);
    return std::make_exception_ptr(MCPError(std::move(i), code, std::move(data)));
}

// An elicitation the user accepted gets the schema's defaults for what the answer leaves out.
void fill_defaults(json& content, const json& schema) {
    if (!content.is_object()) content = json::object();
    if (!schema.is_object() || !schema.contains("properties") || !schema["properties"].is_object()) return;
    for (const auto& [name, property] : schema["properties"].items())
        if (property.is_object() && property.contains("default") && !content.contains(name)) content[name] = property["default"];
}
}  // namespace

std::vector<std::string> supported_protocol_versions() { return {"2025-11-25", "2025-06-18", "2025-03-26"}; }

Client::Impl::Impl(ClientOptions options, std::unique_ptr<detail::Transport> transport)
    : options_(std::move(options)), transport_(std::move(transport)) {}

Client::Impl::~Impl() { close(); }

void Client::Impl::initialize() {
    // The transport calls back into this object; Client keeps it alive (shared_ptr) until close() joins.
    transport_->start(detail::TransportSink{
        .on_message = [this](json m) { on_message(std::move(m)); },
        .on_closed = [this](std::exception_ptr why) { on_closed(std::move(why)); },
        .on_request_failed = [this](const json& id, std::exception_ptr why) { on_request_failed(id, std::move(why)); },
    });
    if (options_.protocol_versions.empty()) throw InvalidRequestError(info("MCP: ClientOptions::protocol_versions is empty"));
    handshake();
}

// initialize, the version check, notifications/initialized: once at the start and again for each new session.
void Client::Impl::handshake() {
    json capabilities = json::object();
    if (options_.on_elicitation) capabilities["elicitation"] = json::object();  // form mode
    if (options_.roots) capabilities["roots"] = json{{"listChanged", true}};
    json params{{"protocolVersion", options_.protocol_versions.front()},
                {"capabilities", capabilities},
                {"clientInfo", {{"name", options_.client_name}, {"version", options_.client_version}}}};
    json result = request("initialize", params, {}, options_.connect_timeout);
    std::string version = result.value("protocolVersion", "");
    bool known = false;
    for (const auto& v : options_.protocol_versions) known = known || v == version;
    if (!known) {
        close();
        throw ProviderAPIError(info("MCP server answered initialize with protocol version '" + detail::excerpt(version, 40) +
                                    "', which this client does not speak"));
    }
    protocol_version_ = version;
    server_info_ = result.value("serverInfo", json::object());
    capabilities_ = result.value("capabilities", json::object());
    if (result.contains("instructions") && result["instructions"].is_string()) instructions_ = result["instructions"];
    transport_->set_protocol_version(version);
    transport_->send(detail::make_notification("notifications/initialized", json()));
    transport_->initialized();
}

[[noreturn]] void Client::Impl::throw_closed() {
    if (closed_error_) std::rethrow_exception(closed_error_);
    throw ConnectionError(info("MCP client is closed"));
}

json Client::Impl::request(const std::string& method, json params, const CallOptions& options,
                           std::chrono::milliseconds default_timeout, const std::string& tool) {
    std::uint64_t session = 0;
    if (method == "initialize") return request_once(method, std::move(params), options, default_timeout, tool, session);
    try {
        return request_once(method, params, options, default_timeout, tool, session);
    } catch (const detail::SessionExpiredError&) {
        // The spec: a client that gets 404 for its session id MUST start a new session. The server never
        // saw this request in the old one, so sending it once more in the new one is safe.
        renew_session(session);
        return request_once(method, std::move(params), options, default_timeout, tool, session);
    }
}

void Client::Impl::renew_session(std::uint64_t expired) {
    std::lock_guard renewing(renew_mu_);
    {
        std::lock_guard lock(mu_);
        if (closed_) throw_closed();
        if (session_number_ != expired) return;  // another call already started the new session
    }
    transport_->reset_session();
    handshake();
    std::lock_guard lock(mu_);
    ++session_number_;
    tools_cache_.reset();  // the new session may offer other tools
    ++tools_generation_;
}

json Client::Impl::request_once(const std::string& method, json params, const CallOptions& options,
                                std::chrono::milliseconds default_timeout, const std::string& tool,
                                std::uint64_t& session) {
    auto pending = std::make_shared<Pending>();
    json id;
    {
        std::lock_guard lock(mu_);
        if (closed_) throw_closed();
        session = session_number_;
        id = next_id_++;
        pending->on_progress = options.on_progress;
        pending->method = tool.empty() ? method : method + " '" + tool + "'";
        if (!pending->on_progress && options_.on_progress && !tool.empty())
            pending->on_progress = [cb = options_.on_progress, tool](const Progress& p) { cb(tool, p); };
        pending_[id.dump()] = pending;
    }
    if (options.cancel && options.cancel->cancelled()) {
        std::lock_guard lock(mu_);
        pending_.erase(id.dump());
        throw CancelledError(info("MCP " + method + " was cancelled before it was sent"));
    }
    if (pending->on_progress) {
        if (!params.is_object()) params = json::object();
        params["_meta"]["progressToken"] = id;  // the request id is unique among our requests: reuse it
    }
    try {
        transport_->send(detail::make_request(id, method, params));
    } catch (...) {
        std::lock_guard lock(mu_);
        pending_.erase(id.dump());
        throw;
    }
    const auto timeout = options.timeout.value_or(default_timeout);
    const auto deadline = Clock::now() + timeout;
    std::unique_lock lock(mu_);
    bool cancelled = false;
    while (!pending->done) {
        if (options.cancel && options.cancel->cancelled()) {
            cancelled = true;
            break;
        }
        auto now = Clock::now();
        if (now >= deadline) break;
        cv_.wait_until(lock, options.cancel ? std::min(deadline, now + kCancelPoll) : deadline);
    }
    if (pending->done) {
        if (pending->error) std::rethrow_exception(pending->error);
        return std::move(pending->result);
    }
    pending_.erase(id.dump());
    lock.unlock();
    // The server may stop working on it; initialize is never cancelled (the spec forbids it).
    const std::string reason = cancelled ? "cancelled by the client" : "timed out";
    if (method != "initialize")
        send_quietly(detail::make_notification("notifications/cancelled", {{"requestId", id}, {"reason", reason}}));
    transport_->abandon(id);
    if (cancelled) throw CancelledError(info("MCP " + method + " was cancelled"));
    throw TimeoutError(info("MCP " + method + ": no reply within " + std::to_string(timeout.count()) + " ms"));
}

void Client::Impl::notify(const std::string& method, const json& params) {
    {
        std::lock_guard lock(mu_);
        if (closed_) throw_closed();
    }
    transport_->send(detail::make_notification(method, params));
}

void Client::Impl::send_quietly(const json& message) {
    try {
        transport_->send(message);
    } catch (const std::exception&) {
        // The connection is failing: the waiting side learns it from on_closed.
    }
}

std::vector<json> Client::Impl::list_pages(const std::string& method, const char* key, const CallOptions& options) {
    std::vector<json> items;
    json cursor;
    for (int page = 0;; ++page) {
        if (page >= 1000) throw ResponseParseError(info("MCP " + method + ": more than 1000 pages"));
        json params = json::object();
        if (!cursor.is_null()) params["cursor"] = cursor;
        json result = request(method, params, options, options_.timeout);
        if (!result.is_object() || !result.contains(key) || !result[key].is_array())
            throw ResponseParseError(info("MCP " + method + ": the result has no " + key + " array"));
        for (auto& item : result[key]) {
            if (!item.is_object()) throw ResponseParseError(info("MCP " + method + ": an item of " + key + " is not an object"));
            items.push_back(std::move(item));
        }
        auto next = result.find("nextCursor");
        if (next == result.end() || next->is_null()) break;
        if (!next->is_string()) throw ResponseParseError(info("MCP " + method + ": nextCursor is not a string"));
        cursor = *next;
    }
    return items;
}

std::vector<ToolInfo> Client::Impl::list_tools(const CallOptions& options) {
    std::uint64_t generation;
    {
        std::lock_guard lock(mu_);
        if (tools_cache_) return *tools_cache_;
        generation = tools_generation_;
    }
    std::vector<ToolInfo> tools;
    for (auto& t : list_pages("tools/list", "tools", options)) {
        if (!t.contains("name") || !t["name"].is_string()) throw ResponseParseError(info("MCP tools/list: a tool without a name"));
        ToolInfo ti;
        ti.name = t["name"];
        if (t.contains("title") && t["title"].is_string()) ti.title = t["title"];
        if (t.contains("description") && t["description"].is_string()) ti.description = t["description"];
        if (t.contains("inputSchema") && t["inputSchema"].is_object()) ti.input_schema = t["inputSchema"];
        if (t.contains("outputSchema")) ti.output_schema = t["outputSchema"];
        if (t.contains("annotations")) ti.annotations = t["annotations"];
        ti.raw = std::move(t);
        tools.push_back(std::move(ti));
    }
    std::lock_guard lock(mu_);
    if (generation == tools_generation_) tools_cache_ = tools;
    return tools;
}

void Client::Impl::set_roots(std::vector<Root> roots) {
    {
        std::lock_guard lock(mu_);
        if (!options_.roots)
            throw InvalidRequestError(info("MCP set_roots: the client was created without ClientOptions::roots, so it "
                                           "did not declare the roots capability"));
        options_.roots = std::move(roots);
    }
    notify("notifications/roots/list_changed", json());
}

void Client::Impl::on_message(json message) {
    switch (detail::kind_of(message)) {
    case detail::MessageKind::response:
    case detail::MessageKind::error_response: {
        const json& id = message["id"];
        std::lock_guard lock(mu_);
        auto it = pending_.find(id.dump());
        if (it == pending_.end()) return;  // a reply to a call that gave up waiting
        auto& p = *it->second;
        if (message.contains("error")) p.error = error_reply(message["error"], p.method);
        else p.result = std::move(message["result"]);
        p.done = true;
        pending_.erase(it);
        cv_.notify_all();
        return;
    }
    case detail::MessageKind::request:
        on_request_from_server(message);
        return;
    case detail::MessageKind::notification:
        break;
    }
    const std::string method = message["method"];
    const json params = message.value("params", json::object());
    if (method == "notifications/progress") {
        std::function<void(const Progress&)> cb;
        if (params.contains("progressToken")) {
            std::lock_guard lock(mu_);
            auto it = pending_.find(params["progressToken"].dump());
            if (it != pending_.end()) cb = it->second->on_progress;
        }
        if (!cb) return;
        Progress p;
        if (params.contains("progress") && params["progress"].is_number()) p.progress = params["progress"];
        if (params.contains("total") && params["total"].is_number()) p.total = params["total"].get<double>();
        if (params.contains("message") && params["message"].is_string()) p.message = params["message"];
        cb(p);
        return;
    }
    if (method == "notifications/tools/list_changed") {
        {
            std::lock_guard lock(mu_);
            tools_cache_.reset();
            ++tools_generation_;
        }
        if (options_.on_tools_changed) options_.on_tools_changed();
        return;
    }
    if (method == "notifications/resources/updated" && options_.on_resource_updated && params.contains("uri") &&
        params["uri"].is_string()) {
        options_.on_resource_updated(params["uri"].get<std::string>());
        return;
    }
    if (method == "notifications/resources/list_changed" && options_.on_resources_changed) {
        options_.on_resources_changed();
        return;
    }
    if (method == "notifications/prompts/list_changed" && options_.on_prompts_changed) {
        options_.on_prompts_changed();
        return;
    }
    if (options_.on_notification) options_.on_notification(method, params);
}

void Client::Impl::on_request_from_server(const json& message) {
    const std::string method = message["method"];
    const json& id = message["id"];
    if (method == "ping") {
        send_quietly(detail::make_result(id, json::object()));
        return;
    }
    if (method == "roots/list") {
        std::unique_lock lock(mu_);
        if (options_.roots) {
            json roots = json::array();
            for (const auto& r : *options_.roots) {
                json root{{"uri", r.uri}};
                if (!r.name.empty()) root["name"] = r.name;
                roots.push_back(std::move(root));
            }
            lock.unlock();
            send_quietly(detail::make_result(id, json{{"roots", std::move(roots)}}));
            return;
        }
    }
    if (method == "elicitation/create" && options_.on_elicitation) {
        // The user may take a while: not on the transport's thread, which must keep reading.
        std::lock_guard lock(mu_);
        if (closed_) return;
        workers_.emplace_back([self = this, id, params = message.value("params", json::object())] {
            self->answer_elicitation(id, params);
        });
        return;
    }
    send_quietly(detail::make_error(id, detail::kMethodNotFound, "Method not found: " + method));
}

void Client::Impl::answer_elicitation(json id, json params) {
    ElicitationRequest r;
    if (params.contains("message") && params["message"].is_string()) r.message = params["message"];
    if (params.contains("requestedSchema")) r.requested_schema = params["requestedSchema"];
    r.params = params;
    json reply;
    try {
        ElicitationResponse answer = options_.on_elicitation(r);
        if (answer.action != "accept" && answer.action != "decline" && answer.action != "cancel") answer.action = "cancel";
        json result{{"action", answer.action}};
        if (answer.action == "accept") {
            fill_defaults(answer.content, r.requested_schema);
            result["content"] = answer.content;
        }
        reply = detail::make_result(id, result);
    } catch (const std::exception& e) {
        reply = detail::make_error(id, detail::kInternalError, std::string("elicitation failed: ") + e.what());
    }
    send_quietly(reply);
}

void Client::Impl::on_closed(std::exception_ptr why) {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
    closed_error_ = why ? why : std::make_exception_ptr(ConnectionError(info("MCP connection closed")));
    for (auto& [id, p] : pending_) {
        p->error = closed_error_;
        p->done = true;
    }
    pending_.clear();
    cv_.notify_all();
}

void Client::Impl::on_request_failed(const json& id, std::exception_ptr why) {
    std::lock_guard lock(mu_);
    auto it = pending_.find(id.dump());
    if (it == pending_.end()) return;
    it->second->error = std::move(why);
    it->second->done = true;
    pending_.erase(it);
    cv_.notify_all();
}

void Client::Impl::close() {
    std::lock_guard close_lock(close_mu_);
    {
        std::lock_guard lock(mu_);
        if (!closed_) {
            closed_ = true;
            closed_error_ = std::make_exception_ptr(ConnectionError(info("MCP client is closed")));
        }
        for (auto& [id, p] : pending_) {
            p->error = closed_error_;
            p->done = true;
        }
        pending_.clear();
        cv_.notify_all();
    }
    if (transport_) transport_->close();
    std::vector<std::thread> workers;
    {
        std::lock_guard lock(mu_);
        workers.swap(workers_);
    }
    for (auto& w : workers)
        if (w.joinable()) w.get_id() == std::this_thread::get_id() ? w.detach() : w.join();
}

}  // namespace llmgate::inline v1::mcp
