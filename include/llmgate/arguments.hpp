// The vocabulary types of every call: which model(s), which messages, which embedding inputs. Each
// converts from every form a caller writes, so each call form is declared once:
//   completion("gpt-4o-mini", {Message::user("Hi")})
//   completion("gpt-4o-mini", {{{"role", "user"}, {"content", "Hi"}}})     // Python-shaped dict literals
//   completion({"gpt-4o-mini", "groq/llama-3.1-8b-instant"}, messages_json)  // a fallback chain
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "llmgate/types.hpp"

namespace llmgate::inline v1 {

// One model string, or a fallback chain tried in order (a list, even of one model, is a chain: the
// reply lists the models that failed in fallback_attempts, and all failing raises
// AllProvidersFailedError). Empty means "no model given" (LLMGate then uses its fallback_chain).
class Models {
public:
    Models() = default;
    Models(std::string model) : one_(std::move(model)) {}  // NOLINT(google-explicit-constructor)
    Models(const char* model) : one_(model) {}             // NOLINT(google-explicit-constructor)
    Models(std::string_view model) : one_(model) {}        // NOLINT(google-explicit-constructor)
    Models(std::vector<std::string> chain) : chain_(std::move(chain)), is_chain_(true) {}  // NOLINT
    // A braced list of names: without this, {"a", "b"} would also match std::string's (first, last)
    // constructor.
    Models(std::initializer_list<std::string> chain) : chain_(chain), is_chain_(true) {}  // NOLINT

    // True when given as a list (a fallback chain), false for one model string.
    bool is_chain() const noexcept { return is_chain_; }
    // The one model ("" when none was given); for a chain, its first model.
    const std::string& first() const noexcept {
        static const std::string none;
        return !is_chain_ ? one_ : chain_.empty() ? none : chain_.front();
    }
    // The models of a chain in the order they are tried (empty for one model string).
    const std::vector<std::string>& chain() const noexcept { return chain_; }
    // The one model, moved out (not for a chain).
    std::string take_first() && { return is_chain_ ? first() : std::move(one_); }

private:
    std::string one_{};
    std::vector<std::string> chain_{};
    bool is_chain_ = false;
};

// The conversation: typed Messages, or messages in the OpenAI dict shape (a json array, or a braced list
// of dict literals as Python writes them). Dict-shaped messages are converted when the call starts, so a
// malformed one fails the call (InvalidRequestError) the way the call reports every error: thrown by a
// blocking call, held by an async call's future, handed to a callback on the event loop.
class Messages {
public:
    Messages() = default;
    Messages(std::vector<Message> messages) : value_(std::move(messages)) {}                       // NOLINT
    Messages(std::initializer_list<Message> messages) : value_(std::vector<Message>(messages)) {}  // NOLINT
    Messages(json messages) : value_(std::move(messages)) {}  // NOLINT(google-explicit-constructor)
    // {{{"role", "user"}, {"content", "Hi"}}}: each element one message in the OpenAI dict shape.
    Messages(std::initializer_list<json> messages) : value_(json(messages)) {}  // NOLINT

    // The typed messages; converts the dict shape (InvalidRequestError when it is malformed).
    std::vector<Message> take() &&;

private:
    std::variant<std::vector<Message>, json> value_{};
};

// The texts to embed: one string (sent as a string, as the official SDKs do) or a list.
class EmbedInputs {
public:
    EmbedInputs() = default;
    EmbedInputs(std::string input) : inputs_{std::move(input)}, single_(true) {}         // NOLINT
    EmbedInputs(const char* input) : inputs_{std::string(input)}, single_(true) {}       // NOLINT
    EmbedInputs(std::string_view input) : inputs_{std::string(input)}, single_(true) {}  // NOLINT
    EmbedInputs(std::vector<std::string> inputs) : inputs_(std::move(inputs)) {}         // NOLINT
    EmbedInputs(std::initializer_list<std::string> inputs) : inputs_(inputs) {}          // NOLINT

    const std::vector<std::string>& list() const noexcept { return inputs_; }
    std::vector<std::string> take() && { return std::move(inputs_); }
    // True when one string was given rather than a list.
    bool single() const noexcept { return single_; }

private:
    std::vector<std::string> inputs_{};
    bool single_ = false;
};

}  // namespace llmgate::inline v1
