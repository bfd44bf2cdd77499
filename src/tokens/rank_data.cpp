// Links data/tiktoken/*.tiktoken into the library with the assembler's .incbin (the build passes their
// folder as LLMGATE_TIKTOKEN_DIR), so the tokeniser needs no download and no data path at run time.
// The files stay byte-identical to OpenAI's, and encoding.cpp checks their SHA-256 before use.
// .incbin is a GNU assembler directive with ELF section syntax here: GCC or Clang on Linux.
#include "tokens/rank_data.hpp"

#ifndef LLMGATE_TIKTOKEN_DIR
#error "LLMGATE_TIKTOKEN_DIR (the folder of the .tiktoken files) is set by src/CMakeLists.txt"
#endif

// LLMGATE_TIKTOKEN_DATA_ID (the files' SHA-256, from src/CMakeLists.txt) is only here so that a changed file
// changes this source's compile command, and a compiler cache cannot hand back an object with the old bytes.
#ifndef LLMGATE_TIKTOKEN_DATA_ID
#error "LLMGATE_TIKTOKEN_DATA_ID is set by src/CMakeLists.txt"
#endif

#define LLMGATE_EMBED(symbol, file)                                                          \
    ".pushsection .rodata.llmgate_tiktoken,\"a\",@progbits\n"                               \
    ".globl " #symbol "_begin\n.hidden " #symbol "_begin\n" #symbol "_begin:\n"             \
    ".incbin \"" LLMGATE_TIKTOKEN_DIR "/" file "\"\n"                                       \
    ".globl " #symbol "_end\n.hidden " #symbol "_end\n" #symbol "_end:\n"                   \
    ".popsection\n"

__asm__(LLMGATE_EMBED(llmgate_o200k_base, "o200k_base.tiktoken") LLMGATE_EMBED(llmgate_cl100k_base, "cl100k_base.tiktoken"));

extern "C" {
__attribute__((visibility("hidden"))) extern const char llmgate_o200k_base_begin[];
__attribute__((visibility("hidden"))) extern const char llmgate_o200k_base_end[];
__attribute__((visibility("hidden"))) extern const char llmgate_cl100k_base_begin[];
__attribute__((visibility("hidden"))) extern const char llmgate_cl100k_base_end[];
}

namespace llmgate::inline v1::detail {

std::string_view embedded_o200k_base() noexcept {
    return {llmgate_o200k_base_begin, static_cast<std::size_t>(llmgate_o200k_base_end - llmgate_o200k_base_begin)};
}

std::string_view embedded_cl100k_base() noexcept {
    return {llmgate_cl100k_base_begin,
            static_cast<std::size_t>(llmgate_cl100k_base_end - llmgate_cl100k_base_begin)};
}

}  // namespace llmgate::inline v1::detail
