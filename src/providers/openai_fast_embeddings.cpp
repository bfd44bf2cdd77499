// The fast path of the OpenAI embeddings mapper (see openai_fast_embeddings.hpp). Every rule mirrors
// openai_parse_embeddings in openai_compatible.cpp (openai-python types/create_embedding_response.py,
// embedding.py); where that mapper could answer differently, this one declines instead of guessing.
// Every value it accepts is read whole (strings through get_string, which checks their escapes), so
// nothing in an accepted reply goes unvalidated.
#include "providers/openai_fast_embeddings.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "providers/openai_compatible.hpp"
#include "util/json_parse.hpp"
#include "util/ondemand_parser.hpp"

namespace llmgate::inline v1::detail {
namespace {

namespace od = simdjson::ondemand;

bool ok(simdjson::error_code e) { return e == simdjson::SUCCESS; }

// A string value, read whole (escapes checked).
bool read_string(od::value v, std::string& out) {
    std::string_view s;
    if (!ok(v.get_string().get(s))) return false;
    out.assign(s);
    return true;
}

// One data item: {object, index, embedding:[numbers]}.
bool read_item(od::value v, int position, std::pair<std::int64_t, std::vector<double>>& out) {
    od::object item;
    if (!ok(v.get_object().get(item))) return false;
    bool seen_object = false, seen_index = false, seen_embedding = false;
    out.first = position;
    for (auto field : item) {
        std::string_view key;
        od::value value;
        if (!ok(field.unescaped_key().get(key)) || !ok(field.value().get(value))) return false;
        if (key == "object") {
            std::string ignored;
            if (seen_object || !read_string(value, ignored)) return false;
            seen_object = true;
        } else if (key == "index") {
            if (seen_index) return false;
            seen_index = true;
            bool is_null = false;
            if (ok(value.is_null().get(is_null)) && is_null) continue;  // null: the position, as json_index
            std::int64_t index = 0;
            if (!ok(value.get_int64().get(index)) || index < 0 || index > std::numeric_limits<int>::max())
                return false;
            out.first = index;
        } else if (key == "embedding") {
            od::array numbers;
            if (seen_embedding || !ok(value.get_array().get(numbers))) return false;  // base64: the full path
            seen_embedding = true;
            for (auto element : numbers) {
                od::value number;
                double d = 0;
                if (!ok(element.get(number))) return false;
                // Read from the token: simdjson 3.0.1's On-Demand number readers misread long mantissas
                // (json_parse.hpp); from_chars gives strtod's value, as nlohmann's.
                const std::string_view token = number.raw_json_token();
                if (!is_json_number(token) || !read_double(token, d)) return false;
                out.second.push_back(d);
            }
        } else {
            return false;
        }
    }
    return seen_embedding;
}

}  // namespace

std::optional<EmbeddingResponse> openai_parse_embeddings_fast(const std::string& provider, const std::string& body) {
    if (body.capacity() - body.size() < simdjson::SIMDJSON_PADDING) return std::nullopt;
    OnDemandParser parser(body.size());
    if (!parser) return std::nullopt;
    od::document doc;
    if (!ok(parser.get().iterate(simdjson::padded_string_view(body.data(), body.size(), body.capacity())).get(doc)))
        return std::nullopt;
    od::object top;
    if (!ok(doc.get_object().get(top))) return std::nullopt;

    EmbeddingResponse r;
    r.provider = provider;
    std::vector<std::pair<std::int64_t, std::vector<double>>> indexed;
    bool seen_object = false, seen_data = false, seen_model = false, seen_usage = false;
    for (auto field : top) {
        std::string_view key;
        od::value value;
        if (!ok(field.unescaped_key().get(key)) || !ok(field.value().get(value))) return std::nullopt;
        if (key == "object") {
            std::string ignored;
            if (seen_object || !read_string(value, ignored)) return std::nullopt;
            seen_object = true;
        } else if (key == "model") {
            if (seen_model || !read_string(value, r.model)) return std::nullopt;
            seen_model = true;
        } else if (key == "data") {
            od::array items;
            if (seen_data || !ok(value.get_array().get(items))) return std::nullopt;
            seen_data = true;
            for (auto element : items) {
                od::value item;
                if (!ok(element.get(item))) return std::nullopt;
                std::pair<std::int64_t, std::vector<double>> one;
                if (!read_item(item, static_cast<int>(indexed.size()), one)) return std::nullopt;
                indexed.push_back(std::move(one));
            }
        } else if (key == "usage") {
            od::object usage_object;
            std::string_view text;
            if (seen_usage || !ok(value.get_object().get(usage_object)) || !ok(usage_object.raw_json().get(text)))
                return std::nullopt;
            seen_usage = true;
            const nlohmann::json usage = nlohmann::json::parse(text, nullptr, false);
            if (!usage.is_object()) return std::nullopt;
            try {
                r.usage = openai_parse_usage(usage);
            } catch (const nlohmann::json::exception&) {
                return std::nullopt;  // a count that is not a number: the full mapper reports it
            }
        } else {
            return std::nullopt;  // "error" and anything unknown: the full mapper decides
        }
    }
    // Nothing but whitespace may follow the reply ("past the end" is the good answer here).
    const char* rest = nullptr;
    if (!seen_data || ok(doc.current_location().get(rest))) return std::nullopt;

    std::stable_sort(indexed.begin(), indexed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    r.embeddings.reserve(indexed.size());
    for (auto& [index, v] : indexed) r.embeddings.push_back(std::move(v));
    return r;
}

}  // namespace llmgate::inline v1::detail
