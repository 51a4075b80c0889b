#!/usr/bin/env bash
# Sourced by mysql.sh: our own server, on the project's data dir ($ECOM_DATA_DIR/mysql, never
# /var/lib/mysql): initialise once, launch, wait until it answers, tell ours from a stranger.

readonly DATADIR="$ECOM_DATA_DIR/mysql"
readonly SOCKET="$ECOM_RUN_DIR/mysql.sock"
readonly PIDFILE="$ECOM_RUN_DIR/mysql.pid"
readonly ERROR_LOG="$ECOM_LOG_DIR/mysql.err"
readonly LAUNCH_LOG="$ECOM_LOG_DIR/mysql.out" # stdout/stderr of the server process (normally empty)
readonly SLOW_LOG="$ECOM_LOG_DIR/mysql-slow.log"
readonly START_TIMEOUT=60
readonly STOP_GRACE=60

# True when our pid file names a live MariaDB server. A stale pid file whose pid was re-used by an
# unrelated process is removed, so stop_pidfile can never signal a stranger.
our_server_alive() {
  pid_alive "$PIDFILE" || return 1
  local comm
  comm="$(cat "/proc/$(cat "$PIDFILE")/comm" 2>/dev/null || true)"
  if [[ "$comm" == mariadbd || "$comm" == mysqld ]]; then
    return 0
  fi
  say "$C" "stale pid file (pid $(cat "$PIDFILE") is '$comm'), removing it"
  rm -f "$PIDFILE"
  return 1
}

# Connection for root through our socket: root@localhost authenticates via unix_socket, so no
# password exists anywhere. --defaults-file first: only the [client] group of our my.cnf is read.
# --protocol=socket: a MYSQL_HOST in the environment (the services' variable) would mean TCP.
local_client_args() {
  printf '%s\n' "--defaults-file=$MY_CNF" --protocol=socket "--socket=$SOCKET" --user=root
}

ping_local() {
  "$(admin_bin)" --defaults-file="$MY_CNF" --protocol=socket --socket="$SOCKET" --user=root --connect-timeout=2 \
    ping >/dev/null 2>&1
}

# A unix socket path longer than ~107 bytes cannot be bound; fail early with a useful message.
check_socket_path() {
  ((${#SOCKET} <= 100)) ||
    die "$C" "socket path too long (${#SOCKET} > 100 bytes): $SOCKET; set ECOM_DATA_DIR to a shorter path"
}

# Initialise the data dir once. mariadb-install-db writes into a temporary directory that is
# renamed at the end, so an interrupted run never leaves a half-initialised data dir that a later
# start would mistake for a complete one.
FRESH_DATADIR=false
init_datadir() {
  if [[ -d "$DATADIR/mysql" ]]; then
    return 0
  fi
  [[ ! -e "$DATADIR" ]] || die "$C" "$DATADIR exists but holds no system tables; remove it to initialise afresh"
  local tmp="$DATADIR.init-tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  say "$C" "initialising $DATADIR (log: $ECOM_LOG_DIR/mysql-install-db.log)"
  # --auth-root-authentication-method=socket: root@localhost only via unix_socket (OS root), no
  # password. --skip-test-db: no `test` database and none of the grants that give every account
  # access to test / test_% databases.
  if ! "$(install_db_bin)" --defaults-file="$MY_CNF" \
    --datadir="$tmp" \
    --user="$(id -un)" \
    --auth-root-authentication-method=socket \
    --skip-test-db \
    --skip-name-resolve \
    >"$ECOM_LOG_DIR/mysql-install-db.log" 2>&1; then
    tail -n 30 "$ECOM_LOG_DIR/mysql-install-db.log" >&2 || true
    rm -rf "$tmp"
    die "$C" "mariadb-install-db failed"
  fi
  mv "$tmp" "$DATADIR"
  FRESH_DATADIR=true
}

# mariadb-install-db also grants PROXY to root@<hostname>, an account it does not create; with
# --skip-name-resolve the server then warns about that entry on every start. Remove it once.
tidy_fresh_datadir() {
  sql_query "DELETE FROM mysql.proxies_priv WHERE User = 'root' AND Host <> 'localhost'; FLUSH PRIVILEGES;" ||
    die "$C" "could not tidy the fresh data dir"
}

launch_server() {
  : >"$LAUNCH_LOG"
  # setsid + nohup: the server leaves our session and process group, so it survives the shell
  # (and a Ctrl-C in it) that ran `start`. No fork in front of exec, so $! is the server's pid.
  # All of our descriptors are redirected or closed (9 is the start lock), so a caller capturing
  # our output ($(mysql.sh start)) does not wait for the server to exit.
  setsid nohup "$(server_bin)" --defaults-file="$MY_CNF" \
    --datadir="$DATADIR" \
    --socket="$SOCKET" \
    --pid-file="$PIDFILE" \
    --port="$MYSQL_PORT" \
    --bind-address=127.0.0.1 \
    --skip-name-resolve \
    --log-error="$ERROR_LOG" \
    --slow-query-log-file="$SLOW_LOG" \
    --user="$(id -un)" \
    </dev/null >>"$LAUNCH_LOG" 2>&1 9>&- &
  # The server writes the same pid into --pid-file itself (and removes it on shutdown); writing it
  # now already makes stop/status work while it is still starting.
  echo "$!" >"$PIDFILE"
}

# Wait until the server answers on its socket; on failure show why.
wait_until_ready() {
  local pid deadline=$((SECONDS + START_TIMEOUT))
  pid="$(cat "$PIDFILE")"
  local reason=""
  until ping_local; do
    if ! kill -0 "$pid" 2>/dev/null; then
      reason="the server exited during startup"
    elif ((SECONDS >= deadline)); then
      reason="the server did not answer within ${START_TIMEOUT}s"
    fi
    if [[ -n "$reason" ]]; then
      say "$C" "$reason (pid $pid); tail of $ERROR_LOG:"
      tail -n 40 "$ERROR_LOG" >&2 2>/dev/null || true
      cat "$LAUNCH_LOG" >&2 2>/dev/null || true
      if our_server_alive; then
        stop_pidfile "$C" "$PIDFILE" "$STOP_GRACE"
      fi
      rm -f "$PIDFILE"
      die "$C" "$reason"
    fi
    sleep 0.5
  done
}

start_local_server() {
  [[ "$MYSQL_HOST" == 127.0.0.1 || "$MYSQL_HOST" == localhost ]] ||
    die "$C" "nothing answers on $MYSQL_HOST:$MYSQL_PORT, and a local server can only be started on 127.0.0.1"
  cmd_install
  check_socket_path
  init_datadir
  rm -f "$SOCKET" # left over after a crash; the server would refuse to start on it otherwise
  local started=$SECONDS
  say "$C" "starting $(basename "$(server_bin)") on 127.0.0.1:$MYSQL_PORT (data: $DATADIR, log: $ERROR_LOG)"
  launch_server
  wait_until_ready
  say "$C" "ready after $((SECONDS - started))s, pid $(cat "$PIDFILE")"
}
