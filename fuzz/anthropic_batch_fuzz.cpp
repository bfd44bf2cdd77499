// Fuzz target for the Anthropic Message Batches parsers: any bytes, read as a MessageBatch and as a results
// JSONL, give a job / result items or a llmgate::Error; a parsed job survives to_string / from_string.
#include <cstddef>
#include <cstdint>
#include <string>

#include "llmgate/errors.hpp"
#include "providers/batch/batch_api.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    try {
        const llmgate::BatchJob job = llmgate::detail::anthropic_parse_batch_job(body);
        const llmgate::BatchJob again = llmgate::BatchJob::from_string(job.to_string());
        if (again.id != job.id || again.status != job.status) __builtin_trap();
    } catch (const llmgate::Error&) {
    }
    try {
        for (const auto& item : llmgate::detail::anthropic_parse_batch_results(body))
            if (!item.error && item.reply.body.empty()) __builtin_trap();
    } catch (const llmgate::Error&) {
    }
    return 0;
}
