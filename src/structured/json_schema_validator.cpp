// The JSON Schema subset validator behind structured output: every mismatch, with its path, bounded.
#include "structured/json_schema_validator.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <optional>

namespace llmgate::inline v1::detail {
namespace {

// Work limit per validation: each (value, schema) visit costs one unit. Ordinary replies use a few
// hundred; the limit only stops adversarial anyOf nesting and huge uniqueItems comparisons.
constexpr std::size_t kBudget = 200000;

const char* type_of(const json& v) {
    switch (v.type()) {
        case json::value_t::null:
            return "null";
        case json::value_t::boolean:
            return "boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
            return "integer";
        case json::value_t::number_float:
            return "number";
        case json::value_t::string:
            return "string";
        case json::value_t::array:
            return "array";
        case json::value_t::object:
            return "object";
        default:
            return "binary";
    }
}

// A keyword that is present and literally true (value() would throw on a non-boolean).
bool true_flag(const json& s, const char* key) {
    const auto it = s.find(key);
    return it != s.end() && it->is_boolean() && it->get<bool>();
}

bool is_whole(const json& v) {
    if (v.is_number_integer()) return true;
    if (!v.is_number_float()) return false;
    const double d = v.get<double>();
    return std::isfinite(d) && std::floor(d) == d;
}

bool has_type(const json& v, const std::string& type) {
    if (type == "null") return v.is_null();
    if (type == "boolean") return v.is_boolean();
    if (type == "integer") return is_whole(v);
    if (type == "number") return v.is_number();
    if (type == "string") return v.is_string();
    if (type == "array") return v.is_array();
    if (type == "object") return v.is_object();
    return false;  // unknown type names match nothing, as in JSON Schema
}

bool identifier(const std::string& key) {
    if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) return false;
    for (unsigned char c : key)
        if (!(std::isalnum(c) || c == '_')) return false;
    return true;
}

std::string child_path(const std::string& path, const std::string& key) {
    if (identifier(key)) return path + "." + key;
    return path + "[" + json(key).dump() + "]";
}

std::string short_dump(const json& v) {
    std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
    if (s.size() > 60) s = s.substr(0, 57) + "...";
    return s;
}

std::size_t code_points(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

std::string format_number(double d) {
    json j = d;
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9e15) j = static_cast<std::int64_t>(d);
    return j.dump();
}

class Validator {
public:
    Validator(const json& root, std::size_t max_problems, int max_depth)
        : root_(root), max_problems_(max_problems), max_depth_(max_depth) {}

    void run(const json& value, std::vector<std::string>& out) {
        validate(value, root_, "$", 0, out);
        if (exhausted_ && out.size() < max_problems_)
            out.push_back("$: validation stopped: the schema needs too much work to check this value");
    }

private:
    void add(std::vector<std::string>& out, const std::string& path, const std::string& what) const {
        if (out.size() < max_problems_) out.push_back(path + ": " + what);
    }

    void validate(const json& v, const json& s, const std::string& path, int depth, std::vector<std::string>& out) {
        if (exhausted_) return;
        if (++work_ > kBudget) {
            exhausted_ = true;
            return;
        }
        if (depth > max_depth_) {
            add(out, path, "nesting deeper than " + std::to_string(max_depth_) + " levels (schema or value)");
            return;
        }
        if (s.is_boolean()) {
            if (!s.get<bool>()) add(out, path, "no value is allowed here (schema false)");
            return;
        }
        if (!s.is_object()) return;  // not a schema: nothing to check

        if (v.is_null() && true_flag(s, "nullable")) return;

        if (const auto ref = s.find("$ref"); ref != s.end()) {
            if (const json* target = resolve(*ref)) {
                validate(v, *target, path, depth + 1, out);
            } else {
                add(out, path, "cannot resolve $ref " + short_dump(*ref));
            }
        }

        if (const auto type = s.find("type"); type != s.end()) {
            if (!type_matches(v, *type, path, out)) return;  // other keywords would only repeat it
        }
        if (const auto e = s.find("enum"); e != s.end() && e->is_array()) {
            bool found = false;
            for (const auto& option : *e) {
                if (option == v) {
                    found = true;
                    break;
                }
            }
            if (!found) add(out, path, short_dump(v) + " is not one of " + short_dump(*e));
        }
        if (const auto c = s.find("const"); c != s.end() && *c != v)
            add(out, path, "expected " + short_dump(*c) + ", got " + short_dump(v));

        if (v.is_object()) check_object(v, s, path, depth, out);
        if (v.is_array()) check_array(v, s, path, depth, out);
        if (v.is_string()) check_string(v, s, path, out);
        if (v.is_number()) check_number(v, s, path, out);
        check_combinators(v, s, path, depth, out);
    }

