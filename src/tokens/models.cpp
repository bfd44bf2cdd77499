// Which encoding a model's tokenizer uses, by model family (tiktoken's encoding_for_model table).
#include <array>
#include <string>

#include "llmgate/errors.hpp"
#include "llmgate/tokens.hpp"

namespace llmgate::inline v1 {
namespace {

struct Family {
    std::string_view prefix;
    std::string_view encoding;
};

// Longer prefixes before the shorter ones they start with ("gpt-4o" before "gpt-4").
constexpr std::array kFamilies{
    Family{"gpt-5", "o200k_base"},       Family{"gpt-4.5", "o200k_base"},     Family{"gpt-4.1", "o200k_base"},
    Family{"gpt-4o", "o200k_base"},      Family{"chatgpt-4o", "o200k_base"},  Family{"gpt-oss", "o200k_base"},
    Family{"o1", "o200k_base"},          Family{"o3", "o200k_base"},          Family{"o4", "o200k_base"},
    Family{"gpt-4", "cl100k_base"},      Family{"gpt-3.5", "cl100k_base"},    Family{"gpt-35", "cl100k_base"},
    Family{"text-embedding-3", "cl100k_base"}, Family{"text-embedding-ada-002", "cl100k_base"},
    Family{"davinci-002", "cl100k_base"},      Family{"babbage-002", "cl100k_base"},
};

// "gpt-4o" names the family of "gpt-4o", "gpt-4o-mini" and "gpt-4o:2024" but not of "gpt-4oo"; "o1" not of "o100".
bool in_family(std::string_view model, std::string_view prefix) {
    if (!model.starts_with(prefix)) return false;
    if (model.size() == prefix.size()) return true;
    const char next = model[prefix.size()];
    return next == '-' || next == '.' || next == ':' || next == '@' || next == '_';
}

}  // namespace

std::string_view encoding_name_for_model(std::string_view model) {
    // "openai/gpt-4o", "azure/gpt-4o", "openrouter/openai/gpt-4o": the model is the last segment;
    // "ft:gpt-4o-mini:org::id" is a fine-tune of its base model.
    std::string name(model.substr(model.rfind('/') == std::string_view::npos ? 0 : model.rfind('/') + 1));
    for (char& c : name)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    std::string_view base = name;
    if (base.starts_with("ft:")) base.remove_prefix(3);
    for (const Family& family : kFamilies)
        if (in_family(base, family.prefix)) return family.encoding;
    throw ModelNotFoundError(ErrorInfo{
        .model = std::string(model),
        .message = "no known tokenizer encoding for model '" + std::string(model) +
                   "' (known families: gpt-5, gpt-4.x, gpt-4o, o1/o3/o4, gpt-oss, gpt-4, gpt-3.5, text-embedding-3, "
                   "text-embedding-ada-002, davinci-002, babbage-002; or name one with llmgate::encoding(\"o200k_base\"))"});
}

const Encoding& encoding_for_model(std::string_view model) { return encoding(encoding_name_for_model(model)); }

}  // namespace llmgate::inline v1
