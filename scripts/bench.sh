#!/usr/bin/env bash
# Builds the benchmarks (Release, in build-bench), runs them all against the fake provider server on
# loopback and prints one Markdown table of llmgate vs raw libcurl.
# Usage: scripts/bench.sh [--quick] [--no-build] [--no-pin]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${LLMGATE_BENCH_DIR:-$root/build-bench}
quick=()
pin=()
build_first=1
for arg in "$@"; do
    case $arg in
        --quick) quick=(--quick) ;;      # fewer requests: a smoke run in well under a minute
        --no-build) build_first=0 ;;
        --no-pin) pin=(--no-pin) ;;     # the concurrency bench does not pin (see docs/performance.md)
        *) echo "usage: scripts/bench.sh [--quick] [--no-build] [--no-pin]" >&2; exit 2 ;;
    esac
done

if [[ $build_first -eq 1 ]]; then
    launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    generator=()
    command -v ninja >/dev/null && generator=(-G Ninja)
    cmake -S "$root" -B "$build" "${generator[@]}" "${launcher[@]}" \
        -DCMAKE_BUILD_TYPE=Release -DLLMGATE_BUILD_BENCH=ON \
        -DLLMGATE_BUILD_TESTS=OFF -DLLMGATE_BUILD_EXAMPLES=OFF -DLLMGATE_BUILD_CLI=OFF >/dev/null
    cmake --build "$build" -j2 --target llmgate_benches
fi

log="$build/bench-$(date -u +%Y%m%dT%H%M%SZ).log"
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
{
    echo "# llmgate benchmarks $(date -u '+%Y-%m-%d %H:%M UTC') ${quick[*]}"
    echo "# $(nproc) CPU(s): $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "# $(curl-config --version 2>/dev/null || true), $(g++ --version | head -1)"
    if [[ ${#pin[@]} -eq 0 && $(nproc) -ge 2 ]]; then
        echo "# CPU placement: concurrency bench pinned (server process on CPU 1, client processes on CPU 0); other benches share every CPU"
    else
        echo "# CPU placement: none (server and client share every CPU in every bench)"
    fi
} | tee "$log"

start=$SECONDS
for bench in overhead concurrency streaming decode memory huge_reply tokens; do
    echo "== ${bench}_bench" | tee -a "$log"
    out=$(mktemp)
    # Details go to the log and the terminal; result rows are collected for the table.
    set +e
    # A hang (in llmgate or the baseline) must end the run, not stall it: no bench takes near 10 minutes.
    timeout 600 "$build/bench/${bench}_bench" "${quick[@]}" "${pin[@]}" >"$out" 2>&1
    status=$?
    set -e
    cat "$out" >>"$log"
    grep -v '^ROW' "$out" || true
    grep '^ROW' "$out" >>"$rows" || true
    rm -f "$out"
    if [[ $status -ne 0 ]]; then
        echo "${bench}_bench failed with status $status (see $log)" >&2
        exit 1
    fi
done
echo "# total $((SECONDS - start)) s, load afterwards $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"

echo
{
    echo "| Benchmark | Metric | llmgate | raw libcurl | ratio | target |"
    echo "|---|---|---|---|---|---|"
    awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", ($2 == last ? "" : $2), $3, $4, $5, $6, $7; last = $2 }' "$rows"
} | tee -a "$log"
echo
echo "log: $log"
