// Fuzz target for the AWS event stream frame decoder: bad bytes throw llmgate::Error, cuts change nothing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chunking.hpp"
#include "fuzz_check.hpp"
#include "llmgate/errors.hpp"
#include "transport/aws_eventstream.hpp"

namespace {

struct Outcome {
    std::vector<llmgate::detail::EventStreamMessage> frames{};
    std::string error{};  // type name and message of the llmgate::Error thrown, "" when none was
    bool mid_frame = false;
};

// A llmgate::Error is the decoder's documented answer to bad frames; anything else escapes on purpose.
Outcome decode(const std::vector<std::string_view>& slices) {
    Outcome o;
    llmgate::detail::EventStreamDecoder decoder;
    try {
        for (std::string_view slice : slices) decoder.feed(slice, o.frames);
        o.mid_frame = decoder.mid_frame();
    } catch (const llmgate::Error& e) {
        o.error = std::string(e.type_name()) + ": " + e.what();
    }
    return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const Outcome whole = decode({input});
    const Outcome pieces = decode(llmgate::fuzz::slices(input));

    LLMGATE_FUZZ_CHECK(whole.error == pieces.error);
    LLMGATE_FUZZ_CHECK(whole.mid_frame == pieces.mid_frame);
    LLMGATE_FUZZ_CHECK(whole.frames.size() == pieces.frames.size());
    for (std::size_t i = 0; i < whole.frames.size(); ++i) {
        LLMGATE_FUZZ_CHECK(whole.frames[i].headers == pieces.frames[i].headers);
        LLMGATE_FUZZ_CHECK(whole.frames[i].payload == pieces.frames[i].payload);
        // A decoded frame re-encodes to the same payload (string headers only: the encoder writes type 7).
        bool all_strings = true;
        for (const auto& [k, v] : whole.frames[i].headers)
            all_strings = all_strings && k.size() < 256 && v.size() < 65536;
        if (all_strings) {
            const std::string again =
                llmgate::detail::encode_event_stream_message(whole.frames[i].headers, whole.frames[i].payload);
            std::vector<llmgate::detail::EventStreamMessage> back;
            llmgate::detail::EventStreamDecoder d;
            d.feed(again, back);
            LLMGATE_FUZZ_CHECK(back.size() == 1 && back[0].payload == whole.frames[i].payload);
        }
    }
    return 0;
}
