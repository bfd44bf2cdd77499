// Builds the human-readable what() of llmgate errors from their structured fields.
#include "llmgate/errors.hpp"

#include "util/utf8.hpp"

namespace llmgate::inline v1 {
namespace {

// Provider bodies end up in error messages. A reply cut mid-character, or sent in another encoding, must
// not make the error itself unusable: nlohmann::json::dump throws on invalid UTF-8, and logs and
// terminals garble it. Each byte that does not start a well-formed sequence becomes U+FFFD.
void make_valid_utf8(std::string& s) {
    if (detail::is_valid_utf8(s)) return;  // the usual case: nothing to do, no copy
    std::string out;
    out.reserve(s.size() + 16);
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t n = detail::utf8_sequence(s, i);
        if (n == 0) {
            out.append("\xEF\xBF\xBD");
            ++i;
        } else {
            out.append(s, i, n);
            i += n;
        }
    }
    s = std::move(out);
}

ErrorInfo with_valid_utf8(ErrorInfo info) {
    for (std::string* field :
         {&info.provider, &info.model, &info.request_id, &info.message, &info.error_type, &info.body})
        make_valid_utf8(*field);
    return info;
}

// Appended piece by piece (no `a + b` temporaries): GCC 12 at -O3 reports a false -Wrestrict inside
// libstdc++ for `(cond ? "" : " ") + std::string(...)`, which breaks -Werror Release builds.
std::string describe(const ErrorInfo& info) {
    std::string prefix;
    if (!info.provider.empty()) prefix.append(info.provider);
    if (info.status != 0) {
        if (!prefix.empty()) prefix.push_back(' ');
        prefix.append("HTTP ");
        prefix.append(std::to_string(info.status));
    }
    if (!info.request_id.empty()) {
        if (!prefix.empty()) prefix.append(", ");
        prefix.append("request ");
        prefix.append(info.request_id);
    }
    std::string out;
    out.reserve(prefix.size() + info.message.size() + 16);
    if (!prefix.empty()) {
        out.push_back('[');
        out.append(prefix);
        out.append("] ");
    }
    if (info.message.empty())
        out.append("unknown error");
    else
        out.append(info.message);
    return out;
}

}  // namespace

Error::Error(ErrorInfo info) : Error(with_valid_utf8(std::move(info)), 0) {}

Error::Error(ErrorInfo&& valid, int) : std::runtime_error(describe(valid)), info_(std::move(valid)) {}

}  // namespace llmgate::inline v1
