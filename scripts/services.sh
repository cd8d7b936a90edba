#!/usr/bin/env bash
# Makes the servers pgcdc needs available on 127.0.0.1 and prints how to reach them.
#
#   scripts/services.sh up            PostgreSQL (wal_level=logical, replication from 127.0.0.1),
#                                     RabbitMQ and ZooKeeper: reuse running ones, start stopped
#                                     ones, install missing ones from Debian's packages
#   scripts/services.sh env           export lines for ITs and the CLI: eval "$(scripts/services.sh env)"
#   scripts/services.sh status        one line per server
#   scripts/services.sh down [NAME..] stop what `up` started (postgres, rabbitmq, zookeeper);
#                                     servers that were already running are never touched
#   scripts/services.sh exclusive CMD.. run CMD holding this machine's servers lock
#                                     ($PGCDC_SERVERS_LOCK, default /tmp/pgcdc-servers.lock), after
#                                     waiting for whoever holds it: test.sh and bench.sh use it, so
#                                     a benchmark never runs while the fault tests restart RabbitMQ
#                                     and PostgreSQL, and a test run never shares the machine with one
#
# Runs unattended (CI=true, no stdin, as root or with sudo). Idempotent: a second `up` changes
# nothing. PostgreSQL is restarted only when a setting that needs a restart is wrong.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.services"
PG_PORT=5432
RABBIT_PORT=5672
ZK_PORT=2181
MIN_SLOTS=20
export DEBIAN_FRONTEND=noninteractive

log() { echo "services: $*" >&2; }
die() { echo "services: $*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else
    die "need root to run '$*' (run as root or install sudo)"; fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND every second.
wait_until() {
  local limit=$1 what=$2; shift 2
  for _ in $(seq "$limit"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  die "$what did not come up within ${limit}s"
}

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  log "installing $* from Debian's packages"
  as_root apt-get install -y -qq --no-install-recommends "$@" </dev/null >/dev/null
}

mark_started() { mkdir -p "$STATE"; touch "$STATE/$1.started"; }

# ---------------------------------------------------------------- PostgreSQL

# psql as the superuser: over TCP when trust allows it, else through the socket as OS user postgres.
pg() {
  if psql -X -q -At -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -w "$@" 2>/dev/null; then return 0; fi
  as_root runuser -u postgres -- psql -X -q -At -p "$PG_PORT" -d postgres "$@"
}

# "<version> <cluster>" of the Debian cluster on $PG_PORT (empty when there is none).
pg_cluster() {
  command -v pg_lsclusters >/dev/null || return 0
  pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3 == p { print $1, $2; exit }'
}

postgres_up() {
  if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
    port_open "$PG_PORT" || apt_install postgresql postgresql-client
  fi
  local cluster
  cluster="$(pg_cluster)"
  if ! port_open "$PG_PORT"; then
    if [ -z "$cluster" ]; then
      local version
      version="$(ls /usr/lib/postgresql | sort -V | tail -1)"
      log "creating PostgreSQL $version cluster main on port $PG_PORT"
      as_root pg_createcluster -p "$PG_PORT" "$version" main >/dev/null
      cluster="$version main"
    fi
    log "starting PostgreSQL $cluster"
    # shellcheck disable=SC2086 # "<version> <cluster>" are two arguments
    as_root pg_ctlcluster --skip-systemctl-redirect $cluster start
    mark_started postgres
    wait_until 60 "PostgreSQL on 127.0.0.1:$PG_PORT" port_open "$PG_PORT"
  fi
  wait_until 60 "PostgreSQL accepting queries" pg -c "SELECT 1"
  postgres_hba
  postgres_settings "$cluster"
  log "PostgreSQL ready on 127.0.0.1:$PG_PORT (wal_level=$(pg -c 'SHOW wal_level'))"
}

# Replication and plain connections from 127.0.0.1 without a password, placed before any other
# rule because the first matching pg_hba line wins.
postgres_hba() {
  local hba changed=""
  hba="$(pg -c 'SHOW hba_file')"
  local rule
  for rule in "host all all 127.0.0.1/32 trust" "host replication all 127.0.0.1/32 trust"; do
    local pattern="^${rule// /[[:space:]]+}[[:space:]]*$"
    if ! as_root grep -Eq "$pattern" "$hba"; then
      log "adding '$rule' to $hba"
      as_root sed -i "1i $rule" "$hba"
      changed=1
    fi
  done
  if [ -n "$changed" ]; then pg -c "SELECT pg_reload_conf()" >/dev/null; fi
}

# wal_level, max_replication_slots and max_wal_senders only change with a restart.
postgres_settings() {
  local cluster=$1 restart=""
  if [ "$(pg -c 'SHOW wal_level')" != logical ]; then
    pg -c "ALTER SYSTEM SET wal_level = logical"; restart=1
  fi
  local setting
  for setting in max_replication_slots max_wal_senders; do
    if [ "$(pg -c "SHOW $setting")" -lt "$MIN_SLOTS" ]; then
      pg -c "ALTER SYSTEM SET $setting = $MIN_SLOTS"; restart=1
    fi
  done
  if [ -n "$restart" ]; then
    [ -n "$cluster" ] || die "PostgreSQL on port $PG_PORT needs a restart for wal_level=logical but is not a Debian cluster; restart it yourself"
    log "restarting PostgreSQL $cluster for wal_level=logical, max_replication_slots/max_wal_senders >= $MIN_SLOTS"
    # shellcheck disable=SC2086
    as_root pg_ctlcluster --skip-systemctl-redirect $cluster restart
    wait_until 60 "PostgreSQL after restart" pg -c "SELECT 1"
    [ "$(pg -c 'SHOW wal_level')" = logical ] || die "wal_level is still not logical after the restart"
  fi
}

postgres_down() {
  local cluster
  cluster="$(pg_cluster)"
  log "stopping PostgreSQL $cluster (started by services.sh up)"
  # shellcheck disable=SC2086
  [ -z "$cluster" ] || as_root pg_ctlcluster --skip-systemctl-redirect $cluster stop
}

# ---------------------------------------------------------------- RabbitMQ

rabbit_up() {
  if ! port_open "$RABBIT_PORT"; then
    command -v rabbitmq-server >/dev/null || apt_install rabbitmq-server
    if ! port_open "$RABBIT_PORT"; then # the package may have started it
      log "starting RabbitMQ"
      as_root rabbitmq-server -detached </dev/null >/dev/null 2>&1
      mark_started rabbitmq
    fi
    wait_until 120 "RabbitMQ on 127.0.0.1:$RABBIT_PORT" port_open "$RABBIT_PORT"
  fi
  log "RabbitMQ ready on 127.0.0.1:$RABBIT_PORT"
}

rabbit_down() {
  log "stopping RabbitMQ (started by services.sh up)"
  as_root rabbitmqctl -q stop </dev/null || true
}

# ---------------------------------------------------------------- ZooKeeper (Maven artifact)

# A version pinned in the parent pom's <properties>.
pom_version() { sed -n "s:.*<$1>\\(.*\\)</$1>.*:\\1:p" "$ROOT/pom.xml" | head -1; }

# ZooKeeper's four-letter "srvr" reports "Mode: ..." only once the server serves requests
# ("ruok" answers imok even when it does not).
zk_ok() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$ZK_PORT"
    echo srvr >&3
    timeout 3 cat <&3 | grep -q '^Mode:'
  ) 2>/dev/null
}

