// The MCP session over one transport: request ids and waiting callers, the initialize handshake, and
// what the server sends unasked (pings, progress, list_changed, elicitation).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "llmgate/mcp.hpp"
#include "mcp/transport.hpp"

namespace llmgate::inline v1::mcp {

class Client::Impl : public std::enable_shared_from_this<Client::Impl> {
public:
    Impl(ClientOptions options, std::unique_ptr<detail::Transport> transport);
    ~Impl();

    void initialize();  // start the transport, initialize + notifications/initialized
    json request(const std::string& method, json params, const CallOptions& options,
                 std::chrono::milliseconds default_timeout, const std::string& tool = "");
    void notify(const std::string& method, const json& params);
    std::vector<ToolInfo> list_tools(const CallOptions& options);
    // Every item of a paginated list (tools/list, resources/list, ...): the objects under `key` of each page.
    std::vector<json> list_pages(const std::string& method, const char* key, const CallOptions& options);
    void set_roots(std::vector<Root> roots);
    void close();

    const ClientOptions& options() const { return options_; }
    json server_info_{}, capabilities_{};
    std::string instructions_{}, protocol_version_{};
    std::string stderr_text() const { return transport_ ? transport_->stderr_text() : std::string(); }

private:
    struct Pending {
        bool done = false;
        json result{};
        std::exception_ptr error{};
        std::function<void(const Progress&)> on_progress{};
        std::string method{};
    };

    json request_once(const std::string& method, json params, const CallOptions& options,
                      std::chrono::milliseconds default_timeout, const std::string& tool, std::uint64_t& session);
    void handshake();
    void renew_session(std::uint64_t expired);
    void on_message(json message);
    void on_closed(std::exception_ptr why);
    void on_request_failed(const json& id, std::exception_ptr why);
    void on_request_from_server(const json& message);
    void answer_elicitation(json id, json params);
    void send_quietly(const json& message);
    [[noreturn]] void throw_closed();

    ClientOptions options_;
    std::unique_ptr<detail::Transport> transport_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::map<std::string, std::shared_ptr<Pending>> pending_;  // by id, as JSON text
    std::int64_t next_id_ = 1;
    bool closed_ = false;
    std::exception_ptr closed_error_{};
    std::optional<std::vector<ToolInfo>> tools_cache_{};
    std::uint64_t tools_generation_ = 0;  // bumped by list_changed: a listing that raced it is not cached
    std::vector<std::thread> workers_{};  // answering the server's requests (elicitation)
    std::mutex close_mu_;
    std::mutex renew_mu_;               // one new session at a time, however many calls saw the old one expire
    std::uint64_t session_number_ = 0;  // bumped by each new session (under mu_)
};

}  // namespace llmgate::inline v1::mcp
