// Fuzz target for tool_from_json / tools_from_json: any JSON gives tools or a llmgate::Error.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "llmgate/errors.hpp"
#include "llmgate/types.hpp"
#include "providers/openai_compatible.hpp"

namespace {

using llmgate::json;

// Tools read from user JSON go straight into a request body: building it must hold up too.
void send_on(std::vector<llmgate::Tool> tools) {
    llmgate::detail::ChatRequest request{.model = "gpt-4o-mini", .messages = {llmgate::Message::user("hi")}};
    request.options.tools = std::move(tools);
    (void)llmgate::detail::openai_chat_body(request, false, false).dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) return 0;  // not JSON: rejected before these functions see it
    // The same value both ways: one tool (an object) and a tool list (an array).
    try {
        send_on({llmgate::tool_from_json(j)});
    } catch (const llmgate::Error&) {
        // The documented answer to a malformed tool.
    }
    try {
        send_on(llmgate::tools_from_json(j));
    } catch (const llmgate::Error&) {
    }
    return 0;
}
