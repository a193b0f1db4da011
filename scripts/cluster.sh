#!/usr/bin/env bash
# A local N-node boxoffice cluster to try: builds (Release), starts a throwaway PostgreSQL
# (project-local, loopback only), migrates and seeds the demo data, starts N nodes on
# loopback and HAProxy in front of them (deploy/haproxy-config.sh), prints the balancer's one
# address, and stops everything cleanly on Ctrl-C (the balancer, then the nodes with SIGTERM:
# each drains and hands its entities over, then PostgreSQL).
#
#   scripts/cluster.sh            # http://127.0.0.1:8080 in front of nodes on 8081..8083
#   scripts/cluster.sh 5 --hold-ttl 30s        # 5 nodes; flags go to every `boxoffice serve`
#
# Environment: CLUSTER_BALANCER (127.0.0.1:8080: the one address), CLUSTER_STATS
# (127.0.0.1:8404: HAProxy's stats page), CLUSTER_HTTP_BASE (8080: node i listens on base+i),
# CLUSTER_PORT_BASE (7100), BOXOFFICE_ADMIN_KEY (demo-admin-key), CLUSTER_DIR (var/cluster:
# logs, the balancer's configuration and PostgreSQL).
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
balancer=${CLUSTER_BALANCER:-127.0.0.1:8080}
stats=${CLUSTER_STATS:-127.0.0.1:8404}
dir=${CLUSTER_DIR:-$root/var/cluster}
admin_key=${BOXOFFICE_ADMIN_KEY:-demo-admin-key}

"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" --target boxoffice
binary=$build/app/boxoffice

mkdir -p "$dir"
pids=()
balancer_pid=""
stop_all() {
  trap - EXIT INT TERM
  if [[ -n $balancer_pid ]]; then
    kill -TERM "$balancer_pid" 2>/dev/null || true
    wait "$balancer_pid" 2>/dev/null || true
  fi
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  "$root/scripts/pg-test-cluster.sh" stop "$dir/pg" >/dev/null 2>&1 || true
  echo "cluster.sh: stopped the balancer, $nodes nodes and PostgreSQL" >&2
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

# The balancer, with the production configuration (health checks every 2 s: the nodes' default
# --drain-grace 4s fits), running as this user, logging to a file.
node_addresses=()
for ((i = 1; i <= nodes; i++)); do node_addresses+=("127.0.0.1:$((http_base + i))"); done
BALANCER_LISTEN=$balancer BALANCER_STATS=$dir/haproxy.sock BALANCER_STATS_HTTP=$stats \
  BALANCER_LOG=stdout BALANCER_USER="" BALANCER_MAXCONN=4000 \
  "$root/deploy/haproxy-config.sh" "${node_addresses[@]}" >"$dir/haproxy.cfg"
haproxy -db -f "$dir/haproxy.cfg" >"$dir/haproxy.log" 2>&1 &
balancer_pid=$!
# Ready once the balancer sees every node UP (its stats as CSV: column 18 is the status).
for _ in $(seq 1 100); do
  up=$(curl -fs "http://$stats/stats;csv" 2>/dev/null |
    awk -F, '$1 == "nodes" && $2 ~ /^node/ && $18 == "UP"' | wc -l) || up=0
  ((up == nodes)) && break
  kill -0 "$balancer_pid" 2>/dev/null || { cat "$dir/haproxy.log" >&2; exit 1; }
  sleep 0.1
done

echo "boxoffice cluster of $nodes nodes on $url (logs in $dir/*.log):"
echo "  http://$balancer   <- the one address (HAProxy; stats http://$stats/stats)"
for ((i = 1; i <= nodes; i++)); do
  echo "  node $i: http://127.0.0.1:$((http_base + i))  cluster 127.0.0.1:$((port_base + i))  pid ${pids[$((i - 1))]}"
done
echo "Try:"
echo "  curl -s -H 'X-Admin-Key: $admin_key' http://$balancer/api/v1/admin/cluster"
echo "  kill -TERM ${pids[$((nodes - 1))]}   # node $nodes drains: the balancer takes it out, nothing fails"
echo "  kill -9 ${pids[$((nodes - 1))]}      # the others take over node $nodes's entities"
echo "Ctrl-C stops the balancer, every node and PostgreSQL."
wait "${pids[@]}" || true
