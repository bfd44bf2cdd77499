// ContentPart::image_from_file: a local image file as an image-bytes part (the CLI's --image PATH).
#include <fstream>
#include <iterator>
#include <string_view>

#include "llmgate/errors.hpp"
#include "llmgate/types.hpp"
#include "util/base64.hpp"

namespace llmgate::inline v1 {
namespace {

constexpr std::size_t kMaxImageFileBytes = 20u << 20;  // the same cap as client-side image fetching

// The media type from the file's first bytes: extensions lie more often than magic numbers do.
std::string sniff_image_type(std::string_view b) {
    if (b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return "image/png";
    if (b.substr(0, 3) == "\xFF\xD8\xFF") return "image/jpeg";
    if (b.substr(0, 6) == "GIF87a" || b.substr(0, 6) == "GIF89a") return "image/gif";
    if (b.size() >= 12 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP") return "image/webp";
    return {};
}

}  // namespace

ContentPart ContentPart::image_from_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InvalidRequestError(ErrorInfo{.message = "cannot read image file '" + path + "'"});
    std::string bytes;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        bytes.append(buf, static_cast<std::size_t>(in.gcount()));
        if (bytes.size() > kMaxImageFileBytes)
            throw InvalidRequestError(ErrorInfo{.message = "image file '" + path + "' is larger than 20 MiB"});
    }
    const std::string mime = sniff_image_type(bytes);
    if (mime.empty())
        throw InvalidRequestError(ErrorInfo{.message = "'" + path + "' is not a png, jpeg, gif or webp image"});
    return image_from_bytes(detail::base64_encode(bytes), mime);
}

}  // namespace llmgate::inline v1
