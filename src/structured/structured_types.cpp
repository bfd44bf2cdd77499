// The non-template half of llmgate/structured.hpp: schema building and the errors of conversion.
#include <algorithm>

#include "core/chain.hpp"
#include "llmgate/structured.hpp"

namespace llmgate::inline v1::detail {

std::optional<json> SchemaBuilder::enter(std::string_view type_name) {
    const auto on_stack = std::find(stack_.begin(), stack_.end(), type_name);
    if (on_stack != stack_.end()) {
        // A struct that contains itself (through a vector or optional): refer to it instead of
        // expanding it again. The root is "#"; any other struct goes to $defs when it is finished.
        if (on_stack == stack_.begin()) return json{{"$ref", "#"}};
        if (std::find(recursive_.begin(), recursive_.end(), type_name) == recursive_.end())
            recursive_.emplace_back(type_name);
        return json{{"$ref", "#/$defs/" + std::string(type_name)}};
    }
    stack_.emplace_back(type_name);
    return std::nullopt;
}

json SchemaBuilder::leave(std::string_view type_name, json properties, std::vector<std::string> required,
                          const FieldDescriptions* descriptions) {
    json schema{{"type", "object"},
                {"properties", std::move(properties)},
                {"required", std::move(required)},
                // Strict modes (OpenAI, Azure) require additionalProperties false on every object.
                {"additionalProperties", false}};
    if (descriptions) {
        for (const auto& [field, text] : *descriptions) {
            if (field.empty()) {  // {"", "..."} describes the struct itself
                schema["description"] = std::string(text);
                continue;
            }
            auto& props = schema["properties"];
            const auto it = props.find(std::string(field));
            if (it == props.end())
                throw std::invalid_argument("LLMGATE_DESCRIBE(" + std::string(type_name) + "): no field named '" +
                                            std::string(field) + "'");
            (*it)["description"] = std::string(text);
        }
    }
    if (!stack_.empty()) stack_.pop_back();
    const auto rec = std::find(recursive_.begin(), recursive_.end(), type_name);
    if (rec != recursive_.end()) {
        recursive_.erase(rec);
        defs_[std::string(type_name)] = std::move(schema);
        return json{{"$ref", "#/$defs/" + std::string(type_name)}};
    }
    return schema;
}

json SchemaBuilder::finish(json root) {
    if (!defs_.empty() && root.is_object()) root["$defs"] = std::move(defs_);
    defs_ = json::object();
    return root;
}

json SchemaBuilder::nullable(json schema) {
    // ["string", "null"] where the schema is one simple type (the form strict modes document);
    // anyOf for objects, arrays and references.
    if (schema.is_object() && schema.size() >= 1 && !schema.contains("$ref")) {
        const auto type = schema.find("type");
        if (type != schema.end() && type->is_string() && *type != "object" && *type != "array") {
            *type = json::array({*type, "null"});
            if (const auto e = schema.find("enum"); e != schema.end() && e->is_array()) e->push_back(nullptr);
            return schema;
        }
        if (type != schema.end() && type->is_array()) {
            if (std::find(type->begin(), type->end(), json("null")) == type->end()) type->push_back("null");
            return schema;
        }
    }
    if (schema.is_object() && schema.empty()) return schema;  // any value already includes null
    return json{{"anyOf", json::array({std::move(schema), json{{"type", "null"}}})}};
}

json SchemaBuilder::array_of(json items) { return json{{"type", "array"}, {"items", std::move(items)}}; }

json SchemaBuilder::scalar(const char* type) { return json{{"type", type}}; }

json SchemaBuilder::enum_of(const std::vector<std::string_view>& names) {
    json values = json::array();
    for (auto n : names) values.push_back(std::string(n));
    return json{{"type", "string"}, {"enum", std::move(values)}};
}

void throw_enum_error(std::string_view type_name, const json& value) {
    std::string shown = value.dump();
    if (shown.size() > 80) shown = shown.substr(0, 77) + "...";
    throw std::invalid_argument(std::string(type_name) + ": " + shown + " is not one of its values");
}

void throw_missing_field(std::string_view field) {
    throw std::invalid_argument("required field '" + std::string(field) + "' is missing");
}

namespace {
ErrorInfo info_of(const CompletionResponse& r, std::string message) {
    return ErrorInfo{.provider = r.provider, .model = r.model, .message = std::move(message)};
}
}  // namespace

void throw_not_structured(const CompletionResponse& r) {
    if (!r.tool_calls().empty())
        throw StructuredOutputError(info_of(r, "no structured reply: the model called tools instead of answering"),
                                    r.text(), {"$: the reply is a tool call, not the structured answer"});
    throw StructuredOutputError(info_of(r, "no structured reply: the call had no response_format"), r.text(),
                                {"no response_format was set for this call"});
}

void throw_conversion_failed(const CompletionResponse& r, const char* what) {
    throw StructuredOutputError(info_of(r, "the structured reply does not convert to the requested type"), r.text(),
                                {std::string("$: ") + what});
}

}  // namespace llmgate::detail
