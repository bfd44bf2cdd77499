// OpenAI's explicit prompt-cache breakpoints (gpt-5.6 and later), for chat completions and the Responses API
// alike. openai-python types/chat/chat_completion_content_part_text_param.py (and _image_param.py,
// responses/response_input_text_param.py, response_input_image_param.py): a content block may carry
// `prompt_cache_breakpoint: {"mode": "explicit"}`, which "marks the exact end of a reusable prompt prefix";
// completion_create_params.py / response_create_params.py `prompt_cache_options: {mode, ttl}`: mode
// "implicit" (the default: OpenAI adds one breakpoint of its own and writes the latest three explicit ones)
// or "explicit" (none of its own, the latest four), ttl "30m" (the only value). Not on tool definitions.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "providers/provider.hpp"

namespace llmgate::inline v1::detail {

// gpt-5.6 and later ("gpt-5.6-mini", "gpt-5.10", "gpt-6", a fine-tune "ft:gpt-5.6:..."). Older models are
// not sent breakpoints, so code that marks prompts for Anthropic keeps working unchanged on them.
bool openai_takes_cache_breakpoints(const std::string& model);

// True when this request gets at least one breakpoint: a CacheMarker on a message or a content part, or
// PromptCacheOptions::automatic, on a model that takes them.
bool openai_sends_cache_breakpoints(const ChatRequest& request);

// Whether part `part` of message `message` (of `parts` parts; a text-only message counts as one part) ends a
// cached prefix: its own marker, the message's marker on its last part, or automatic placement (the last
// part of the last system / developer message and of the last message).
bool openai_breakpoint_after(const ChatRequest& request, std::size_t message, std::size_t part, std::size_t parts);

inline nlohmann::json openai_cache_breakpoint() { return {{"mode", "explicit"}}; }

// True when prompt_cache_options is sent: PromptCacheOptions::mode set, or ttl "30m".
bool openai_sends_prompt_cache_options(const ChatRequest& request);
// Sets body["prompt_cache_options"]; InvalidRequestError for a mode other than "implicit" / "explicit".
void add_openai_prompt_cache_options(nlohmann::json& body, const ChatRequest& request, const std::string& provider);

// Chat completions: the breakpoints on body["messages"], which message_to_json built one to one from
// request.messages (a text message becomes one text part carrying it).
void add_openai_chat_cache_breakpoints(nlohmann::json& body, const ChatRequest& request);

}  // namespace llmgate::inline v1::detail
