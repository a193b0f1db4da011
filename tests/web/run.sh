#!/usr/bin/env bash
# The web front's tests, as CTest runs them (tests/CMakeLists.txt):
#   run.sh npm-ci    install the pinned playwright-core and axe-core (package-lock.json)
#   run.sh modules   the pages' pure modules under Node (no browser)
#   run.sh e2e       headless Chromium against a real boxoffice serve on PostgreSQL
# Needs node and npm (Node.js 18 or later) and, for e2e, Debian's chromium: all installed by
# scripts/install-deps.sh. Never downloads a browser.
set -euo pipefail
cd "$(dirname "$0")"

die() { echo "web tests: $*" >&2; exit 1; }
command -v node >/dev/null 2>&1 || die "node not found: install Node.js 18+ (scripts/install-deps.sh)"

case "${1:-}" in
  npm-ci)
    command -v npm >/dev/null 2>&1 || die "npm not found: install npm (scripts/install-deps.sh)"
    exec npm ci --prefer-offline --no-audit --no-fund
    ;;
  modules)
    exec node --test --test-reporter=spec modules.test.mjs
    ;;
  e2e)
    [[ -d node_modules/playwright-core ]] || die "node_modules missing: run '$0 npm-ci' first (CTest test web_npm_ci)"
    chromium=${BOXOFFICE_CHROMIUM:-/usr/bin/chromium}
    [[ -x "$chromium" ]] || die "Chromium not found at $chromium: install Debian's chromium package (scripts/install-deps.sh)"
    exec node --test --test-reporter=spec journeys.test.mjs
    ;;
  *)
    die "usage: $0 npm-ci|modules|e2e"
    ;;
esac
