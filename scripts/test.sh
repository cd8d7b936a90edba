#!/usr/bin/env bash
# The whole test suite against real servers: brings the services up (scripts/services.sh),
# exports their addresses, runs `mvn -B verify` (unit tests + ITs). Extra arguments go to Maven,
# e.g. scripts/test.sh -pl tools -am.
# Servers this run had to start are stopped again at the end; ones already running are left alone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

started_before="$(ls .services/*.started 2>/dev/null || true)"
stop_what_we_started() {
  local marker name
  for marker in .services/*.started; do
    [ -e "$marker" ] || continue
    case "$started_before" in *"$marker"*) continue ;; esac
    name="$(basename "$marker" .started)"
    bash scripts/services.sh down "$name" || true
  done
}
trap stop_what_we_started EXIT

bash scripts/services.sh up </dev/null
eval "$(bash scripts/services.sh env)"
# one run at a time on these servers (the fault tests restart them; a benchmark would skew both)
bash scripts/services.sh exclusive mvn -B -Dstyle.color=never verify "$@"
