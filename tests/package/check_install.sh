#!/usr/bin/env bash
# Installs a built llmgate into a scratch prefix and builds + runs a consumer project against it.
# usage: check_install.sh SOURCE_DIR BUILD_DIR WORK_DIR [CXX_FLAGS]
# CXX_FLAGS are the flags the library was built with (a sanitizer build needs its consumer built alike).
set -euo pipefail

if [[ $# -lt 3 || $# -gt 4 ]]; then
    echo "usage: $0 SOURCE_DIR BUILD_DIR WORK_DIR [CXX_FLAGS]" >&2
    exit 2
fi
cxx_flags=${4:-}
source_dir=$(cd "$1" && pwd)
build_dir=$(cd "$2" && pwd)
work_dir=$3

# Start clean: a stale prefix or consumer cache could hide a file the install no longer ships.
rm -rf "$work_dir/prefix" "$work_dir/consumer-build"
mkdir -p "$work_dir"
work_dir=$(cd "$work_dir" && pwd)

cmake --install "$build_dir" --prefix "$work_dir/prefix"
cmake -S "$source_dir/tests/package/consumer" -B "$work_dir/consumer-build" -G Ninja \
    -DCMAKE_PREFIX_PATH="$work_dir/prefix" -DCMAKE_CXX_FLAGS="$cxx_flags"
cmake --build "$work_dir/consumer-build"
"$work_dir/consumer-build/consumer"
