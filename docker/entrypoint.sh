#!/bin/sh
# Runs the pgcdc command line with the JVM flags the build wrote to jvm.options (the parent
# pom's pgcdc.jvm.flags), plus PGCDC_JAVA_OPTS for site tuning (heap size, GC logging).
# exec: java replaces the shell as PID 1, so the SIGTERM of `docker stop` reaches it.
set -eu
DIR=/opt/pgcdc
# shellcheck disable=SC2046 # the options file holds several space-separated flags
exec java $(cat "$DIR/jvm.options") ${PGCDC_JAVA_OPTS:-} -jar "$DIR/pgcdc.jar" "$@"
