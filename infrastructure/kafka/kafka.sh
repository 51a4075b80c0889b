#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft) for the platform, from jars on Maven Central.
#
# Usage: kafka.sh install | start | stop | status | run-class CLASS [ARGS...]
#
#   start   prints one word on stdout:
#             started   we started the broker (storage formatted on first use)
#             running   our broker was already up
#             external  KAFKA_BROKERS names another reachable broker, or something else holds the
#                       port: that one is used and nothing is started
#   run-class  runs a Java main class of the broker's jars, e.g.
#             kafka.sh run-class org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --list
#
# Environment: KAFKA_BROKERS, KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_HEAP_OPTS,
# KAFKA_START_TIMEOUT (90 s), ECOM_DATA_DIR, ECOM_CACHE_DIR.
# Progress goes to stderr; stdout carries only the result.
set -euo pipefail

KAFKA_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$KAFKA_SCRIPT_DIR/../lib/common.sh"

readonly C=kafka
readonly POM="$KAFKA_SCRIPT_DIR/pom.xml"
# The version lives in the pom only.
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM")"
readonly KAFKA_VERSION
readonly LIBS="$ECOM_CACHE_DIR/kafka-$KAFKA_VERSION/libs"
readonly KAFKA_PORT="${KAFKA_PORT:-9092}"
readonly KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
readonly LOCAL_BROKER="127.0.0.1:$KAFKA_PORT"
readonly STATE_DIR="$ECOM_DATA_DIR/kafka"
readonly RUNTIME_PROPERTIES="$STATE_DIR/server.properties"
readonly PIDFILE="$ECOM_RUN_DIR/kafka.pid"
readonly LOCKFILE="$ECOM_RUN_DIR/kafka.lock"
readonly CONSOLE_LOG="$ECOM_LOG_DIR/kafka.out"
readonly BROKER_LOG="$ECOM_LOG_DIR/kafka.log" # written by log4j.properties
readonly START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
readonly TOOLS_LOG4J="$KAFKA_SCRIPT_DIR/tools-log4j.properties"
# JVM options of the short-lived tools (storage format, readiness probe, run-class).
readonly TOOLS_JAVA_OPTS=(-Xms64m -Xmx512m "-Dlog4j.configuration=file:$TOOLS_LOG4J")

# The marker holds the pom's checksum, so editing the pom (a new jar, another version) re-resolves.
pom_checksum() {
  sha256sum "$POM" | cut -d' ' -f1
}

jars_ready() {
  [[ "$(cat "$LIBS/.complete" 2>/dev/null)" == "$(pom_checksum)" ]]
}

cmd_install() {
  jars_ready && return 0
  # Parallel first uses (say, two run-class calls) resolve once: the second waits, then finds the
  # jars. The lock is released before anything long-lived (the broker) could inherit it.
  mkdir -p "$(dirname "$LIBS")"
  exec 8>"$(dirname "$LIBS")/.install.lock"
  flock 8
  if ! jars_ready; then
    resolve_jars
  fi
  exec 8>&-
}

resolve_jars() {
  command -v mvn >/dev/null || die "$C" "Maven (mvn) is needed to fetch the Kafka jars from Maven Central"
  command -v java >/dev/null || die "$C" "Java 17 is needed to run Kafka"
  local started=$SECONDS
  say "$C" "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central into $LIBS"
  # Resolve into a fresh directory (no stale jars on the wildcard classpath), then swap it in, so a
  # failed or interrupted download never leaves a half-filled libs/ behind.
  local fresh="$LIBS.new.$$"
  rm -rf "$fresh"
  mkdir -p "$fresh"
  # Maven's own output goes to a log (it prints stray colour codes even with -q); shown on failure.
  local mvn_log="$ECOM_LOG_DIR/kafka-install.log"
  if ! mvn -q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
    -DoutputDirectory="$fresh" >"$mvn_log" 2>&1; then
    tail -n 40 "$mvn_log" >&2
    rm -rf "$fresh"
    die "$C" "mvn dependency:copy-dependencies failed (log: $mvn_log)"
  fi
  pom_checksum >"$fresh/.complete" # only after every jar is in place
  rm -rf "$LIBS.old"
  [[ -d "$LIBS" ]] && mv "$LIBS" "$LIBS.old"
  mv "$fresh" "$LIBS"
  rm -rf "$LIBS.old" # a JVM still running from the old jars keeps its open files
  say "$C" "jars ready in $((SECONDS - started))s"
}

# java_tool CLASS ARGS... : a main class of the broker's jars in the foreground, WARN+ on stderr.
java_tool() {
  java "${TOOLS_JAVA_OPTS[@]}" -cp "$LIBS/*" "$@"
}

# The repo's server.properties plus what depends on this checkout and these ports.
write_runtime_properties() {
  mkdir -p "$STATE_DIR/data"
  {
    cat "$KAFKA_SCRIPT_DIR/server.properties"
    echo
    echo "# Added by kafka.sh"
    echo "log.dirs=$STATE_DIR/data"
    echo "listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT"
    echo "advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT"
    echo "controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT"
  } >"$RUNTIME_PROPERTIES"
}

# KRaft storage is formatted once, with a cluster id kept beside it.
format_storage() {
  [[ -f "$STATE_DIR/data/meta.properties" ]] && return 0
  local cluster_id
  cluster_id="$(cat "$STATE_DIR/cluster-id" 2>/dev/null || true)"
  if [[ -z "$cluster_id" ]]; then
    cluster_id="$(java_tool kafka.tools.StorageTool random-uuid)"
    echo "$cluster_id" >"$STATE_DIR/cluster-id"
  fi
  say "$C" "formatting KRaft storage in $STATE_DIR/data (cluster $cluster_id)"
  java_tool kafka.tools.StorageTool format \
    -t "$cluster_id" -c "$RUNTIME_PROPERTIES" --ignore-formatted >&2
}

