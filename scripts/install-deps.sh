#!/usr/bin/env bash
# Installs what llmgate needs to build and test, from Debian 12's packages (needs root or sudo).
set -euo pipefail

packages=(
    g++ cmake ninja-build pkg-config git ca-certificates
    libcurl4-openssl-dev   # the one HTTP transport (HTTP/2, TLS, proxies, connection reuse)
    nlohmann-json3-dev     # JSON
    libssl-dev             # SHA-256/HMAC for AWS SigV4 (Bedrock)
    libspdlog-dev libfmt-dev  # LoggingMiddleware
    libsimdjson-dev        # fast parsing of the commonest replies
    libgtest-dev libgmock-dev  # tests
    libcpp-httplib-dev     # the fake provider server the tests run against
    libpcre2-dev           # JSON Schema `pattern` / `patternProperties` in structured-output validation
    json-schema-test-suite # the official JSON Schema Test Suite the validator is tested against (ctest)
    libhiredis-dev         # the Redis protocol codec behind RedisRateLimitMiddleware / RedisCacheStore
    redis-server           # the Redis tests start a real server on loopback (plain, password, TLS)
)

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
    sudo_cmd=(sudo)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    "${sudo_cmd[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

# The MCP tests run against the pinned reference server (tests/mcp/package.json + package-lock.json), installed
# into tests/mcp/node_modules. Debian 12's nodejs (v18) runs it; a newer node already on the machine is kept.
node_missing=()
command -v node >/dev/null || node_missing+=(nodejs)
command -v npm >/dev/null || node_missing+=(npm)
if [[ ${#node_missing[@]} -gt 0 ]]; then
    "${sudo_cmd[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${node_missing[@]}"
fi
mcp_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/mcp"
mcp_stamp="$mcp_dir/node_modules/.package-lock.json"
# npm ci rewrites node_modules/.package-lock.json: skip when it is newer than the committed lock file.
if [[ ! -f "$mcp_stamp" || "$mcp_dir/package-lock.json" -nt "$mcp_stamp" ]]; then
    (cd "$mcp_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
