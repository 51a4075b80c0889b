#!/usr/bin/env bash
# Shared paths and helpers for the infrastructure scripts. Source it; do not run it.
# Data (databases, broker logs, pid files) lives in the project's own data dir, caches (jars,
# binaries) outside the repository so a fresh clone re-uses them and nothing large is committed.
set -euo pipefail

ECOM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ECOM_DATA_DIR="${ECOM_DATA_DIR:-$ECOM_ROOT/.data}"
ECOM_CACHE_DIR="${ECOM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ecom-platform}"
ECOM_RUN_DIR="$ECOM_DATA_DIR/run"
ECOM_LOG_DIR="$ECOM_DATA_DIR/logs"
mkdir -p "$ECOM_DATA_DIR" "$ECOM_CACHE_DIR" "$ECOM_RUN_DIR" "$ECOM_LOG_DIR"

# say COMPONENT MESSAGE... : one progress line on stderr, so stdout stays machine-readable.
say() {
  local component="$1"
  shift
  printf '[%s] %s\n' "$component" "$*" >&2
}

die() {
  say "$1" "error: ${*:2}"
  exit 1
}

# pid_alive PIDFILE : true when the pid file names a running process.
pid_alive() {
  local pidfile="$1" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

# port_open HOST PORT : true when something accepts TCP connections there.
port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# wait_for COMPONENT SECONDS COMMAND... : retry COMMAND every 0.5 s until it succeeds or time runs out.
wait_for() {
  local component="$1" seconds="$2"
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    ((SECONDS < deadline)) || die "$component" "not ready after ${seconds}s: $*"
    sleep 0.5
  done
}

# stop_pidfile COMPONENT PIDFILE [GRACE_SECONDS] : SIGTERM the process named by the pid file, wait,
# then SIGKILL if it is still there. Never matches processes by name.
stop_pidfile() {
  local component="$1" pidfile="$2" grace="${3:-30}" pid
  if ! pid_alive "$pidfile"; then
    rm -f "$pidfile"
    say "$component" "not running"
    return 0
  fi
  pid="$(cat "$pidfile")"
  say "$component" "stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      say "$component" "still running after ${grace}s, killing pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$pidfile"
}
