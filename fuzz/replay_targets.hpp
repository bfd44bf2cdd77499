// The fuzz targets linked into the replay program (fuzz/CMakeLists.txt generates the table).
#pragma once

#include <cstddef>
#include <cstdint>

struct ReplayTarget {
    const char* name;  // "sse_parser": <name>_fuzz.cpp, corpus/<name>/
    int (*run)(const std::uint8_t* data, std::size_t size);
};

// Ends with {nullptr, nullptr}.
extern const ReplayTarget kReplayTargets[];
