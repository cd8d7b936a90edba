#!/usr/bin/env bash
# Starts and stops a cluster of N pgcdc nodes as plain processes on this machine, for trying
# failover out. Every node runs `pgcdc run` with the same configuration file and its own
# identity, journal directory, metrics port and log, all under .cluster/ (override: CLUSTER_DIR).
# The nodes run a copy of the built jar (.cluster/lib), so a rebuild cannot pull it from under them.
#
#   scripts/cluster.sh start [N]        start nodes node-1..node-N (default 3)
#   scripts/cluster.sh status           which nodes run, their /health, and `pgcdc status`
#   scripts/cluster.sh kill I           kill -9 node-I (watch another take over)
#   scripts/cluster.sh restart I        start node-I again
#   scripts/cluster.sh stop             SIGTERM every node, SIGKILL after 30 s
#
# Environment:
#   PGCDC_CONFIG       base configuration (default: pgcdc.example.yaml)
#   CLUSTER_NAME       cluster.name (default: local)
#   CLUSTER_ZOOKEEPER  cluster.zookeeper (default: 127.0.0.1:2181, what scripts/services.sh up starts)
#   METRICS_BASE_PORT  node-I listens on METRICS_BASE_PORT + I (default 9470: 9471, 9472, ...)
# Node settings are passed as PGCDC_* variables, which override the file (README "Configuration").
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${CLUSTER_DIR:-$ROOT/.cluster}"
CONFIG="${PGCDC_CONFIG:-$ROOT/pgcdc.example.yaml}"
NAME="${CLUSTER_NAME:-local}"
ZOOKEEPER="${CLUSTER_ZOOKEEPER:-127.0.0.1:2181}"
BASE_PORT="${METRICS_BASE_PORT:-9470}"
STOP_WAIT_SECONDS=30

log() { echo "cluster: $*" >&2; }
die() { echo "cluster: $*" >&2; exit 1; }

LIB="$DIR/lib"

node_dir() { echo "$DIR/node-$1"; }

# pgcdc ARGS...: the copied jar with the JVM flags the build wrote (parent pom's pgcdc.jvm.flags).
pgcdc() {
  # shellcheck disable=SC2046 # the options file holds several space-separated flags
  java $(cat "$LIB/jvm.options") ${PGCDC_JAVA_OPTS:-} -jar "$LIB/pgcdc.jar" "$@"
}

# Copies the jar and its JVM options, building them first when missing; keeps the copy while nodes run.
snapshot_build() {
  local i
  for i in $(nodes); do if running "$i"; then return; fi; done
  [ -f "$ROOT/tools/target/pgcdc.jar" ] || "$ROOT/bin/pgcdc" --version >/dev/null
  mkdir -p "$LIB"
  cp "$ROOT/tools/target/pgcdc.jar" "$ROOT/tools/target/jvm.options" "$LIB/"
}
node_pid() { cat "$(node_dir "$1")/pid" 2>/dev/null || true; }
running() { local pid; pid=$(node_pid "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }
nodes() { for d in "$DIR"/node-*; do [ -d "$d" ] && echo "${d##*-}"; done | sort -n; }

start_node() {
  local i=$1 dir
  dir=$(node_dir "$i")
  if running "$i"; then log "node-$i already runs (pid $(node_pid "$i"))"; return; fi
  mkdir -p "$dir/journal"
  PGCDC_CLUSTER_NAME="$NAME" \
  PGCDC_CLUSTER_ZOOKEEPER="$ZOOKEEPER" \
  PGCDC_CLUSTER_NODE_ID="node-$i" \
  PGCDC_JOURNAL_DIR="$dir/journal" \
  PGCDC_METRICS_LISTEN="127.0.0.1:$((BASE_PORT + i))" \
    nohup java $(cat "$LIB/jvm.options") ${PGCDC_JAVA_OPTS:-} -jar "$LIB/pgcdc.jar" run --config "$CONFIG" \
    >>"$dir/pgcdc.log" 2>&1 </dev/null &
  echo $! >"$dir/pid"   # nohup execs java: this is the JVM's pid
  log "node-$i started (pid $!, metrics http://127.0.0.1:$((BASE_PORT + i))/health, log $dir/pgcdc.log)"
}

stop_all() {
  local i pid
  for i in $(nodes); do
    if running "$i"; then kill -TERM "$(node_pid "$i")"; fi
  done
  for _ in $(seq "$STOP_WAIT_SECONDS"); do
    local alive=0
    for i in $(nodes); do if running "$i"; then alive=1; fi; done
    [ "$alive" -eq 0 ] && break
    sleep 1
  done
  for i in $(nodes); do
    if running "$i"; then
      pid=$(node_pid "$i")
      log "node-$i (pid $pid) ignored SIGTERM for ${STOP_WAIT_SECONDS}s: SIGKILL"
      kill -KILL "$pid"
    fi
    rm -f "$(node_dir "$i")/pid"
  done
  log "stopped"
}

status() {
  local i
  for i in $(nodes); do
    if running "$i"; then
      local health=""
      if command -v curl >/dev/null; then
        health=$(curl -s --max-time 2 "http://127.0.0.1:$((BASE_PORT + i))/health" || true)
      fi
      echo "node-$i  running (pid $(node_pid "$i"))  $health"
    else
      echo "node-$i  stopped"
    fi
  done
  PGCDC_CLUSTER_NAME="$NAME" PGCDC_CLUSTER_ZOOKEEPER="$ZOOKEEPER" PGCDC_CLUSTER_NODE_ID=status \
    pgcdc status --config "$CONFIG"
}

[ -f "$CONFIG" ] || die "no configuration at $CONFIG; set PGCDC_CONFIG to your pgcdc.yaml"
case "${1:-}" in
  start)
    count="${2:-3}"
    [[ "$count" =~ ^[1-9][0-9]*$ ]] || die "start N: N must be a positive number, got '$count'"
    snapshot_build
    for i in $(seq "$count"); do start_node "$i"; done
    ;;
  kill)
    [ -n "${2:-}" ] || die "usage: scripts/cluster.sh kill I"
    running "$2" || die "node-$2 does not run"
    kill -KILL "$(node_pid "$2")"
    log "node-$2 killed (kill -9)"
    ;;
  restart)
    [ -n "${2:-}" ] || die "usage: scripts/cluster.sh restart I"
    [ -f "$LIB/pgcdc.jar" ] || snapshot_build
    start_node "$2"
    ;;
  stop) stop_all ;;
  status) status ;;
  *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
esac
