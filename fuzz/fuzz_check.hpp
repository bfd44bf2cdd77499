// LLMGATE_FUZZ_CHECK: an invariant a fuzz target asserts beyond "does not crash".
#pragma once

#include <cstdio>
#include <cstdlib>

// Aborts rather than throws: an exception could be swallowed by the code under test, while an abort is
// reported by libFuzzer (with the input saved) and fails the replay test under any compiler.
#define LLMGATE_FUZZ_CHECK(cond)                                                                   \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                                          \
        }                                                                                          \
    } while (0)
