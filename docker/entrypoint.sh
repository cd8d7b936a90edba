#!/bin/sh
# Runs the pgcdc command line with the JVM flags the build wrote to jvm.options (the parent
# pom's pgcdc.jvm.flags), plus PGCDC_JAVA_OPTS for site tuning (heap size, GC logging).
# PGCDC_NICE=N (1..19) lowers its CPU priority as bin/pgcdc does; between containers the
# runtime's CPU weight (--cpu-shares) decides instead.
# exec: java replaces the shell as PID 1, so the SIGTERM of `docker stop` reaches it.
set -eu
DIR=/opt/pgcdc
case "${PGCDC_NICE:-0}" in
  0) NICE= ;;
  [1-9] | 1[0-9]) NICE="nice -n $PGCDC_NICE" ;;
  *) echo "pgcdc: PGCDC_NICE must be 0..19 (a nice(1) increment), got '$PGCDC_NICE'" >&2; exit 2 ;;
esac
# shellcheck disable=SC2046,SC2086 # the options file and NICE hold several space-separated words
exec $NICE java $(cat "$DIR/jvm.options") ${PGCDC_JAVA_OPTS:-} -jar "$DIR/pgcdc.jar" "$@"
