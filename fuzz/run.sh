#!/usr/bin/env bash
# Builds the libFuzzer targets if needed, fuzzes each in turn, prints one line per target; non-zero on any crash.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60 s, every target; e.g. fuzz/run.sh 30 openai_stream)
#
# One target at a time, one process each: the machine's cores are shared. Inputs libFuzzer finds go to
# build-fuzz/fuzz-work/<target>/corpus, never into the committed seeds; crashes go to .../artifacts/.
set -uo pipefail

seconds=${1:-60}
shift || true
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${LLMGATE_FUZZ_BUILD_DIR:-$root/build-fuzz}
work=$build/fuzz-work

if [[ ! -f $build/build.ninja ]]; then
    # The library gets coverage and sanitizers too (fuzzer-no-link); -O1 -g without NDEBUG keeps asserts.
    CXX=${CXX:-clang++} cmake -S "$root" -B "$build" -G Ninja \
        -DLLMGATE_BUILD_FUZZERS=ON -DLLMGATE_BUILD_TESTS=OFF -DLLMGATE_BUILD_EXAMPLES=OFF -DLLMGATE_BUILD_CLI=OFF \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO='-O1 -g' \
        -DCMAKE_CXX_FLAGS='-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer' \
        || exit 2
fi
if [[ $# -gt 0 ]]; then
    targets=("$@")
    # Only what will run: building one target (e.g. `fuzz/run.sh 300 tokens`) is much quicker than all.
    build_targets=("${targets[@]/%/_fuzz}")
else
    targets=()
    for src in "$root"/fuzz/*_fuzz.cpp; do
        name=$(basename "$src" _fuzz.cpp)
        targets+=("$name")
    done
    build_targets=(llmgate_fuzzers)
fi
# Two jobs by default: the machine's cores are shared (LLMGATE_FUZZ_JOBS overrides).
cmake --build "$build" -j "${LLMGATE_FUZZ_JOBS:-2}" --target "${build_targets[@]}" || exit 2

# A recoverable UBSan report would otherwise print and carry on, and the input would be lost.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

failed=0
for name in "${targets[@]}"; do
    exe=$build/fuzz/${name}_fuzz
    seeds=$root/fuzz/corpus/$name
    mkdir -p "$work/$name/corpus" "$work/$name/artifacts"
    log=$work/$name/fuzz.log
    dict=()
    case $name in
        dotenv | base64 | retry_after) ;;  # not JSON
        *) dict=(-dict="$root/fuzz/json.dict") ;;
    esac
    # -timeout catches hangs (a parser looping on some input); -max_len leaves room for long streams.
    "$exe" -max_total_time="$seconds" -timeout=10 -max_len=8192 -print_final_stats=1 "${dict[@]}" \
        -artifact_prefix="$work/$name/artifacts/" "$work/$name/corpus" "$seeds" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    corpus=$(find "$work/$name/corpus" -type f | wc -l)
    if [[ $rc -eq 0 ]]; then
        status=ok
    else
        status=CRASH
        failed=1
    fi
    printf '%-18s %-5s %4ss  %10s runs  %7s exec/s  cov %-5s  corpus %s' \
        "$name" "$status" "$seconds" "${runs:-?}" "${rate:-?}" "${cov:-?}" "$corpus"
    if [[ $status != ok ]]; then
        artifact=$(sed -n 's/.*Test unit written to //p' "$log" | tail -1)
        printf '  -> %s (log: %s)' "${artifact:-no artifact}" "$log"
    fi
    printf '\n'
done
exit $failed
