// Fuzz target for the Gemini batch parsers: any bytes, read as a batch operation (its state and stats, and its
// inlined responses), give a job / result items or a llmgate::Error; a parsed job survives to_string /
// from_string.
#include <cstddef>
#include <cstdint>
#include <string>

#include "llmgate/errors.hpp"
#include "providers/batch/batch_api.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    try {
        const llmgate::BatchJob job = llmgate::detail::gemini_parse_batch_job(body);
        const llmgate::BatchJob again = llmgate::BatchJob::from_string(job.to_string());
        if (again.id != job.id || again.status != job.status) __builtin_trap();
    } catch (const llmgate::Error&) {
    }
    try {
        for (const auto& item : llmgate::detail::gemini_parse_batch_results(body))
            if (!item.error && item.reply.body.empty()) __builtin_trap();
    } catch (const llmgate::Error&) {
    }
    return 0;
}