    bool type_matches(const json& v, const json& type, const std::string& path, std::vector<std::string>& out) const {
        if (type.is_string()) {
            if (has_type(v, type.get<std::string>())) return true;
            add(out, path, "expected " + type.get<std::string>() + ", got " + type_of(v));
            return false;
        }
        if (!type.is_array()) return true;  // malformed keyword: ignore
        std::string names;
        for (const auto& t : type) {
            if (!t.is_string()) continue;
            if (has_type(v, t.get<std::string>())) return true;
            names += (names.empty() ? "" : " or ") + t.get<std::string>();
        }
        add(out, path, "expected " + (names.empty() ? std::string("no type at all") : names) + ", got " + type_of(v));
        return false;
    }

    const json* resolve(const json& ref) const {
        if (!ref.is_string()) return nullptr;
        const auto& r = ref.get_ref<const std::string&>();
        if (r.empty() || r[0] != '#') return nullptr;  // remote references are not fetched
        if (r.size() == 1) return &root_;
        try {
            const json::json_pointer ptr(r.substr(1));
            if (!root_.contains(ptr)) return nullptr;
            return &root_.at(ptr);
        } catch (const json::exception&) {
            return nullptr;
        }
    }

    static bool is_required(const json& s, const std::string& key) {
        const auto req = s.find("required");
        if (req == s.end() || !req->is_array()) return false;
        for (const auto& name : *req)
            if (name.is_string() && name.get_ref<const std::string&>() == key) return true;
        return false;
    }

    void check_object(const json& v, const json& s, const std::string& path, int depth, std::vector<std::string>& out) {
        const auto props = s.find("properties");
        const bool have_props = props != s.end() && props->is_object();
        if (const auto req = s.find("required"); req != s.end() && req->is_array()) {
            for (const auto& name : *req) {
                if (name.is_string() && !v.contains(name.get<std::string>()))
                    add(out, child_path(path, name.get<std::string>()), "required property is missing");
            }
        }
        const auto extra = s.find("additionalProperties");
        const bool has_patterns = s.contains("patternProperties");  // patterns are not checked: never guess
        for (const auto& [key, item] : v.items()) {
            if (exhausted_) return;
            if (have_props) {
                if (const auto p = props->find(key); p != props->end()) {
                    // null for an optional property means "absent": strict modes (OpenAI's) make the
                    // model send every property, so the schema llmgate sends turns optional ones into
                    // required-but-nullable; a null there must not fail the caller's own schema.
                    if (item.is_null() && !is_required(s, key)) continue;
                    validate(item, *p, child_path(path, key), depth + 1, out);
                    continue;
                }
            }
            if (extra == s.end() || has_patterns) continue;
            if (extra->is_boolean()) {
                if (!extra->get<bool>())
                    add(out, child_path(path, key), "property is not allowed (additionalProperties is false)");
            } else {
                validate(item, *extra, child_path(path, key), depth + 1, out);
            }
        }
        if (const auto mn = s.find("minProperties");
            mn != s.end() && mn->is_number() && static_cast<double>(v.size()) < mn->get<double>())
            add(out, path,
                "has " + std::to_string(v.size()) + " properties, fewer than minProperties " + short_dump(*mn));
        if (const auto mx = s.find("maxProperties");
            mx != s.end() && mx->is_number() && static_cast<double>(v.size()) > mx->get<double>())
            add(out, path,
                "has " + std::to_string(v.size()) + " properties, more than maxProperties " + short_dump(*mx));
    }

