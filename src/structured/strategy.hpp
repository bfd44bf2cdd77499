// The structured-output layer of dispatch: pick the strategy from the provider's capabilities, shape
// the request for it, step down when a provider rejects a mode, and validate every reply.
#pragma once

#include <exception>
#include <string>
#include <vector>

#include "llmgate/options.hpp"
#include "llmgate/types.hpp"
#include "providers/provider.hpp"

namespace llmgate::inline v1::detail {

enum class Strategy { native, json_mode, prompt };

// "native" | "json_mode" | "prompt", as CompletionResponse::structured_strategy reports it.
const char* strategy_name(Strategy s);

// The strategies to try, strongest first. automatic: native if the provider has it, then JSON mode if
// it has it, then the prompt. An explicit strategy is the only one tried; one the provider lacks, a
// schema that is neither a JSON object nor a boolean, or one the validator cannot use (schema_problems: an unsupported
// keyword, an unresolvable $ref, an invalid regex) is an InvalidRequestError, before anything is sent.
std::vector<Strategy> structured_plan(const ResponseFormat& format, const Capabilities& caps,
                                      const std::string& provider, const std::string& model);

// The request to send for one strategy: ChatRequest::structured set, and for json_mode / prompt the
// schema instructions merged into the system message.
ChatRequest structured_request(const ChatRequest& base, Strategy s);

// Whether a failed attempt means "the provider rejected this mode" (HTTP 400 / 422 on a provider or
// invalid-request error), so the next strategy is worth one try. Auth, rate limits, 5xx, timeouts and
// bad replies are not.
bool should_step_down(const std::exception_ptr& error);

// Finds the JSON in the reply, validates it and fills resp.parsed_json / structured_strategy; throws
// StructuredOutputError (raw text + problems) for an empty, refused, non-JSON or non-conforming reply.
// A reply that calls tools is left as it is (the caller answers the tools first). `caps` are the
// provider's for this model: with optional_sent_as_null, a native strict reply's null for an optional
// property counts as absent.
void apply_structured_reply(CompletionResponse& resp, const ResponseFormat& format, Strategy s,
                            const std::string& model, const Capabilities& caps);

}  // namespace llmgate::detail
