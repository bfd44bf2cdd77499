// URI-reference resolution (RFC 3986 section 5) for JSON Schema's $id and $ref.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace llmgate::inline v1::detail {

// `ref` resolved against `base` (RFC 3986 5.2.2, with dot segments removed). An empty base leaves a
// relative reference relative, so a schema without $id still resolves "#/..." and "name" consistently.
std::string resolve_uri(std::string_view base, std::string_view ref);

// "uri#fragment" split into {"uri", "fragment"}; the fragment is empty when there is none.
std::pair<std::string, std::string> split_fragment(std::string_view uri);

// %XX sequences decoded (a JSON pointer in a URI fragment is percent-encoded); false for a broken one.
bool percent_decode(std::string_view in, std::string& out);

}  // namespace llmgate::detail