# ok once the server answers; gives up at once when the process has died.
zk_started() {
  local pidfile="$STATE/zookeeper/zookeeper.pid"
  [ -s "$pidfile" ] || return 1 # not written yet
  if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    rm -f "$STATE/zookeeper.started" "$STATE/zookeeper/zookeeper.pid"
    die "ZooKeeper exited at start: $(grep -m1 -E 'Exception|Error' "$STATE/zookeeper/zookeeper.log" || true) (see $STATE/zookeeper/zookeeper.log)"
  fi
  zk_ok
}

zk_fetch() {
  local dir="$STATE/zookeeper" version
  version="$(pom_version zookeeper.version)"
  [ -n "$version" ] || die "no <zookeeper.version> in $ROOT/pom.xml"
  if ls "$dir/lib/zookeeper-$version.jar" "$dir"/lib/snappy-java-*.jar >/dev/null 2>&1; then return 0; fi
  log "fetching ZooKeeper $version with Maven"
  mkdir -p "$dir"
  # ZooKeeper's own parent pom pins the versions of the server's optional dependencies.
  cat >"$dir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.pgcdc.services</groupId><artifactId>zookeeper-runtime</artifactId><version>1</version>
  <dependencyManagement><dependencies>
    <dependency><groupId>org.apache.zookeeper</groupId><artifactId>parent</artifactId><version>$version</version><type>pom</type><scope>import</scope></dependency>
  </dependencies></dependencyManagement>
  <dependencies>
    <dependency><groupId>org.apache.zookeeper</groupId><artifactId>zookeeper</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.xerial.snappy</groupId><artifactId>snappy-java</artifactId></dependency>
    <dependency><groupId>io.dropwizard.metrics</groupId><artifactId>metrics-core</artifactId></dependency>
    <dependency><groupId>ch.qos.logback</groupId><artifactId>logback-classic</artifactId></dependency>
  </dependencies>
</project>
POM
  rm -rf "$dir/lib"
  mvn -B -Dstyle.color=never -f "$dir/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$dir/lib" </dev/null >"$dir/fetch.log" 2>&1 \
    || { tail -20 "$dir/fetch.log" >&2; die "fetching ZooKeeper failed (see $dir/fetch.log)"; }
}

