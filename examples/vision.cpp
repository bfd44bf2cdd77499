// Vision: send images with a prompt, by URL, as a data: URI, as raw bytes or from a local file. The
// same message works on every provider; llmgate writes each one's wire format and, for providers that
// take only inline bytes (Gemini, Bedrock, Ollama), downloads URL images itself.
#include <iostream>
#include <string>

#include <llmgate/llmgate.hpp>

#include "default_model.hpp"

int main(int argc, char** argv) {
    const std::string model = default_model();
    // A 1x1 PNG, base64-encoded.
    const std::string pixel =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    std::vector<llmgate::ContentPart> parts{
        llmgate::ContentPart::text_part("What is in these images?"),
        // By URL (with OpenAI's detail hint; providers without one ignore it). Offline, the mock provider
        // never fetches it; with a real model the provider (or llmgate, for bytes-only APIs) does.
        llmgate::ContentPart::image_from_url(
            "https://upload.wikimedia.org/wikipedia/commons/4/47/PNG_transparency_demonstration_1.png", "low"),
        // As base64 bytes with their media type.
        llmgate::ContentPart::image_from_bytes(pixel, "image/png"),
    };
    // From a local file, when one is given: ./vision photo.jpg
    if (argc > 1) parts.push_back(llmgate::ContentPart::image_from_file(argv[1]));

    try {
        const auto resp = llmgate::completion(model, {llmgate::Message::user(parts)});
        std::cout << resp.provider << "/" << resp.model << ": " << resp.text() << "\n";
    } catch (const llmgate::VisionNotSupported& e) {
        std::cerr << "this provider takes no images: " << e.what() << "\n";
        return 1;
    } catch (const llmgate::ImageFetchError& e) {
        std::cerr << "an image URL could not be fetched: " << e.what() << "\n";
        return 1;
    }
    // The same content in the OpenAI dict shape is accepted too.
    const llmgate::json messages = llmgate::json::parse(R"([{"role": "user", "content": [
        {"type": "text", "text": "Describe this."},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,)" +
                                                        pixel + R"("}}]}])");
    std::cout << llmgate::completion(model, messages).text() << "\n";
}
