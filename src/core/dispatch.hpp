// The innermost step of every call: one model, one provider. Middleware (retry, cache, fallback, ...)
// wraps these functions; they route the model string, validate the arguments, prepare inputs the
// provider cannot take as given (image URLs it cannot fetch, structured output), and call the adapter.
#pragma once

#include "llmgate/requests.hpp"
#include "llmgate/stream.hpp"
#include "transport/http.hpp"

#include "providers/provider.hpp"

namespace llmgate::inline v1::detail {

CompletionResponse dispatch_completion(const CompletionRequest& request);
void dispatch_completion_async(CompletionRequest&& request, Callback<CompletionResponse> done);
Stream dispatch_stream(const CompletionRequest& request);
void dispatch_stream_async(CompletionRequest&& request, Callback<Stream> ready);
EmbeddingResponse dispatch_embed(const EmbeddingRequest& request);
// A request of a provider batch (llmgate/provider_batch.hpp): routed, validated and prepared exactly as
// dispatch_completion does (remote images inlined), but not sent. response_format is refused (a batch
// result cannot step down to another strategy or be validated against the plan), as is a request the
// provider could only stream.
struct PreparedBatchRequest {
    Provider* provider = nullptr;
    ChatRequest chat{};
};
PreparedBatchRequest prepare_batch_request(const CompletionRequest& request);
void dispatch_embed_async(EmbeddingRequest&& request, Callback<EmbeddingResponse> done);

// Throws InvalidRequestError naming the first input that is not valid UTF-8 ("inputs[2500]"), counted
// in the request as the caller gave it (embedding batching checks before it splits); `provider` is the
// name the request was routed to, for the error.
void check_embedding_inputs(const EmbeddingRequest& request, const std::string& provider);

}  // namespace llmgate::inline v1::detail
