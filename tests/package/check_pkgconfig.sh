#!/usr/bin/env bash
# Installs a built llmgate into a scratch prefix and builds + runs a consumer against it with pkg-config only:
#   c++ -std=c++20 main.cpp $(pkg-config --cflags --libs llmgate)
# usage: check_pkgconfig.sh SOURCE_DIR BUILD_DIR WORK_DIR [CXX_FLAGS]
# The compiler is $CXX (default g++). CXX_FLAGS are the flags the library was built with (a sanitizer build
# needs its consumer built alike). A static libllmgate is linked with `pkg-config --static`.
set -euo pipefail

if [[ $# -lt 3 || $# -gt 4 ]]; then
    echo "usage: $0 SOURCE_DIR BUILD_DIR WORK_DIR [CXX_FLAGS]" >&2
    exit 2
fi
read -r -a cxx_flags <<<"${4:-}"
cxx=${CXX:-g++}
source_dir=$(cd "$1" && pwd)
build_dir=$(cd "$2" && pwd)
work_dir=$3

fail() {
    echo "check_pkgconfig: FAILED: $*" >&2
    exit 1
}

# Start clean: a stale prefix could hide a file the install no longer ships.
rm -rf "$work_dir/prefix" "$work_dir/consumer"
mkdir -p "$work_dir"
work_dir=$(cd "$work_dir" && pwd)
prefix=$work_dir/prefix

cmake --install "$build_dir" --prefix "$prefix" >/dev/null
pc=$(find "$prefix" -path '*/pkgconfig/llmgate.pc' | head -n 1)
[[ -n $pc ]] || fail "no llmgate.pc under $prefix"
export PKG_CONFIG_PATH=$(dirname "$pc")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}

pkg-config --exists --print-errors llmgate || fail "pkg-config cannot resolve llmgate (and its Requires)"
libdir=$(pkg-config --variable=libdir llmgate)
cflags=$(pkg-config --cflags llmgate)
[[ $cflags != *-std=* ]] || fail "Cflags must leave the C++ standard to the consumer, got: $cflags"
[[ -f $(pkg-config --variable=includedir llmgate)/llmgate/version.hpp ]] || fail "includedir has no llmgate/version.hpp"

if [[ -e $libdir/libllmgate.so ]]; then
    kind=shared
    libs=$(pkg-config --libs llmgate)
    # A shared libllmgate links its own dependencies: the consumer gets only -lllmgate (+ nlohmann_json's none).
    [[ $libs != *-lcurl* && $libs != *-lspdlog* ]] || fail "shared llmgate.pc leaks private dependencies: $libs"
    rpath=("-Wl,-rpath,$libdir")
elif [[ -e $libdir/libllmgate.a ]]; then
    kind=static
    # --static adds Requires.private/Libs.private (libcurl, libcrypto, spdlog, simdjson). pkgconf's --pure keeps
    # it to those: plain --static also pulls in libcurl's own static closure (Debian's libcurl.pc lists
    # nghttp2, rtmp, ssh2, psl, krb5, ldap, zstd...), whose -dev packages a shared libcurl does not need.
    if pkg-config --static --pure --exists llmgate 2>/dev/null; then
        libs=$(pkg-config --static --pure --libs llmgate)
    else
        libs=$(pkg-config --static --libs llmgate)
    fi
    rpath=()
else
    fail "neither libllmgate.so nor libllmgate.a in pkg-config's libdir $libdir"
fi
echo "check_pkgconfig: $kind libllmgate; cflags: $cflags; libs: $libs"

mkdir -p "$work_dir/consumer"
# shellcheck disable=SC2086  # pkg-config output is a list of flags
"$cxx" -std=c++20 "${cxx_flags[@]}" "$source_dir/tests/package/consumer/main.cpp" -o "$work_dir/consumer/consumer" \
    $cflags $libs "${rpath[@]}"

out=$("$work_dir/consumer/consumer")
echo "$out"
# The installed (generated) version.hpp and the .pc agree with each other.
version=$(pkg-config --modversion llmgate)
[[ $out == *"llmgate $version installed and working"* ]] || fail "consumer did not report llmgate $version"
echo "check_pkgconfig: OK ($kind, llmgate $version)"
