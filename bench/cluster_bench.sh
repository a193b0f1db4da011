#!/usr/bin/env bash
# Issue 6 benchmark: what forwarding costs. A 3-node cluster on one PostgreSQL (default
# durability); on node 1, balance reads and charges of a wallet node 1 owns and of one
# another node owns (the request crosses the cluster link twice), in one run. Then the
# failover time after kill -9 of the owner, measured from the signal to the first 200
# from a survivor for that wallet. Prints numbers; compare the ratios.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_build_all
pg_url=$(PG_DURABLE=1 "$bench_root/scripts/pg-test-cluster.sh" start "$bench_tmp/pg")
"$bench_build/app/boxoffice" seed --demo --database "$pg_url" >/dev/null

declare -a http cluster_port
for i in 1 2 3; do cluster_port[$i]=$(bench_free_port); done
for i in 1 2 3; do
  http[$i]=$(bench_free_port)
  peers=$(for j in 1 2 3; do [[ $j == "$i" ]] || printf '127.0.0.1:%s,' "${cluster_port[$j]}"; done)
  "$bench_build/app/boxoffice" serve --node-id "$i" --listen "127.0.0.1:${http[$i]}" \
    --cluster-listen "127.0.0.1:${cluster_port[$i]}" --peers "${peers%,}" --database "$pg_url" \
    --log-level error --admin-key bench >"$bench_tmp/node$i.log" 2>&1 &
  bench_pids+=($!)
done
for i in 1 2 3; do
  for _ in $(seq 100); do curl -sf "127.0.0.1:${http[$i]}/readyz" >/dev/null && break; sleep 0.1; done
done
sleep 1  # let every node finish its first connect round

forwarded() {
  curl -s "127.0.0.1:${http[1]}/metrics" | awk '/^boxoffice_cluster_forwarded_requests_total/ {print $2}'
}
local_wallet="" remote_wallet=""
for w in 1 2 3; do
  before=$(forwarded)
  curl -s "127.0.0.1:${http[1]}/api/v1/wallets/$w?userId=$w" >/dev/null
  if [[ $(forwarded) == "$before" ]]; then local_wallet=${local_wallet:-$w}; else remote_wallet=${remote_wallet:-$w}; fi
done
if [[ -z $local_wallet || -z $remote_wallet ]]; then
  echo "cluster_bench: the demo wallets are all on one side of node 1 (local '$local_wallet', remote '$remote_wallet')" >&2
  exit 1
fi

echo "machine: $(nproc) cores, $(uname -m); 3 nodes + PostgreSQL + wrk -t2 -c64 -d${BENCH_SECONDS:-10}s on the same box; load avg $(cut -d' ' -f1 /proc/loadavg)"
base="http://127.0.0.1:${http[1]}"
bench_wrk "balance read, owned by node 1" "$base/api/v1/wallets/$local_wallet?userId=$local_wallet"
bench_wrk "balance read, forwarded" "$base/api/v1/wallets/$remote_wallet?userId=$remote_wallet"
for w in "$local_wallet" "$remote_wallet"; do
  printf '%s\n' 'wrk.method = "POST"' "wrk.body = '{\"userId\":$w,\"amount\":1}'" \
    'wrk.headers["Content-Type"] = "application/json"' >"$bench_tmp/charge$w.lua"
done
bench_wrk "charge, owned by node 1" "$base/api/v1/wallets/$local_wallet/charges" -s "$bench_tmp/charge$local_wallet.lua"
bench_wrk "charge, forwarded" "$base/api/v1/wallets/$remote_wallet/charges" -s "$bench_tmp/charge$remote_wallet.lua"

# Token polls (issue 13): on the node that hosts the queue and on the others.
token=$(curl -s -X POST "$base/api/v1/queue/tokens" -H 'Content-Type: application/json' -d '{"userId":1}' |
  sed -E 's/.*"token":"([^"]+)".*/\1/')
# The others answer from their replica of the read model (docs/adr-002): the ratio to the host.
host_rps="" other_rps=()
for i in 1 2 3; do
  active=$(curl -s "127.0.0.1:${http[$i]}/metrics" | awk '/^boxoffice_queue_active / {print $2}')
  where="does not host the queue"; [[ ${active%.*} -gt 0 ]] && where="hosts the queue"
  line=$(bench_wrk "token poll, node $i ($where)" "http://127.0.0.1:${http[$i]}/api/v1/queue/tokens/me" \
    -H "Authorization: Bearer $token")
  echo "$line"
  rps=$(awk '{for (f = 2; f <= NF; f++) if ($f == "req/s") print $(f - 1)}' <<<"$line")
  if [[ $where == "hosts the queue" ]]; then host_rps=$rps; else other_rps+=("$i:$rps"); fi
done
for each in "${other_rps[@]}"; do
  awk -v node="${each%%:*}" -v rps="${each#*:}" -v host="$host_rps" \
    'BEGIN { if (host > 0) printf "token poll, node %s / the queue host: %.2fx\n", node, rps / host }'
done

# Failover: the owner of the remote wallet is the peer that served the most for node 1.
owner="" most=-1
for i in 2 3; do
  served=$(curl -s "127.0.0.1:${http[$i]}/metrics" | awk '/^boxoffice_cluster_served_for_peers_total/ {print $2}')
  if (( ${served%.*} > most )); then most=${served%.*}; owner=$i; fi
done
pid=${bench_pids[$((owner - 1))]}
start=$(date +%s%N)
kill -9 "$pid"
until [[ $(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/wallets/$remote_wallet?userId=$remote_wallet") == 200 ]]; do :; done
end=$(date +%s%N)
echo "failover: kill -9 of node $owner -> node 1 answers for its wallet $remote_wallet after $(( (end - start) / 1000000 )) ms"
