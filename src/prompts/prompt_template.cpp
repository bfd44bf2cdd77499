// PromptTemplate: parsed once into literal and variable segments, so rendering is a join and partial
// application swaps variables for literals (text a value brings in is never parsed again: a value holding
// "{{x}}" stays that text).
#include "llmgate/prompt_template.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

namespace llmgate::inline v1 {
namespace {

constexpr std::string_view kRoles[] = {"system", "developer", "user", "assistant"};

[[noreturn]] void fail(std::string message, std::vector<std::string> missing = {}, std::vector<std::string> unused = {}) {
    throw PromptTemplateError(ErrorInfo{.message = std::move(message), .error_type = "prompt_template"},
                              std::move(missing), std::move(unused));
}

bool known_role(std::string_view role) {
    return std::find(std::begin(kRoles), std::end(kRoles), role) != std::end(kRoles);
}

bool name_char(char c, bool first) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalpha(u) || c == '_' || (!first && (std::isdigit(u) || c == '.' || c == '-'));
}

std::string value_text(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

std::string trim_message(std::string s) {
    // A message's text in the text format is the lines between headers, without the blank lines around it.
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    std::size_t start = 0;
    while (start < s.size() && (s[start] == '\n' || s[start] == '\r')) ++start;
    return s.substr(start);
}

}  // namespace

PromptTemplate::PromptTemplate(std::vector<MessageTemplate> messages) {
    for (std::size_t m = 0; m < messages.size(); ++m) {
        const MessageTemplate& mt = messages[m];
        if (!known_role(mt.role))
            fail("prompt template: message " + std::to_string(m) + " has role \"" + mt.role +
                 "\"; expected system, developer, user or assistant");
        Part part{.role = mt.role, .segments = {}};
        std::string literal;
        const std::string& t = mt.text;
        for (std::size_t i = 0; i < t.size();) {
            if (t.compare(i, 3, "\\{{") == 0) {  // escaped: a literal "{{"
                literal += "{{";
                i += 3;
                continue;
            }
            if (t.compare(i, 2, "{{") != 0) {
                literal += t[i++];
                continue;
            }
            const std::size_t close = t.find("}}", i + 2);
            if (close == std::string::npos)
                fail("prompt template: message " + std::to_string(m) + " has a \"{{\" with no \"}}\" (write \\{{ for a literal one)");
            std::string_view inner(t.data() + i + 2, close - i - 2);
            while (!inner.empty() && std::isspace(static_cast<unsigned char>(inner.front()))) inner.remove_prefix(1);
            while (!inner.empty() && std::isspace(static_cast<unsigned char>(inner.back()))) inner.remove_suffix(1);
            bool ok = !inner.empty();
            for (std::size_t k = 0; ok && k < inner.size(); ++k) ok = name_char(inner[k], k == 0);
            if (!ok)
                fail("prompt template: message " + std::to_string(m) + " has \"{{" + std::string(t, i + 2, close - i - 2) +
                     "}}\", which is not a variable name (letters, digits, _ . -; write \\{{ for literal braces)");
            if (!literal.empty()) part.segments.push_back(Segment{std::move(literal), false});
            literal.clear();
            part.segments.push_back(Segment{std::string(inner), true});
            i = close + 2;
        }
        if (!literal.empty()) part.segments.push_back(Segment{std::move(literal), false});
        parts_.push_back(std::move(part));
    }
    collect_variables();
}

void PromptTemplate::collect_variables() {
    variables_.clear();
    std::set<std::string, std::less<>> seen;
    for (const Part& p : parts_)
        for (const Segment& s : p.segments)
            if (s.variable && seen.insert(s.text).second) variables_.push_back(s.text);
}

PromptTemplate PromptTemplate::from_json(const json& j) {
    const json& list = j.is_object() && j.contains("messages") ? j["messages"] : j;
    if (!list.is_array()) fail("prompt template: expected a list of {\"role\", \"content\"} messages");
    std::vector<MessageTemplate> messages;
    for (const json& m : list) {
        if (!m.is_object() || !m.contains("role") || !m["role"].is_string() || !m.contains("content") ||
            !m["content"].is_string())
            fail("prompt template: each message needs a string \"role\" and a string \"content\"");
        messages.push_back(MessageTemplate{m["role"].get<std::string>(), m["content"].get<std::string>()});
    }
    return PromptTemplate(std::move(messages));
}

PromptTemplate PromptTemplate::from_text(std::string_view text) {
    std::vector<MessageTemplate> messages;
    std::string current;
    bool in_message = false;
    std::size_t line_no = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        ++line_no;
        std::string_view bare = line;
        if (!bare.empty() && bare.back() == '\r') bare.remove_suffix(1);
        if (bare.rfind("### ", 0) == 0) {
            std::string role(bare.substr(4));
            while (!role.empty() && std::isspace(static_cast<unsigned char>(role.back()))) role.pop_back();
            if (!known_role(role))
                fail("prompt template: line " + std::to_string(line_no) + ": \"### " + role +
                     "\" is not a role header (### system, ### developer, ### user, ### assistant)");
            if (in_message) messages.back().text = trim_message(std::move(current));
            messages.push_back(MessageTemplate{std::move(role), {}});
            current.clear();
            in_message = true;
        } else {
            // "\###" at the start of a line is a literal "###".
            if (bare.rfind("\\###", 0) == 0) line.remove_prefix(1);
            if (!in_message) {
                if (bare.find_first_not_of(" \t") != std::string_view::npos)
                    fail("prompt template: line " + std::to_string(line_no) +
                         ": text before the first role header (### system, ### user, ...)");
            } else {
                current.append(line);
                if (end < text.size()) current += '\n';
            }
        }
        if (end == text.size()) break;
        pos = end + 1;
    }
    if (in_message) messages.back().text = trim_message(std::move(current));
    if (messages.empty()) fail("prompt template: no messages (each starts with a line such as ### user)");
    return PromptTemplate(std::move(messages));
}

