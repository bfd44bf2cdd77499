// RFC 3986 reference resolution, just enough for schema identifiers: no normalisation beyond dot segments.
#include "structured/uri_reference.hpp"

namespace llmgate::inline v1::detail {
namespace {

struct Parts {
    std::string scheme;
    bool has_authority = false;
    std::string authority;
    std::string path;
    bool has_query = false;
    std::string query;
    bool has_fragment = false;
    std::string fragment;
};

bool scheme_char(char c, bool first) {
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (first) return alpha;
    return alpha || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

Parts parse(std::string_view s) {
    Parts p;
    if (const auto hash = s.find('#'); hash != std::string_view::npos) {
        p.has_fragment = true;
        p.fragment = s.substr(hash + 1);
        s = s.substr(0, hash);
    }
    if (const auto q = s.find('?'); q != std::string_view::npos) {
        p.has_query = true;
        p.query = s.substr(q + 1);
        s = s.substr(0, q);
    }
    if (const auto colon = s.find(':'); colon != std::string_view::npos && colon > 0) {
        bool ok = true;
        for (std::size_t i = 0; i < colon && ok; ++i) ok = scheme_char(s[i], i == 0);
        if (ok) {
            p.scheme = s.substr(0, colon);
            s = s.substr(colon + 1);
        }
    }
    if (s.starts_with("//")) {
        p.has_authority = true;
        const auto slash = s.find('/', 2);
        p.authority = s.substr(2, slash == std::string_view::npos ? std::string_view::npos : slash - 2);
        s = slash == std::string_view::npos ? std::string_view() : s.substr(slash);
    }
    p.path = s;
    return p;
}

// RFC 3986 5.2.4.
std::string remove_dot_segments(std::string in) {
    std::string out;
    while (!in.empty()) {
        if (in.starts_with("../")) {
            in.erase(0, 3);
        } else if (in.starts_with("./")) {
            in.erase(0, 2);
        } else if (in.starts_with("/./")) {
            in.erase(0, 2);
        } else if (in == "/.") {
            in = "/";
        } else if (in.starts_with("/../") || in == "/..") {
            in = in == "/.." ? "/" : in.substr(3);
            const auto last = out.rfind('/');
            out.erase(last == std::string::npos ? 0 : last);
        } else if (in == "." || in == "..") {
            in.clear();
        } else {
            const auto next = in.find('/', in[0] == '/' ? 1 : 0);
            out += in.substr(0, next);
            in.erase(0, next == std::string::npos ? in.size() : next);
        }
    }
    return out;
}

std::string compose(const Parts& p) {
    std::string s;
    if (!p.scheme.empty()) s += p.scheme + ":";
    if (p.has_authority) s += "//" + p.authority;
    s += p.path;
    if (p.has_query) s += "?" + p.query;
    if (p.has_fragment) s += "#" + p.fragment;
    return s;
}

}  // namespace

std::string resolve_uri(std::string_view base_text, std::string_view ref_text) {
    const Parts r = parse(ref_text);
    const Parts b = parse(base_text);
    Parts t;
    if (!r.scheme.empty()) {
        t = r;
        t.path = remove_dot_segments(r.path);
    } else {
        t.scheme = b.scheme;
        if (r.has_authority) {
            t.has_authority = true;
            t.authority = r.authority;
            t.path = remove_dot_segments(r.path);
            t.has_query = r.has_query;
            t.query = r.query;
        } else {
            t.has_authority = b.has_authority;
            t.authority = b.authority;
            if (r.path.empty()) {
                t.path = b.path;
                t.has_query = r.has_query || b.has_query;
                t.query = r.has_query ? r.query : b.query;
            } else {
                if (r.path[0] == '/') {
                    t.path = remove_dot_segments(r.path);
                } else {
                    std::string merged;
                    if (b.has_authority && b.path.empty()) {
                        merged = "/" + r.path;
                    } else {
                        const auto slash = b.path.rfind('/');
                        merged = (slash == std::string::npos ? std::string() : b.path.substr(0, slash + 1)) + r.path;
                    }
                    // A relative base (a schema without an absolute $id) keeps leading ".." as written.
                    t.path = b.scheme.empty() && !b.has_authority && !merged.starts_with("/") ? merged
                                                                                                : remove_dot_segments(merged);
                }
                t.has_query = r.has_query;
                t.query = r.query;
            }
        }
    }
    t.has_fragment = r.has_fragment;
    t.fragment = r.fragment;
    return compose(t);
}

std::pair<std::string, std::string> split_fragment(std::string_view uri) {
    const auto hash = uri.find('#');
    if (hash == std::string_view::npos) return {std::string(uri), {}};
    return {std::string(uri.substr(0, hash)), std::string(uri.substr(hash + 1))};
}

bool percent_decode(std::string_view in, std::string& out) {
    out.clear();
    const auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        const int hi = i + 1 < in.size() ? hex(in[i + 1]) : -1;
        const int lo = i + 2 < in.size() ? hex(in[i + 2]) : -1;
        if (hi < 0 || lo < 0) return false;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return true;
}

}  // namespace llmgate::detail
