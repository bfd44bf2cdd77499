// Prompt templates: reusable conversations with {{name}} variables, rendered to messages.
//
//   llmgate::PromptTemplate ask({{"system", "You answer in {{language}}."},
//                                {"user", "Summarise: {{text}}"}});
//   auto messages = ask.render({{"language", "French"}, {"text", article}});   // std::vector<Message>
//   auto french = ask.partial({{"language", "French"}});                      // still needs {{text}}
//   auto r = llmgate::completion("gpt-4o-mini", french.render({{"text", article}}));
//
// Values come from a json object, a std::map<std::string, std::string>, or an LLMGATE_STRUCT (all three
// convert to json): a string is inserted as is, anything else as its JSON. A variable with no value and a
// value no variable uses are both PromptTemplateError, so a typo never sends a prompt with a hole in it.
// `\{{` writes a literal `{{`. See docs/prompts.md for the file formats.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "llmgate/errors.hpp"
#include "llmgate/types.hpp"

namespace llmgate::inline v1 {

// A template that cannot be parsed, or values that do not fit it. `missing()` lists variables left
// without a value, `unused()` values that no variable takes.
class PromptTemplateError : public InvalidRequestError {
public:
    PromptTemplateError(ErrorInfo info, std::vector<std::string> missing, std::vector<std::string> unused)
        : InvalidRequestError(std::move(info)), missing_(std::move(missing)), unused_(std::move(unused)) {}
    const std::vector<std::string>& missing() const noexcept { return missing_; }
    const std::vector<std::string>& unused() const noexcept { return unused_; }
    const char* type_name() const noexcept override { return "PromptTemplateError"; }

private:
    std::vector<std::string> missing_;
    std::vector<std::string> unused_;
};

// One message of a template: its role and its text with {{variables}}.
struct MessageTemplate {
    std::string role{};
    std::string text{};
};

class PromptTemplate {
public:
    PromptTemplate() = default;
    // Throws PromptTemplateError for an unknown role, an unclosed `{{` or a bad variable name.
    explicit PromptTemplate(std::vector<MessageTemplate> messages);
    PromptTemplate(std::initializer_list<MessageTemplate> messages)  // NOLINT(google-explicit-constructor)
        : PromptTemplate(std::vector<MessageTemplate>(messages)) {}

    // [{"role": "...", "content": "..."}, ...] or {"messages": [...]}.
    static PromptTemplate from_json(const json& j);
    // The text format: a line `### <role>` starts each message; see docs/prompts.md.
    static PromptTemplate from_text(std::string_view text);
    // A .json file as from_json, anything else as from_text. Throws PromptTemplateError (unreadable file too).
    static PromptTemplate from_file(const std::string& path);

    // Every variable still to fill, in order of first appearance.
    const std::vector<std::string>& variables() const noexcept { return variables_; }
    // The messages with every variable filled. Throws PromptTemplateError naming the missing and unused ones.
    std::vector<Message> render(const json& values = json::object()) const;
    // A template with some variables filled (the rest stay). Values no variable takes are an error here too.
    PromptTemplate partial(const json& values) const;
    // The template back in the text format (variables as {{name}}, literal braces escaped).
    std::string to_text() const;

private:
    struct Segment {
        std::string text;  // literal text, or the variable's name
        bool variable = false;
    };
    struct Part {
        std::string role;
        std::vector<Segment> segments;
    };
    void collect_variables();

    std::vector<Part> parts_{};
    std::vector<std::string> variables_{};
};

}  // namespace llmgate::inline v1
