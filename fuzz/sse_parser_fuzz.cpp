// Fuzz target for SseParser: any bytes, cut anywhere, give the same events as the stream fed whole.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "chunking.hpp"
#include "fuzz_check.hpp"
#include "transport/sse.hpp"

namespace {

using llmgate::detail::SseEvent;
using llmgate::detail::SseParser;

bool same_events(const std::vector<SseEvent>& a, const std::vector<SseEvent>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].event != b[i].event || a[i].data != b[i].data || a[i].id != b[i].id) return false;
    }
    return true;
}

}  // namespace

// No catch: SSE framing has no error path (any bytes are some sequence of events), so any exception is a bug.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    std::vector<SseEvent> whole;
    SseParser one_feed;
    one_feed.feed(input, whole);
    one_feed.finish(whole);

    // The transport hands the parser whatever recv() returned, so a cut must never change the events.
    std::vector<SseEvent> pieces;
    SseParser many_feeds;
    for (std::string_view slice : llmgate::fuzz::slices(input)) many_feeds.feed(slice, pieces);
    many_feeds.finish(pieces);

    LLMGATE_FUZZ_CHECK(same_events(whole, pieces));
    return 0;
}
