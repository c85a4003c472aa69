#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft, broker + controller in one JVM) on loopback,
# without Docker: Maven fetches the broker's jars from Maven Central (cached in ~/.m2).
#
#   infra/kafka/local.sh install   fetch the jars only (CI does this before the tests)
#   infra/kafka/local.sh start     install, format the storage once, start, wait until ready
#   infra/kafka/local.sh status    is it running, and where
#   infra/kafka/local.sh stop      stop it (data is kept)
#   infra/kafka/local.sh reset     stop it and delete its data
#
# Environment: KAFKA_LOCAL_DIR (state folder, default <repo>/.kafka-local), KAFKA_LIBS_DIR (the
# broker's jars, default <repo>/.kafka-local/libs), KAFKA_PORT (9092),
# KAFKA_CONTROLLER_PORT (9093), KAFKA_HEAP (512m), KAFKA_READY_TIMEOUT (seconds, 90),
# KAFKA_RETENTION_MS (how long records are kept, by their timestamp; Kafka's 7 days; -1 keeps
# them for good) and KAFKA_RETENTION_CHECK_MS (how often the broker deletes expired ones; 5 min).
# Every command is idempotent: starting a running broker or stopping a stopped one is fine.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
state="${KAFKA_LOCAL_DIR:-$repo/.kafka-local}"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
heap="${KAFKA_HEAP:-512m}"
ready_timeout="${KAFKA_READY_TIMEOUT:-90}"
retention_ms="${KAFKA_RETENTION_MS:-604800000}"
retention_check_ms="${KAFKA_RETENTION_CHECK_MS:-300000}"
# The jars are shared by every state folder (tests start brokers with folders of their own).
libs="${KAFKA_LIBS_DIR:-$repo/.kafka-local/libs}"
pid_file="$state/broker.pid"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")"

fail() { echo "local kafka: $*" >&2; exit 1; }

need() {
  command -v java >/dev/null 2>&1 ||
    fail "java is not installed; Kafka $version needs Java 17 or later (Debian: apt-get install openjdk-17-jre-headless)"
  local major
  major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = \([0-9]*\).*/\1/p')"
  [[ -n "$major" && "$major" -ge 17 ]] || fail "java ${major:-?} found; Kafka $version needs Java 17 or later"
  if [[ "${1:-}" == maven ]]; then
    command -v mvn >/dev/null 2>&1 ||
      fail "mvn (Apache Maven) is not installed; it fetches the broker from Maven Central (Debian: apt-get install maven)"
  fi
}

install() {
  if [[ -f "$libs/.version" && "$(cat "$libs/.version")" == "$version" ]]; then return; fi
  need maven
  echo "local kafka: fetching Apache Kafka $version from Maven Central into $libs"
  rm -rf "$libs"
  mkdir -p "$libs"
  mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" ||
    fail "Maven could not fetch org.apache.kafka:kafka_2.13:$version (is Maven Central reachable?)"
  echo "$version" >"$libs/.version"
}

running_pid() {
  [[ -f "$pid_file" ]] || return 1
  local pid
  pid="$(cat "$pid_file")"
  kill -0 "$pid" 2>/dev/null && grep -q 'kafka.Kafka' "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

configure() {
  mkdir -p "$state/data" "$state/logs"
  cat >"$state/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$state/data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
# Tests create and join many consumer groups: no wait for more members before the first rebalance.
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
# Retention goes by the records' timestamps, not by when they arrived: a record stamped more than
# log.retention.ms ago is deleted at the next check, even from the active segment.
log.retention.ms=$retention_ms
log.retention.check.interval.ms=$retention_check_ms
log.initial.task.delay.ms=$((retention_check_ms < 30000 ? retention_check_ms : 30000))
PROPS
  if [[ ! -f "$state/data/meta.properties" ]]; then
    local cluster_id
    cluster_id="$(java -cp "$libs/*" -Dlog4j.configuration="file:$here/log4j.properties" -Dkafka.logs.dir="$state/logs" kafka.tools.StorageTool random-uuid)"
    java -cp "$libs/*" -Dlog4j.configuration="file:$here/log4j.properties" -Dkafka.logs.dir="$state/logs" \
      kafka.tools.StorageTool format -t "$cluster_id" -c "$state/server.properties" >/dev/null ||
      fail "formatting the storage in $state/data failed"
  fi
}

start() {
  need
  install
  local pid
  if pid="$(running_pid)"; then
    echo "local kafka: already running (pid $pid) on 127.0.0.1:$port"
    return
  fi
  port_open "$port" && fail "port $port is taken by another process; set KAFKA_PORT to a free port"
  configure
  # Readiness is read from the lines this start writes: the log keeps earlier runs' "started".
  local log="$state/logs/server.log" log_from
  log_from="$(stat -c %s "$log" 2>/dev/null || echo 0)"
  echo "local kafka: starting Apache Kafka $version on 127.0.0.1:$port (state in $state)"
  nohup java -Xms"$heap" -Xmx"$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Dlog4j.configuration="file:$here/log4j.properties" -Dkafka.logs.dir="$state/logs" \
    -cp "$libs/*" kafka.Kafka "$state/server.properties" >"$state/logs/stdout.log" 2>&1 &
  pid=$!
  echo "$pid" >"$pid_file"
  local waited=0
  until started_in_log "$log" "$log_from" && port_open "$port"; do
    # Our own child, not yet reaped, so its pid is its own: whether it is alive does not depend on
    # whether it has become java yet (on a loaded machine the first checks can come before that).
    if ! child_alive "$pid"; then
      tail -n 20 "$state/logs/stdout.log" "$log" >&2 2>/dev/null || true
      rm -f "$pid_file"
      fail "the broker exited during start-up (logs above, full logs in $state/logs)"
    fi
    if ((waited >= ready_timeout * 5)); then
      stop >/dev/null
      fail "the broker did not become ready within ${ready_timeout}s and was stopped (logs in $state/logs)"
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
  echo "local kafka: ready; use KAFKA_BROKERS=127.0.0.1:$port"
}

# Alive and not a zombie waiting to be reaped.
child_alive() { [[ -r "/proc/$1/stat" && "$(sed 's/.*) //' "/proc/$1/stat" | cut -c1)" != Z ]]; }

# "Kafka Server started" among the log's bytes from an offset on; from the start if the file rolled.
started_in_log() {
  local size
  size="$(stat -c %s "$1" 2>/dev/null || echo 0)"
  ((size >= $2)) || set -- "$1" 0
  tail -c +$(($2 + 1)) "$1" 2>/dev/null | grep -q 'Kafka Server started'
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "local kafka: not running"
    rm -f "$pid_file"
    return
  fi
  kill "$pid"
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$pid_file"
  echo "local kafka: stopped"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    echo "local kafka: running (pid $pid) on 127.0.0.1:$port, Apache Kafka $version, state in $state"
  else
    echo "local kafka: not running"
    return 3
  fi
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  reset) stop && rm -rf "$state/data" "$state/logs" "$state/server.properties" && echo "local kafka: data deleted" ;;
  *) echo "usage: $0 install|start|status|stop|reset" >&2; exit 2 ;;
esac
