// The JSON Schema validator behind structured output: every mismatch, with its path, bounded.
#include "structured/json_schema_validator.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <optional>

#include "structured/schema_formats.hpp"
#include "structured/schema_index.hpp"

namespace llmgate::inline v1::detail {
namespace {

// Work limit per validation: each (value, schema) visit costs one unit, a regex search ten and more
// for long strings, a search stopped by PCRE2's match limit a twentieth of the whole.
// Ordinary replies use a few hundred; the limit only stops adversarial anyOf nesting, huge uniqueItems
// comparisons and many searches with costly patterns.
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
    Validator(const SchemaIndex& index, const SchemaOptions& options) : index_(index), options_(options) {}

    void run(const json& value, const json& schema, std::vector<std::string>& out) {
        validate(value, schema, "$", 0, out);
        if (exhausted_ && out.size() < options_.max_problems)
            out.push_back("$: validation stopped: the schema needs too much work to check this value");
    }

private:
    void add(std::vector<std::string>& out, const std::string& path, const std::string& what) const {
        if (out.size() < options_.max_problems) out.push_back(path + ": " + what);
    }

    bool spend(std::size_t units) {
        work_ += units;
        if (work_ > kBudget) exhausted_ = true;
        return !exhausted_;
    }

    // Whether `v` fits `s`, its problems thrown away (contains, if, not, propertyNames counting).
    bool fits(const json& v, const json& s, const std::string& path, int depth) {
        std::vector<std::string> scratch;
        validate(v, s, path, depth, scratch);
        return scratch.empty() && !exhausted_;
    }

    void validate(const json& v, const json& s, const std::string& path, int depth, std::vector<std::string>& out) {
        if (exhausted_ || !spend(1)) return;
        if (depth > options_.max_depth) {
            add(out, path, "nesting deeper than " + std::to_string(options_.max_depth) + " levels (schema or value)");
            return;
        }
        if (s.is_boolean()) {
            if (!s.get<bool>()) add(out, path, "no value is allowed here (schema false)");
            return;
        }
        if (!s.is_object()) return;  // SchemaIndex reported it; the schema is refused before this runs

        if (v.is_null() && true_flag(s, "nullable")) return;

        if (s.contains("$ref")) {
            follow_ref(v, s, path, depth, out);
            // Draft 7: "All other properties in a "$ref" object MUST be ignored."
            if (index_.ref_overrides_siblings()) return;
        }

        if (const auto type = s.find("type"); type != s.end()) {
            if (!type_matches(v, *type, path, out)) return;  // other keywords would only repeat it
        }
        if (const auto e = s.find("enum"); e != s.end() && e->is_array()) {
            // nlohmann's == compares numbers by value (1 == 1.0), as JSON Schema equality does.
            if (std::find(e->begin(), e->end(), v) == e->end())
                add(out, path, short_dump(v) + " is not one of " + short_dump(*e));
        }
        if (const auto c = s.find("const"); c != s.end() && *c != v)
            add(out, path, "expected " + short_dump(*c) + ", got " + short_dump(v));

        if (v.is_object()) check_object(v, s, path, depth, out);
        if (v.is_array()) check_array(v, s, path, depth, out);
        if (v.is_string()) check_string(v, s, path, out);
        if (v.is_number()) check_number(v, s, path, out);
        check_combinators(v, s, path, depth, out);
        check_conditional(v, s, path, depth, out);
    }

    void follow_ref(const json& v, const json& s, const std::string& path, int depth, std::vector<std::string>& out) {
        const json* target = index_.ref_target(s);
        if (!target) {
            add(out, path, "cannot resolve $ref " + short_dump(s["$ref"]));
            return;
        }
        // The same value against the same schema again, with no step into the value in between: the
        // references go round without ever checking anything, so no verdict exists.
        for (const auto& [value, schema] : ref_stack_) {
            if (value == &v && schema == target) {
                add(out, path, "$ref " + short_dump(s["$ref"]) + " loops back to itself without reaching a value");
                return;
            }
        }
        ref_stack_.emplace_back(&v, target);
        validate(v, *target, path, depth + 1, out);
        ref_stack_.pop_back();
    }

