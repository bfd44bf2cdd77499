// The typed errors an adapter raises itself: a request it cannot send, a 2xx reply or stream of the wrong shape.
#include "providers/toolkit/adapter_errors.hpp"

#include "llmgate/errors.hpp"
#include "util/json_parse.hpp"

namespace llmgate::inline v1::detail {

void invalid_request(const std::string& provider, const std::string& model, const std::string& what) {
    throw InvalidRequestError(ErrorInfo{.provider = provider, .model = model, .message = what});
}

void parse_failure(const std::string& provider, const std::string& model, const std::string& what,
                   const std::string& body) {
    throw ResponseParseError(ErrorInfo{.provider = provider,
                                       .model = model,
                                       .status = 200,
                                       .message = what + ": " + body.substr(0, 300),
                                       .body = body.substr(0, 2000)});
}

nlohmann::json reply_object(const std::string& provider, const std::string& model, const std::string& body) {
    nlohmann::json j = parse_json(body);
    if (j.is_discarded() || !j.is_object()) parse_failure(provider, model, "malformed JSON reply", body);
    return j;
}

void check_embedding_count(const std::string& provider, const std::string& model, std::size_t got, std::size_t expected,
                           const std::string& body) {
    if (got == expected) return;
    parse_failure(provider, model,
                  "reply has " + std::to_string(got) + " embeddings for " + std::to_string(expected) + " inputs", body);
}

void check_embedding_count(const std::string& provider, const std::string& model, const EmbeddingResponse& r,
                           std::size_t expected) {
    if (r.embeddings.size() != expected) check_embedding_count(provider, model, r.embeddings.size(), expected, r.raw.dump());
}

void stream_cut_short(const std::string& provider, const std::string& model, std::string_view missing_end) {
    throw ResponseParseError(
        ErrorInfo{.provider = provider,
                  .model = model,
                  .status = 200,
                  .message = "stream ended " + std::string(missing_end) + ": the reply is incomplete"});
}

void check_stream_answered(const std::string& provider, const std::string& model, std::string_view end,
                           const std::string& finish_reason, bool saw_output) {
    if (saw_output || !finish_reason.empty()) return;
    throw ResponseParseError(ErrorInfo{.provider = provider,
                                       .model = model,
                                       .status = 200,
                                       .message = "stream reached " + std::string(end) +
                                                  " without any content, tool call or finish reason: no answer"});
}

}  // namespace llmgate::inline v1::detail
