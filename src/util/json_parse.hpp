// Parsing reply text into a json tree without nlohmann::json::parse's transient copies of large strings.
//
// nlohmann's lexer builds every string in a token buffer grown by doubling, then copies it into the tree:
// a reply holding one 200 MB string briefly needs the text, a 256 MiB buffer (and the 128 MiB one it grew
// from) and the tree's copy, about 4x the text. Large texts are parsed here with simdjson's On-Demand
// API instead, and each string is unescaped once, straight into a string of its final size: the text
// plus the tree, never more. Small texts (almost every reply and stream event) keep nlohmann's parser,
// which is faster to start for a few hundred bytes.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace llmgate::inline v1::detail {

// Texts from this size on take the simdjson path.
inline constexpr std::size_t kLeanParseFrom = 64 * 1024;

// The value `text` holds, or a discarded value (is_discarded()) when it is not exactly one JSON value,
// as nlohmann::json::parse(text, nullptr, false) gives. Numbers get nlohmann's types (a non-negative
// integer is unsigned, an integer beyond 64 bits a double), and a key given twice keeps its last value.
// A std::string with 64 bytes of spare capacity is read in place; any other text over the threshold is
// first copied into a padded buffer.
nlohmann::json parse_json(const std::string& text);
nlohmann::json parse_json(std::string_view text);

// simdjson 3.0.1 (Debian 12) reads numbers with long mantissas wrongly through its On-Demand API (0.1
// followed by twenty 1s reads as 0.00043, 1.111111111111111111e3 as 0; the DOM API is right), so every
// On-Demand number here is read from its token: checked with is_json_number, read with read_double.
// Whether `token` (trailing whitespace allowed) is a JSON number.
bool is_json_number(std::string_view token);
// A JSON number token (trailing whitespace allowed) as the nearest double, as strtod gives it but without
// its locale; false when it is not one or is out of double's range.
bool read_double(std::string_view token, double& out);

// The simdjson path whatever the size (the tests and the fuzz target compare it with nlohmann's).
nlohmann::json parse_json_lean(std::string_view text, std::size_t capacity);

}  // namespace llmgate::inline v1::detail
