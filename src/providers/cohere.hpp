// Cohere v2 wire format: the pure translation functions of cohere.cpp, exposed for unit tests and fuzzing.
#pragma once

#include <memory>
#include <string>

#include "providers/provider.hpp"
#include "providers/stream_decoder.hpp"

namespace llmgate::inline v1::detail {

// The POST /v2/chat body (stream true or false, as the SDK always sends the flag). Throws
// InvalidRequestError for a tool message without tool_call_id or a tool_choice naming no given tool.
json cohere_chat_body(const ChatRequest& request, bool stream);
// A /v2/chat reply: message.content[] text and thinking blocks, tool_calls, tool_plan, usage.
CompletionResponse cohere_parse_chat(std::string body);
// usage.tokens (falling back to usage.billed_units) and usage.cached_tokens.
Usage cohere_parse_usage(const json& usage);
// COMPLETE/STOP_SEQUENCE → stop, MAX_TOKENS → length, TOOL_CALL → tool_calls, ERROR → error, TIMEOUT → timeout.
std::string cohere_finish_reason(const std::string& reason);
// The SSE decoder for a streamed /v2/chat reply; message-end is the end-of-stream marker.
std::unique_ptr<StreamDecoder> make_cohere_stream_decoder(std::string model);
// The POST /v2/embed body: texts, input_type (default search_document), embedding_types ["float"].
json cohere_embed_body(const EmbedRequest& request);
// A /v2/embed reply: embeddings.float, meta.billed_units / meta.tokens.
EmbeddingResponse cohere_parse_embed(std::string body);

}  // namespace llmgate::detail