    void check_array(const json& v, const json& s, const std::string& path, int depth, std::vector<std::string>& out) {
        std::size_t prefix = 0;
        const json* tuple = nullptr;
        if (const auto pi = s.find("prefixItems"); pi != s.end() && pi->is_array()) tuple = &*pi;
        const auto items = s.find("items");
        if (items != s.end() && items->is_array()) tuple = &*items;  // draft-4 tuple form
        if (tuple) {
            prefix = std::min(tuple->size(), v.size());
            for (std::size_t i = 0; i < prefix && !exhausted_; ++i)
                validate(v[i], (*tuple)[i], path + "[" + std::to_string(i) + "]", depth + 1, out);
        }
        if (items != s.end() && (items->is_object() || items->is_boolean())) {
            for (std::size_t i = prefix; i < v.size() && !exhausted_; ++i)
                validate(v[i], *items, path + "[" + std::to_string(i) + "]", depth + 1, out);
        }
        if (const auto mn = s.find("minItems");
            mn != s.end() && mn->is_number() && static_cast<double>(v.size()) < mn->get<double>())
            add(out, path, "has " + std::to_string(v.size()) + " items, fewer than minItems " + short_dump(*mn));
        if (const auto mx = s.find("maxItems");
            mx != s.end() && mx->is_number() && static_cast<double>(v.size()) > mx->get<double>())
            add(out, path, "has " + std::to_string(v.size()) + " items, more than maxItems " + short_dump(*mx));
        if (true_flag(s, "uniqueItems")) {
            for (std::size_t i = 0; i < v.size(); ++i) {
                for (std::size_t j = i + 1; j < v.size(); ++j) {
                    if ((work_ += 1) > kBudget) {
                        exhausted_ = true;
                        return;
                    }
                    if (v[i] == v[j]) {
                        add(out, path,
                            "items " + std::to_string(i) + " and " + std::to_string(j) + " are equal (uniqueItems)");
                        return;
                    }
                }
            }
        }
    }

    void check_string(const json& v, const json& s, const std::string& path, std::vector<std::string>& out) const {
        const std::size_t n = code_points(v.get_ref<const std::string&>());
        if (const auto mn = s.find("minLength");
            mn != s.end() && mn->is_number() && static_cast<double>(n) < mn->get<double>())
            add(out, path, "is " + std::to_string(n) + " characters long, shorter than minLength " + short_dump(*mn));
        if (const auto mx = s.find("maxLength");
            mx != s.end() && mx->is_number() && static_cast<double>(n) > mx->get<double>())
            add(out, path, "is " + std::to_string(n) + " characters long, longer than maxLength " + short_dump(*mx));
    }

    void check_number(const json& v, const json& s, const std::string& path, std::vector<std::string>& out) const {
        const double d = v.get<double>();
        const auto num = [&](const char* key) -> std::optional<double> {
            const auto it = s.find(key);
            if (it == s.end() || !it->is_number()) return std::nullopt;
            return it->get<double>();
        };
        const auto flag = [&](const char* key) { return true_flag(s, key); };
        const std::string shown = short_dump(v);
        if (const auto m = num("minimum")) {
            if (flag("exclusiveMinimum") ? !(d > *m) : !(d >= *m))
                add(out, path,
                    shown + " is less than " + (flag("exclusiveMinimum") ? "or equal to " : "") + "minimum " +
                        format_number(*m));
        }
        if (const auto m = num("maximum")) {
            if (flag("exclusiveMaximum") ? !(d < *m) : !(d <= *m))
                add(out, path,
                    shown + " is greater than " + (flag("exclusiveMaximum") ? "or equal to " : "") + "maximum " +
                        format_number(*m));
        }
        if (const auto m = num("exclusiveMinimum"); m && !(d > *m))
            add(out, path, shown + " is not greater than exclusiveMinimum " + format_number(*m));
        if (const auto m = num("exclusiveMaximum"); m && !(d < *m))
            add(out, path, shown + " is not less than exclusiveMaximum " + format_number(*m));
        if (const auto m = num("multipleOf"); m && *m > 0) {
            const double q = d / *m;
            if (!std::isfinite(q) || std::fabs(q - std::round(q)) > 1e-9 * std::max(1.0, std::fabs(q)))
                add(out, path, shown + " is not a multiple of " + format_number(*m));
        }
    }

