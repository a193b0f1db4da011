#!/usr/bin/env bash
# Issue 5 benchmark on PostgreSQL with default durability, one run:
#   holds/s on 5,000-seat schedules at 64 connections vs pgbench single-row UPDATE TPS at 64
#   clients on the same server; seat-map reads/s of a 50-seat map vs a bare httplib handler
#   serving the same bytes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_build_all
pg_url=$(PG_DURABLE=1 "$bench_root/scripts/pg-test-cluster.sh" start "$bench_tmp/pg")
psql_run() { psql -q -v ON_ERROR_STOP=1 "$pg_url" -c "$1" >/dev/null; }
seconds=${BENCH_SECONDS:-10}
hold_seconds=4   # the seats must outlast the run
schedules=8    # 8 x 5,000 seats (wrk connections spread over them); each hold is a new seat

"$bench_build/app/boxoffice" migrate --database "$pg_url" >/dev/null 2>&1
psql_run "INSERT INTO users(name, created_at_ms) SELECT 'fan' || g, 0 FROM generate_series(1, 64) g"
psql_run "INSERT INTO wallets(user_id, balance, version, updated_at_ms) SELECT id, 0, 0, 0 FROM users"
psql_run "INSERT INTO queue_tokens(seq, token, user_id, status, issued_at_ms, last_seen_at_ms, activated_at_ms, expires_at_ms, version)
          SELECT id, 'benchtoken' || lpad(id::text, 12, '0'), id, 'ACTIVE', 0, 0, 0, 4102444800000, 0 FROM users"
psql_run "INSERT INTO concerts(title, created_at_ms) VALUES ('bench', 0)"
psql_run "INSERT INTO schedules(concert_id, starts_at_ms, booking_opens_at_ms, booking_closes_at_ms, seat_count, seat_price, version, created_at_ms)
          SELECT 1, 4102444800000, 0, 4102444700000, CASE WHEN g = 1 THEN 50 ELSE 5000 END, 1000, 0, 0 FROM generate_series(1, $schedules + 1) g"
psql_run "INSERT INTO seats(schedule_id, seat_number, price, status, version)
          SELECT s.id, n, 1000, 'AVAILABLE', 0 FROM schedules s, generate_series(1, 5000) n WHERE n <= s.seat_count"

port=$(bench_free_port)
"$bench_build/app/boxoffice" serve --listen "127.0.0.1:$port" --database "$pg_url" --log-level error \
  --queue-max-active 100000 --hold-ttl 1h >"$bench_tmp/booking.log" 2>&1 &
bench_pids+=($!)
for _ in $(seq 100); do curl -sf "127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
token=benchtoken000000000001
seat_map=$(curl -s "127.0.0.1:$port/api/v1/schedules/1/seats" -H "Authorization: Bearer $token")
bench_start_bare bare "$seat_map"

cat >"$bench_tmp/hold.lua" <<'LUA'
local threads = {}
setup = function(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
init = function(args)
  counter = 0
end
request = function()
  counter = counter + 1
  local slot = counter * 2 + id          -- the two wrk threads take alternate slots
  local user = (counter % 32) + 1 + id * 32
  local schedule = 2 + (slot % 8)
  local seat = (math.floor(slot / 8) % 5000) + 1
  return wrk.format("POST", "/api/v1/reservations",
    {["Content-Type"] = "application/json", ["Authorization"] = string.format("Bearer benchtoken%012d", user)},
    string.format('{"scheduleId":%d,"seatNumber":%d}', schedule, seat))
end
LUA
cat >"$bench_tmp/update.sql" <<'SQL'
\set id random(1, 100000)
UPDATE bench_counter SET v = v + 1 WHERE id = :id;
SQL
psql_run "CREATE TABLE bench_counter(id INT PRIMARY KEY, v BIGINT NOT NULL)"
psql_run "INSERT INTO bench_counter SELECT g, 0 FROM generate_series(1, 100000) g"

echo "machine: $(nproc) cores; wrk -t2 -c64 -d${seconds}s; PostgreSQL 15 default durability; load avg $(cut -d' ' -f1 /proc/loadavg)"
for schedule in $(seq 2 $((schedules + 1))); do  # load the schedule actors before timing
  curl -s "127.0.0.1:$port/api/v1/schedules/$schedule/seats" -H "Authorization: Bearer $token" >/dev/null
done
sleep 5  # let the load average of the set-up settle
holds_before=$(curl -s "127.0.0.1:$port/metrics" | awk '/^boxoffice_holds_created_total/ {print $2}')
BENCH_SECONDS=$hold_seconds bench_wrk "hold requests (8 x 5,000 seats)" "http://127.0.0.1:$port/api/v1/reservations" -s "$bench_tmp/hold.lua"
holds_after=$(curl -s "127.0.0.1:$port/metrics" | awk '/^boxoffice_holds_created_total/ {print $2}')
printf "%-34s %10s holds/s (committed 201s over ${hold_seconds}s)\\n" "holds created" "$(( (holds_after - holds_before) / hold_seconds ))"
tps=$(pgbench -n -c 64 -j 2 -T "$seconds" -f "$bench_tmp/update.sql" "$pg_url" 2>/dev/null | awk '/^tps/ {print $3; exit}')
printf '%-34s %10s tps\n' "pgbench single-row UPDATE, 64 cl" "$tps"
echo "  $(curl -s "127.0.0.1:$port/metrics" | grep -E '^boxoffice_(holds_created_total|hold_write_batches_total)' | tr '\n' ' ')"
bench_wrk "bare httplib, same bytes" "http://127.0.0.1:$port_bare/"
bench_wrk "seat map, 50 seats" "http://127.0.0.1:$port/api/v1/schedules/1/seats" -H "Authorization: Bearer $token"
