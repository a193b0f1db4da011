#!/usr/bin/env bash
# Chaos run against a local 3-node cluster: builds (Release), starts a throwaway PostgreSQL,
# runs boxoffice-chaos (which starts the nodes itself, injects faults and checks the
# invariants), stops PostgreSQL. Arguments go to boxoffice-chaos (they override the ones
# below); see docs/chaos.md. Exit status: boxoffice-chaos's (0 = every invariant held).
#
#   scripts/chaos.sh                                  # 60 s, a fault every 10 s
#   scripts/chaos.sh --duration 10m --fault-every 10s --seats 5000   # the long run
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BOXOFFICE_BUILD_DIR:-$root/build-release}
out=${CHAOS_OUT:-$root/chaos-out}
pgdir=${CHAOS_PG_DIR:-$(mktemp -d /tmp/boxoffice-chaos-pg.XXXXXX)}

"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" --target boxoffice boxoffice-chaos

cleanup() { "$root/scripts/pg-test-cluster.sh" stop "$pgdir" >/dev/null 2>&1 || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
url=$("$root/scripts/pg-test-cluster.sh" start "$pgdir")
echo "chaos.sh: PostgreSQL at $url; node logs and report.json in $out" >&2

status=0
"$build/chaos/boxoffice-chaos" --boxoffice "$build/app/boxoffice" --database "$url" \
  --nodes 3 --out "$out" "$@" || status=$?
exit "$status"
