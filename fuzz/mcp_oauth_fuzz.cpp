// Fuzz target for what an MCP server or its authorization server sends during OAuth that the client parses
// itself (src/mcp/oauth.cpp): the parameters of a WWW-Authenticate Bearer challenge and of the redirect URL.
// Any bytes give a value or "", never a crash or a hang, and a value is never longer than what it came from.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "mcp/oauth.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    for (const char* name : {"error", "scope", "resource_metadata", "realm"})
        LLMGATE_FUZZ_CHECK(llmgate::mcp::detail::bearer_challenge_param(input, name).size() <= input.size());
    for (const char* name : {"code", "state", "error", "error_description"})
        LLMGATE_FUZZ_CHECK(llmgate::mcp::detail::url_query_param(input, name).size() <= input.size());
    return 0;
}
