#!/usr/bin/env bash
# Looks into Kafka without Docker (and without Kafka UI): Kafka's own command-line tools, run from
# the broker's jars (kafka.sh run-class), against the brokers in KAFKA_BROKERS.
#
# Usage: npm run kafka -- topics                     every topic: partitions, replication, configs
#        npm run kafka -- groups                     every consumer group and its state
#        npm run kafka -- lag [GROUP]                per partition: committed offset, end offset, lag
#                                                    (of GROUP, or of every group)
#        npm run kafka -- tail TOPIC [OPTIONS...]    prints messages as they arrive (timestamp,
#                                                    partition, offset, headers, key, value) until
#                                                    Ctrl-C; OPTIONS go to the console consumer, e.g.
#                                                    --from-beginning --max-messages 10
#
# Environment: KAFKA_BROKERS (default 127.0.0.1:9092, as for the services): the Compose broker is
# KAFKA_BROKERS=localhost:29092. Each call starts a JVM, so it takes a few seconds.
# Plain TCP without authentication: the local and the Compose broker (not MSK).
set -euo pipefail

KAFKA_CLI_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly KAFKA_SH="$KAFKA_CLI_DIR/kafka.sh"
readonly BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"

readonly TOPIC_COMMAND=org.apache.kafka.tools.TopicCommand
readonly GROUP_COMMAND=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand
readonly CONSOLE_CONSUMER=org.apache.kafka.tools.consumer.ConsoleConsumer

usage() {
  sed -n 's/^# \{0,1\}//; 5,12p' "${BASH_SOURCE[0]}" >&2
  exit 2
}

run_class() {
  exec bash "$KAFKA_SH" run-class "$@"
}

cmd_topics() {
  run_class "$TOPIC_COMMAND" --bootstrap-server "$BROKERS" --describe --exclude-internal
}

cmd_groups() {
  run_class "$GROUP_COMMAND" --bootstrap-server "$BROKERS" --list --state
}

cmd_lag() {
  if [[ $# -gt 0 ]]; then
    run_class "$GROUP_COMMAND" --bootstrap-server "$BROKERS" --describe --group "$1"
  fi
  run_class "$GROUP_COMMAND" --bootstrap-server "$BROKERS" --describe --all-groups
}

cmd_tail() {
  [[ $# -ge 1 && "$1" != -* ]] || usage
  local topic="$1"
  shift
  # The request id travels in the x-request-id header; print headers so it can be followed.
  run_class "$CONSOLE_CONSUMER" --bootstrap-server "$BROKERS" --topic "$topic" \
    --property print.timestamp=true \
    --property print.partition=true \
    --property print.offset=true \
    --property print.headers=true \
    --property print.key=true \
    "$@"
}

main() {
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    topics) cmd_topics ;;
    groups) cmd_groups ;;
    lag) cmd_lag "$@" ;;
    tail) cmd_tail "$@" ;;
    *) usage ;;
  esac
}

main "$@"
