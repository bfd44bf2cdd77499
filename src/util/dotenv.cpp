// Parses the `.env` file format the way python-dotenv reads the common cases.
#include "util/dotenv.hpp"

#include <cctype>

namespace llmgate::inline v1::detail {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

bool valid_key(std::string_view k) {
    if (k.empty()) return false;
    for (char c : k) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) return false;
    }
    return true;
}

std::size_t end_of_line(std::string_view text, std::size_t from) {
    const std::size_t eol = text.find('\n', from);
    return eol == std::string_view::npos ? text.size() : eol;
}

}  // namespace

std::map<std::string, std::string> parse_dotenv(std::string_view text) {
    std::map<std::string, std::string> out;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t eol = end_of_line(text, i);
        std::string_view line = trim(text.substr(i, eol - i));
        const std::size_t eq_in_line = line.find('=');
        if (line.empty() || line.front() == '#' || eq_in_line == std::string_view::npos) {
            i = eol + 1;
            continue;
        }
        std::string_view key = trim(line.substr(0, eq_in_line));
        if (key.substr(0, 7) == "export ") key = trim(key.substr(7));
        // Position of the value in the whole text, so a quoted value may run over several lines.
        std::size_t v = static_cast<std::size_t>(line.data() - text.data()) + eq_in_line + 1;
        while (v < eol && (text[v] == ' ' || text[v] == '\t')) ++v;

        std::string value;
        std::size_t next = eol + 1;
        bool ok = valid_key(key);
        if (ok && v < text.size() && (text[v] == '"' || text[v] == '\'')) {
            const char quote = text[v];
            std::size_t j = v + 1;
            ok = false;
            for (; j < text.size(); ++j) {
                const char c = text[j];
                if (quote == '"' && c == '\\' && j + 1 < text.size()) {
                    const char e = text[++j];
                    value += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
                } else if (c == quote) {
                    ok = true;
                    break;
                } else {
                    value += c;
                }
            }
            // An unterminated quote skips just its own line, as python-dotenv does.
            if (ok) next = end_of_line(text, j) + 1;
        } else if (ok) {
            std::string_view rest = text.substr(v, eol - v);
            const std::size_t hash = rest.find(" #");
            value = std::string(trim(hash == std::string_view::npos ? rest : rest.substr(0, hash)));
        }
        if (ok) out[std::string(key)] = std::move(value);
        i = next;
    }
    return out;
}

}  // namespace llmgate::detail
