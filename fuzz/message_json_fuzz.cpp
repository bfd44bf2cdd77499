// Fuzz target for message_from_json / messages_from_json: any JSON gives messages or a llmgate::Error.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "llmgate/errors.hpp"
#include "llmgate/types.hpp"
#include "providers/openai_compatible.hpp"

namespace {

using llmgate::json;

// Messages read from user JSON are sent on at once: turning them back into a request body must hold up too.
void send_on(std::vector<llmgate::Message> messages) {
    for (const auto& m : messages) (void)llmgate::message_to_json(m).dump();
    llmgate::detail::ChatRequest request{.model = "gpt-4o-mini", .messages = std::move(messages)};
    (void)llmgate::detail::openai_chat_body(request, true, true).dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) return 0;  // not JSON: rejected before these functions see it
    // The same value both ways: one message (an object) and a conversation (an array).
    try {
        send_on({llmgate::message_from_json(j)});
    } catch (const llmgate::Error&) {
        // The documented answer to a malformed message.
    }
    try {
        send_on(llmgate::messages_from_json(j));
    } catch (const llmgate::Error&) {
    }
    return 0;
}
