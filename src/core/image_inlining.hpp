// Client-side image fetching for providers whose APIs take images only as inline bytes (Gemini,
// Bedrock, Ollama): http(s) image URLs in the messages are downloaded and replaced by image bytes.
#pragma once

#include <vector>

#include "llmgate/types.hpp"
#include "transport/http.hpp"

namespace llmgate::detail {

// True when some message has an image given by an http(s) URL (data: URIs need no fetching).
bool has_remote_images(const std::vector<Message>& messages);

// Replaces every http(s) image URL part by image bytes fetched through the shared transport.
// `provider`/`model` only label errors. Throws a typed llmgate::Error when a fetch fails.
void inline_remote_images(std::vector<Message>& messages, const std::string& provider, const std::string& model);
void inline_remote_images_async(std::vector<Message> messages, std::string provider, std::string model,
                                Callback<std::vector<Message>> done);

}  // namespace llmgate::detail
