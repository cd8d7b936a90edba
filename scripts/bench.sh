#!/usr/bin/env bash
# End-to-end benchmark (issue 7, SPEC §10): pg_recvlogical vs raw RabbitMQ vs pgcdc on one backlog,
# then commit-to-delivery latency at a steady rate; with --debezium also Debezium Server's RabbitMQ
# sink on the same backlog (phase e). See perf/README.md ("End to end").
#
#   scripts/bench.sh [--rows N] [--txn-size K] [--single M] [--rate TPS --seconds S] [--out DIR] [--debezium] [--help]
#
# --debezium fetches io.debezium:debezium-server-dist (~780 MB, through Maven, so once into ~/.m2)
# and unpacks it under perf/target/debezium/<version>/ on first use; it runs on a Java 21+ JVM
# (found under /usr/lib/jvm, or --debezium-java PATH).
#
# Servers: PGCDC_TEST_PG_URL / PGCDC_TEST_PG_USER / PGCDC_TEST_PG_PASSWORD / PGCDC_TEST_RABBITMQ_URI
# (as `eval "$(scripts/services.sh env)"` sets them), default 127.0.0.1:5432 postgres and
# amqp://guest:guest@127.0.0.1:5672. Builds perf/target/benchmarks.jar and tools/target/pgcdc.jar
# when one is missing; PGCDC_BENCH_BUILD=always rebuilds them first (after changing the code).
set -euo pipefail
caller_dir=$PWD
cd "$(dirname "$0")/.."

# Output directory: perf/target unless the caller passes --out (a relative one is relative to
# where bench.sh was started, not to the repository root it changes into).
args=()
out=
exclusive=(bash scripts/services.sh exclusive)
while (($#)); do
  case "$1" in
    -h|--help|-V|--version) exclusive=(); args+=("$1"); shift ;;  # prints and exits: no need to wait for the lock
    --out) [[ $# -ge 2 ]] || { echo "bench: --out needs a directory" >&2; exit 2; }; out=$2; shift 2 ;;
    --out=*) out=${1#--out=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
if [[ -z "$out" ]]; then
  out=perf/target
elif [[ "$out" != /* ]]; then
  out=$caller_dir/$out
fi

bench_jar=perf/target/benchmarks.jar
# PGCDC_BENCH_PGCDC_JAR=other.jar compares another build (e.g. before/after a change) on the same harness.
pgcdc_jar=${PGCDC_BENCH_PGCDC_JAR:-tools/target/pgcdc.jar}
jvm_options=tools/target/jvm.options

if [[ "${PGCDC_BENCH_BUILD:-}" == always || ! -f "$bench_jar" || ! -f "$pgcdc_jar" || ! -f "$jvm_options" ]]; then
  echo "bench: building pgcdc.jar and benchmarks.jar (mvn -B -q -pl tools,perf -am package -DskipTests)" >&2
  mvn -B -q -pl tools,perf -am package -DskipTests
fi

command -v pg_recvlogical >/dev/null || { echo "bench: pg_recvlogical not found; install postgresql-client" >&2; exit 1; }

# holds the servers lock while it runs: never beside scripts/test.sh (its fault tests restart the broker)
# shellcheck disable=SC2046  # jvm.options is a list of flags, split on purpose
exec ${exclusive[@]+"${exclusive[@]}"} java $(cat "$jvm_options") -Djava.awt.headless=true -cp "$bench_jar" \
  io.pgcdc.perf.e2e.EndToEndBench --pgcdc-jar "$pgcdc_jar" --jvm-options "$jvm_options" --out "$out" ${args[@]+"${args[@]}"}
