// JSON Schema's regular expressions (ECMA-262 with the `u` flag) on PCRE2, with a bounded cost per match.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace llmgate::inline v1::detail {

// One compiled `pattern` / `patternProperties` expression. Immutable once compiled, so one object is
// shared by every thread that validates against the same pattern.
class EcmaRegex {
public:
    enum class Match { found, not_found, too_costly };

    // The compiled pattern, or nullptr with `error` saying why it is not a valid expression.
    static std::shared_ptr<const EcmaRegex> compile(std::string_view pattern, std::string& error);

    // Searches anywhere in `subject` (JSON Schema patterns are not anchored). `too_costly` when PCRE2's
    // match, depth or heap limit stopped the search: a catastrophic pattern ends, it does not hang.
    Match search(std::string_view subject) const;

    ~EcmaRegex();
    EcmaRegex(const EcmaRegex&) = delete;
    EcmaRegex& operator=(const EcmaRegex&) = delete;

private:
    struct Code;
    explicit EcmaRegex(Code* code) : code_(code) {}
    Code* code_;
};

// compile() through a process-wide cache (bounded: it is emptied when full), so each structured reply
// does not recompile the schema's patterns. Thread-safe; errors are cached too.
std::shared_ptr<const EcmaRegex> cached_regex(const std::string& pattern, std::string& error);

// The pattern rewritten into PCRE2 syntax where ECMA-262 means something else (`\s`, `\v`, `.`), or
// empty with `error` set for an escape ECMA-262's `u` mode does not have (`\Z`, `\A`, `\h`, ...),
// which PCRE2 would quietly give a meaning of its own. Exposed for its unit test.
std::string ecma_to_pcre2(std::string_view pattern, std::string& error);

}  // namespace llmgate::detail
