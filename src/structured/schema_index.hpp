// One schema prepared for validation: identifiers found, every $ref resolved, every regex compiled, and
// what makes the schema unusable (unsupported keywords, dangling refs, bad regexes) collected up front.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "llmgate/types.hpp"
#include "structured/ecma_regex.hpp"

namespace llmgate::inline v1::detail {

class SchemaIndex {
public:
    // Indexes `root` (which must outlive the index) and everything its $refs reach.
    explicit SchemaIndex(const json& root);

    // "#/json/pointer: what is wrong", in schema order; empty when the schema can be used.
    const std::vector<std::string>& problems() const { return problems_; }

    // Draft 7 and earlier (also a schema with no "$schema"): $ref replaces its sibling keywords.
    // 2019-09 and 2020-12: the siblings apply too.
    bool ref_overrides_siblings() const { return ref_overrides_siblings_; }

    // The schema the $ref of `schema` names, or nullptr when it has none or it cannot be resolved.
    const json* ref_target(const json& schema) const;

    // The compiled regex for `pattern` (from `pattern` or a patternProperties key), or nullptr when it
    // did not compile (a problem says so).
    const EcmaRegex* regex(const std::string& pattern) const;

private:
    void walk(const json& schema, const std::string& base, const std::string& where, int depth);
    void check_keywords(const json& schema, const std::string& where);
    void add_regex(const std::string& pattern, const std::string& where);
    void resolve_pending();
    const json* resolve(const std::string& absolute, std::string& why);
    const json* document(const std::string& uri);

    struct PendingRef {
        const json* schema;
        std::string where;
    };

    bool ref_overrides_siblings_ = true;
    std::unordered_map<std::string, const json*> ids_;          // absolute URI, or URI#anchor -> schema
    std::unordered_map<const json*, std::string> base_of_;      // schema -> base URI in effect inside it
    std::unordered_map<const json*, const json*> ref_targets_;  // schema with $ref -> the schema it names
    std::unordered_map<std::string, std::shared_ptr<const EcmaRegex>> regexes_;
    std::vector<PendingRef> pending_;
    std::vector<std::string> problems_;
};

}  // namespace llmgate::detail