    // The problems of one alternative, and whether it failed only below this level (its type fit).
    struct Branch {
        std::vector<std::string> problems{};
        bool type_fit = true;
    };

    Branch try_branch(const json& v, const json& s, const std::string& path, int depth) {
        Branch b;
        validate(v, s, path, depth + 1, b.problems);
        const std::string type_prefix = path + ": expected ";
        for (const auto& p : b.problems)
            if (p.rfind(type_prefix, 0) == 0) b.type_fit = false;
        return b;
    }

    void check_combinators(const json& v, const json& s, const std::string& path, int depth,
                           std::vector<std::string>& out) {
        if (const auto all = s.find("allOf"); all != s.end() && all->is_array()) {
            for (const auto& sub : *all) validate(v, sub, path, depth + 1, out);
        }
        if (const auto any = s.find("anyOf"); any != s.end() && any->is_array()) {
            std::vector<Branch> failed;
            bool ok = false;
            for (const auto& sub : *any) {
                Branch b = try_branch(v, sub, path, depth);
                if (b.problems.empty() && !exhausted_) {
                    ok = true;
                    break;
                }
                failed.push_back(std::move(b));
            }
            if (!ok) report_alternatives(failed, "anyOf", path, out);
        }
        if (const auto one = s.find("oneOf"); one != s.end() && one->is_array()) {
            std::vector<Branch> failed;
            std::size_t matches = 0;
            for (const auto& sub : *one) {
                Branch b = try_branch(v, sub, path, depth);
                if (b.problems.empty())
                    ++matches;
                else
                    failed.push_back(std::move(b));
            }
            if (matches == 0)
                report_alternatives(failed, "oneOf", path, out);
            else if (matches > 1)
                add(out, path,
                    "matches " + std::to_string(matches) + " of the oneOf alternatives, exactly one allowed");
        }
        if (const auto no = s.find("not"); no != s.end()) {
            std::vector<std::string> sub;
            validate(v, *no, path, depth + 1, sub);
            if (sub.empty() && !exhausted_) add(out, path, "matches the schema under \"not\"");
        }
    }

    // No alternative matched: show the one whose type fitted (the likely intended one) with its
    // problems, else one summary line.
    void report_alternatives(const std::vector<Branch>& failed, const char* keyword, const std::string& path,
                             std::vector<std::string>& out) const {
        const Branch* best = nullptr;
        for (const auto& b : failed)
            if (b.type_fit && (!best || b.problems.size() < best->problems.size())) best = &b;
        if (best) {
            for (const auto& p : best->problems)
                if (out.size() < max_problems_) out.push_back(p);
            return;
        }
        std::string types;
        for (const auto& b : failed) {
            for (const auto& p : b.problems) {
                const std::string prefix = path + ": expected ";
                if (p.rfind(prefix, 0) != 0) continue;
                const auto end = p.find(", got ");
                const std::string t =
                    p.substr(prefix.size(), end == std::string::npos ? std::string::npos : end - prefix.size());
                if (types.find(t) == std::string::npos) types += (types.empty() ? "" : " or ") + t;
            }
        }
        add(out, path,
            std::string("matches none of the ") + keyword + " alternatives" +
                (types.empty() ? std::string() : " (expected " + types + ")"));
    }

    const json& root_;
    std::size_t max_problems_;
    int max_depth_;
    std::size_t work_ = 0;
    bool exhausted_ = false;
};

}  // namespace

std::vector<std::string> validate_json(const json& value, const json& schema, std::size_t max_problems, int max_depth) {
    std::vector<std::string> out;
    if (max_problems == 0) max_problems = 1;
    Validator(schema, max_problems, max_depth).run(value, out);
    return out;
}

}  // namespace llmgate::detail
