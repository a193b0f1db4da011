#!/usr/bin/env bash
# Throwaway PostgreSQL 15 server for tests and local clusters.
#
#   pg-test-cluster.sh start  DIR   # init + start (no-op if already running); prints the URL
#   pg-test-cluster.sh stop   DIR   # stop and delete the data (exit 0 if nothing runs)
#   pg-test-cluster.sh url    DIR   # print postgresql://postgres@127.0.0.1:PORT/boxoffice
#   pg-test-cluster.sh status DIR   # exit 0 if running
#
# Files in DIR: port, url, server.log, data/ (PGDATA), and when the data had
# to be relocated (see below) also rundir (path of the real directory) with
# data/ and server.log as symlinks into it.
#
# The server listens only on 127.0.0.1 (free random port in 20000-60000) and
# on a unix socket in DIR, trusts everyone, and runs with fsync/synchronous_commit/
# full_page_writes off unless PG_DURABLE=1. Database "boxoffice" is created.
#
# As root, the server runs as the OS user "postgres" (PostgreSQL refuses root).
# If that user cannot reach DIR (e.g. DIR under /root, which is 0700), or DIR
# is too long for a unix socket path, the data, log and socket live in a
# mktemp -d directory under /tmp that is recorded in DIR/rundir.
#
# Environment: PG_DURABLE=1 (keep fsync etc. on), PG_BINDIR (default
# /usr/lib/postgresql/15/bin), PG_START_TIMEOUT (seconds, default 60).
set -euo pipefail

PROG=$(basename "$0")
PG_BINDIR=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
PG_START_TIMEOUT=${PG_START_TIMEOUT:-60}
DBNAME=boxoffice
PGUSER_NAME=postgres    # database superuser
OS_PGUSER=postgres      # OS user that runs the server when we are root
RUN_PREFIX=pg-test-cluster.

# Do not let the caller's libpq environment redirect our client calls.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGDATA PGOPTIONS PGSERVICE \
      PGSERVICEFILE PGPASSWORD PGPASSFILE PGSSLMODE PGTARGETSESSIONATTRS || true

die() { echo "$PROG: error: $*" >&2; exit 1; }
note() { echo "$PROG: $*" >&2; }

