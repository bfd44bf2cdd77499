// A main() for fuzz targets without libFuzzer: runs one target once on every corpus file.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "replay_targets.hpp"

namespace {

namespace fs = std::filesystem;

std::vector<char> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

// Lets CI (GCC, no libFuzzer) keep every seed and every saved crash reproducer as a regression test: a crash
// or an escaping exception ends the process, which fails the test. The file name is printed first so a
// failure's log says which input did it. Every target is linked in (its LLVMFuzzerTestOneInput renamed, see
// CMakeLists.txt); the first argument names the one to run.
int main(int argc, char** argv) {
    const ReplayTarget* target = nullptr;
    for (const ReplayTarget* t = kReplayTargets; argc >= 2 && t->name != nullptr; ++t)
        if (std::string_view(t->name) == argv[1]) target = t;
    if (argc < 3 || target == nullptr) {
        std::fprintf(stderr, "usage: %s TARGET CORPUS_DIR_OR_FILE...\ntargets:", argv[0]);
        for (const ReplayTarget* t = kReplayTargets; t->name != nullptr; ++t) std::fprintf(stderr, " %s", t->name);
        std::fprintf(stderr, "\n");
        return 2;
    }
    std::vector<fs::path> inputs;
    for (int i = 2; i < argc; ++i) {
        const fs::path arg(argv[i]);
        std::error_code ec;
        if (fs::is_directory(arg, ec)) {
            for (const auto& entry : fs::recursive_directory_iterator(arg, ec))
                if (entry.is_regular_file()) inputs.push_back(entry.path());
        } else if (fs::is_regular_file(arg, ec)) {
            inputs.push_back(arg);
        } else {
            std::fprintf(stderr, "%s: no such file or directory\n", argv[i]);
            return 2;
        }
    }
    if (inputs.empty()) {
        // An empty corpus would make the test pass while testing nothing.
        std::fprintf(stderr, "no inputs found\n");
        return 2;
    }
    std::sort(inputs.begin(), inputs.end());  // the same order on every machine
    for (const auto& path : inputs) {
        std::fprintf(stderr, "replaying %s\n", path.string().c_str());
        const std::vector<char> bytes = read_file(path);
        // An empty vector's data() may be null; libFuzzer passes a valid pointer even for size 0.
        static const std::uint8_t empty = 0;
        const auto* data = bytes.empty() ? &empty : reinterpret_cast<const std::uint8_t*>(bytes.data());
        target->run(data, bytes.size());
    }
    std::fprintf(stderr, "replayed %zu inputs\n", inputs.size());
    return 0;
}
