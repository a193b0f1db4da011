# Shared helpers for bench/*.sh (sourced).
bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench_build=${BOXOFFICE_BUILD_DIR:-$bench_root/build-release}
bench_tmp=$(mktemp -d /tmp/boxoffice-bench.XXXXXX)
bench_pids=()
# No balancer in front of a benchmark's servers: they stop at once (no drain grace).
export BOXOFFICE_DRAIN_GRACE=${BOXOFFICE_DRAIN_GRACE:-0s}

bench_cleanup() {
  for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$bench_root/scripts/pg-test-cluster.sh" stop "$bench_tmp/pg" >/dev/null 2>&1 || true
  rm -rf "$bench_tmp"
}
trap bench_cleanup EXIT

bench_build_all() {
  [[ -n ${BENCH_NO_BUILD:-} ]] && return  # BOXOFFICE_BUILD_DIR already holds the binaries
  "$bench_root/scripts/install-deps.sh"
  cmake -S "$bench_root" -B "$bench_build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
  cmake --build "$bench_build" --target boxoffice bare_http_server >/dev/null
}

bench_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# bench_start_boxoffice NAME DATABASE_URL [flags...] -> sets port in $port_NAME
bench_start_boxoffice() {
  local name=$1 url=$2; shift 2
  local port; port=$(bench_free_port)
  "$bench_build/app/boxoffice" seed --demo --database "$url" >/dev/null
  "$bench_build/app/boxoffice" serve --listen "127.0.0.1:$port" --database "$url" --log-level error \
    --admin-key bench "$@" >"$bench_tmp/$name.log" 2>&1 &
  bench_pids+=($!)
  for _ in $(seq 100); do curl -sf "127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  printf -v "port_$name" '%s' "$port"
}

bench_start_bare() {
  local name=$1 body=$2
  local port; port=$(bench_free_port)
  "$bench_build/bench/bare_http_server" "$port" "$body" &
  bench_pids+=($!)
  for _ in $(seq 100); do curl -sf "127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
  printf -v "port_$name" '%s' "$port"
}

# bench_wrk LABEL URL [wrk args...]: one line "LABEL req/s p50 p99"
bench_wrk() {
  local label=$1 url=$2; shift 2
  local out; out=$(wrk -t2 -c64 -d"${BENCH_SECONDS:-10}"s --latency "$@" "$url")
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  printf '%-34s %10s req/s   p50 %-9s p99 %-9s non-2xx %s\n' "$label" "$rps" "$p50" "$p99" "${non2xx:-0}"
}
