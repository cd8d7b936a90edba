#!/bin/sh
# Runs once, when the postgres container initialises its data directory: lets the pgcdc
# containers open replication connections (the image's pg_hba.conf allows them only from
# localhost), with the same password authentication as ordinary connections.
set -eu
echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
