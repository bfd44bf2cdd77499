// The free functions: a gate with no middleware and no fallback chain (core/gate.cpp runs every form).
#include "llmgate/completion.hpp"
#include "llmgate/embeddings.hpp"
#include "llmgate/gate.hpp"

namespace llmgate::inline v1 {
namespace {

const LLMGate& plain() {
    static const LLMGate gate;
    return gate;
}

}  // namespace

CompletionResponse completion(Models models, Messages messages, Options options) {
    return plain().completion(std::move(models), std::move(messages), std::move(options));
}

Stream stream(Models models, Messages messages, Options options) {
    return plain().stream(std::move(models), std::move(messages), std::move(options));
}

std::future<CompletionResponse> acompletion(Models models, Messages messages, Options options) {
    return plain().acompletion(std::move(models), std::move(messages), std::move(options));
}

std::future<Stream> astream(Models models, Messages messages, Options options) {
    return plain().astream(std::move(models), std::move(messages), std::move(options));
}

void acompletion(Models models, Messages messages, Options options, Callback<CompletionResponse> on_done) {
    plain().acompletion(std::move(models), std::move(messages), std::move(options), std::move(on_done));
}

void astream(Models models, Messages messages, Options options, Callback<Stream> on_ready) {
    plain().astream(std::move(models), std::move(messages), std::move(options), std::move(on_ready));
}

EmbeddingResponse embed(Models models, EmbedInputs inputs, EmbedOptions options) {
    return plain().embed(std::move(models), std::move(inputs), std::move(options));
}

std::future<EmbeddingResponse> aembed(Models models, EmbedInputs inputs, EmbedOptions options) {
    return plain().aembed(std::move(models), std::move(inputs), std::move(options));
}

void aembed(Models models, EmbedInputs inputs, EmbedOptions options, Callback<EmbeddingResponse> on_done) {
    plain().aembed(std::move(models), std::move(inputs), std::move(options), std::move(on_done));
}

}  // namespace llmgate::inline v1
