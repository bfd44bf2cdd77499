// Builds the human-readable what() of llmgate errors from their structured fields.
#include "llmgate/errors.hpp"

namespace llmgate {
namespace {

std::string describe(const ErrorInfo& info) {
    std::string out;
    if (!info.provider.empty()) out += info.provider;
    if (info.status != 0) out += (out.empty() ? "" : " ") + std::string("HTTP ") + std::to_string(info.status);
    if (!info.request_id.empty()) out += (out.empty() ? "" : ", ") + std::string("request ") + info.request_id;
    if (!out.empty()) out = "[" + out + "] ";
    out += info.message.empty() ? std::string("unknown error") : info.message;
    return out;
}

}  // namespace

Error::Error(ErrorInfo info) : std::runtime_error(describe(info)), info_(std::move(info)) {}

}  // namespace llmgate
