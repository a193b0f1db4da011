#!/usr/bin/env bash
# Issue 11 benchmark: the HTTP front under an on-sale night's connections, on the embedded
# default (SQLite) and on PostgreSQL. Loopback only; every load is bounded in time.
#   1. 10,000 fans open a keep-alive connection each at once and poll their token once:
#      all answered within 5 s? then they stay open, idle. RSS per idle connection.
#   2. With those 10,000 idle: wrk -c200 busy polling, and 50 newcomers one after another:
#      their first answer p50 / p99 / max.
#   3. wrk -c1000 on the token poll (timeouts), and the spread of requests per connection
#      over 1,000 closed-loop connections.
#   4. Seat map and token poll at c64 beside bare httplib serving the same bytes.
# BASELINE_BUILD_DIR=dir runs step 4 for that build's boxoffice too (e.g. the previous main),
# interleaved with the current one; ROUNDS=n repeats step 4 (the machine is noisy: compare
# the medians). ONLY_COMPARE=1 skips steps 1-3.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_build_all
ulimit -n "$(ulimit -Hn)"  # 10,000 connections on each side
probe="$bench_root/bench/front_probe.py"
seconds=${BENCH_SECONDS:-10}

active_token() {  # PORT USER -> an ACTIVE token of USER
  curl -s -X POST "127.0.0.1:$1/api/v1/queue/tokens" -d "{\"userId\":$2}" |
    sed -E 's/.*"token":"([^"]+)".*/\1/'
}
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

run_front() {  # NAME DATABASE_URL
  local name=$1 url=$2
  bench_start_boxoffice "$name" "$url" --max-connections 12000 --queue-max-active 100000
  local port_var="port_$name"; local port=${!port_var}
  local pid=${bench_pids[-1]}
  local token; token=$(active_token "$port" 1)
  local poll="/api/v1/queue/tokens/me"
  echo "== $name ($(nproc) cores, load avg $(cut -d' ' -f1 /proc/loadavg))"
  curl -s "127.0.0.1:$port$poll" -H "Authorization: Bearer $token" >/dev/null
  local rss0; rss0=$(rss_kb "$pid")

  PROBE_HEADER="Authorization: Bearer $token" python3 "$probe" idle "$port" 10000 "$poll" \
    $((seconds + 25)) >"$bench_tmp/idle-$name.out" &
  local idle_pid=$!
  for _ in $(seq 600); do grep -q '^ready' "$bench_tmp/idle-$name.out" && break; sleep 0.1; done
  grep '^idle' "$bench_tmp/idle-$name.out"
  local rss1; rss1=$(rss_kb "$pid")
  echo "RSS ${rss0} kB -> ${rss1} kB with 10,000 idle connections:" \
       "$(( (rss1 - rss0) * 1024 / 10000 )) bytes per idle connection"
  echo "metrics: $(curl -s "127.0.0.1:$port/metrics" | grep -E '^boxoffice_http_(open|idle)_connections' | tr '\n' ' ')"

  wrk -t1 -c200 -d"${seconds}s" -H "Authorization: Bearer $token" "http://127.0.0.1:$port$poll" \
    >"$bench_tmp/busy-$name.out" &
  local wrk_pid=$!
  sleep 1
  PROBE_HEADER="Authorization: Bearer $token" python3 "$probe" newcomers "$port" 50 "$poll" |
    sed 's/^/with 10,000 idle + wrk -c200 busy: /'
  wait "$wrk_pid"
  echo "busy wrk -c200: $(awk '/Requests\/sec/ {print $2}' "$bench_tmp/busy-$name.out") req/s," \
       "$(grep -c 'timeout' "$bench_tmp/busy-$name.out" || true) timeout lines"
  wait "$idle_pid" || true
  grep 'still open' "$bench_tmp/idle-$name.out" || true

  local out; out=$(wrk -t2 -c1000 -d"${seconds}s" -H "Authorization: Bearer $token" "http://127.0.0.1:$port$poll")
  echo "wrk -c1000: $(awk '/Requests\/sec/ {print $2}' <<<"$out") req/s;" \
       "$(grep 'Socket errors' <<<"$out" || echo 'no socket errors (no timeouts)')"
  PROBE_HEADER="Authorization: Bearer $token" python3 "$probe" spread "$port" 1000 "$poll" "$seconds"
}

compare_bare() {  # NAME BUILD_DIR DATABASE_URL
  local name=$1 build=$2 url=$3
  local port; port=$(bench_free_port)
  "$build/app/boxoffice" seed --demo --database "$url" >/dev/null 2>&1 || true
  "$build/app/boxoffice" serve --listen "127.0.0.1:$port" --database "$url" --log-level error \
    --queue-max-active 100000 >"$bench_tmp/cmp-$name.log" 2>&1 &
  local pid=$!; bench_pids+=($pid)
  for _ in $(seq 100); do curl -sf "127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  local token; token=$(active_token "$port" 2)
  local seats="/api/v1/schedules/1/seats" poll="/api/v1/queue/tokens/me"
  bench_start_bare "bare_seats_$name" "$(curl -s "127.0.0.1:$port$seats" -H "Authorization: Bearer $token")"
  local bare_seats_var="port_bare_seats_$name"
  bench_start_bare "bare_poll_$name" "$(curl -s "127.0.0.1:$port$poll" -H "Authorization: Bearer $token")"
  local bare_poll_var="port_bare_poll_$name"
  bench_wrk "$name seat map" "http://127.0.0.1:$port$seats" -H "Authorization: Bearer $token"
  bench_wrk "bare httplib, same bytes" "http://127.0.0.1:${!bare_seats_var}/"
  bench_wrk "$name token poll" "http://127.0.0.1:$port$poll" -H "Authorization: Bearer $token"
  bench_wrk "bare httplib, same bytes" "http://127.0.0.1:${!bare_poll_var}/"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

if [[ -z "${ONLY_COMPARE:-}" ]]; then
  run_front sqlite "sqlite:$bench_tmp/front.db"
  pg_url=$(PG_DURABLE=1 "$bench_root/scripts/pg-test-cluster.sh" start "$bench_tmp/pg")
  run_front postgresql "$pg_url"
fi

echo "== c64 beside bare httplib (sqlite)"
for round in $(seq "${ROUNDS:-1}"); do
  compare_bare "current$round" "$bench_build" "sqlite:$bench_tmp/compare.db"
  if [[ -n "${BASELINE_BUILD_DIR:-}" ]]; then
    compare_bare "baseline$round" "$BASELINE_BUILD_DIR" "sqlite:$bench_tmp/compare-baseline.db"
  fi
done