usage() {
  cat >&2 <<EOF
usage: $PROG start|stop|url|status DIR
  start   init and start a throwaway PostgreSQL 15 in DIR, print its URL
  stop    stop it and delete its data (succeeds if nothing runs)
  url     print the URL (postgresql://postgres@127.0.0.1:PORT/$DBNAME)
  status  exit 0 if the server in DIR is running
EOF
  exit 2
}

(($# == 2)) || usage
CMD=$1
DIR_ARG=$2
[[ -n "$DIR_ARG" ]] || usage

IS_ROOT=0
[[ $EUID -eq 0 ]] && IS_ROOT=1

# ---------------------------------------------------------------------------
# helpers

# Absolute, physical path of DIR (DIR must exist).
abs_dir() { (cd "$1" && pwd -P); }

# Run a PostgreSQL server-side program as the right OS user.
# $1: OS user to use when root ("" = default $OS_PGUSER); rest: command.
as_pg() {
  local user=${1:-$OS_PGUSER}
  shift
  # fd 9 holds our lock on DIR: never let it leak into the postmaster.
  if ((IS_ROOT)); then
    (cd / && runuser -u "$user" -- "$@" 9<&-)
  else
    "$@" 9<&-
  fi
}

# OS user owning the existing data dir (so root can stop a cluster that a
# normal user started, and vice versa for postgres).
data_owner() {
  local owner
  owner=$(stat -L -c %U "$DATA" 2>/dev/null || true)
  if [[ -z "$owner" || "$owner" == root || "$owner" == UNKNOWN ]]; then
    owner=$OS_PGUSER
  fi
  echo "$owner"
}

# Sets RUN (dir holding data/, server.log, socket), DATA, LOG for $DIR.
resolve_paths() {
  RUN=$DIR
  if [[ -f "$DIR/rundir" ]]; then
    RUN=$(<"$DIR/rundir")
  fi
  DATA=$RUN/data
  LOG=$RUN/server.log
}

is_our_rundir() {
  # Only ever rm -rf a relocated directory that we created.
  local d=$1
  [[ "$d" == /tmp/"$RUN_PREFIX"* && "$d" != */../* && -d "$d" && ! -L "$d" ]]
}

port_is_free() {
  local port=$1
  if [[ -x /usr/bin/python3 ]] || command -v python3 >/dev/null 2>&1; then
    local py=/usr/bin/python3
    [[ -x $py ]] || py=python3
    "$py" - "$port" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
  elif command -v ss >/dev/null 2>&1; then
    [[ -z "$(ss -Htan "( sport = :$port )" 2>/dev/null)" ]]
  else
    die "need python3 or ss (iproute2) to find a free port"
  fi
}

pick_port() {
  local i port
  for ((i = 0; i < 200; i++)); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40001))
    if port_is_free "$port"; then
      echo "$port"
      return 0
    fi
  done
  die "could not find a free TCP port on 127.0.0.1 in 20000-60000"
}

url_for_port() { echo "postgresql://$PGUSER_NAME@127.0.0.1:$1/$DBNAME"; }

read_port() {
  [[ -f "$DIR/port" ]] || return 1
  local p
  p=$(<"$DIR/port")
  [[ "$p" =~ ^[0-9]+$ ]] || return 1
  echo "$p"
}

# 0 if the server in DIR runs and accepts connections on its own socket.
is_running() {
  local port
  [[ -d "$DIR" ]] || return 1
  resolve_paths
  [[ -f "$DATA/PG_VERSION" ]] || return 1
  port=$(read_port) || return 1
  [[ -S "$RUN/.s.PGSQL.$port" ]] || return 1
  "$PG_BINDIR/pg_isready" -q -t 5 -h "$RUN" -p "$port" -U "$PGUSER_NAME" -d postgres >/dev/null 2>&1
}

# Does a postmaster still run on DATA (possibly not accepting connections)?
postmaster_alive() {
  [[ -f "$DATA/postmaster.pid" ]] || return 1
  as_pg "$(data_owner)" "$PG_BINDIR/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

# Stop a server on DATA if any (fast, then immediate). Fails only if it survives.
stop_server() {
  [[ -f "$DATA/PG_VERSION" ]] || return 0
  local owner
  owner=$(data_owner)
  if postmaster_alive; then
    as_pg "$owner" "$PG_BINDIR/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
  if postmaster_alive; then
    note "fast shutdown did not finish, using immediate shutdown"
    as_pg "$owner" "$PG_BINDIR/pg_ctl" -D "$DATA" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  if postmaster_alive; then
    die "could not stop PostgreSQL server in $DATA (see $DIR/server.log)"
  fi
}

# Remove data (and a relocated run dir). Keeps DIR/server.log for post-mortems.
remove_data() {
  if [[ "$RUN" != "$DIR" ]]; then
    # keep a copy of the log next to DIR
    if [[ -L "$DIR/server.log" ]]; then
      rm -f "$DIR/server.log"
      if [[ -f "$LOG" ]]; then cp "$LOG" "$DIR/server.log" 2>/dev/null || true; fi
    fi
    if is_our_rundir "$RUN"; then
      rm -rf -- "$RUN"
    elif [[ -e "$RUN" ]]; then
      note "warning: not removing unexpected run directory '$RUN' named in $DIR/rundir"
    fi
    rm -f "$DIR/data" "$DIR/rundir"
  fi
  if [[ -L "$DIR/data" ]]; then
    rm -f "$DIR/data"
  elif [[ -e "$DIR/data" ]]; then
    rm -rf -- "$DIR/data" || die "cannot remove $DIR/data"
  fi
  rm -f "$DIR/port" "$DIR/url" "$DIR/initdb.log" "$DIR"/.s.PGSQL.* 2>/dev/null || true
}

lock_dir() {
  # Serialise start/stop on the same DIR (flock on the directory itself).
  exec 9<"$DIR" || die "cannot open $DIR"
  flock 9 || die "cannot lock $DIR"
}

check_bins() {
  local b
  for b in initdb pg_ctl pg_isready createdb psql; do
    [[ -x "$PG_BINDIR/$b" ]] ||
      die "$PG_BINDIR/$b not found (install postgresql-15, e.g. scripts/install-deps.sh, or set PG_BINDIR)"
  done
  if ((IS_ROOT)); then
    id -u "$OS_PGUSER" >/dev/null 2>&1 ||
      die "running as root but OS user '$OS_PGUSER' does not exist (install postgresql-15)"
    command -v runuser >/dev/null 2>&1 || die "running as root but 'runuser' is not available"
  fi
}

ensure_db() {
  local port=$1 exists
  exists=$("$PG_BINDIR/psql" -X -q -At -h 127.0.0.1 -p "$port" -U "$PGUSER_NAME" -d postgres \
    -c "select 1 from pg_database where datname = '$DBNAME'" 2>&1) ||
    die "cannot query server on 127.0.0.1:$port: $exists"
  if [[ "$exists" != 1 ]]; then
    local out
    out=$("$PG_BINDIR/createdb" -h 127.0.0.1 -p "$port" -U "$PGUSER_NAME" "$DBNAME" 2>&1) ||
      die "createdb $DBNAME on 127.0.0.1:$port failed: $out"
  fi
}

print_log_tail() {
  if [[ -f "$LOG" ]]; then
    echo "---- last lines of $LOG ----" >&2
    tail -n 30 "$LOG" >&2
    echo "----" >&2
  fi
}

# ---------------------------------------------------------------------------
# commands

cmd_start() {
  check_bins
  mkdir -p -- "$DIR_ARG" || die "cannot create directory $DIR_ARG"
  DIR=$(abs_dir "$DIR_ARG") || die "cannot access $DIR_ARG"
  lock_dir

  # Already running: no-op.
  if is_running; then
    local port url
    port=$(read_port)
    ensure_db "$port"
    url=$(url_for_port "$port")
    echo "$url" >"$DIR/url"
    echo "$url"
    return 0
  fi

  # Stale state from a crashed/aborted run: stop whatever is left and wipe.
  resolve_paths
  if [[ -d "$DIR/data" && ! -L "$DIR/data" && ! -f "$DIR/data/PG_VERSION" ]] &&
    [[ -n "$(ls -A "$DIR/data" 2>/dev/null)" ]]; then
    die "$DIR/data exists but is not a PostgreSQL data directory; refusing to delete it"
  fi
  if [[ -e "$DIR/data" || -L "$DIR/data" || -e "$DIR/rundir" || -e "$DIR/port" || -e "$DIR/url" ]]; then
    note "wiping stale cluster state in $DIR"
    stop_server
    remove_data
  fi
  RUN=$DIR

  # Where to put data/log/socket: DIR itself if the server user can use it.
  local relocate=0
  if ((${#DIR} > 80)); then
    relocate=1 # unix socket path would exceed the ~107 byte limit
  elif ((IS_ROOT)); then
    chown "$OS_PGUSER": "$DIR" || die "cannot chown $DIR to $OS_PGUSER"
    if ! (cd / && runuser -u "$OS_PGUSER" -- test -d "$DIR" -a -w "$DIR" -a -x "$DIR"); then
      relocate=1 # e.g. a parent such as /root is not traversable by postgres
    fi
  fi
  [[ -L "$DIR/server.log" ]] && rm -f "$DIR/server.log"
  if ((relocate)); then
    RUN=$(mktemp -d "/tmp/${RUN_PREFIX}XXXXXXXX") || die "mktemp -d under /tmp failed"
    echo "$RUN" >"$DIR/rundir"
    ((IS_ROOT)) && { chown "$OS_PGUSER": "$RUN" || die "cannot chown $RUN to $OS_PGUSER"; }
    ln -sfn "$RUN/data" "$DIR/data"
    ln -sfn "$RUN/server.log" "$DIR/server.log"
  fi
  DATA=$RUN/data
  LOG=$RUN/server.log

  # initdb
  local durable=0 initdb_opts=()
  [[ "${PG_DURABLE:-0}" == 1 ]] && durable=1
  ((durable)) || initdb_opts+=(--no-sync)
  local initlog
  if ! initlog=$(as_pg "" "$PG_BINDIR/initdb" -D "$DATA" --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 -U "$PGUSER_NAME" --no-instructions "${initdb_opts[@]}" 2>&1); then
    echo "$initlog" >&2
    remove_data
    die "initdb into $DATA failed (output above)"
  fi

  # Settings go into an included file so that paths need no shell quoting.
  local sockdir_q=${RUN//\'/\'\'}
  echo "include_if_exists = 'pg-test-cluster.conf'" >>"$DATA/postgresql.conf"

  # Start, retrying with another port if someone grabbed ours meanwhile.
  local attempt port started=0 before
  touch "$LOG" || die "cannot create $LOG"
  ((IS_ROOT)) && { chown "$OS_PGUSER": "$LOG" || die "cannot chown $LOG"; }
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$(pick_port)
    {
      echo "# written by $PROG"
      echo "listen_addresses = '127.0.0.1'"
      echo "port = $port"
      echo "unix_socket_directories = '$sockdir_q'"
      echo "max_connections = 200"
      if ((durable)); then
        echo "fsync = on"
      else
        echo "fsync = off"
        echo "synchronous_commit = off"
        echo "full_page_writes = off"
      fi
    } >"$DATA/pg-test-cluster.conf"
    ((IS_ROOT)) && chown "$OS_PGUSER": "$DATA/pg-test-cluster.conf"
    echo "$port" >"$DIR/port"

    before=$(wc -l <"$LOG")
    if as_pg "" "$PG_BINDIR/pg_ctl" -D "$DATA" -l "$LOG" -w -t "$PG_START_TIMEOUT" start >/dev/null 2>&1; then
      started=1
      break
    fi
    # Port race? Then try another port; otherwise give up.
    if tail -n +"$((before + 1))" "$LOG" 2>/dev/null |
      grep -qiE 'could not bind|address already in use|could not create any TCP/IP sockets'; then
      note "port $port was taken, retrying (attempt $attempt)"
      stop_server
      continue
    fi
    break
  done

  if ((!started)); then
    print_log_tail
    stop_server || true
    remove_data
    die "pg_ctl start failed for $DATA (port ${port:-?}); server log: $DIR/server.log"
  fi

  ensure_db "$port"
  local url
  url=$(url_for_port "$port")
  echo "$url" >"$DIR/url"
  echo "$url"
}

cmd_stop() {
  if [[ ! -d "$DIR_ARG" ]]; then
    return 0 # nothing there, nothing runs
  fi
  DIR=$(abs_dir "$DIR_ARG") || die "cannot access $DIR_ARG"
  lock_dir
  resolve_paths
  if [[ -f "$DATA/PG_VERSION" ]]; then
    [[ -x "$PG_BINDIR/pg_ctl" ]] || die "$PG_BINDIR/pg_ctl not found (set PG_BINDIR)"
    stop_server
  fi
  remove_data
}

cmd_url() {
  [[ -d "$DIR_ARG" ]] || die "no cluster directory $DIR_ARG (run '$PROG start $DIR_ARG')"
  DIR=$(abs_dir "$DIR_ARG") || die "cannot access $DIR_ARG"
  if [[ -f "$DIR/url" ]]; then
    cat "$DIR/url"
  elif port=$(read_port); then
    url_for_port "$port"
  else
    die "no cluster in $DIR (run '$PROG start $DIR_ARG')"
  fi
}

cmd_status() {
  [[ -d "$DIR_ARG" ]] || { echo "not running (no directory $DIR_ARG)"; return 1; }
  DIR=$(abs_dir "$DIR_ARG") || die "cannot access $DIR_ARG"
  if is_running; then
    echo "running: $(url_for_port "$(read_port)")"
    return 0
  fi
  echo "not running"
  return 1
}

case "$CMD" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  url) cmd_url ;;
  status) cmd_status ;;
  -h | --help | help) usage ;;
  *) echo "$PROG: unknown command '$CMD'" >&2; usage ;;
esac
