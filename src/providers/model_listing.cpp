// list_models on the provider interface: the default (no models endpoint) and the HTTP adapters' page loop.
#include <utility>

#include "llmgate/errors.hpp"
#include "llmgate/models.hpp"
#include "providers/http_provider.hpp"
#include "providers/provider.hpp"
#include "providers/toolkit/json_request.hpp"

namespace llmgate::inline v1::detail {
namespace {

// A provider answering the same page token forever would loop forever; no real list is this long.
constexpr int kMaxPages = 1000;

[[noreturn]] void no_models_endpoint(const std::string& provider) {
    throw ListModelsNotSupported(
        ErrorInfo{.provider = provider, .message = provider + " has no models endpoint that llmgate can list"});
}

}  // namespace

std::vector<ModelInfo> Provider::list_models(const ListModelsOptions&) { no_models_endpoint(name()); }

std::optional<HttpRequest> HttpProvider::build_list_models(const ListModelsOptions&, const std::string&) const {
    return std::nullopt;
}

std::string HttpProvider::parse_list_models(const HttpResponse&, std::vector<ModelInfo>&) const {
    no_models_endpoint(name());
}

HttpRequest HttpProvider::models_get(std::string url, const ListModelsOptions& options) const {
    HttpRequest http;
    http.method = "GET";
    http.url = std::move(url);
    http.headers.emplace_back("Accept", "application/json");
    http.timeout = call_timeout(options.timeout);
    http.max_response_bytes = options.max_response_bytes;
    http.cancel = options.cancel;
    http.provider = name();
    return http;
}

std::vector<ModelInfo> HttpProvider::list_models(const ListModelsOptions& options) {
    std::vector<ModelInfo> models;
    std::string page_token;
    for (int page = 0; page < kMaxPages; ++page) {
        std::optional<HttpRequest> http = build_list_models(options, page_token);
        if (!http) no_models_endpoint(name());
        set_headers(http->headers, options.extra_headers);
        HttpResponse response = perform(std::move(*http));
        // A refused key or an unknown endpoint is the adapter's typed error, as for a completion.
        if (!is_success_status(response.status)) raise_http_error("", response);
        std::string next = parse_list_models(response, models);
        if (next.empty() || next == page_token) break;
        page_token = std::move(next);
    }
    for (ModelInfo& m : models)
        if (m.provider.empty()) m.provider = name();
    return models;
}

}  // namespace llmgate::inline v1::detail
