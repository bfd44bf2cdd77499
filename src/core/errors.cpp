// Builds the human-readable what() of llmgate errors from their structured fields.
#include "llmgate/errors.hpp"

namespace llmgate {
namespace {

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

Error::Error(ErrorInfo info) : std::runtime_error(describe(info)), info_(std::move(info)) {}

}  // namespace llmgate
