// MCP resources and prompts: listing, reading and filling them in, and a prompt's messages as llmgate messages.
// Shapes from the MCP schema (2025-11-25, unchanged in what is read here since 2025-03-26): Resource,
// ResourceTemplate, TextResourceContents / BlobResourceContents, Prompt, PromptArgument, PromptMessage.
#include <string>

#include "llmgate/errors.hpp"
#include "mcp/session.hpp"
#include "util/base64.hpp"

namespace llmgate::inline v1::mcp {

namespace {

ErrorInfo info(std::string message) { return ErrorInfo{.provider = "mcp", .message = std::move(message)}; }

std::string str(const json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A field the item cannot do without: ResponseParseError naming the method when it is missing or not a string.
std::string required(const json& object, const char* key, const char* method) {
    auto it = object.find(key);
    if (it == object.end() || !it->is_string())
        throw ResponseParseError(info(std::string("MCP ") + method + ": an item without a string \"" + key + "\""));
    return it->get<std::string>();
}

Client::Impl& live(const std::shared_ptr<Client::Impl>& impl) {
    if (!impl) throw ConnectionError(info("MCP client was moved from"));
    return *impl;
}

ResourceContents read_contents(json item) {
    if (!item.is_object()) throw ResponseParseError(info("MCP resources/read: an item of contents is not an object"));
    ResourceContents c;
    c.uri = required(item, "uri", "resources/read");
    c.mime_type = str(item, "mimeType");
    if (auto text = item.find("text"); text != item.end() && text->is_string())
        c.text = text->get<std::string>();
    else if (auto blob = item.find("blob"); blob != item.end() && blob->is_string())
        c.blob = blob->get<std::string>();
    else
        throw ResponseParseError(info("MCP resources/read: contents of " + c.uri + " have neither text nor blob"));
    c.raw = std::move(item);
    return c;
}

// One content block of a prompt message as a content part: text, an image, or a line telling what was there.
ContentPart to_part(const json& block) {
    const std::string type = str(block, "type");
    if (type == "text") return ContentPart::text_part(str(block, "text"));
    if (type == "image" && !str(block, "data").empty())
        return ContentPart::image_from_bytes(str(block, "data"), str(block, "mimeType"));
    if (type == "resource" && block.contains("resource") && block["resource"].is_object()) {
        const json& r = block["resource"];
        if (r.contains("text") && r["text"].is_string())
            return ContentPart::text_part("[resource: " + str(r, "uri") + "]\n" + r["text"].get<std::string>());
    }
    // Audio, binary resources and links: the model learns what was there, as in a tool result.
    CallToolResult described;
    described.content = json::array({block});
    return ContentPart::text_part(described.to_output().content);
}

}  // namespace

std::string ResourceContents::bytes() const {
    if (text) return *text;
    auto decoded = llmgate::detail::base64_decode(blob);
    if (!decoded) throw InvalidRequestError(info("MCP resource " + uri + ": its blob is not base64"));
    return std::move(*decoded);
}

std::vector<Message> GetPromptResult::to_messages() const {
    std::vector<Message> out;
    for (const auto& m : messages) {
        ContentPart part = to_part(m.content);
        Message message{.role = m.role};
        if (part.type == "text")
            message.content = std::move(part.text);
        else
            message.content = std::vector<ContentPart>{std::move(part)};
        out.push_back(std::move(message));
    }
    return out;
}

std::vector<ResourceInfo> Client::list_resources(const CallOptions& options) {
    std::vector<ResourceInfo> out;
    for (auto& r : live(impl_).list_pages("resources/list", "resources", options)) {
        ResourceInfo info;
        info.uri = required(r, "uri", "resources/list");
        info.name = str(r, "name");
        info.title = str(r, "title");
        info.description = str(r, "description");
        info.mime_type = str(r, "mimeType");
        if (auto size = r.find("size"); size != r.end() && size->is_number_integer()) info.size = size->get<std::int64_t>();
        if (r.contains("annotations")) info.annotations = r["annotations"];
        info.raw = std::move(r);
        out.push_back(std::move(info));
    }
    return out;
}

std::vector<ResourceTemplateInfo> Client::list_resource_templates(const CallOptions& options) {
    std::vector<ResourceTemplateInfo> out;
    for (auto& t : live(impl_).list_pages("resources/templates/list", "resourceTemplates", options)) {
        ResourceTemplateInfo info;
        info.uri_template = required(t, "uriTemplate", "resources/templates/list");
        info.name = str(t, "name");
        info.title = str(t, "title");
        info.description = str(t, "description");
        info.mime_type = str(t, "mimeType");
        if (t.contains("annotations")) info.annotations = t["annotations"];
        info.raw = std::move(t);
        out.push_back(std::move(info));
    }
    return out;
}

std::vector<ResourceContents> Client::read_resource(const std::string& uri, const CallOptions& options) {
    auto& impl = live(impl_);
    json result = impl.request("resources/read", json{{"uri", uri}}, options, impl.options().timeout);
    if (!result.is_object() || !result.contains("contents") || !result["contents"].is_array())
        throw ResponseParseError(info("MCP resources/read: the result has no contents array"));
    std::vector<ResourceContents> out;
    for (auto& item : result["contents"]) out.push_back(read_contents(std::move(item)));
    return out;
}

void Client::subscribe_resource(const std::string& uri, const CallOptions& options) {
    auto& impl = live(impl_);
    impl.request("resources/subscribe", json{{"uri", uri}}, options, impl.options().timeout);
}

void Client::unsubscribe_resource(const std::string& uri, const CallOptions& options) {
    auto& impl = live(impl_);
    impl.request("resources/unsubscribe", json{{"uri", uri}}, options, impl.options().timeout);
}

std::vector<PromptInfo> Client::list_prompts(const CallOptions& options) {
    std::vector<PromptInfo> out;
    for (auto& p : live(impl_).list_pages("prompts/list", "prompts", options)) {
        PromptInfo info;
        info.name = required(p, "name", "prompts/list");
        info.title = str(p, "title");
        info.description = str(p, "description");
        if (auto args = p.find("arguments"); args != p.end() && args->is_array()) {
            for (const auto& a : *args) {
                if (!a.is_object()) continue;
                PromptArgument arg{.name = required(a, "name", "prompts/list"),
                                   .title = str(a, "title"),
                                   .description = str(a, "description")};
                if (auto r = a.find("required"); r != a.end() && r->is_boolean()) arg.required = r->get<bool>();
                info.arguments.push_back(std::move(arg));
            }
        }
        info.raw = std::move(p);
        out.push_back(std::move(info));
    }
    return out;
}

GetPromptResult Client::get_prompt(const std::string& name, const std::map<std::string, std::string>& arguments,
                                   const CallOptions& options) {
    auto& impl = live(impl_);
    json params{{"name", name}};
    if (!arguments.empty()) params["arguments"] = arguments;
    json result = impl.request("prompts/get", std::move(params), options, impl.options().timeout);
    if (!result.is_object() || !result.contains("messages") || !result["messages"].is_array())
        throw ResponseParseError(info("MCP prompts/get: the result has no messages array"));
    GetPromptResult out;
    out.description = str(result, "description");
    for (const auto& m : result["messages"]) {
        if (!m.is_object() || !m.contains("content") || !m["content"].is_object())
            throw ResponseParseError(info("MCP prompts/get: a message without a content object"));
        const std::string role = str(m, "role");
        if (role != "user" && role != "assistant")
            throw ResponseParseError(info("MCP prompts/get: a message's role is neither user nor assistant"));
        out.messages.push_back(PromptMessage{.role = role, .content = m["content"]});
    }
    out.raw = std::move(result);
    return out;
}

void Client::set_roots(std::vector<Root> roots) { live(impl_).set_roots(std::move(roots)); }

}  // namespace llmgate::inline v1::mcp
