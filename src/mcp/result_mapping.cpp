// MCP tool listings and results in llmgate's terms: a Tool definition, and the ToolOutput a model sees.
#include <string>

#include "llmgate/mcp.hpp"

namespace llmgate::inline v1::mcp {

namespace {
std::string str(const json& block, const char* key) {
    auto it = block.find(key);
    return it != block.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A block that is not text, told in a line: the model learns what was there without the bytes.
std::string describe(const json& block) {
    const std::string type = str(block, "type");
    if (type == "image" || type == "audio")
        return "[" + type + ": " + str(block, "mimeType") + ", " + std::to_string(str(block, "data").size()) + " bytes base64]";
    if (type == "resource_link") {
        std::string s = "[resource link: " + str(block, "uri");
        if (auto name = str(block, "name"); !name.empty()) s += " (" + name + ")";
        if (auto d = str(block, "description"); !d.empty()) s += ": " + d;
        return s + "]";
    }
    if (type == "resource" && block.contains("resource") && block["resource"].is_object()) {
        const json& r = block["resource"];
        if (r.contains("text") && r["text"].is_string()) return "[resource: " + str(r, "uri") + "]\n" + r["text"].get<std::string>();
        return "[resource: " + str(r, "uri") + ", " + str(r, "mimeType") + ", " + std::to_string(str(r, "blob").size()) +
               " bytes base64]";
    }
    return "[" + (type.empty() ? std::string("unknown") : type) + " content]";
}
}  // namespace

Tool ToolInfo::definition() const {
    Tool t;
    t.name = name;
    t.description = description.empty() ? title : description;
    if (input_schema.is_object()) {
        t.parameters = input_schema;
        t.parameters.erase("$schema");  // some providers refuse the draft URI in a tool's parameters
        if (!t.parameters.contains("type")) t.parameters["type"] = "object";
    }
    return t;
}

std::string CallToolResult::text() const {
    std::string out;
    for (const auto& block : content) {
        if (!block.is_object() || str(block, "type") != "text") continue;
        if (!out.empty()) out += "\n";
        out += str(block, "text");
    }
    return out;
}

ToolOutput CallToolResult::to_output() const {
    ToolOutput out;
    out.is_error = is_error;
    bool has_text = false, has_other = false;
    for (const auto& block : content) {
        if (!block.is_object()) continue;
        const bool is_text = str(block, "type") == "text";
        if (!out.content.empty()) out.content += "\n";
        out.content += is_text ? str(block, "text") : describe(block);
        has_text = has_text || is_text;
        has_other = has_other || !is_text;
    }
    if (!structured_content.is_null()) {
        out.value = structured_content;
        if (!has_text) out.content = structured_content.dump() + (out.content.empty() ? "" : "\n" + out.content);
    } else if (has_other) {
        out.value = json{{"content", content}};  // the images / resources themselves, for the caller
    }
    return out;
}

}  // namespace llmgate::inline v1::mcp
