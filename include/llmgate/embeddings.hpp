// The embeddings facade: embed / aembed for one text or a batch.
#pragma once

#include <future>

#include "llmgate/arguments.hpp"
#include "llmgate/callback.hpp"
#include "llmgate/errors.hpp"
#include "llmgate/options.hpp"
#include "llmgate/types.hpp"

namespace llmgate::inline v1 {

// One vector per input text, in input order: embed("text-embedding-3-small", "one text") or
// embed(model, {"a", "b"}). Long lists are split to the provider's per-request limit and sent in parallel.
// Providers without an embeddings API raise EmbeddingsNotSupported. A list of models is a fallback chain,
// as for completion().
EmbeddingResponse embed(Models models, EmbedInputs inputs, EmbedOptions options = {});

std::future<EmbeddingResponse> aembed(Models models, EmbedInputs inputs, EmbedOptions options = {});

// Callback form, as acompletion's (llmgate/completion.hpp): `on_done` runs once on the event loop thread,
// never inside this call, and must not block.
void aembed(Models models, EmbedInputs inputs, EmbedOptions options, Callback<EmbeddingResponse> on_done);

}  // namespace llmgate::inline v1
