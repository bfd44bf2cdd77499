// The interface every provider adapter implements, and the requests the facade hands them.
#pragma once

#include <cstdint>
#include <optional>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "llmgate/models.hpp"
#include "llmgate/options.hpp"
#include "llmgate/stream.hpp"
#include "llmgate/types.hpp"
#include "transport/http.hpp"

namespace llmgate::inline v1::detail {

// What the adapter must ask the provider for when options.response_format is set. The dispatch layer
// (src/core/dispatch.cpp) picks it from the provider's Capabilities; for the prompt strategy it has
// already put the schema into the messages and the adapter sends nothing special.
enum class StructuredMode {
    none,           // no structured output requested (or the prompt strategy)
    native_schema,  // the provider's schema-constrained mode with options.response_format->schema
    json_mode,      // the provider's "reply with a JSON object" mode, no schema
};

struct ChatRequest {
    std::string model{};  // the provider's own model id (prefix removed)
    std::vector<Message> messages{};
    Options options{};
    StructuredMode structured = StructuredMode::none;
};

// What a provider's API can do for a given model, so the dispatch layer can choose strategies and
// prepare inputs (e.g. fetch image URLs client-side for APIs that take only inline bytes).
struct Capabilities {
    bool native_schema = false;            // schema-constrained structured output
    bool json_mode = false;                // JSON-object output mode without a schema
    // Native strict mode sends optional properties as required-and-nullable (OpenAI's strict rules,
    // openai_strict_schema), so the model answers null for what it leaves out: that null means absent.
    bool optional_sent_as_null = false;
    bool images = true;                    // takes image input at all (else VisionNotSupported)
    bool image_urls = true;                // takes http(s) image URLs itself (else they are fetched and sent inline)
    std::size_t max_embedding_inputs = 0;  // most texts one embeddings request may carry (0 = no limit)
    bool server_state = false;             // keeps conversations server-side (Options::previous_response_id)
};

struct EmbedRequest {
    std::string model{};
    std::vector<std::string> inputs{};
    bool single_input = false;  // the caller passed one string, not a list (sent as a string, like the SDKs)
    EmbedOptions options{};
};

// One provider. Sync calls run in the caller's thread; async ones complete on the shared event loop
// and must report every failure through the callback (never throw from it).
class Provider {
public:
    virtual ~Provider() = default;
    virtual const std::string& name() const = 0;
    virtual Capabilities capabilities(const std::string& model) const {
        (void)model;
        return {};
    }

    virtual CompletionResponse complete(const ChatRequest& request) = 0;
    virtual void complete_async(ChatRequest&& request, Callback<CompletionResponse> done) = 0;
    virtual Stream stream(const ChatRequest& request) = 0;
    virtual void stream_async(ChatRequest request, Callback<Stream> ready) = 0;
    virtual EmbeddingResponse embed(const EmbedRequest& request) = 0;
    virtual void embed_async(EmbedRequest request, Callback<EmbeddingResponse> done) = 0;
    // The prompt's token count from the provider's own counting API (the request as completion would send
    // it), or nullopt when the provider has none. Throws the typed error of a failed call.
    virtual std::optional<std::int64_t> count_prompt_tokens(const ChatRequest& request) {
        (void)request;
        return std::nullopt;
    }
    // Every model the provider's models endpoint lists, all pages fetched (list_models, llmgate/models.hpp).
    // Throws ListModelsNotSupported (the default) when the provider has no such endpoint, else the typed
    // error of a failed call.
    virtual std::vector<ModelInfo> list_models(const ListModelsOptions& options);
};

}  // namespace llmgate::detail
