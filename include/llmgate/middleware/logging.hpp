// LoggingMiddleware: one spdlog line per call (provider, model, latency, tokens, outcome).
#pragma once

#include <string>

#include "llmgate/middleware.hpp"

namespace llmgate::inline v1 {

// Logs through spdlog's logger named "llmgate" (created on first use, printing to stderr, unless the
// application registered its own under that name). Each call gives one line, for example
//   llmgate call=completion provider=openai model=gpt-4o-mini latency_ms=412 tokens=57 outcome=ok
//   llmgate call=completion provider=groq model=llama-3.1-8b-instant latency_ms=88 outcome=RateLimitError status=429
// Successful calls log at `level` ("trace", "debug", "info", "warn", "error"); failures at least at
// "warn". A stream logs when it ends, fails or is dropped. API keys are never logged; message and
// reply text only when `log_content` is true (truncated to 500 characters).
class LoggingMiddleware : public Middleware {
public:
    explicit LoggingMiddleware(std::string level = "info", bool log_content = false);

    void complete(CompletionRequest request, CompleteNext next, Callback<CompletionResponse> done) override;
    void stream(CompletionRequest request, StreamNext next, Callback<Stream> done) override;
    void embed(EmbeddingRequest request, EmbedNext next, Callback<EmbeddingResponse> done) override;

private:
    int level_;  // spdlog::level::level_enum, kept out of this header
    bool log_content_;
};

}  // namespace llmgate::inline v1
