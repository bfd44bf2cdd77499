// Fuzz target for the Bedrock reply parsers (Converse, Titan and Cohere embeddings): a result or a llmgate::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "llmgate/errors.hpp"
#include "providers/bedrock.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    const std::string model = "anthropic.claude-3-5-haiku-20241022-v1:0";
    try {
        const llmgate::CompletionResponse r = llmgate::detail::bedrock_parse_converse(model, body, "req-1");
        (void)r.text();
        (void)r.reasoning();
        (void)r.tool_calls();
        (void)llmgate::response_to_json(r).dump();
        // The reply replayed as history (toolUse needs its toolResult; signed reasoning is sent back).
        llmgate::detail::ChatRequest next;
        next.model = model;
        next.messages = {llmgate::Message::user("hi")};
        for (const auto& c : r.choices) next.messages.push_back(c.message);
        for (const auto& tc : r.tool_calls()) next.messages.push_back(llmgate::Message::tool(tc.id, "{}"));
        (void)llmgate::detail::bedrock_converse_body(next).dump();
    } catch (const llmgate::Error&) {
        // The documented answer to a malformed reply (or to a history that cannot be sent).
    }
    try {
        llmgate::EmbeddingResponse out;
        llmgate::detail::bedrock_parse_titan_embedding(body, out);
    } catch (const llmgate::Error&) {
    }
    try {
        llmgate::EmbeddingResponse out;
        llmgate::detail::bedrock_parse_cohere_embeddings(body, out);
    } catch (const llmgate::Error&) {
    }
    return 0;
}
