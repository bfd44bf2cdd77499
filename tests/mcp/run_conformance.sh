#!/usr/bin/env bash
# Runs one client scenario of the pinned MCP conformance suite against the conformance client program.
#   run_conformance.sh NODE CLIENT_PROGRAM SCENARIO
set -euo pipefail
node_bin=$1 client=$2 scenario=$3
suite="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/node_modules/@modelcontextprotocol/conformance/dist/index.js"
if [[ -z "$node_bin" || ! -x "$node_bin" || ! -f "$suite" ]]; then
    echo "node or @modelcontextprotocol/conformance is missing: run scripts/install-deps.sh" >&2
    exit 1
fi
# The suite writes results/ into the working directory: a scratch one per scenario (ctest -j safe).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
exec "$node_bin" "$suite" client --command "$client" --scenario "$scenario" --timeout 30000
