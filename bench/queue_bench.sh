#!/usr/bin/env bash
# Issue 4/13 benchmark on PostgreSQL: token polls/s at 64 connections beside bare httplib
# serving the same bytes, with lines of 1,000 and 1,000,000 WAITING tokens (LINES overrides);
# RSS and memory per token; token issues/s (20,000 new users, default durability).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_build_all
pg_url=$(PG_DURABLE=1 "$bench_root/scripts/pg-test-cluster.sh" start "$bench_tmp/pg")
psql_run() { psql -q -v ON_ERROR_STOP=1 "$pg_url" -c "$1" >/dev/null; }

# A line of N WAITING tokens (users 1..N), written straight into the database before start.
prepare_line() {
  local n=$1
  "$bench_build/app/boxoffice" migrate --database "$pg_url" >/dev/null 2>&1
  psql_run "TRUNCATE queue_tokens, wallets, users RESTART IDENTITY CASCADE"
  psql_run "INSERT INTO users(name, created_at_ms) SELECT 'fan' || g, 0 FROM generate_series(1, $n + 20000) g"
  psql_run "INSERT INTO queue_tokens(seq, token, user_id, status, issued_at_ms, last_seen_at_ms, version)
            SELECT g, 'benchtoken' || lpad(g::text, 12, '0'), g, 'WAITING', 0, 0, 0 FROM generate_series(1, $n) g"
}

echo "machine: $(nproc) cores; wrk -t2 -c64 -d${BENCH_SECONDS:-10}s; load avg $(cut -d' ' -f1 /proc/loadavg)"
for n in ${LINES:-1000 1000000}; do
  prepare_line "$n"
  port=$(bench_free_port)
  "$bench_build/app/boxoffice" serve --listen "127.0.0.1:$port" --database "$pg_url" --log-level error \
    --queue-max-active 1 --queue-idle-timeout 1h >"$bench_tmp/queue-$n.log" 2>&1 &
  pid=$!; bench_pids+=($pid)
  for _ in $(seq 100); do curl -sf "127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  rss_before=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  last=$(printf 'benchtoken%012d' "$n")
  # The first look loads the line; on a busy machine a million tokens can take longer than
  # --request-timeout (503): look until it answers.
  for _ in $(seq 120); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$port/api/v1/queue/tokens/me" -H "Authorization: Bearer $last")
    [[ $code == 200 ]] && break
    sleep 0.5
  done
  rss_after=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  echo "line of $n WAITING: RSS before load ${rss_before} kB, after ${rss_after} kB ($(( (rss_after - rss_before) * 1024 / n )) bytes per token)"
  echo "  position of the last token: $(curl -s "127.0.0.1:$port/api/v1/queue/tokens/me" -H "Authorization: Bearer $last" | sed -E 's/.*"position":([0-9]+).*/\1/')"
  bench_start_bare "bare$n" "$(curl -s "127.0.0.1:$port/api/v1/queue/tokens/me" -H "Authorization: Bearer $last")"
  bare_var="port_bare$n"
  bench_wrk "  poll (GET me, last of $n)" "http://127.0.0.1:$port/api/v1/queue/tokens/me" -H "Authorization: Bearer $last"
  bench_wrk "  bare httplib, same bytes" "http://127.0.0.1:${!bare_var}/"
  bench_wrk "  poll again (GET me)" "http://127.0.0.1:$port/api/v1/queue/tokens/me" -H "Authorization: Bearer $last"
  echo "  RSS after the polls: $(awk '/VmRSS/ {print $2}' /proc/$pid/status) kB"
  cat >"$bench_tmp/issue.lua" <<LUA
counter = 0
request = function()
  counter = counter + 1
  local user = $n + (counter * 7919) % 20000 + 1
  return wrk.format("POST", "/api/v1/queue/tokens", {["Content-Type"] = "application/json"}, '{"userId":' .. user .. '}')
end
LUA
  bench_wrk "  token issue (20000 new users)" "http://127.0.0.1:$port/api/v1/queue/tokens" -s "$bench_tmp/issue.lua"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
