// Builders for Gemini Developer API wire replies (generateContent, SSE streams, embeddings, google.rpc errors).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fake_server.hpp"

namespace llmgate::testing::gemini {

// {promptTokenCount:10, candidatesTokenCount:5, totalTokenCount:15}
nlohmann::json default_usage();

// A GenerateContentResponse with one candidate; `parts` are sent as given (role "model").
Reply content(const nlohmann::json& parts, const std::string& finish_reason = "STOP",
              nlohmann::json usage = default_usage(), const std::string& model = "gemini-2.5-flash");
// One text part, finishReason STOP.
Reply text(const std::string& text, const std::string& model = "gemini-2.5-flash");
// One functionCall part per (name, args object); no `id`, as the Developer API usually sends them.
Reply function_calls(const std::vector<std::pair<std::string, nlohmann::json>>& name_and_args,
                     const std::string& model = "gemini-2.5-flash");
// No candidates, promptFeedback.blockReason set.
Reply prompt_blocked(const std::string& block_reason = "SAFETY");

// One SSE event as streamGenerateContent?alt=sse frames it: "data: <compact json>\r\n\r\n".
std::string sse(const nlohmann::json& event);
// A streamed GenerateContentResponse event with the given parts; finish_reason "" leaves finishReason out.
nlohmann::json stream_event(const nlohmann::json& parts, const std::string& finish_reason = "",
                            nlohmann::json usage = nullptr, const std::string& model = "gemini-2.5-flash");
// A text/event-stream reply, one HTTP chunk per event. The body just ends: Gemini sends no [DONE].
Reply event_stream(const std::vector<nlohmann::json>& events);
// Text pieces, the last event carrying finishReason STOP and usage; with finish=false no event has a finishReason.
Reply stream_text(const std::vector<std::string>& pieces, bool finish = true);

// embedContent: {"embedding":{"values":[...]}}; batchEmbedContents: {"embeddings":[{"values":[...]}, ...]}.
Reply embedding(const std::vector<float>& values);
Reply batch_embeddings(const std::vector<std::vector<float>>& vectors);

// A google.rpc.Status error body {"error":{code,message,status[,details]}}.
Reply error(int status, const std::string& message, const std::string& grpc_status, nlohmann::json details = nullptr);
// 400 INVALID_ARGUMENT with ErrorInfo reason API_KEY_INVALID, exactly what Gemini sends for a bad key.
Reply invalid_api_key();
// 429 RESOURCE_EXHAUSTED with QuotaFailure and RetryInfo.retryDelay (e.g. "12s").
Reply quota_exceeded(const std::string& retry_delay = "12s");
// 503 UNAVAILABLE "The model is overloaded. Please try again later."
Reply overloaded();

// Status 200 with a JSON body cut off mid-array.
Reply malformed_json();

}  // namespace llmgate::testing::gemini
