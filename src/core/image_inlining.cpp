// Bounded client-side image download: image URLs become inline bytes for APIs that cannot fetch them.
#include "core/image_inlining.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <utility>

#include "llmgate/errors.hpp"
#include "util/base64.hpp"

namespace llmgate::inline v1::detail {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool is_data_uri(const std::string& url) { return lower(url.substr(0, 5)) == "data:"; }

bool is_http_url(const std::string& url) {
    const std::string head = lower(url.substr(0, 8));
    return head.rfind("http://", 0) == 0 || head.rfind("https://", 0) == 0;
}

// Drops every "?query" from a message (up to the next blank): libcurl or a server may quote a URL.
std::string without_queries(const std::string& text) {
    std::string out;
    bool skipping = false;
    for (char c : text) {
        if (c == '?') skipping = true;
        if (skipping && (c == ' ' || c == '\n' || c == '\t')) skipping = false;
        if (!skipping) out.push_back(c);
    }
    return out;
}

ImageFetchError fetch_error(const std::string& url, const std::string& provider, const std::string& model, int status,
                            const std::string& why) {
    return ImageFetchError(ErrorInfo{.provider = provider,
                                     .model = model,
                                     .status = status,
                                     .message = "could not fetch image " + redacted_url(url) + " for " + provider +
                                                " (which takes images only as bytes): " + why});
}

[[noreturn]] void fetch_failed(const std::string& url, const std::string& provider, const std::string& model,
                               int status, const std::string& why) {
    throw fetch_error(url, provider, model, status, why);
}

// The transport's typed error (timeout, connection, too large, bad URL) as an ImageFetchError.
std::exception_ptr as_fetch_error(std::exception_ptr err, const std::string& url, const std::string& provider,
                                  const std::string& model, const ImageFetchLimits& limits) {
    try {
        std::rethrow_exception(err);
    } catch (const ImageFetchError&) {
        return err;
    } catch (const ResponseParseError& e) {  // the transport's size cap
        return std::make_exception_ptr(
            fetch_error(url, provider, model, e.status(),
                        "the image is larger than the limit of " + std::to_string(limits.max_bytes) + " bytes"));
    } catch (const Error& e) {
        return std::make_exception_ptr(
            fetch_error(url, provider, model, e.status(),
                        std::string(e.type_name()) + ": " + without_queries(e.provider_message())));
    } catch (...) {
        return std::current_exception();
    }
}

void check_scheme(const std::string& url, const std::string& provider, const std::string& model) {
    if (!is_http_url(url))
        fetch_failed(url, provider, model, 0,
                     "only http and https image URLs are fetched (or pass the bytes / a data: URI)");
}

ContentPart bytes_part(ImageBytes bytes) {
    ContentPart p;
    p.type = "image_bytes";
    p.image_bytes = std::move(bytes);
    return p;
}

// Every (message, part) position holding a URL to fetch, in message order.
std::vector<std::pair<std::size_t, std::size_t>> remote_image_slots(const std::vector<Message>& messages) {
    std::vector<std::pair<std::size_t, std::size_t>> slots;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const auto* parts = std::get_if<std::vector<ContentPart>>(&messages[i].content);
        if (!parts) continue;
        for (std::size_t j = 0; j < parts->size(); ++j) {
            const ContentPart& p = (*parts)[j];
            if (p.image_url && !p.image_bytes && !is_data_uri(p.image_url->url)) slots.emplace_back(i, j);
        }
    }
    return slots;
}

ContentPart& part_at(std::vector<Message>& messages, const std::pair<std::size_t, std::size_t>& slot) {
    return std::get<std::vector<ContentPart>>(messages[slot.first].content)[slot.second];
}

}  // namespace

bool has_remote_images(const std::vector<Message>& messages) { return !remote_image_slots(messages).empty(); }

std::string redacted_url(const std::string& url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) {
        // Not a URL we can take apart: show only its scheme (e.g. "ftp:"), or nothing of it at all.
        const auto colon = url.find(':');
        return colon == std::string::npos || colon > 16 ? std::string("<image URL>") : url.substr(0, colon + 1) + "...";
    }
    const std::string scheme = url.substr(0, scheme_end);
    std::string rest = url.substr(scheme_end + 3);
    rest = rest.substr(0, rest.find_first_of("?#"));
    const auto path_at = rest.find('/');
    std::string authority = rest.substr(0, path_at);
    const std::string path = path_at == std::string::npos ? std::string() : rest.substr(path_at);
    if (const auto at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);  // user:password@
    return scheme + "://" + authority + path;
}