    bool type_matches(const json& v, const json& type, const std::string& path, std::vector<std::string>& out) const {
        if (type.is_string()) {
            if (has_type(v, type.get<std::string>())) return true;
            add(out, path, "expected " + type.get<std::string>() + ", got " + type_of(v));
            return false;
        }
        if (!type.is_array()) return true;  // refused up front by SchemaIndex
        std::string names;
        for (const auto& t : type) {
            if (!t.is_string()) continue;
            if (has_type(v, t.get<std::string>())) return true;
            names += (names.empty() ? "" : " or ") + t.get<std::string>();
        }
        add(out, path, "expected " + (names.empty() ? std::string("no type at all") : names) + ", got " + type_of(v));
        return false;
    }

    static bool is_required(const json& s, const std::string& key) {
        const auto req = s.find("required");
        if (req == s.end() || !req->is_array()) return false;
        for (const auto& name : *req)
            if (name.is_string() && name.get_ref<const std::string&>() == key) return true;
        return false;
    }

    // A regex search that counts against the budget; nullopt (with a problem) when PCRE2 gave up.
    std::optional<bool> search(const std::string& pattern, const std::string& subject, const std::string& path,
                               std::vector<std::string>& out) {
        const EcmaRegex* re = index_.regex(pattern);
        if (!re || !spend(10 + subject.size() / 16)) return std::nullopt;
        switch (re->search(subject)) {
            case EcmaRegex::Match::found:
                return true;
            case EcmaRegex::Match::not_found:
                return false;
            case EcmaRegex::Match::too_costly:
                break;
        }
        // A search that ran into PCRE2's limit took milliseconds: a few of them use up the budget, so a
        // value with thousands of such strings cannot take minutes.
        spend(kBudget / 20);
        add(out, path, "the pattern " + short_dump(json(pattern)) + " needs too much work to match (PCRE2 match limit)");
        return std::nullopt;
    }

