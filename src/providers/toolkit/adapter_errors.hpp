// The typed errors an adapter raises itself: a request it cannot send, a 2xx reply or stream of the wrong shape.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "llmgate/types.hpp"

namespace llmgate::inline v1::detail {

// A request the provider's API cannot take (a role it does not know, an image it cannot send):
// InvalidRequestError, raised before anything is sent.
[[noreturn]] void invalid_request(const std::string& provider, const std::string& model, const std::string& what);

// A 2xx reply (or stream event) whose bytes do not have the documented shape: ResponseParseError, status
// 200, "<what>: <the first 300 bytes>", with the first 2,000 bytes kept as body().
[[noreturn]] void parse_failure(const std::string& provider, const std::string& model, const std::string& what,
                                const std::string& body);

// `body` parsed as a JSON object; parse_failure "malformed JSON reply" when it is not one.
nlohmann::json reply_object(const std::string& provider, const std::string& model, const std::string& body);

// Runs `read` (which walks a parsed reply or event); a json::exception it throws (a missing key, a value of
// the wrong type) becomes parse_failure "unexpected <what> shape (<detail>)" on `body`.
template <class Read>
void reading_shape(const std::string& provider, const std::string& model, const std::string& body,
                   std::string_view what, Read&& read) {
    try {
        read();
    } catch (const nlohmann::json::exception& e) {
        parse_failure(provider, model, "unexpected " + std::string(what) + " shape (" + e.what() + ")", body);
    }
}

// An embeddings reply must carry one vector per input: parse_failure "reply has <got> embeddings for
// <expected> inputs" otherwise.
void check_embedding_count(const std::string& provider, const std::string& model, std::size_t got, std::size_t expected,
                           const std::string& body);
// The same for a whole reply, whose body has moved into r.raw (quoted from there only on failure).
void check_embedding_count(const std::string& provider, const std::string& model, const EmbeddingResponse& r,
                           std::size_t expected);

// A stream without its end marker was cut short: what arrived is not the whole reply, so it is a
// ResponseParseError ("stream ended <missing_end>: the reply is incomplete"), never a short answer.
[[noreturn]] void stream_cut_short(const std::string& provider, const std::string& model, std::string_view missing_end);

// A stream that reached its end marker (`end`: "[DONE]", "message_stop", ...) without a finish reason, any text
// or any tool call carried no answer at all: a ResponseParseError ("stream reached <end> without any content,
// tool call or finish reason"), never an empty success.
void check_stream_answered(const std::string& provider, const std::string& model, std::string_view end,
                           const std::string& finish_reason, bool saw_output);

}  // namespace llmgate::inline v1::detail
