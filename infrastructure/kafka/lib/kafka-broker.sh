#!/usr/bin/env bash
# Sourced by kafka.sh: our broker (KRaft, single node): its properties for this checkout and these
# ports, storage formatted once, launched in the background, ready once it answers, told apart
# from a stranger's process.

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