    void check_object(const json& v, const json& s, const std::string& path, int depth, std::vector<std::string>& out) {
        const auto props = s.find("properties");
        const bool have_props = props != s.end() && props->is_object();
        const auto patterns = s.find("patternProperties");
        const bool have_patterns = patterns != s.end() && patterns->is_object();
        const auto extra = s.find("additionalProperties");
        if (const auto req = s.find("required"); req != s.end() && req->is_array()) {
            for (const auto& name : *req) {
                if (name.is_string() && !v.contains(name.get<std::string>()))
                    add(out, child_path(path, name.get<std::string>()), "required property is missing");
            }
        }
        for (const auto& [key, item] : v.items()) {
            if (exhausted_) return;
            const std::string at = child_path(path, key);
            bool matched = false;
            if (have_props) {
                if (const auto p = props->find(key); p != props->end()) {
                    matched = true;
                    // null for an optional property means "absent" where llmgate sent the provider a
                    // strict-mode schema (OpenAI's): it turned optional properties into required-but-
                    // nullable, so a null there must not fail the caller's own schema.
                    if (!(options_.optional_null_is_absent && item.is_null() && !is_required(s, key)))
                        validate(item, *p, at, depth + 1, out);
                }
            }
            if (have_patterns) {
                for (const auto& [pattern, sub] : patterns->items()) {
                    const auto hit = search(pattern, key, at, out);
                    if (!hit) continue;
                    if (*hit) {
                        matched = true;
                        validate(item, sub, at, depth + 1, out);
                    }
                }
            }
            if (matched || extra == s.end()) continue;
            if (extra->is_boolean()) {
                if (!extra->get<bool>()) add(out, at, "property is not allowed (additionalProperties is false)");
            } else {
                validate(item, *extra, at, depth + 1, out);
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
        if (const auto names = s.find("propertyNames"); names != s.end()) {
            for (const auto& [key, item] : v.items()) {
                if (exhausted_) return;
                if (!fits(json(key), *names, path, depth + 1))
                    add(out, child_path(path, key), "property name " + short_dump(json(key)) + " does not fit propertyNames");
            }
        }
        check_dependencies(v, s, path, depth, out);
    }

    // dependencies (draft 7: a list of names or a schema per property), dependentRequired and
    // dependentSchemas (2019-09 split it in two).
    void check_dependencies(const json& v, const json& s, const std::string& path, int depth,
                            std::vector<std::string>& out) {
        const auto require = [&](const std::string& key, const json& names) {
            for (const auto& name : names)
                if (name.is_string() && !v.contains(name.get<std::string>()))
                    add(out, child_path(path, name.get<std::string>()),
                        "required property is missing (\"" + key + "\" is present and depends on it)");
        };
        if (const auto deps = s.find("dependencies"); deps != s.end() && deps->is_object()) {
            for (const auto& [key, dep] : deps->items()) {
                if (!v.contains(key)) continue;
                if (dep.is_array())
                    require(key, dep);
                else
                    validate(v, dep, path, depth + 1, out);
            }
        }
        if (const auto deps = s.find("dependentRequired"); deps != s.end() && deps->is_object()) {
            for (const auto& [key, dep] : deps->items())
                if (v.contains(key) && dep.is_array()) require(key, dep);
        }
        if (const auto deps = s.find("dependentSchemas"); deps != s.end() && deps->is_object()) {
            for (const auto& [key, dep] : deps->items())
                if (v.contains(key)) validate(v, dep, path, depth + 1, out);
        }
    }

    void check_array(const json& v, const json& s, const std::string& path, int depth, std::vector<std::string>& out) {
        const auto item_path = [&](std::size_t i) { return path + "[" + std::to_string(i) + "]"; };
        // The tuple: 2020-12's prefixItems, or draft 7's array form of items. After it, 2020-12's items
        // (a schema) or draft 7's additionalItems applies to the rest.
        const json* tuple = nullptr;
        const json* rest = nullptr;
        const auto items = s.find("items");
        if (const auto pi = s.find("prefixItems"); pi != s.end() && pi->is_array()) {
            tuple = &*pi;
            if (items != s.end() && !items->is_array()) rest = &*items;
        } else if (items != s.end() && items->is_array()) {
            tuple = &*items;
            if (const auto ai = s.find("additionalItems"); ai != s.end()) rest = &*ai;
        } else if (items != s.end()) {
            rest = &*items;
        }
        std::size_t prefix = 0;
        if (tuple) {
            prefix = std::min(tuple->size(), v.size());
            for (std::size_t i = 0; i < prefix && !exhausted_; ++i) validate(v[i], (*tuple)[i], item_path(i), depth + 1, out);
        }
        if (rest) {
            if (rest->is_boolean() && !rest->get<bool>() && v.size() > prefix) {
                add(out, path,
                    "has " + std::to_string(v.size()) + " items, more than the " + std::to_string(prefix) +
                        " the schema lists");
            } else {
                for (std::size_t i = prefix; i < v.size() && !exhausted_; ++i)
                    validate(v[i], *rest, item_path(i), depth + 1, out);
            }
        }
        if (const auto mn = s.find("minItems");
            mn != s.end() && mn->is_number() && static_cast<double>(v.size()) < mn->get<double>())
            add(out, path, "has " + std::to_string(v.size()) + " items, fewer than minItems " + short_dump(*mn));
        if (const auto mx = s.find("maxItems");
            mx != s.end() && mx->is_number() && static_cast<double>(v.size()) > mx->get<double>())
            add(out, path, "has " + std::to_string(v.size()) + " items, more than maxItems " + short_dump(*mx));
        if (const auto contains = s.find("contains"); contains != s.end()) check_contains(v, s, *contains, path, depth, out);
        if (true_flag(s, "uniqueItems")) {
            for (std::size_t i = 0; i < v.size(); ++i) {
                for (std::size_t j = i + 1; j < v.size(); ++j) {
                    if (!spend(1)) return;
                    if (v[i] == v[j]) {  // by value: 1 and 1.0 are equal, object key order does not count
                        add(out, path,
                            "items " + std::to_string(i) + " and " + std::to_string(j) + " are equal (uniqueItems)");
                        return;
                    }
                }
            }
        }
    }

    void check_contains(const json& v, const json& s, const json& contains, const std::string& path, int depth,
                        std::vector<std::string>& out) {
        double at_least = 1;
        std::optional<double> at_most;
        if (const auto mn = s.find("minContains"); mn != s.end() && mn->is_number()) at_least = mn->get<double>();
        if (const auto mx = s.find("maxContains"); mx != s.end() && mx->is_number()) at_most = mx->get<double>();
        std::size_t matches = 0;
        for (std::size_t i = 0; i < v.size() && !exhausted_; ++i)
            if (fits(v[i], contains, path + "[" + std::to_string(i) + "]", depth + 1)) ++matches;
        if (exhausted_) return;
        if (static_cast<double>(matches) < at_least)
            add(out, path,
                matches == 0 && at_least == 1
                    ? std::string("no item fits the schema under \"contains\"")
                    : std::to_string(matches) + " items fit \"contains\", fewer than " + format_number(at_least));
        if (at_most && static_cast<double>(matches) > *at_most)
            add(out, path, std::to_string(matches) + " items fit \"contains\", more than maxContains " + format_number(*at_most));
    }

    void check_string(const json& v, const json& s, const std::string& path, std::vector<std::string>& out) {
        const auto& text = v.get_ref<const std::string&>();
        const std::size_t n = code_points(text);
        if (const auto mn = s.find("minLength");
            mn != s.end() && mn->is_number() && static_cast<double>(n) < mn->get<double>())
            add(out, path, "is " + std::to_string(n) + " characters long, shorter than minLength " + short_dump(*mn));
        if (const auto mx = s.find("maxLength");
            mx != s.end() && mx->is_number() && static_cast<double>(n) > mx->get<double>())
            add(out, path, "is " + std::to_string(n) + " characters long, longer than maxLength " + short_dump(*mx));
        if (const auto p = s.find("pattern"); p != s.end() && p->is_string()) {
            if (const auto hit = search(p->get<std::string>(), text, path, out); hit && !*hit)
                add(out, path, short_dump(v) + " does not match the pattern " + short_dump(*p));
        }
        if (options_.assert_format) {
            if (const auto f = s.find("format"); f != s.end() && f->is_string() &&
                                                 !string_has_format(text, f->get_ref<const std::string&>()))
                add(out, path, short_dump(v) + " is not a valid " + f->get<std::string>());
        }
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
        if (const auto m = s.find("multipleOf"); m != s.end() && m->is_number() && !is_multiple(v, *m))
            add(out, path, shown + " is not a multiple of " + short_dump(*m));
    }

    // Integers exactly; otherwise the quotient must be whole within floating-point noise, so 0.0075 is a
    // multiple of 0.0001 (the suite's case) though neither is exact in binary.
    static bool is_multiple(const json& v, const json& m) {
        if (v.is_number_integer() && m.is_number_integer()) {
            const auto divisor = m.get<std::int64_t>();
            if (divisor > 0 && v.is_number_unsigned()) return v.get<std::uint64_t>() % static_cast<std::uint64_t>(divisor) == 0;
            if (divisor > 0) return v.get<std::int64_t>() % divisor == 0;
        }
        const double d = v.get<double>();
        const double step = m.get<double>();
        if (!(step > 0)) return true;  // refused up front by SchemaIndex
        const double q = d / step;
        // A quotient past the double range (1e308 / 0.5): fmod is exact and needs no quotient.
        if (!std::isfinite(q)) return std::isfinite(d) && std::fmod(d, step) == 0;
        return std::fabs(q - std::round(q)) <= 1e-9 * std::max(1.0, std::fabs(q));
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
            if (fits(v, *no, path, depth + 1)) add(out, path, "matches the schema under \"not\"");
        }
    }

    // if / then / else: `if` only chooses which of the other two applies; its own problems never count.
    void check_conditional(const json& v, const json& s, const std::string& path, int depth,
                           std::vector<std::string>& out) {
        const auto cond = s.find("if");
        if (cond == s.end()) return;
        const auto then_ = s.find("then");
        const auto else_ = s.find("else");
        if (then_ == s.end() && else_ == s.end()) return;
        const bool holds = fits(v, *cond, path, depth + 1);
        if (exhausted_) return;
        if (holds && then_ != s.end()) validate(v, *then_, path, depth + 1, out);
        if (!holds && else_ != s.end()) validate(v, *else_, path, depth + 1, out);
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
                if (out.size() < options_.max_problems) out.push_back(p);
            if (!best->problems.empty()) return;
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

    const SchemaIndex& index_;
    const SchemaOptions& options_;
    std::size_t work_ = 0;
    bool exhausted_ = false;
    std::vector<std::pair<const json*, const json*>> ref_stack_;  // (value, schema) of each $ref being followed
};

}  // namespace

std::vector<std::string> validate_json(const json& value, const json& schema, const SchemaOptions& options) {
    SchemaOptions o = options;
    if (o.max_problems == 0) o.max_problems = 1;
    const SchemaIndex index(schema);
    std::vector<std::string> out;
    if (!index.problems().empty()) {
        for (const auto& p : index.problems()) {
            if (out.size() >= o.max_problems) break;
            out.push_back("$: the schema cannot be used: " + p);
        }
        return out;
    }
    Validator(index, o).run(value, schema, out);
    return out;
}

std::vector<std::string> validate_json(const json& value, const json& schema, std::size_t max_problems, int max_depth) {
    return validate_json(value, schema, SchemaOptions{.max_problems = max_problems, .max_depth = max_depth});
}

std::vector<std::string> schema_problems(const json& schema) { return SchemaIndex(schema).problems(); }

}  // namespace llmgate::detail
