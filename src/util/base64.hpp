// Base64 (RFC 4648) encoding and decoding, for embeddings, images and signatures.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace llmgate::inline v1::detail {

std::string base64_encode(std::string_view bytes);
// nullopt on characters outside the alphabet or a bad length; padding optional; whitespace ignored.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace llmgate::detail