zk_up() {
  if port_open "$ZK_PORT"; then
    log "ZooKeeper already answers on 127.0.0.1:$ZK_PORT"
    return 0
  fi
  zk_fetch
  local dir="$STATE/zookeeper"
  mkdir -p "$dir/data"
  cat >"$dir/zoo.cfg" <<CFG
dataDir=$dir/data
clientPort=$ZK_PORT
clientPortAddress=127.0.0.1
tickTime=1000
minSessionTimeout=2000
maxSessionTimeout=120000
admin.enableServer=false
4lw.commands.whitelist=srvr,stat,mntr,ruok
CFG
  cat >"$dir/logback.xml" <<'XML'
<configuration>
  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="out"/></root>
</configuration>
XML
  log "starting ZooKeeper on 127.0.0.1:$ZK_PORT"
  # setsid: the server outlives this shell and its job control. The inner shell writes its own
  # pid and then becomes java (exec), so the pid file is right however setsid forks.
  rm -f "$dir/zookeeper.pid"
  setsid bash -c 'echo $$ >"$1/zookeeper.pid"; shift; exec "$@"' zookeeper "$dir" \
    java -Xmx256m -cp "$dir/lib/*" -Dzookeeper.admin.enableServer=false -Dlogback.configurationFile="$dir/logback.xml" \
    org.apache.zookeeper.server.ZooKeeperServerMain "$dir/zoo.cfg" </dev/null >"$dir/zookeeper.log" 2>&1 &
  mark_started zookeeper
  wait_until 60 "ZooKeeper on 127.0.0.1:$ZK_PORT (see $dir/zookeeper.log)" zk_started
  log "ZooKeeper ready on 127.0.0.1:$ZK_PORT"
}

zk_down() {
  local pidfile="$STATE/zookeeper/zookeeper.pid"
  if [ -f "$pidfile" ]; then
    local pid
    pid="$(cat "$pidfile")"
    log "stopping ZooKeeper (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    rm -f "$pidfile"
  fi
}

# ---------------------------------------------------------------- commands

cmd_up() {
  command -v java >/dev/null || apt_install openjdk-17-jdk-headless
  command -v mvn >/dev/null || apt_install maven
  postgres_up
  rabbit_up
  zk_up
}

cmd_env() {
  echo "export PGCDC_TEST_PG_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/postgres"
  echo "export PGCDC_TEST_PG_USER=postgres"
  echo "export PGCDC_TEST_RABBITMQ_URI=amqp://guest:guest@127.0.0.1:$RABBIT_PORT"
  echo "export PGCDC_TEST_ZOOKEEPER=127.0.0.1:$ZK_PORT"
}

cmd_status() {
  local state
  state="$(port_open "$PG_PORT" && echo "up (wal_level=$(pg -c 'SHOW wal_level' 2>/dev/null || echo '?'))" || echo down)"
  echo "postgres  127.0.0.1:$PG_PORT  $state$([ -f "$STATE/postgres.started" ] && echo ', started by services.sh' || true)"
  state="$(port_open "$RABBIT_PORT" && echo up || echo down)"
  echo "rabbitmq  127.0.0.1:$RABBIT_PORT  $state$([ -f "$STATE/rabbitmq.started" ] && echo ', started by services.sh' || true)"
  state="$(zk_ok 2>/dev/null && echo up || echo down)"
  echo "zookeeper 127.0.0.1:$ZK_PORT  $state$([ -f "$STATE/zookeeper.started" ] && echo ', started by services.sh' || true)"
}

cmd_down() {
  local names=("$@")
  [ ${#names[@]} -gt 0 ] || names=(zookeeper rabbitmq postgres)
  local name
  for name in "${names[@]}"; do
    [ -f "$STATE/$name.started" ] || { log "$name: not started by services.sh, left alone"; continue; }
    case "$name" in
      zookeeper) zk_down ;;
      rabbitmq) rabbit_down ;;
      postgres) postgres_down ;;
      *) die "unknown service '$name' (postgres, rabbitmq, zookeeper)" ;;
    esac
    rm -f "$STATE/$name.started"
  done
}

cmd_exclusive() {
  [ $# -gt 0 ] || die "exclusive: give the command to run"
  local lock="${PGCDC_SERVERS_LOCK:-/tmp/pgcdc-servers.lock}"
  if command -v flock >/dev/null; then
    if [ -e "$lock" ] && [ ! -w "$lock" ]; then
      exec 9<"$lock" # another user's lock file: flock needs only a descriptor, not write access
    else
      exec 9>>"$lock"
      chmod a+rw "$lock" 2>/dev/null || true
    fi
    if ! flock -n 9; then
      log "waiting for the bench or test run that holds $lock (it restarts or loads these servers)"
      flock 9
    fi
  fi
  exec "$@"
}

case "${1:-}" in
  up) cmd_up ;;
  exclusive) shift; cmd_exclusive "$@" ;;
  env) cmd_env ;;
  status) cmd_status ;;
  down) shift; cmd_down "$@" ;;
  *) echo "usage: scripts/services.sh up|env|status|down [postgres|rabbitmq|zookeeper...]|exclusive CMD..." >&2; exit 2 ;;
esac
