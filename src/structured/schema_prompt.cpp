// Puts the schema and the "reply with JSON only" instruction into the system message.
#include "structured/schema_prompt.hpp"

namespace llmgate::inline v1::detail {

std::string schema_instructions(const ResponseFormat& format) {
    std::string out =
        "Respond with a single JSON value that conforms to the JSON Schema below. Output only the JSON: no "
        "explanations, no Markdown, no code fences.";
    if (!format.description.empty()) out += "\nWhat the JSON describes: " + format.description;
    out += "\nJSON Schema";
    if (!format.name.empty()) out += " (" + format.name + ")";
    out += ":\n";
    out += format.schema.dump(2, ' ', false, json::error_handler_t::replace);
    return out;
}

std::vector<Message> with_schema_instructions(std::vector<Message> messages, const ResponseFormat& format) {
    const std::string text = schema_instructions(format);
    if (!messages.empty() && (messages.front().role == "system" || messages.front().role == "developer")) {
        Message& sys = messages.front();
        if (auto* s = std::get_if<std::string>(&sys.content)) {
            *s += s->empty() ? text : "\n\n" + text;
        } else {
            std::get<std::vector<ContentPart>>(sys.content).push_back(ContentPart::text_part(text));
        }
        return messages;
    }
    messages.insert(messages.begin(), Message::system(text));
    return messages;
}

}  // namespace llmgate::detail
