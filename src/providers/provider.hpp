// The interface every provider adapter implements, and the requests the facade hands them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "llmgate/options.hpp"
#include "llmgate/stream.hpp"
#include "llmgate/types.hpp"
#include "transport/http.hpp"

namespace llmgate::detail {

struct ChatRequest {
    std::string model{};  // the provider's own model id (prefix removed)
    std::vector<Message> messages{};
    Options options{};
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

    virtual CompletionResponse complete(const ChatRequest& request) = 0;
    virtual void complete_async(ChatRequest request, Callback<CompletionResponse> done) = 0;
    virtual Stream stream(const ChatRequest& request) = 0;
    virtual void stream_async(ChatRequest request, Callback<Stream> ready) = 0;
    virtual EmbeddingResponse embed(const EmbedRequest& request) = 0;
    virtual void embed_async(EmbedRequest request, Callback<EmbeddingResponse> done) = 0;
};

}  // namespace llmgate::detail
