#!/usr/bin/env bash
# Installs what is missing, builds (Release), creates demo data when the database is empty,
# prints a curl walk-through, and serves on the embedded SQLite default until Ctrl-C.
# Settings come from flags after the command or BOXOFFICE_* variables (see boxoffice serve --help).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BOXOFFICE_BUILD_DIR:-$root/build-release}

"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" --target boxoffice

export BOXOFFICE_ADMIN_KEY=${BOXOFFICE_ADMIN_KEY:-demo-admin-key}
export BOXOFFICE_LISTEN=${BOXOFFICE_LISTEN:-127.0.0.1:8080}
# No load balancer in front of this one: Ctrl-C stops it at once (docs/deploy.md, drain).
export BOXOFFICE_DRAIN_GRACE=${BOXOFFICE_DRAIN_GRACE:-0s}
cd "$root"
"$build/app/boxoffice" seed --demo "$@"
sed -n '/^## Walk-through/,/^## /p' "$root/README.md" | sed '$d' | sed "s#127.0.0.1:8080#$BOXOFFICE_LISTEN#g"
echo "Open http://$BOXOFFICE_LISTEN/ in a browser: the waiting room (users 1-3); the dashboard is http://$BOXOFFICE_LISTEN/ops"
exec "$build/app/boxoffice" serve "$@"
