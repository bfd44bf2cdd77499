// AWS Bedrock Runtime (Converse, ConverseStream, InvokeModel embeddings): the pure translation functions.
#pragma once

#include <memory>
#include <string>

#include "providers/provider.hpp"
#include "providers/stream_decoder.hpp"

namespace llmgate::inline v1::detail {

// What Converse and InvokeModel take for `model`: outputConfig.textFormat json_schema (no JSON mode), images
// only as bytes (URLs are fetched client-side), 96 texts per Cohere embed request, Titan any (one call each).
Capabilities bedrock_capabilities(const std::string& model);

// "/model/<id>/<operation>" with the model id percent-encoded as one path label (':' → %3A, '/' → %2F).
std::string bedrock_model_path(const std::string& model, const std::string& operation);

// The Converse / ConverseStream request body (both take the same one). Throws InvalidRequestError when
// the history cannot be sent (a toolUse without its toolResult, an image given by http URL, ...).
json bedrock_converse_body(const ChatRequest& request);

// A Converse reply; `request_id` is the x-amzn-requestid header.
CompletionResponse bedrock_parse_converse(const std::string& model, std::string body,
                                          const std::string& request_id = {});
Usage bedrock_parse_usage(const json& usage);
// stopReason → the unified finish_reason ("stop", "length", "tool_calls", "content_filter", or as sent).
std::string bedrock_finish_reason(const std::string& stop_reason);

// Decodes a ConverseStream body (binary AWS event stream frames).
std::unique_ptr<StreamDecoder> make_bedrock_stream_decoder(std::string model);

// Throws the typed error for a non-2xx reply (x-amzn-ErrorType header, {"message"} body).
[[noreturn]] void bedrock_raise_http_error(const std::string& model, const HttpResponse& response);

// InvokeModel embedding bodies: Titan takes one text per request; Cohere takes them all.
enum class BedrockEmbedFamily { titan, cohere, unsupported };
BedrockEmbedFamily bedrock_embed_family(const std::string& model);
json bedrock_titan_embed_body(const std::string& text, const EmbedOptions& options);
json bedrock_cohere_embed_body(const EmbedRequest& request);
// Appends the reply's vectors to `out` and adds its token count to out.usage.
void bedrock_parse_titan_embedding(const std::string& body, EmbeddingResponse& out);
void bedrock_parse_cohere_embeddings(const std::string& body, EmbeddingResponse& out);

}  // namespace llmgate::detail
