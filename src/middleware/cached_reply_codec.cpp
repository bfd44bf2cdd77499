// Cached replies to and from compact JSON. The version prefix means a later format is a miss here, never
// a reply misread.
#include "middleware/cached_reply_codec.hpp"

#include "util/json_numbers.hpp"

namespace llmgate::inline v1::detail {
namespace {

constexpr std::string_view kPrefix = "llmgate-cache/1\n";

json usage_json(const Usage& u) {
    return json{{"p", u.prompt_tokens},         {"c", u.completion_tokens},     {"t", u.total_tokens},
                {"ca", u.cached_tokens},        {"cc", u.cache_creation_tokens}, {"r", u.reasoning_tokens}};
}

// Read as any untrusted count is (json_count): a value past int64 or a huge float is clamped, not converted
// with undefined behaviour (the fuzzer found 9223372036854775808.0 here); a non-number is a miss.
Usage usage_from(const json& j) {
    if (!j.is_object()) throw json::type_error::create(302, "usage must be an object", nullptr);
    Usage u;
    u.prompt_tokens = json_count(j, "p");
    u.completion_tokens = json_count(j, "c");
    u.total_tokens = json_count(j, "t");
    u.cached_tokens = json_count(j, "ca");
    u.cache_creation_tokens = json_count(j, "cc");
    u.reasoning_tokens = json_count(j, "r");
    return u;
}

json completion_json(const CompletionResponse& r) {
    json choices = json::array();
    for (const auto& c : r.choices) {
        json m = message_to_json(c.message);
        if (!c.message.reasoning.empty()) m["reasoning"] = c.message.reasoning;
        if (!c.message.provider_data.is_null()) m["provider_data"] = c.message.provider_data;
        choices.push_back(json{{"i", c.index}, {"m", std::move(m)}, {"f", c.finish_reason}});
    }
    return json{{"k", "completion"},
                {"id", r.id},
                {"model", r.model},
                {"provider", r.provider},
                {"choices", std::move(choices)},
                {"usage", usage_json(r.usage)},
                {"finish", r.finish_reason},
                {"raw", r.raw.get()},
                {"fallback", r.fallback_attempts},
                {"parsed", r.parsed_json},
                {"strategy", r.structured_strategy}};
}

json embedding_json(const EmbeddingResponse& r) {
    return json{{"k", "embedding"},
                {"model", r.model},
                {"provider", r.provider},
                {"embeddings", r.embeddings},
                {"usage", usage_json(r.usage)},
                {"raw", r.raw.get()}};
}

CompletionResponse completion_from(const json& j) {
    CompletionResponse r;
    r.id = j.at("id").get<std::string>();
    r.model = j.at("model").get<std::string>();
    r.provider = j.at("provider").get<std::string>();
    for (const auto& c : j.at("choices")) {
        Choice choice;
        choice.index = json_index(c, "i", 0);
        choice.message = message_from_json(c.at("m"));
        choice.finish_reason = c.at("f").get<std::string>();
        r.choices.push_back(std::move(choice));
    }
    r.usage = usage_from(j.at("usage"));
    r.finish_reason = j.at("finish").get<std::string>();
    r.raw = j.at("raw");
    r.fallback_attempts = j.at("fallback").get<std::vector<std::string>>();
    r.parsed_json = j.at("parsed");
    r.structured_strategy = j.at("strategy").get<std::string>();
    return r;
}

EmbeddingResponse embedding_from(const json& j) {
    EmbeddingResponse r;
    r.model = j.at("model").get<std::string>();
    r.provider = j.at("provider").get<std::string>();
    r.embeddings = j.at("embeddings").get<std::vector<std::vector<double>>>();
    r.usage = usage_from(j.at("usage"));
    r.raw = j.at("raw");
    return r;
}

}  // namespace

std::string encode_cached_reply(const CachedReply& reply) {
    const json j = std::visit(
        [](const auto& r) -> json {
            if constexpr (std::is_same_v<std::decay_t<decltype(r)>, CompletionResponse>)
                return completion_json(r);
            else
                return embedding_json(r);
        },
        reply);
    return std::string(kPrefix) + j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<CachedReply> decode_cached_reply(std::string_view bytes) {
    if (bytes.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
    bytes.remove_prefix(kPrefix.size());
    const json j = json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    try {
        const std::string kind = j.at("k").get<std::string>();
        if (kind == "completion") return CachedReply(completion_from(j));
        if (kind == "embedding") return CachedReply(embedding_from(j));
    } catch (const std::exception&) {
        // A field of the wrong type or missing (json's type_error / out_of_range, a bad message): a miss.
    }
    return std::nullopt;
}

}  // namespace llmgate::inline v1::detail
