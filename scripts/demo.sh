#!/usr/bin/env bash
# Runs pgcdc for real, end to end, on this machine:
#
#   services up -> build -> demo database + table -> pgcdc run (background)
#     -> pgcdc tail (background, bound first) -> INSERT/UPDATE/DELETE -> events printed
#     -> /health -> pgcdc stopped -> slot and demo database dropped
#
#   scripts/demo.sh            the whole demo
#   scripts/demo.sh --keep     leave the demo database, slot and files for exploring afterwards
#   scripts/demo.sh --no-build use the jar already in tools/target
#
# Environment: DEMO_METRICS (host:port of /metrics and /health, default 127.0.0.1:9464),
# DEMO_DIR (config, journal and logs, default ${TMPDIR:-/tmp}/pgcdc-demo).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

KEEP=""
BUILD=1
for arg in "$@"; do
  case "$arg" in
    --keep) KEEP=1 ;;
    --no-build) BUILD="" ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo: unknown argument '$arg' (use --keep, --no-build)" >&2; exit 2 ;;
  esac
done

DB=pgcdc_demo
SLOT=pgcdc_demo_slot
EXCHANGE=pgcdc_demo
METRICS="${DEMO_METRICS:-127.0.0.1:9464}"
DIR="${DEMO_DIR:-${TMPDIR:-/tmp}/pgcdc-demo}"
CONFIG="$DIR/pgcdc.yaml"
# 1 schema event (_schema.public.users, the first time pgcdc sees the table), then
# 3 inserts, 1 update, 1 delete. tail binds '#': with the default sink.rabbitmq.unroutable=stop,
# a message no queue takes (here the schema event, if tail bound only public.#) stops pgcdc.
EVENTS=6

say() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { echo "demo: $*" >&2; exit 1; }
psql_demo() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d "$1" -c "$2"; }

RUN_PID=""
TAIL_PID=""
cleanup() {
  [ -n "$TAIL_PID" ] && kill "$TAIL_PID" 2>/dev/null || true
  if [ -n "$RUN_PID" ] && kill -0 "$RUN_PID" 2>/dev/null; then
    kill "$RUN_PID" 2>/dev/null || true
    wait "$RUN_PID" 2>/dev/null || true
  fi
  if [ -z "$KEEP" ]; then
    drop_demo_database
  fi
}

drop_demo_database() {
  psql_demo postgres "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
                      WHERE slot_name = '$SLOT' AND NOT active" >/dev/null 2>&1 || true
  psql_demo postgres "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
}

say "services: PostgreSQL (wal_level=logical) and RabbitMQ"
bash scripts/services.sh up </dev/null

if [ -n "$BUILD" ]; then
  say "build: mvn -B -q -Dmaven.test.skip=true -pl tools -am package"
  mvn -B -q -Dmaven.test.skip=true -pl tools -am package
fi
[ -f tools/target/pgcdc.jar ] || die "tools/target/pgcdc.jar is missing; run without --no-build"

say "demo database $DB with table public.users"
drop_demo_database
psql_demo postgres "CREATE DATABASE $DB"
psql_demo "$DB" "CREATE TABLE public.users (id serial PRIMARY KEY, full_name text NOT NULL, email text)"
trap cleanup EXIT

mkdir -p "$DIR"
rm -rf "$DIR/journal"
cat >"$CONFIG" <<EOF
source:
  url: jdbc:postgresql://127.0.0.1:5432/$DB
  user: postgres
  slot: $SLOT
  publication: pgcdc_demo_pub
  tables: [public.users]
sink:
  rabbitmq:
    uri: amqp://guest:guest@127.0.0.1:5672
    exchange: $EXCHANGE
journal:
  dir: $DIR/journal
metrics:
  listen: "$METRICS"
EOF
say "config $CONFIG"
cat "$CONFIG" >&2

say "pgcdc run --config $CONFIG   (log: $DIR/run.log)"
bin/pgcdc run --config "$CONFIG" >"$DIR/run.log" 2>&1 &
RUN_PID=$!
for _ in $(seq 60); do
  curl -fsS "http://$METRICS/health" >/dev/null 2>&1 && break
  kill -0 "$RUN_PID" 2>/dev/null || { cat "$DIR/run.log" >&2; die "pgcdc run exited"; }
  sleep 1
done
curl -fsS "http://$METRICS/health" >/dev/null || { tail -20 "$DIR/run.log" >&2; die "pgcdc is not healthy after 60s"; }

say "pgcdc tail --count $EVENTS   (bound before the changes are made)"
bin/pgcdc tail --config "$CONFIG" --count "$EVENTS" --timeout 60s >"$DIR/events.jsonl" 2>"$DIR/tail.err" &
TAIL_PID=$!
for _ in $(seq 30); do
  grep -q "bound to exchange" "$DIR/tail.err" 2>/dev/null && break
  kill -0 "$TAIL_PID" 2>/dev/null || { cat "$DIR/tail.err" >&2; die "pgcdc tail exited"; }
  sleep 1
done

say "changes: 3 inserts (one transaction), 1 update, 1 delete"
psql_demo "$DB" "INSERT INTO public.users (full_name, email) VALUES
                   ('Mikael', 'mikael@example.com'), ('Ada', 'ada@example.com'), ('Linus', NULL)"
psql_demo "$DB" "UPDATE public.users SET full_name = 'Mikael Åkerfeldt' WHERE id = 1"
psql_demo "$DB" "DELETE FROM public.users WHERE id = 3"

say "events (one JSON per line: routing key, message-id, headers, body)"
if wait "$TAIL_PID"; then TAIL_PID=""; else
  TAIL_PID=""; cat "$DIR/events.jsonl" "$DIR/tail.err" >&2; tail -5 "$DIR/run.log" >&2; die "pgcdc tail failed"; fi
cat "$DIR/events.jsonl"

say "GET http://$METRICS/health"
curl -sS "http://$METRICS/health" >&2; echo >&2
say "GET http://$METRICS/metrics (pgcdc_*)"
curl -sS "http://$METRICS/metrics" | grep '^pgcdc_' | grep -v quantile >&2 || true

say "stopping pgcdc"
kill "$RUN_PID"
wait "$RUN_PID" || true
RUN_PID=""
if [ -n "$KEEP" ]; then
  say "kept: database $DB, slot $SLOT, $DIR (start again: bin/pgcdc run --config $CONFIG)"
else
  say "done: dropping slot $SLOT and database $DB (use --keep to explore them)"
fi
