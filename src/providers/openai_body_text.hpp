// The OpenAI chat request body written straight to JSON text, without building an nlohmann::json tree.
//
// Why: building the body as a tree (a map node per key, a copy of every message's text) and then dumping
// it was about a third of the allocations of a call on our side, and a copy of every image's base64 data.
// Writing the text directly costs one buffer.
//
// The bytes are exactly those of openai_chat_body(...).dump(): keys in the same (sorted) order, strings
// escaped as nlohmann escapes them, and the rarer parts (tools, response_format, stop, doubles) dumped by
// nlohmann itself. tests/unit/openai_body_text_test.cpp and fuzz/openai_body_text_fuzz.cpp compare them.
#pragma once

#include <optional>
#include <string>

#include "providers/provider.hpp"

namespace llmgate::inline v1::detail {

// The body, or nullopt when some text is not valid UTF-8: then the tree path decides (and reports it).
// Parts written by nlohmann (tools, stop, tool_choice, response_format) throw its json::type_error
// for invalid UTF-8 themselves, as the tree path does.
std::optional<std::string> openai_chat_body_text(const ChatRequest& request, bool stream, bool include_usage);

}  // namespace llmgate::detail
