// Placeholder until the bounded client-side fetch lands: refuses remote images clearly.
#include "core/image_inlining.hpp"

#include "llmgate/errors.hpp"

namespace llmgate::detail {

bool has_remote_images(const std::vector<Message>& messages) {
    for (const auto& m : messages) {
        const auto* parts = std::get_if<std::vector<ContentPart>>(&m.content);
        if (!parts) continue;
        for (const auto& p : *parts)
            if (p.image_url && (p.image_url->url.rfind("http://", 0) == 0 || p.image_url->url.rfind("https://", 0) == 0))
                return true;
    }
    return false;
}

void inline_remote_images(std::vector<Message>& messages, const std::string& provider, const std::string& model) {
    if (!has_remote_images(messages)) return;
    throw VisionNotSupported(ErrorInfo{.provider = provider, .model = model,
                                       .message = provider + " takes images only as bytes; pass image bytes or a data: URI"});
}

void inline_remote_images_async(std::vector<Message> messages, std::string provider, std::string model,
                                Callback<std::vector<Message>> done) {
    try {
        inline_remote_images(messages, provider, model);
    } catch (...) {
        done(std::current_exception(), {});
        return;
    }
    done(nullptr, std::move(messages));
}

}  // namespace llmgate::detail
