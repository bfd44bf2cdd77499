// Parses the `.env` file format (KEY=VALUE lines, quotes, comments, `export` prefix).
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace llmgate::inline v1::detail {

// Never throws: lines it cannot read are skipped, as python-dotenv does.
std::map<std::string, std::string> parse_dotenv(std::string_view text);

}  // namespace llmgate::detail
