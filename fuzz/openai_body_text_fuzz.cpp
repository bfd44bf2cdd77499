// Differential fuzz target for the OpenAI chat body written as text: for any request built from the
// input, the text path writes exactly the bytes of the JSON-tree path's dump(), or declines, and then only
// because the tree path cannot encode the request either (text that is not UTF-8).
//
// Input: a flags byte, then length-prefixed strings (one length byte each) taken in turn as the model and
// the fields of the messages and options below, so any byte sequence (control characters, invalid UTF-8)
// reaches every string the writer escapes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "fuzz_check.hpp"
#include "providers/openai_body_text.hpp"
#include "providers/openai_compatible.hpp"

namespace {

using namespace llmgate;
using namespace llmgate::detail;

class Input {
public:
    Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    bool empty() const { return pos_ >= size_; }
    std::uint8_t byte() { return empty() ? 0 : data_[pos_++]; }
    std::string text() {
        const std::size_t n = byte();
        const std::size_t take = n < size_ - std::min(pos_, size_) ? n : size_ - std::min(pos_, size_);
        std::string s(reinterpret_cast<const char*>(data_ + pos_), take);
        pos_ += take;
        return s;
    }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

Message next_message(Input& in) {
    const std::uint8_t kind = in.byte();
    Message m;
    m.role = in.text();
    if (kind & 1) {
        std::vector<ContentPart> parts;
        const int n = kind >> 5;
        for (int i = 0; i < n && !in.empty(); ++i) {
            switch (in.byte() % 4) {
                case 0:
                    parts.push_back(ContentPart::text_part(in.text()));
                    break;
                case 1:
                    parts.push_back(ContentPart::image_from_url(in.text(), in.text()));
                    break;
                case 2:
                    parts.push_back(ContentPart::image_from_bytes(in.text(), in.text()));
                    break;
                default:
                    parts.push_back(ContentPart{.type = in.text(), .text = in.text()});
                    break;
            }
        }
        m.content = std::move(parts);
    } else {
        m.content = in.text();
    }
    if (kind & 2) m.name = in.text();
    if (kind & 4) m.tool_call_id = in.text();
    if (kind & 8) {
        for (int i = 0, n = 1 + (kind >> 6); i < n; ++i)
            m.tool_calls.push_back(
                ToolCall{.id = in.text(), .type = in.text(), .function = in.text(), .arguments_raw = in.text()});
    }
    return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Input in(data, size);
    const std::uint8_t flags = in.byte();
    ChatRequest request;
    request.model = in.text();
    for (int i = 0, n = 1 + (in.byte() % 6); i < n && !in.empty(); ++i) request.messages.push_back(next_message(in));
    Options& o = request.options;
    if (flags & 1) o.max_tokens = static_cast<int>(in.byte()) * 97 - 300;
    if (flags & 2) o.temperature = static_cast<double>(in.byte()) / 7.0;
    if (flags & 4) o.stop = {in.text(), in.text()};
    if (flags & 8) o.user = in.text();
    if (flags & 16) o.reasoning_effort = in.text();
    if (flags & 32) o.tool_choice = in.text();
    if (flags & 64) o.tools.push_back(Tool{.name = in.text(), .description = in.text()});
    const bool stream = flags & 128;
    const bool include_usage = in.byte() & 1;

    // The text path declines, or throws as the tree path does where it hands a part to nlohmann.
    std::optional<std::string> text;
    bool text_threw = false;
    try {
        text = openai_chat_body_text(request, stream, include_usage);
    } catch (const json::type_error&) {
        text_threw = true;
    }
    try {
        const std::string tree = openai_chat_body(request, stream, include_usage).dump();
        LLMGATE_FUZZ_CHECK(!text_threw && text.has_value());
        LLMGATE_FUZZ_CHECK(*text == tree);
    } catch (const json::type_error&) {
        // Only text the tree cannot encode may make the text path decline.
        LLMGATE_FUZZ_CHECK(!text.has_value());
    }
    return 0;
}
