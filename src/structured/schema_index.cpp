// Prepares a schema for validation: $id / $anchor identifiers, $ref targets, compiled regexes, and the
// problems that make a schema unusable, all found once before any value is checked.
#include "structured/schema_index.hpp"

#include <cmath>

#include "structured/known_schemas.hpp"
#include "structured/uri_reference.hpp"

namespace llmgate::inline v1::detail {
namespace {

// Deeper schemas are refused, not walked: the walk recurses, and no real schema comes close.
constexpr int kMaxSchemaDepth = 256;

// Keywords that change a verdict and that this validator does not implement: rejecting the schema is
// honest, ignoring them would accept values the caller's schema forbids.
constexpr const char* kUnsupported[] = {"unevaluatedProperties", "unevaluatedItems", "$dynamicRef", "$recursiveRef"};

// Keywords whose value is one subschema, a list of subschemas, or a map of name -> subschema.
constexpr const char* kOneSchema[] = {"additionalItems", "additionalProperties", "contains", "propertyNames",
                                      "if", "then", "else", "not"};
constexpr const char* kSchemaLists[] = {"allOf", "anyOf", "oneOf", "prefixItems"};
constexpr const char* kSchemaMaps[] = {"properties", "patternProperties", "definitions", "$defs", "dependentSchemas"};

std::string pointer_token(const std::string& key) {
    std::string out;
    for (char c : key) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

std::string shown(const json& v) {
    std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
    if (s.size() > 60) s = s.substr(0, 57) + "...";
    return s;
}

// RFC 6901, on an already percent-decoded fragment ("/a~1b/0").
const json* follow_pointer(const json& doc, const std::string& pointer) {
    const json* at = &doc;
    std::size_t i = 1;  // past the leading '/'
    while (i <= pointer.size()) {
        const auto slash = pointer.find('/', i);
        const std::string raw = pointer.substr(i, slash == std::string::npos ? std::string::npos : slash - i);
        i = slash == std::string::npos ? pointer.size() + 1 : slash + 1;
        std::string token;
        for (std::size_t k = 0; k < raw.size(); ++k) {
            if (raw[k] != '~') {
                token += raw[k];
                continue;
            }
            if (k + 1 == raw.size() || (raw[k + 1] != '0' && raw[k + 1] != '1')) return nullptr;
            token += raw[++k] == '0' ? '~' : '/';
        }
        if (at->is_object()) {
            const auto it = at->find(token);
            if (it == at->end()) return nullptr;
            at = &*it;
        } else if (at->is_array()) {
            if (token.empty() || token.size() > 9 || (token.size() > 1 && token[0] == '0')) return nullptr;
            std::size_t index = 0;
            for (char c : token) {
                if (c < '0' || c > '9') return nullptr;
                index = index * 10 + static_cast<std::size_t>(c - '0');
            }
            if (index >= at->size()) return nullptr;
            at = &(*at)[index];
        } else {
            return nullptr;
        }
    }
    return at;
}

bool is_count(const json& v) {
    return v.is_number() && v.get<double>() >= 0 && std::floor(v.get<double>()) == v.get<double>();
}

bool is_string_list(const json& v) {
    if (!v.is_array()) return false;
    for (const auto& s : v)
        if (!s.is_string()) return false;
    return true;
}

bool known_type(const json& t) {
    static const char* names[] = {"null", "boolean", "object", "array", "number", "string", "integer"};
    if (!t.is_string()) return false;
    for (const char* n : names)
        if (t == n) return true;
    return false;
}

}  // namespace

SchemaIndex::SchemaIndex(const json& root) {
    if (root.is_object()) {
        if (const auto dialect = root.find("$schema"); dialect != root.end() && dialect->is_string()) {
            const auto& d = dialect->get_ref<const std::string&>();
            ref_overrides_siblings_ =
                d.find("/2019-09/") == std::string::npos && d.find("/2020-12/") == std::string::npos;
        }
    }
    ids_[""] = &root;  // a schema without $id: "#..." and relative names resolve against it
    walk(root, "", "#", 0);
    resolve_pending();
}

const json* SchemaIndex::ref_target(const json& schema) const {
    const auto it = ref_targets_.find(&schema);
    return it == ref_targets_.end() ? nullptr : it->second;
}

const EcmaRegex* SchemaIndex::regex(const std::string& pattern) const {
    const auto it = regexes_.find(pattern);
    return it == regexes_.end() ? nullptr : it->second.get();
}

void SchemaIndex::walk(const json& schema, const std::string& base_in, const std::string& where, int depth) {
    if (schema.is_boolean()) return;
    if (!schema.is_object()) {
        problems_.push_back(where + ": " + shown(schema) + " is not a schema (an object or a boolean)");
        return;
    }
    if (depth > kMaxSchemaDepth) {
        problems_.push_back(where + ": the schema nests deeper than " + std::to_string(kMaxSchemaDepth) + " levels");
        return;
    }
    if (base_of_.contains(&schema)) return;  // reached again through a $ref: walked already

    std::string base = base_in;
    const bool has_ref = schema.contains("$ref");
    // Draft 7: "$id" beside "$ref" is ignored like every other sibling.
    if (const auto id = schema.find("$id"); id != schema.end() && id->is_string() &&
                                            !(has_ref && ref_overrides_siblings_)) {
        auto [uri, fragment] = split_fragment(resolve_uri(base, id->get_ref<const std::string&>()));
        base = uri;
        if (fragment.empty())
            ids_.emplace(uri, &schema);
        else if (fragment[0] != '/')  // draft 7's "$id": "#name", a location-independent identifier
            ids_.emplace(uri + "#" + fragment, &schema);
    }
    for (const char* key : {"$anchor", "$dynamicAnchor"})
        if (const auto anchor = schema.find(key); anchor != schema.end() && anchor->is_string())
            ids_.emplace(split_fragment(base).first + "#" + anchor->get<std::string>(), &schema);
    base_of_.emplace(&schema, base);

    check_keywords(schema, where);
    if (has_ref) pending_.push_back({&schema, where});

    for (const char* key : kOneSchema)
        if (const auto it = schema.find(key); it != schema.end())
            walk(*it, base, where + "/" + key, depth + 1);
    if (const auto items = schema.find("items"); items != schema.end()) {
        if (items->is_array()) {
            for (std::size_t i = 0; i < items->size(); ++i)
                walk((*items)[i], base, where + "/items/" + std::to_string(i), depth + 1);
        } else {
            walk(*items, base, where + "/items", depth + 1);
        }
    }
    for (const char* key : kSchemaLists) {
        const auto list = schema.find(key);
        if (list == schema.end()) continue;
        if (!list->is_array() || list->empty()) {
            problems_.push_back(where + "/" + key + ": must be a non-empty array of schemas");
            continue;
        }
        for (std::size_t i = 0; i < list->size(); ++i)
            walk((*list)[i], base, where + "/" + key + "/" + std::to_string(i), depth + 1);
    }
    for (const char* key : kSchemaMaps) {
        const auto map = schema.find(key);
        if (map == schema.end()) continue;
        if (!map->is_object()) {
            problems_.push_back(where + "/" + key + ": must be an object of schemas");
            continue;
        }
        for (const auto& [name, sub] : map->items())
            walk(sub, base, where + "/" + key + "/" + pointer_token(name), depth + 1);
    }
    if (const auto deps = schema.find("dependencies"); deps != schema.end() && deps->is_object()) {
        for (const auto& [name, dep] : deps->items())
            if (!dep.is_array()) walk(dep, base, where + "/dependencies/" + pointer_token(name), depth + 1);
    }
}

void SchemaIndex::check_keywords(const json& s, const std::string& where) {
    const auto bad = [&](const char* key, const std::string& what) {
        problems_.push_back(where + "/" + key + ": " + what);
    };
    for (const char* key : kUnsupported)
        if (s.contains(key))
            bad(key, std::string(key) + " is not supported by llmgate's validator (see docs/structured-output.md)");

    if (const auto t = s.find("type"); t != s.end()) {
        bool ok = known_type(*t);
        if (t->is_array()) {
            ok = true;
            for (const auto& name : *t) ok = ok && known_type(name);
        }
        if (!ok) bad("type", shown(*t) + " is not a type name or a list of them");
    }
    for (const char* key : {"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
                            "minContains", "maxContains"})
        if (const auto v = s.find(key); v != s.end() && !is_count(*v))
            bad(key, "must be a non-negative integer, got " + shown(*v));
    for (const char* key : {"minimum", "maximum"})
        if (const auto v = s.find(key); v != s.end() && !v->is_number())
            bad(key, "must be a number, got " + shown(*v));
    for (const char* key : {"exclusiveMinimum", "exclusiveMaximum"})
        if (const auto v = s.find(key); v != s.end() && !v->is_number() && !v->is_boolean())
            bad(key, "must be a number, got " + shown(*v));
    if (const auto v = s.find("multipleOf"); v != s.end() && !(v->is_number() && v->get<double>() > 0))
        bad("multipleOf", "must be a number greater than 0, got " + shown(*v));
    if (const auto v = s.find("uniqueItems"); v != s.end() && !v->is_boolean())
        bad("uniqueItems", "must be true or false, got " + shown(*v));
    if (const auto v = s.find("required"); v != s.end() && !is_string_list(*v))
        bad("required", "must be an array of property names, got " + shown(*v));
    if (const auto v = s.find("enum"); v != s.end() && !v->is_array())
        bad("enum", "must be an array, got " + shown(*v));
    if (const auto v = s.find("$ref"); v != s.end() && !v->is_string())
        bad("$ref", "must be a string, got " + shown(*v));
    if (const auto v = s.find("format"); v != s.end() && !v->is_string())
        bad("format", "must be a string, got " + shown(*v));
    if (const auto v = s.find("dependencies"); v != s.end()) {
        if (!v->is_object()) bad("dependencies", "must be an object, got " + shown(*v));
        else
            for (const auto& [name, dep] : v->items())
                if (dep.is_array() && !is_string_list(dep))
                    bad("dependencies", "\"" + name + "\" must list property names");
    }
    if (const auto v = s.find("dependentRequired"); v != s.end()) {
        bool ok = v->is_object();
        if (ok)
            for (const auto& [name, dep] : v->items()) ok = ok && is_string_list(dep);
        if (!ok) bad("dependentRequired", "must map property names to arrays of property names");
    }
    if (const auto v = s.find("pattern"); v != s.end()) {
        if (v->is_string())
            add_regex(v->get<std::string>(), where + "/pattern");
        else
            bad("pattern", "must be a string, got " + shown(*v));
    }
    if (const auto v = s.find("patternProperties"); v != s.end() && v->is_object())
        for (const auto& [pattern, sub] : v->items())
            add_regex(pattern, where + "/patternProperties/" + pointer_token(pattern));
}

void SchemaIndex::add_regex(const std::string& pattern, const std::string& where) {
    if (regexes_.contains(pattern)) return;
    std::string error;
    auto regex = cached_regex(pattern, error);
    if (!regex) problems_.push_back(where + ": " + shown(json(pattern)) + " is not a valid regex: " + error);
    regexes_.emplace(pattern, std::move(regex));
}

void SchemaIndex::resolve_pending() {
    // Resolving a $ref may walk schemas no keyword reaches (another document, a pointer into an unknown
    // keyword), which may hold $refs of their own: a work list, not one pass.
    while (!pending_.empty()) {
        const PendingRef ref = pending_.back();
        pending_.pop_back();
        const auto& text = (*ref.schema)["$ref"];
        if (!text.is_string()) continue;  // reported by check_keywords
        const std::string absolute = resolve_uri(base_of_.at(ref.schema), text.get_ref<const std::string&>());
        std::string why;
        const json* target = resolve(absolute, why);
        if (!target) {
            problems_.push_back(ref.where + "/$ref: cannot resolve " + shown(text) + ": " + why);
            continue;
        }
        ref_targets_[ref.schema] = target;
        if (!base_of_.contains(target)) walk(*target, split_fragment(absolute).first, absolute, 0);
    }
}

const json* SchemaIndex::document(const std::string& uri) {
    if (const auto it = ids_.find(uri); it != ids_.end()) return it->second;
    const json* known = known_schema(uri);
    if (!known) return nullptr;
    ids_.emplace(uri, known);
    walk(*known, uri, uri + "#", 0);
    return known;
}

const json* SchemaIndex::resolve(const std::string& absolute, std::string& why) {
    auto [uri, fragment] = split_fragment(absolute);
    if (fragment.empty() || fragment[0] == '/') {
        const json* doc = document(uri);
        if (!doc) {
            why = "no schema here has the $id " + shown(json(uri)) + ", and llmgate fetches no remote schemas";
            return nullptr;
        }
        if (fragment.empty()) return doc;
        std::string pointer;
        if (!percent_decode(fragment, pointer)) {
            why = "broken %-escape in the JSON pointer";
            return nullptr;
        }
        const json* target = follow_pointer(*doc, pointer);
        if (!target) why = "the JSON pointer names nothing in the schema";
        return target;
    }
    if (const auto it = ids_.find(uri + "#" + fragment); it != ids_.end()) return it->second;
    why = "no schema here has the anchor " + shown(json(fragment));
    return nullptr;
}

}  // namespace llmgate::detail