launch_broker() {
  : >"$CONSOLE_LOG"
  # kafka.log is appended to across runs: remember where this run's lines begin.
  LOG_OFFSET="$(stat -c %s "$BROKER_LOG" 2>/dev/null || echo 0)"
  # setsid + nohup: the broker leaves our process group, so a Ctrl-C in the shell that ran `start`
  # does not reach it; the caller stops it through `kafka.sh stop`. Descriptor 9 is the start lock.
  setsid nohup java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m} \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dkafka.logs.dir="$ECOM_LOG_DIR" \
    -Dlog4j.configuration="file:$KAFKA_SCRIPT_DIR/log4j.properties" \
    -cp "$LIBS/*" kafka.Kafka "$RUNTIME_PROPERTIES" \
    </dev/null >>"$CONSOLE_LOG" 2>&1 9>&- &
  echo "$!" >"$PIDFILE"
}

# Ready means the broker answers a metadata request, not just that the port is open. A broker
# that accepts connections before it is ready keeps the admin client waiting (60 s by default):
# `timeout` keeps the start deadline meaningful.
broker_answers() {
  timeout 20 java "${TOOLS_JAVA_OPTS[@]}" -cp "$LIBS/*" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$LOCAL_BROKER" --list >/dev/null 2>&1
}

# True once this run's broker has logged the end of its startup (it is then unfenced and serving).
started_line_logged() {
  local offset="$LOG_OFFSET"
  # The file rolled over since launch: the line is in the new, shorter file.
  (($(stat -c %s "$BROKER_LOG" 2>/dev/null || echo 0) < offset)) && offset=0
  tail -c "+$((offset + 1))" "$BROKER_LOG" 2>/dev/null | grep -q 'Kafka Server started'
}

# Give up: show why, and do not leave a half-started broker behind.
startup_failed() {
  say "$C" "the broker did not come up within ${START_TIMEOUT}s or exited (pid $1); tail of its logs:"
  tail -n 30 "$CONSOLE_LOG" "$BROKER_LOG" >&2 2>/dev/null || true
  stop_pidfile "$C" "$PIDFILE" 10
  die "$C" "broker failed to start"
}

wait_until_ready() {
  local pid deadline=$((SECONDS + START_TIMEOUT))
  pid="$(cat "$PIDFILE")"
  # Cheap polling of the log first: each probe below costs a JVM start (~2 s on 2 cores). If the
  # line never shows (logging configured differently), probing starts after 30 s anyway.
  local probe_from=$((SECONDS + 30))
  until started_line_logged || ((SECONDS >= probe_from)); do
    kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)) || startup_failed "$pid"
    sleep 0.5
  done
  until port_open 127.0.0.1 "$KAFKA_PORT" && broker_answers; do
    kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)) || startup_failed "$pid"
    sleep 1
  done
}

# True when our pid file names a live broker of this data dir. A pid re-used by a stranger (another
# Java program, another checkout's broker) does not count, so `stop` can never signal it.
our_broker_alive() {
  pid_alive "$PIDFILE" || return 1
  tr '\0' ' ' <"/proc/$(cat "$PIDFILE")/cmdline" 2>/dev/null |
    grep -qF "kafka.Kafka $RUNTIME_PROPERTIES" && return 0
  rm -f "$PIDFILE"
  return 1
}

# KAFKA_BROKERS naming something other than our local broker.
external_brokers() {
  [[ -n "${KAFKA_BROKERS:-}" && "$KAFKA_BROKERS" != "$LOCAL_BROKER" && "$KAFKA_BROKERS" != "localhost:$KAFKA_PORT" ]]
}

cmd_start() {
  exec 9>"$LOCKFILE"
  flock 9
  if external_brokers; then
    local first="${KAFKA_BROKERS%%,*}"
    port_open "${first%:*}" "${first##*:}" || die "$C" "KAFKA_BROKERS=$KAFKA_BROKERS is set but $first does not answer"
    say "$C" "using the brokers in KAFKA_BROKERS ($KAFKA_BROKERS)"
    echo external
    return 0
  fi
  if our_broker_alive && port_open 127.0.0.1 "$KAFKA_PORT"; then
    echo running
    return 0
  fi
  if port_open 127.0.0.1 "$KAFKA_PORT"; then
    say "$C" "something else listens on $LOCAL_BROKER; using it as the broker"
    echo external
    return 0
  fi
  cmd_install
  local started=$SECONDS
  write_runtime_properties
  format_storage
  say "$C" "starting Kafka $KAFKA_VERSION on $LOCAL_BROKER (log: $BROKER_LOG)"
  launch_broker
  wait_until_ready
  say "$C" "ready after $((SECONDS - started))s, pid $(cat "$PIDFILE")"
  echo started
}

cmd_stop() {
  exec 9>"$LOCKFILE"
  flock 9
  our_broker_alive || true # drops a stale pid file
  # SIGTERM is a controlled shutdown; the broker flushes its logs first.
  stop_pidfile "$C" "$PIDFILE" 30
}

cmd_status() {
  if our_broker_alive; then
    echo running
    return 0
  fi
  echo stopped
  return 1
}

main() {
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    run-class)
      cmd_install
      exec java "${TOOLS_JAVA_OPTS[@]}" -cp "$LIBS/*" "$@"
      ;;
    *)
      echo "usage: $0 install|start|stop|status|run-class CLASS [ARGS...]" >&2
      exit 2
      ;;
  esac
}

main "$@"
