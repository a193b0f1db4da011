#!/usr/bin/env bash
# Install the Debian packages this project needs (only the missing ones).
#
#   scripts/install-deps.sh
#
# Prints one line: what it installs, or "all dependencies present".
# Runs apt-get through sudo when not root. Never leaves a system PostgreSQL
# cluster or a system HAProxy running (services are blocked from starting during
# the install and any that came up because of it is stopped afterwards): the
# tests and scripts/cluster.sh start their own, on free ports.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config
  libcaf-dev libsoci-dev libcpp-httplib-dev libboost-test-dev nlohmann-json3-dev
  libpq-dev libsqlite3-dev sqlite3 postgresql-15
  libcli11-dev libtomlplusplus-dev libspdlog-dev
  curl wrk procps iproute2 clang-format
  haproxy
  chromium
)
# Node.js and npm run the web front's tests (tests/web): Debian's packages only when the
# machine has none on its PATH (a Node.js installed another way is kept as it is).
command -v node >/dev/null 2>&1 || PKGS+=(nodejs)
command -v npm >/dev/null 2>&1 || PKGS+=(npm)

die() { echo "install-deps: error: $*" >&2; exit 1; }

command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found (this script needs Debian/Ubuntu)"

# --- which packages are missing? (one dpkg-query call, fast) -----------------
declare -A have=()
while read -r name status; do
  [[ "$status" == "install ok installed" ]] && have["$name"]=1
done < <(dpkg-query -W -f='${Package} ${Status}\n' "${PKGS[@]}" 2>/dev/null || true)

missing=()
for p in "${PKGS[@]}"; do
  [[ -n "${have[$p]:-}" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "all dependencies present"
  exit 0
fi

# --- privileges ---------------------------------------------------------------
if [[ $EUID -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  die "missing packages (${missing[*]}) but not running as root and 'sudo' is not available; re-run as root"
fi

echo "installing: ${missing[*]}"

log=$(mktemp "${TMPDIR:-/tmp}/install-deps.XXXXXX.log")
POLICY=/usr/sbin/policy-rc.d
POLICY_BAK="$POLICY.install-deps-bak"
policy_installed=0

online_clusters() {
  # "VER NAME" of every running system cluster (empty if postgresql-common absent)
  command -v pg_lsclusters >/dev/null 2>&1 || return 0
  pg_lsclusters -h 2>/dev/null | awk '$4 == "online" { print $1, $2 }' || true
}

system_haproxy_running() {
  # "yes" when the system service runs (not an HAProxy a test or a script started)
  if [[ -d /run/systemd/system ]]; then
    systemctl is-active --quiet haproxy 2>/dev/null && echo yes || true
  elif [[ -s /run/haproxy.pid ]]; then
    kill -0 "$(head -n 1 /run/haproxy.pid)" 2>/dev/null && echo yes || true
  fi
}

cleanup() {
  local rc=$?
  if ((policy_installed)); then
    "${SUDO[@]}" rm -f "$POLICY" || true
    if [[ -e "$POLICY_BAK" ]]; then "${SUDO[@]}" mv -f "$POLICY_BAK" "$POLICY" || true; fi
  fi
  if ((rc != 0)) && [[ -s "$log" ]]; then
    echo "install-deps: last lines of apt output ($log):" >&2
    tail -n 25 "$log" >&2
  else
    rm -f "$log"
  fi
  exit "$rc"
}
trap cleanup EXIT

before=$(online_clusters)
haproxy_before=$(system_haproxy_running)

# Forbid invoke-rc.d from starting services (e.g. the postgresql 15/main
# cluster) while packages are configured; restore any previous policy after.
if [[ -e "$POLICY" ]]; then
  "${SUDO[@]}" mv -f "$POLICY" "$POLICY_BAK" || die "cannot move aside $POLICY"
fi
policy_installed=1
printf '#!/bin/sh\n# temporary, written by install-deps.sh\nexit 101\n' \
  | "${SUDO[@]}" tee "$POLICY" >/dev/null || die "cannot write $POLICY"
"${SUDO[@]}" chmod 0755 "$POLICY"

"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q update >>"$log" 2>&1 \
  || die "apt-get update failed"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  "${missing[@]}" </dev/null >>"$log" 2>&1 \
  || die "apt-get install failed for: ${missing[*]}"

# Belt and braces: stop any system cluster that is running now but was not before.
while read -r ver name; do
  [[ -n "$ver" ]] || continue
  if ! grep -qxF "$ver $name" <<<"$before"; then
    "${SUDO[@]}" pg_ctlcluster "$ver" "$name" stop >>"$log" 2>&1 \
      || die "could not stop system PostgreSQL cluster $ver/$name started by the install"
  fi
done < <(online_clusters)

# The same for HAProxy: Debian's package enables a system service (which binds nothing with
# the default configuration, but still runs); stop it when the install started it.
if [[ -z "$haproxy_before" && -n "$(system_haproxy_running)" ]]; then
  if [[ -d /run/systemd/system ]]; then
    "${SUDO[@]}" systemctl stop haproxy >>"$log" 2>&1 || true
  else
    "${SUDO[@]}" service haproxy stop >>"$log" 2>&1 || true
  fi
  [[ -z "$(system_haproxy_running)" ]] || die "could not stop the system HAProxy started by the install"
fi