PromptTemplate PromptTemplate::from_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) fail("prompt template: cannot read '" + path + "'");
    std::ostringstream content;
    content << file.rdbuf();
    const std::string text = content.str();
    if (path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0) {
        const json j = json::parse(text, nullptr, false);
        if (j.is_discarded()) fail("prompt template: '" + path + "' is not valid JSON");
        return from_json(j);
    }
    return from_text(text);
}

PromptTemplate PromptTemplate::partial(const json& values) const {
    if (!values.is_object()) fail("prompt template: values must be a JSON object (name → value)");
    std::vector<std::string> unused;
    for (const auto& [name, v] : values.items())
        if (std::find(variables_.begin(), variables_.end(), name) == variables_.end()) unused.push_back(name);
    if (!unused.empty())
        fail("prompt template: no variable named " + joined(unused) + " (variables: " + joined(variables_) + ")", {},
             unused);
    PromptTemplate out;
    for (const Part& p : parts_) {
        Part filled{.role = p.role, .segments = {}};
        for (const Segment& s : p.segments) {
            Segment next = s;
            if (s.variable) {
                if (auto it = values.find(s.text); it != values.end()) next = Segment{value_text(*it), false};
            }
            // Adjacent literals merge, so to_text and rendering stay simple.
            if (!next.variable && !filled.segments.empty() && !filled.segments.back().variable)
                filled.segments.back().text += next.text;
            else
                filled.segments.push_back(std::move(next));
        }
        out.parts_.push_back(std::move(filled));
    }
    out.collect_variables();
    return out;
}

std::vector<Message> PromptTemplate::render(const json& values) const {
    if (!values.is_object()) fail("prompt template: values must be a JSON object (name → value)");
    std::vector<std::string> missing, unused;
    for (const auto& name : variables_)
        if (!values.contains(name)) missing.push_back(name);
    for (const auto& [name, v] : values.items())
        if (std::find(variables_.begin(), variables_.end(), name) == variables_.end()) unused.push_back(name);
    if (!missing.empty() || !unused.empty()) {
        std::string msg = "prompt template:";
        if (!missing.empty()) msg += " no value for " + joined(missing) + ";";
        if (!unused.empty()) msg += " no variable named " + joined(unused) + ";";
        msg.pop_back();
        fail(std::move(msg), std::move(missing), std::move(unused));
    }
    std::vector<Message> out;
    out.reserve(parts_.size());
    for (const Part& p : parts_) {
        std::string text;
        for (const Segment& s : p.segments) text += s.variable ? value_text(values[s.text]) : s.text;
        out.push_back(Message{.role = p.role, .content = std::move(text)});
    }
    return out;
}

std::string PromptTemplate::to_text() const {
    std::string out;
    for (const Part& p : parts_) {
        out += "### " + p.role + "\n";
        std::string body;
        for (const Segment& s : p.segments) {
            if (s.variable) {
                body += "{{" + s.text + "}}";
                continue;
            }
            for (std::size_t i = 0; i < s.text.size(); ++i) {
                if (s.text.compare(i, 2, "{{") == 0) {
                    body += "\\{{";
                    ++i;
                } else {
                    body += s.text[i];
                }
            }
        }
        // A body line that would read as a header is escaped.
        std::size_t pos = 0;
        while (pos <= body.size()) {
            std::size_t end = body.find('\n', pos);
            if (end == std::string::npos) end = body.size();
            if (body.compare(pos, 4, "### ") == 0 || body.compare(pos, 4, "\\###") == 0) out += '\\';
            out.append(body, pos, end - pos);
            out += '\n';
            if (end == body.size()) break;
            pos = end + 1;
        }
    }
    return out;
}

}  // namespace llmgate::inline v1
