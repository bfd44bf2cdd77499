// Ollama's native API (/api/chat, /api/embed): the pure translation functions, exposed for unit tests and fuzzing.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "providers/provider.hpp"
#include "providers/stream_decoder.hpp"

namespace llmgate::inline v1::detail {

// Normalises an OLLAMA_HOST value exactly as ollama-python's _parse_host does: scheme optional
// ("http" when absent), port 11434 when neither port nor scheme is given (80/443 with an explicit
// http/https scheme), host 127.0.0.1 when only ":port" is given, IPv6 brackets kept, trailing "/" dropped.
std::string ollama_parse_host(std::string_view host);
// The host for one call: per-call api_base, else OLLAMA_HOST, else http://localhost:11434; normalised.
std::string ollama_host(const std::string& override_base);

// What /api/chat and /api/embed take: `format` as schema or "json", images only as base64 (URLs are fetched
// client-side), any number of embedding inputs.
Capabilities ollama_capabilities(const std::string& model);

// A stable id for a tool call Ollama sent without one: "call_<index>_<16 hex of FNV-1a(name, arguments)>".
std::string ollama_tool_call_id(int index, const std::string& name, const std::string& arguments_raw);

// The /api/chat body (stream always sent explicitly: Ollama streams when it is absent).
json ollama_chat_body(const ChatRequest& request, bool stream);
// A stream:false /api/chat reply.
CompletionResponse ollama_parse_chat(const std::string& model, std::string body);
// Decodes the application/x-ndjson body of a stream:true /api/chat reply.
std::unique_ptr<StreamDecoder> make_ollama_stream_decoder(std::string model);

// The /api/embed body and reply.
json ollama_embed_body(const EmbedRequest& request);
EmbeddingResponse ollama_parse_embed(const EmbedRequest& request, std::string body);

}  // namespace llmgate::detail