HttpRequest image_fetch_request(const std::string& url, const ImageFetchLimits& limits) {
    HttpRequest http;
    http.method = "GET";
    http.url = url;
    // Only what an anonymous browser would send: the provider's key and the caller's extra_headers are
    // for the provider, never for whoever hosts the image.
    http.headers = {{"Accept", "image/*"}};
    http.timeout = limits.timeout;
    http.max_redirects = limits.max_redirects;
    http.max_response_bytes = limits.max_bytes;
    return http;
}

ImageBytes image_from_response(const std::string& url, const HttpResponse& response, const std::string& provider,
                               const std::string& model) {
    const int status = static_cast<int>(response.status);
    if (status < 200 || status >= 300)
        fetch_failed(url, provider, model, status,
                     status >= 300 && status < 400
                         ? "redirected (HTTP " + std::to_string(status) + ") without a usable Location"
                         : "the image host answered HTTP " + std::to_string(status));
    std::string mime = lower(response.header("content-type"));
    if (const auto semicolon = mime.find(';'); semicolon != std::string::npos) mime.resize(semicolon);
    while (!mime.empty() && (mime.back() == ' ' || mime.back() == '\t')) mime.pop_back();
    if (mime.rfind("image/", 0) != 0 || mime.size() == 6)
        fetch_failed(url, provider, model, status,
                     "not an image (content type \"" + (mime.empty() ? std::string("none") : mime) + "\")");
    if (response.body.empty()) fetch_failed(url, provider, model, status, "the image host sent an empty body");
    return ImageBytes{.data = base64_encode(response.body), .mime_type = mime};
}

ImageBytes fetch_image(const std::string& url, const std::string& provider, const std::string& model,
                       const ImageFetchLimits& limits) {
    check_scheme(url, provider, model);
    HttpRequest http = image_fetch_request(url, limits);
    http.provider = provider;
    http.model = model;
    HttpResponse response;
    try {
        response = perform(http);
    } catch (...) {
        std::rethrow_exception(as_fetch_error(std::current_exception(), url, provider, model, limits));
    }
    return image_from_response(url, response, provider, model);
}

void inline_remote_images(std::vector<Message>& messages, const std::string& provider, const std::string& model) {
    const auto slots = remote_image_slots(messages);
    for (const auto& slot : slots)
        check_scheme(part_at(messages, slot).image_url->url, provider, model);  // before any download
    for (const auto& slot : slots) {
        ContentPart& part = part_at(messages, slot);
        part = bytes_part(fetch_image(part.image_url->url, provider, model));
    }
}

void inline_remote_images_async(std::vector<Message> messages, std::string provider, std::string model,
                                Callback<std::vector<Message>> done) {
    const auto slots = remote_image_slots(messages);
    try {
        for (const auto& slot : slots) check_scheme(part_at(messages, slot).image_url->url, provider, model);
    } catch (...) {
        done(std::current_exception(), {});
        return;
    }
    if (slots.empty()) {
        done(nullptr, std::move(messages));
        return;
    }

    // All downloads run at once on the event loop; the last one to finish hands the messages on.
    struct State {
        std::mutex mutex;
        std::vector<Message> messages;
        std::vector<std::exception_ptr> errors;
        std::size_t left = 0;
        Callback<std::vector<Message>> done;
    };
    auto state = std::make_shared<State>();
    state->messages = std::move(messages);
    state->errors.resize(slots.size());
    state->left = slots.size();
    state->done = std::move(done);

    const ImageFetchLimits limits{};
    for (std::size_t k = 0; k < slots.size(); ++k) {
        const std::string url = part_at(state->messages, slots[k]).image_url->url;
        HttpRequest http = image_fetch_request(url, limits);
        http.provider = provider;
        http.model = model;
        perform_async(std::move(http), [state, k, slot = slots[k], url, provider, model, limits](
                                           std::exception_ptr err, HttpResponse response) {
            std::exception_ptr failure;
            ImageBytes bytes;
            if (err) {
                failure = as_fetch_error(err, url, provider, model, limits);
            } else {
                try {
                    bytes = image_from_response(url, response, provider, model);
                } catch (...) {
                    failure = std::current_exception();
                }
            }
            bool last = false;
            {
                std::lock_guard lock(state->mutex);
                if (failure)
                    state->errors[k] = failure;
                else
                    part_at(state->messages, slot) = bytes_part(std::move(bytes));
                last = --state->left == 0;
            }
            if (!last) return;
            for (const auto& e : state->errors) {
                if (e) {
                    state->done(e, {});
                    return;
                }
            }
            state->done(nullptr, std::move(state->messages));
        });
    }
}

}  // namespace llmgate::inline v1::detail
