#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft) for the platform, from jars on Maven Central
# (lib/kafka-jars.sh); the broker itself is lib/kafka-broker.sh. This file: the commands.
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

# shellcheck source=lib/kafka-jars.sh
source "$KAFKA_SCRIPT_DIR/lib/kafka-jars.sh"
# shellcheck source=lib/kafka-broker.sh
source "$KAFKA_SCRIPT_DIR/lib/kafka-broker.sh"

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
