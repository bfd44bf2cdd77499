// The transport's vocabulary: an HTTP request, a buffered response, and a pull-based body reader.
#pragma once

#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "llmgate/cancel.hpp"

namespace llmgate::inline v1::detail {

using Headers = std::vector<std::pair<std::string, std::string>>;  // names lower-cased on responses

// One part of a multipart/form-data body (HttpRequest::multipart): a form field, or a file when `filename`
// is set.
struct MultipartPart {
    std::string name{};
    std::string data{};
    std::string filename{};      // "" for a plain field
    std::string content_type{};  // "" lets libcurl choose
};

struct HttpRequest {
    std::string method = "POST";
    std::string url{};
    Headers headers{};
    std::string body{};
    // When not empty, a POST whose body is these parts as multipart/form-data (libcurl's MIME API writes the
    // boundary and the Content-Type header); `body` is then ignored.
    std::vector<MultipartPart> multipart{};
    // For a buffered call: the whole transfer's limit. For a stream: the longest silence allowed.
    std::chrono::milliseconds timeout{600000};
    bool streaming = false;
    // Redirects followed (to http/https only) for a buffered call; 0 = none, a 3xx is returned as is.
    int max_redirects = 0;
    // Largest body accepted (ResponseParseError past it); 0 = TransportSettings::max_response_bytes.
    std::size_t max_response_bytes = 0;
    std::string provider{};  // only to label errors
    std::string model{};     // only to label errors
    // The caller's Options::cancel: a cancelled token stops the transfer (CancelledError).
    std::optional<CancelToken> cancel{};
};

// First value of a header (name compared case-insensitively), or "".
std::string find_header(const Headers& headers, std::string_view name);
// Sets a header, replacing any of the same name (case-insensitively) instead of adding a second one.
void set_header(Headers& headers, const std::string& name, const std::string& value);
template <class Map>
void set_headers(Headers& headers, const Map& values) {
    for (const auto& [k, v] : values) set_header(headers, k, v);
}

// 2xx: a reply to parse; anything else is an error reply.
inline bool is_success_status(long status) { return status >= 200 && status < 300; }

struct HttpResponse {
    long status = 0;
    Headers headers{};
    std::string body{};
    std::string header(std::string_view name) const { return find_header(headers, name); }
};

// A response whose body is read as it arrives. Status and headers are known when it is handed out.
// read() appends at least one byte and returns true, or returns false at the clean end of the body;
// a failed transfer throws ConnectionError / TimeoutError / ResponseParseError (too large).
// Destroying a reader before the end cancels the transfer.
class BodyReader {
public:
    virtual ~BodyReader() = default;
    virtual long status() const = 0;
    virtual const Headers& headers() const = 0;
    virtual bool read(std::string& out) = 0;

    std::string header(std::string_view name) const { return find_header(headers(), name); }
    std::string read_all() {
        std::string body{};
        while (read(body)) {
        }
        return body;
    }
};

template <class T>
using Callback = std::function<void(std::exception_ptr, T)>;

// Buffered request in the calling thread (connections pooled and reused across calls).
// (By value: a temporary request is moved into the transfer instead of copied.) A buffered reply with a
// non-2xx status comes back with the request's own credentials scrubbed from its body
// (credential_scrub.hpp): some providers echo the key they were sent.
HttpResponse perform(HttpRequest request);
// Streaming request in the calling thread: returns once status and headers are in.
std::unique_ptr<BodyReader> open(HttpRequest request);

// The same on the shared event loop. Callbacks run on the loop thread: keep them short.
// The request is taken by rvalue: it is moved once, into the transfer.
void perform_async(HttpRequest&& request, Callback<HttpResponse> done);
// Calls back once headers are in (for status >= 400 the body is complete by then).
void open_async(HttpRequest&& request, Callback<std::unique_ptr<BodyReader>> ready);
}  // namespace llmgate::inline v1::detail
