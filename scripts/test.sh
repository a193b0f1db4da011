#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through CTest: each database suite on
# SQLite and on a throwaway PostgreSQL (started by CTest's `postgresql` fixture, loopback
# only, free port) that is stopped again even when tests fail.
# Extra arguments go to ctest (e.g. scripts/test.sh -R http_tests).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BOXOFFICE_BUILD_DIR:-$root/build}

"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build"

pgdir="$build/pgtest"
trap '"$root/scripts/pg-test-cluster.sh" stop "$pgdir" >/dev/null 2>&1 || true' EXIT
cd "$build"
ctest --output-on-failure --parallel 2 "$@"
