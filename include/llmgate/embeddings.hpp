// The embeddings facade: embed / aembed for one text or a batch.
#pragma once

#include <future>
#include <string>
#include <vector>

#include "llmgate/callback.hpp"
#include "llmgate/errors.hpp"
#include "llmgate/options.hpp"
#include "llmgate/types.hpp"

namespace llmgate::inline v1 {

// One vector per input text, in input order. Providers without an embeddings API raise
// EmbeddingsNotSupported.
EmbeddingResponse embed(const std::string& model, const std::vector<std::string>& inputs,
                        const EmbedOptions& options = {});
EmbeddingResponse embed(const std::string& model, const std::string& input, const EmbedOptions& options = {});
inline EmbeddingResponse embed(const std::string& model, const char* input, const EmbedOptions& options = {}) {
    return embed(model, std::string(input), options);
}

std::future<EmbeddingResponse> aembed(const std::string& model, const std::vector<std::string>& inputs,
                                      const EmbedOptions& options = {});
std::future<EmbeddingResponse> aembed(const std::string& model, const std::string& input,
                                      const EmbedOptions& options = {});
inline std::future<EmbeddingResponse> aembed(const std::string& model, const char* input,
                                             const EmbedOptions& options = {}) {
    return aembed(model, std::string(input), options);
}

// Callback forms, as acompletion's (llmgate/completion.hpp): `on_done` runs once on the event loop thread,
// never inside this call, and must not block.
void aembed(const std::string& model, const std::vector<std::string>& inputs, const EmbedOptions& options,
            Callback<EmbeddingResponse> on_done);
void aembed(const std::string& model, const std::string& input, const EmbedOptions& options,
            Callback<EmbeddingResponse> on_done);
inline void aembed(const std::string& model, const char* input, const EmbedOptions& options,
                   Callback<EmbeddingResponse> on_done) {
    aembed(model, std::string(input), options, std::move(on_done));
}

}  // namespace llmgate
