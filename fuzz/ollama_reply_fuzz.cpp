// Fuzz target for the Ollama reply parsers (stream:false /api/chat, /api/embed): a result or a llmgate::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "llmgate/errors.hpp"
#include "providers/ollama.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    try {
        const llmgate::CompletionResponse r = llmgate::detail::ollama_parse_chat("llama3.2", body);
        (void)r.text();
        (void)r.reasoning();
        (void)r.tool_calls();
        (void)llmgate::response_to_json(r).dump();
        // A parsed reply goes back as history in the next turn (tool calls with generated ids): that must hold too.
        llmgate::detail::ChatRequest next;
        next.model = "llama3.2";
        next.messages = {llmgate::Message::user("hi")};
        for (const auto& c : r.choices) next.messages.push_back(c.message);
        for (const auto& tc : r.tool_calls()) next.messages.push_back(llmgate::Message::tool(tc.id, "{}"));
        (void)llmgate::detail::ollama_chat_body(next, false).dump();
    } catch (const llmgate::Error&) {
        // The documented answer to a malformed reply.
    }
    for (bool single : {true, false}) {
        try {
            llmgate::detail::EmbedRequest request;
            request.model = "nomic-embed-text";
            request.inputs = single ? std::vector<std::string>{"a"} : std::vector<std::string>{"a", "b"};
            request.single_input = single;
            (void)llmgate::detail::ollama_parse_embed(request, body);
        } catch (const llmgate::Error&) {
        }
    }
    return 0;
}
