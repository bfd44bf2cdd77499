// One On-Demand parser per thread, sized per document (see ondemand_parser.hpp).
#include "util/ondemand_parser.hpp"

namespace llmgate::inline v1::detail {
namespace {

// What the parser keeps between documents.
constexpr std::size_t kKeptCapacity = 64 * 1024;

simdjson::ondemand::parser& this_threads_parser() {
    thread_local simdjson::ondemand::parser parser;  // allocated by the first document, on this thread
    return parser;
}

}  // namespace

OnDemandParser::OnDemandParser(std::size_t size) : parser_(this_threads_parser()) {
    const std::size_t wanted = size > kKeptCapacity ? size : kKeptCapacity;
    ok_ = parser_.capacity() >= wanted || parser_.allocate(wanted) == simdjson::SUCCESS;
}

OnDemandParser::~OnDemandParser() {
    if (parser_.capacity() > kKeptCapacity) {
        const simdjson::error_code shrunk = parser_.allocate(kKeptCapacity);
        static_cast<void>(shrunk);  // failing to shrink keeps the larger buffers: still a working parser
    }
}

}  // namespace llmgate::inline v1::detail
