// Fuzz target for what an MCP server sends: stdio lines (LineFramer) or SSE events, each checked as JSON-RPC
// (parse_message, kind_of) and, when it carries a result, mapped as a tools/call result (to_output).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chunking.hpp"
#include "fuzz_check.hpp"
#include "llmgate/errors.hpp"
#include "llmgate/mcp.hpp"
#include "mcp/jsonrpc.hpp"
#include "transport/sse.hpp"

namespace {

namespace d = llmgate::mcp::detail;

// One message as the session reads it; a bad one is a typed error, never anything else.
void read_message(std::string_view text) {
    try {
        llmgate::json m = d::parse_message(text);
        const auto kind = d::kind_of(m);
        if (kind == d::MessageKind::response && m["result"].is_object()) {
            llmgate::mcp::CallToolResult r;
            const auto& result = m["result"];
            if (result.contains("content") && result["content"].is_array()) r.content = result["content"];
            if (result.contains("structuredContent")) r.structured_content = result["structuredContent"];
            auto out = r.to_output();
            (void)r.text();
            (void)out.content.size();
        }
    } catch (const llmgate::Error&) {
    }
}

// The lines of `input` fed whole or in `slices`: the same lines, or the same error.
std::vector<std::string> lines_of(const std::vector<std::string_view>& slices, bool& failed) {
    d::LineFramer framer(4096);
    std::vector<std::string> lines;
    failed = false;
    try {
        for (auto s : slices) framer.feed(s, lines);
    } catch (const llmgate::ResponseParseError&) {
        failed = true;
    }
    return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    bool whole_failed = false, sliced_failed = false;
    auto whole = lines_of({input}, whole_failed);
    auto sliced = lines_of(llmgate::fuzz::slices(input), sliced_failed);
    LLMGATE_FUZZ_CHECK(whole_failed == sliced_failed);
    if (!whole_failed) LLMGATE_FUZZ_CHECK(whole == sliced);
    for (const auto& line : whole) read_message(line);

    llmgate::detail::SseParser sse;
    std::vector<llmgate::detail::SseEvent> events;
    sse.feed(input, events);
    sse.finish(events);
    for (const auto& e : events) read_message(e.data);
    return 0;
}
