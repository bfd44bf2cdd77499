// Client-side image fetching for providers whose APIs take images only as inline bytes (Gemini,
// Bedrock, Ollama): image URLs in the messages are downloaded and replaced by image bytes.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "llmgate/types.hpp"
#include "transport/http.hpp"

namespace llmgate::inline v1::detail {

// Bounds of one image download. The image host is a third party: nothing but these limits and a plain
// GET (no provider key, no extra_headers) ever reaches it.
struct ImageFetchLimits {
    std::size_t max_bytes = 20u << 20;         // larger images fail instead of filling memory
    std::chrono::milliseconds timeout{30000};  // whole download, redirects included
    int max_redirects = 3;                     // followed to http/https only
};

// True when some message has an image given by a URL that is not a data: URI (those are bytes
// already), i.e. something inline_remote_images must fetch, or reject when it is not http(s).
bool has_remote_images(const std::vector<Message>& messages);

// The request that downloads one image: GET, Accept image/*, the limits above, and no other header.
HttpRequest image_fetch_request(const std::string& url, const ImageFetchLimits& limits = {});
// The bytes of a finished download (base64, mime type from Content-Type without parameters).
// Throws ImageFetchError for an HTTP error status, a non-image content type or an empty body.
ImageBytes image_from_response(const std::string& url, const HttpResponse& response, const std::string& provider,
                               const std::string& model);
// The URL as error messages show it: scheme, host and path only (a signed URL's query is a secret).
std::string redacted_url(const std::string& url);

// Downloads one image through the shared transport. Throws ImageFetchError for every failure (bad
// scheme, HTTP error, not an image, too large, too many redirects, timeout, connection failure).
ImageBytes fetch_image(const std::string& url, const std::string& provider, const std::string& model,
                       const ImageFetchLimits& limits = {});

// Replaces every remote image URL part by image bytes fetched through the shared transport.
// `provider`/`model` only label errors. Throws ImageFetchError when a fetch fails.
void inline_remote_images(std::vector<Message>& messages, const std::string& provider, const std::string& model);
// The same on the event loop, the images fetched concurrently; the first failure (in message order) wins.
void inline_remote_images_async(std::vector<Message> messages, std::string provider, std::string model,
                                Callback<std::vector<Message>> done);

}  // namespace llmgate::inline v1::detail
