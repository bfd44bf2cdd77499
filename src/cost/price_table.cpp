// The built-in price table, run-time overrides, and how a model name as a provider returns it finds its
// row. Prices are USD per million tokens, standard (not batch, not priority) tier, text input; checked on
// the date below against each provider's price page (docs/cost.md lists the pages).
#include <fstream>
#include <map>
#include <mutex>
#include <shared_mutex>

#include "llmgate/cost.hpp"
#include "llmgate/errors.hpp"
#include "cost/model_names.hpp"

namespace llmgate::inline v1 {
namespace {

constexpr std::string_view kTableDate = "2026-12-07";

struct Row {
    std::string_view provider;
    std::string_view model;
    ModelPrice price;
};

ModelPrice p(double in, double out, std::optional<double> cached = {}, std::optional<double> write = {}) {
    ModelPrice m;
    m.input = in;
    m.output = out;
    m.cached_input = cached;
    m.cache_write = write;
    return m;
}

// A long-context tier on top of `base`: above `tokens` prompt tokens, the request bills at these rates.
ModelPrice tiered(ModelPrice base, std::int64_t tokens, double in, double out, std::optional<double> cached = {}) {
    base.above_tokens = tokens;
    base.input_above = in;
    base.output_above = out;
    base.cached_input_above = cached;
    return base;
}

const std::vector<Row>& builtin_rows() {
    static const std::vector<Row> rows = [] {
        const ModelPrice sonnet = tiered(p(3.00, 15.00, 0.30, 3.75), 200000, 6.00, 22.50, 0.60);
        const ModelPrice haiku45 = p(1.00, 5.00, 0.10, 1.25);
        const ModelPrice opus4 = p(15.00, 75.00, 1.50, 18.75);
        const ModelPrice opus45 = p(5.00, 25.00, 0.50, 6.25);
        return std::vector<Row>{
            // OpenAI (openai.com/api/pricing). Cached input is the prompt-caching read price.
            {"openai", "gpt-5", p(1.25, 10.00, 0.125)},
            {"openai", "gpt-5.1", p(1.25, 10.00, 0.125)},
            {"openai", "gpt-5-mini", p(0.25, 2.00, 0.025)},
            {"openai", "gpt-5-nano", p(0.05, 0.40, 0.005)},
            {"openai", "gpt-4.1", p(2.00, 8.00, 0.50)},
            {"openai", "gpt-4.1-mini", p(0.40, 1.60, 0.10)},
            {"openai", "gpt-4.1-nano", p(0.10, 0.40, 0.025)},
            {"openai", "gpt-4o", p(2.50, 10.00, 1.25)},
            {"openai", "gpt-4o-mini", p(0.15, 0.60, 0.075)},
            {"openai", "chatgpt-4o-latest", p(5.00, 15.00)},
            {"openai", "gpt-4-turbo", p(10.00, 30.00)},
            {"openai", "gpt-4", p(30.00, 60.00)},
            {"openai", "gpt-3.5-turbo", p(0.50, 1.50)},
            {"openai", "o1", p(15.00, 60.00, 7.50)},
            {"openai", "o3", p(2.00, 8.00, 0.50)},
            {"openai", "o3-pro", p(20.00, 80.00)},
            {"openai", "o3-mini", p(1.10, 4.40, 0.55)},
            {"openai", "o4-mini", p(1.10, 4.40, 0.275)},
            {"openai", "text-embedding-3-small", p(0.02, 0)},
            {"openai", "text-embedding-3-large", p(0.13, 0)},
            {"openai", "text-embedding-ada-002", p(0.10, 0)},
            // Anthropic (docs.anthropic.com pricing): cache_write is the 5-minute cache write. Sonnet 4/4.5
            // bill a prompt over 200k tokens (1M context) at the long-context rates.
            {"anthropic", "claude-opus-4-5", opus45},
            {"anthropic", "claude-opus-4-1", opus4},
            {"anthropic", "claude-opus-4", opus4},
            {"anthropic", "claude-sonnet-4-5", sonnet},
            {"anthropic", "claude-sonnet-4", sonnet},
            {"anthropic", "claude-3-7-sonnet", p(3.00, 15.00, 0.30, 3.75)},
            {"anthropic", "claude-haiku-4-5", haiku45},
            {"anthropic", "claude-3-5-haiku", p(0.80, 4.00, 0.08, 1.00)},
            {"anthropic", "claude-3-haiku", p(0.25, 1.25, 0.03, 0.30)},
            // Google Gemini API (ai.google.dev/gemini-api/docs/pricing), paid tier, text/image/video input.
            {"gemini", "gemini-3-pro-preview", tiered(p(2.00, 12.00, 0.20), 200000, 4.00, 18.00, 0.40)},
            {"gemini", "gemini-2.5-pro", tiered(p(1.25, 10.00, 0.125), 200000, 2.50, 15.00, 0.25)},
            {"gemini", "gemini-2.5-flash", p(0.30, 2.50, 0.03)},
            {"gemini", "gemini-2.5-flash-lite", p(0.10, 0.40, 0.01)},
            {"gemini", "gemini-2.0-flash", p(0.10, 0.40, 0.025)},
            {"gemini", "gemini-2.0-flash-lite", p(0.075, 0.30)},
            {"gemini", "gemini-embedding-001", p(0.15, 0)},
            // Groq (groq.com/pricing).
            {"groq", "llama-3.1-8b-instant", p(0.05, 0.08)},
            {"groq", "llama-3.3-70b-versatile", p(0.59, 0.79)},
            {"groq", "openai/gpt-oss-120b", p(0.15, 0.60, 0.075)},
            {"groq", "openai/gpt-oss-20b", p(0.075, 0.30, 0.0375)},
            // Mistral (mistral.ai/pricing).
            {"mistral", "mistral-large-latest", p(0.50, 1.50)},
            {"mistral", "mistral-medium-latest", p(0.40, 2.00)},
            {"mistral", "mistral-small-latest", p(0.10, 0.30)},
            {"mistral", "codestral-latest", p(0.30, 0.90)},
            {"mistral", "open-mistral-nemo", p(0.15, 0.15)},
            {"mistral", "mistral-embed", p(0.10, 0)},
            // Cohere (cohere.com/pricing).
            {"cohere", "command-a-03-2025", p(2.50, 10.00)},
            {"cohere", "command-r-plus-08-2024", p(2.50, 10.00)},
            {"cohere", "command-r-08-2024", p(0.15, 0.60)},
            {"cohere", "command-r7b-12-2024", p(0.0375, 0.15)},
            {"cohere", "embed-english-v3.0", p(0.10, 0)},
            {"cohere", "embed-multilingual-v3.0", p(0.10, 0)},
            {"cohere", "embed-v4.0", p(0.12, 0)},
            // AWS Bedrock on-demand, US regions (aws.amazon.com/bedrock/pricing). Model ids without version
            // suffix and region prefix; Anthropic models at Anthropic's list prices.
            {"bedrock", "anthropic.claude-opus-4-5", opus45},
            {"bedrock", "anthropic.claude-opus-4-1", opus4},
            {"bedrock", "anthropic.claude-sonnet-4-5", sonnet},
            {"bedrock", "anthropic.claude-sonnet-4", sonnet},
            {"bedrock", "anthropic.claude-3-7-sonnet", p(3.00, 15.00, 0.30, 3.75)},
            {"bedrock", "anthropic.claude-3-5-sonnet", p(3.00, 15.00)},
            {"bedrock", "anthropic.claude-haiku-4-5", haiku45},
            {"bedrock", "anthropic.claude-3-5-haiku", p(0.80, 4.00, 0.08, 1.00)},
            {"bedrock", "amazon.nova-pro", p(0.80, 3.20, 0.20)},
            {"bedrock", "amazon.nova-lite", p(0.06, 0.24, 0.015)},
            {"bedrock", "amazon.nova-micro", p(0.035, 0.14, 0.00875)},
            {"bedrock", "amazon.titan-embed-text-v2", p(0.02, 0)},
            {"bedrock", "cohere.embed-english-v3", p(0.10, 0)},
            {"bedrock", "cohere.embed-multilingual-v3", p(0.10, 0)},
            // Offline: the mock costs nothing (its usage counts words).
            {"mock", "*", p(0, 0)},
        };
    }();
    return rows;
}

struct Overrides {
    std::shared_mutex mutex;
    std::map<std::string, ModelPrice, std::less<>> by_key;  // "provider/model" or "/model" (any provider)
};

Overrides& overrides() {
    static Overrides o;
    return o;
}

std::optional<ModelPrice> find_row(std::string_view provider, std::string_view name) {
    {
        Overrides& o = overrides();
        std::shared_lock lock(o.mutex);
        for (const std::string& key : {std::string(provider) + "/" + std::string(name), "/" + std::string(name)})
            if (auto it = o.by_key.find(key); it != o.by_key.end()) return it->second;
    }
    for (const Row& row : builtin_rows())
        if (row.provider == provider && (row.model == name || row.model == "*")) return row.price;
    return std::nullopt;
}

double number_field(const json& entry, const char* key, const std::string& where) {
    const auto it = entry.find(key);
    if (it == entry.end() || !it->is_number() || it->get<double>() < 0)
        throw InvalidRequestError(ErrorInfo{.message = "prices: \"" + where + "\" needs a non-negative number \"" +
                                                       key + "\" (USD per million tokens)"});
    return it->get<double>();
}

std::optional<double> optional_field(const json& entry, const char* key, const std::string& where) {
    if (!entry.contains(key)) return std::nullopt;
    return number_field(entry, key, where);
}

}  // namespace

std::optional<ModelPrice> price_of(std::string_view provider, std::string_view model) {
    const auto keys = detail::table_keys(provider, model);
    for (const auto& [prov, name] : keys)
        if (auto price = find_row(prov, name)) return price;
    // Ollama runs on the user's machine: no per-token price, unless one was set.
    if (!keys.empty() && keys.front().first == "ollama") return ModelPrice{};
    return std::nullopt;
}

void set_price(std::string_view provider, std::string_view model, ModelPrice price) {
    Overrides& o = overrides();
    std::unique_lock lock(o.mutex);
    o.by_key[std::string(provider) + "/" + std::string(model)] = price;
}

void load_prices(const json& prices) {
    if (!prices.is_object())
        throw InvalidRequestError(ErrorInfo{.message = "prices: expected a JSON object of model → prices"});
    std::map<std::string, ModelPrice> parsed;
    for (const auto& [key, entry] : prices.items()) {
        if (!entry.is_object())
            throw InvalidRequestError(ErrorInfo{.message = "prices: \"" + key + "\" must be an object"});
        ModelPrice m;
        m.input = number_field(entry, "input", key);
        m.output = entry.contains("output") ? number_field(entry, "output", key) : 0;
        m.cached_input = optional_field(entry, "cached_input", key);
        m.cache_write = optional_field(entry, "cache_write", key);
        m.reasoning = optional_field(entry, "reasoning", key);
        if (entry.contains("above_tokens")) m.above_tokens = static_cast<std::int64_t>(number_field(entry, "above_tokens", key));
        m.input_above = optional_field(entry, "input_above", key);
        m.output_above = optional_field(entry, "output_above", key);
        m.cached_input_above = optional_field(entry, "cached_input_above", key);
        const auto [provider, bare] = detail::split_known_provider(key);  // no provider prefix: any provider
        parsed[provider + "/" + bare] = m;
    }
    Overrides& o = overrides();
    std::unique_lock lock(o.mutex);
    for (auto& [k, v] : parsed) o.by_key[k] = v;
}

void load_prices_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw InvalidRequestError(ErrorInfo{.message = "prices: cannot read '" + path + "'"});
    const json prices = json::parse(file, nullptr, false);
    if (prices.is_discarded()) throw InvalidRequestError(ErrorInfo{.message = "prices: '" + path + "' is not JSON"});
    load_prices(prices);
}

void clear_price_overrides() {
    Overrides& o = overrides();
    std::unique_lock lock(o.mutex);
    o.by_key.clear();
}

std::string_view price_table_date() { return kTableDate; }

}  // namespace llmgate::inline v1
