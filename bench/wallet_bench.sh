#!/usr/bin/env bash
# Issue 3 benchmark: charges/s and balance reads/s over HTTP at 64 keep-alive connections,
# on SQLite and on PostgreSQL (default durability), beside a bare httplib server returning
# the same bytes, all in one run. Prints numbers; compare the ratios.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_build_all
pg_url=$(PG_DURABLE=1 "$bench_root/scripts/pg-test-cluster.sh" start "$bench_tmp/pg")
bench_start_boxoffice sqlite "sqlite:$bench_tmp/bench.db"
bench_start_boxoffice postgresql "$pg_url"
read_body=$(curl -s "127.0.0.1:$port_sqlite/api/v1/wallets/1?userId=1")
bench_start_bare bare "$read_body"

echo "machine: $(nproc) cores, $(uname -m); wrk -t2 -c64 -d${BENCH_SECONDS:-10}s; load avg $(cut -d' ' -f1 /proc/loadavg)"
bench_wrk "bare httplib, same bytes (GET)" "http://127.0.0.1:$port_bare/"
bench_wrk "balance read, SQLite" "http://127.0.0.1:$port_sqlite/api/v1/wallets/1?userId=1"
bench_wrk "balance read, PostgreSQL" "http://127.0.0.1:$port_postgresql/api/v1/wallets/1?userId=1"
bench_wrk "bare httplib, same bytes (POST)" "http://127.0.0.1:$port_bare/" -s "$bench_root/bench/charge.lua"
bench_wrk "charge, SQLite" "http://127.0.0.1:$port_sqlite/api/v1/wallets/1/charges" -s "$bench_root/bench/charge.lua"
bench_wrk "charge, PostgreSQL" "http://127.0.0.1:$port_postgresql/api/v1/wallets/1/charges" -s "$bench_root/bench/charge.lua"
for db in sqlite postgresql; do
  port_var=port_$db
  echo "$db: $(curl -s "127.0.0.1:${!port_var}/metrics" | grep -E '^boxoffice_wallet_(charges|write_batches)_total' | tr '\n' ' ')"
done
