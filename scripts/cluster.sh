#!/usr/bin/env bash
# A local N-node boxoffice cluster to try: builds (Release), starts a throwaway PostgreSQL
# (project-local, loopback only), migrates and seeds the demo data, starts N nodes on
# loopback, prints their ports, and stops everything cleanly on Ctrl-C (nodes first, with
# SIGTERM: each hands its entities over, then PostgreSQL).
#
#   scripts/cluster.sh            # 3 nodes: HTTP 8081..8083, cluster 7101..7103
#   scripts/cluster.sh 5 --hold-ttl 30s        # 5 nodes; flags go to every `boxoffice serve`
#
# Environment: CLUSTER_HTTP_BASE (8080: node i listens on base+i), CLUSTER_PORT_BASE (7100),
# BOXOFFICE_ADMIN_KEY (demo-admin-key), CLUSTER_DIR (var/cluster: logs and PostgreSQL).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BOXOFFICE_BUILD_DIR:-$root/build-release}
nodes=3
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
  nodes=$1
  shift
fi
if ((nodes < 1 || nodes > 20)); then
  echo "cluster.sh: the number of nodes must be from 1 to 20" >&2
  exit 2
fi
http_base=${CLUSTER_HTTP_BASE:-8080}
port_base=${CLUSTER_PORT_BASE:-7100}
dir=${CLUSTER_DIR:-$root/var/cluster}
admin_key=${BOXOFFICE_ADMIN_KEY:-demo-admin-key}

"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" --target boxoffice
binary=$build/app/boxoffice

mkdir -p "$dir"
pids=()
stop_all() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  "$root/scripts/pg-test-cluster.sh" stop "$dir/pg" >/dev/null 2>&1 || true
  echo "cluster.sh: stopped $nodes nodes and PostgreSQL" >&2
}
trap stop_all EXIT
trap 'exit 130' INT TERM

url=$("$root/scripts/pg-test-cluster.sh" start "$dir/pg")
"$binary" seed --demo --database "$url" --log-level warn

for ((i = 1; i <= nodes; i++)); do
  peers=""
  for ((j = 1; j <= nodes; j++)); do
    ((j == i)) || peers+="${peers:+,}127.0.0.1:$((port_base + j))"
  done
  args=(serve --node-id "$i" --listen "127.0.0.1:$((http_base + i))"
    --cluster-listen "127.0.0.1:$((port_base + i))" --database "$url" --admin-key "$admin_key")
  [[ -n $peers ]] && args+=(--peers "$peers")
  "$binary" "${args[@]}" "$@" >"$dir/node$i.log" 2>&1 &
  pids+=($!)
done

# Ready once every node answers /readyz.
for ((i = 1; i <= nodes; i++)); do
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$((http_base + i))/readyz" >/dev/null 2>&1 && break
    kill -0 "${pids[$((i - 1))]}" 2>/dev/null || { cat "$dir/node$i.log" >&2; exit 1; }
    sleep 0.1
  done
done

echo "boxoffice cluster of $nodes nodes on $url (logs in $dir/node*.log):"
for ((i = 1; i <= nodes; i++)); do
  echo "  node $i: http://127.0.0.1:$((http_base + i))  cluster 127.0.0.1:$((port_base + i))  pid ${pids[$((i - 1))]}"
done
echo "Any node answers any request, e.g.:"
echo "  curl -s -H 'X-Admin-Key: $admin_key' http://127.0.0.1:$((http_base + 1))/api/v1/admin/cluster"
echo "  kill -9 ${pids[$((nodes - 1))]}   # the others take over node $nodes's entities"
echo "Ctrl-C stops every node and PostgreSQL."
wait "${pids[@]}" || true
