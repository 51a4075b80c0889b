#!/usr/bin/env bash
# MariaDB for the platform: installs Debian's mariadb-server if needed, runs it on a data dir of
# the project ($ECOM_DATA_DIR/mysql, never /var/lib/mysql) and provisions databases and users.
#
# Usage: mysql.sh install | start | stop | status | client [MARIADB-CLIENT-ARGS...]
#
#   start   prints one word on stdout:
#             running   our server was already up (bootstrap SQL re-applied)
#             external  something else answers on MYSQL_HOST:MYSQL_PORT; bootstrap SQL applied
#                       through MYSQL_ADMIN_USER/MYSQL_ADMIN_PASSWORD when those are set
#             started   our server was started (data dir initialised on first use)
#   status  prints running/stopped; exit code 0 when running, 1 when stopped.
#   client  the mariadb client as root through our socket, e.g. `mysql.sh client -e 'show databases'`.
#
# Environment: MYSQL_HOST (127.0.0.1), MYSQL_PORT (3306), MYSQL_ADMIN_USER, MYSQL_ADMIN_PASSWORD,
# PRODUCT_DB_USER (product_service), PRODUCT_DB_PASSWORD (product_service_local),
# ORDER_DB_USER (order_service), ORDER_DB_PASSWORD (order_service_local), ECOM_DATA_DIR.
# Progress goes to stderr; stdout carries only the machine-readable result.
set -euo pipefail

MYSQL_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$MYSQL_SCRIPT_DIR/../lib/common.sh"

readonly C=mysql
readonly MY_CNF="$MYSQL_SCRIPT_DIR/my.cnf"
readonly BOOTSTRAP_SQL="$MYSQL_SCRIPT_DIR/bootstrap.sql"
readonly DATADIR="$ECOM_DATA_DIR/mysql"
readonly SOCKET="$ECOM_RUN_DIR/mysql.sock"
readonly PIDFILE="$ECOM_RUN_DIR/mysql.pid"
readonly LOCKFILE="$ECOM_RUN_DIR/mysql.lock"
readonly ERROR_LOG="$ECOM_LOG_DIR/mysql.err"
readonly LAUNCH_LOG="$ECOM_LOG_DIR/mysql.out" # stdout/stderr of the server process (normally empty)
readonly SLOW_LOG="$ECOM_LOG_DIR/mysql-slow.log"
readonly MYSQL_HOST="${MYSQL_HOST:-127.0.0.1}"
readonly MYSQL_PORT="${MYSQL_PORT:-3306}"
readonly START_TIMEOUT=60
readonly STOP_GRACE=60

PRODUCT_DB_USER="${PRODUCT_DB_USER:-product_service}"
PRODUCT_DB_PASSWORD="${PRODUCT_DB_PASSWORD:-product_service_local}"
ORDER_DB_USER="${ORDER_DB_USER:-order_service}"
ORDER_DB_PASSWORD="${ORDER_DB_PASSWORD:-order_service_local}"

# Files to remove when the script exits (temporary policy-rc.d, client option files).
CLEANUP_FILES=()
cleanup() {
  if ((${#CLEANUP_FILES[@]})); then
    rm -f "${CLEANUP_FILES[@]}"
  fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------
# Binaries
# ---------------------------------------------------------------------------------------------

# find_bin NAME... : path of the first NAME found on PATH or in /usr/sbin, /usr/bin (the server
# lives in /usr/sbin, which is not on every user's PATH).
find_bin() {
  local name dir
  for name in "$@"; do
    if command -v "$name" >/dev/null 2>&1; then
      command -v "$name"
      return 0
    fi
    for dir in /usr/sbin /usr/bin; do
      [[ -x "$dir/$name" ]] && { echo "$dir/$name"; return 0; }
    done
  done
  return 1
}

server_bin() { find_bin mariadbd mysqld; }
install_db_bin() { find_bin mariadb-install-db mysql_install_db; }
client_bin() { find_bin mariadb mysql; }
admin_bin() { find_bin mariadb-admin mysqladmin; }

server_installed() { server_bin >/dev/null && install_db_bin >/dev/null && client_bin >/dev/null && admin_bin >/dev/null; }

# ---------------------------------------------------------------------------------------------
# install
# ---------------------------------------------------------------------------------------------

readonly POLICY_RC_D=/usr/sbin/policy-rc.d
readonly SYSTEM_PIDFILE=/run/mysqld/mysqld.pid

# Debian's postinst starts the system service (port 3306, /var/lib/mysql) through invoke-rc.d.
# A policy-rc.d that exits 101 ("action forbidden") stops that. An existing one (container images
# often ship one) is left untouched; one we create is removed again on exit, even on failure.
block_service_start() {
  if [[ -e "$POLICY_RC_D" ]]; then
    say "$C" "$POLICY_RC_D already exists, leaving it as it is"
    return 0
  fi
  printf '#!/bin/sh\n# Temporary, created by %s: no service starts during package installation.\nexit 101\n' \
    "$0" >"$POLICY_RC_D"
  chmod 755 "$POLICY_RC_D"
  CLEANUP_FILES+=("$POLICY_RC_D")
}

# Should a system server have been started anyway, stop it through its own pid file.
stop_system_server() {
  if pid_alive "$SYSTEM_PIDFILE"; then
    say "$C" "the package started a system mariadb (pid $(cat "$SYSTEM_PIDFILE")), stopping it"
    stop_pidfile "$C" "$SYSTEM_PIDFILE" "$STOP_GRACE"
  fi
}

cmd_install() {
  if server_installed; then
    say "$C" "already installed: $(server_bin)"
    return 0
  fi
  [[ $EUID -eq 0 ]] || die "$C" "mariadb-server is not installed and installing it needs root: run 'sudo $0 install' (or apt-get install mariadb-server mariadb-client)"
  command -v apt-get >/dev/null || die "$C" "apt-get not found: install mariadb-server and mariadb-client (10.11) with your package manager"

  local started=$SECONDS
  say "$C" "installing mariadb-server and mariadb-client with apt-get"
  block_service_start
  export DEBIAN_FRONTEND=noninteractive
  # Wait for a concurrent apt/dpkg run instead of failing on its lock.
  local apt_opts=(-o DPkg::Lock::Timeout=300)
  apt-get "${apt_opts[@]}" update >&2
  apt-get "${apt_opts[@]}" install -y --no-install-recommends mariadb-server mariadb-client >&2
  stop_system_server
  cleanup
  CLEANUP_FILES=()
  server_installed || die "$C" "apt-get finished but mariadbd/mariadb-install-db/mariadb were not found"
  say "$C" "installed $("$(server_bin)" --version) in $((SECONDS - started))s"
}

# ---------------------------------------------------------------------------------------------
# Our server
# ---------------------------------------------------------------------------------------------

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
local_client_args() {
  printf '%s\n' "--defaults-file=$MY_CNF" "--socket=$SOCKET" --user=root
}

ping_local() {
  "$(admin_bin)" --defaults-file="$MY_CNF" --socket="$SOCKET" --user=root --connect-timeout=2 ping >/dev/null 2>&1
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

# ---------------------------------------------------------------------------------------------
# Bootstrap SQL
# ---------------------------------------------------------------------------------------------

# sql_string VALUE : VALUE escaped for use inside a single-quoted SQL literal (backslash escapes
# are on: bootstrap.sql sets a session sql_mode without NO_BACKSLASH_ESCAPES).
sql_string() {
  local v="$1"
  v="${v//\\/\\\\}"
  v="${v//\'/\'\'}"
  printf '%s' "$v"
}

validate_settings() {
  local u
  for u in "$PRODUCT_DB_USER" "$ORDER_DB_USER"; do
    [[ "$u" =~ ^[A-Za-z0-9_]{1,32}$ ]] || die "$C" "invalid database user name '$u' (allowed: [A-Za-z0-9_], at most 32)"
  done
  [[ "$PRODUCT_DB_USER" != "$ORDER_DB_USER" ]] || die "$C" "PRODUCT_DB_USER and ORDER_DB_USER must differ"
  [[ -n "$PRODUCT_DB_PASSWORD" && -n "$ORDER_DB_PASSWORD" ]] || die "$C" "empty database passwords are not allowed"
}

# bootstrap.sql with its placeholders filled in. The replacement strings are quoted, so bash 5.2
# does not expand '&' in them (patsub_replacement).
render_bootstrap_sql() {
  local sql
  sql="$(<"$BOOTSTRAP_SQL")"
  sql="${sql//\{\{PRODUCT_DB_USER\}\}/"$PRODUCT_DB_USER"}"
  sql="${sql//\{\{PRODUCT_DB_PASSWORD\}\}/"$(sql_string "$PRODUCT_DB_PASSWORD")"}"
  sql="${sql//\{\{ORDER_DB_USER\}\}/"$ORDER_DB_USER"}"
  sql="${sql//\{\{ORDER_DB_PASSWORD\}\}/"$(sql_string "$ORDER_DB_PASSWORD")"}"
  printf '%s\n' "$sql"
}

# SQL that drops accounts able to shadow the service accounts 'x'@'%': anonymous accounts (''@host,
# matched before 'x'@'%' when their host is more specific) and the service users at any other host
# (e.g. 'product_service'@'localhost' with an old password). Generated by the server itself, so
# host names are quoted correctly.
shadow_accounts_sql() {
  sql_query "SELECT CONCAT('DROP USER ', QUOTE(User), '@', QUOTE(Host), ';') FROM mysql.user
             WHERE User = '' OR (User IN ('$PRODUCT_DB_USER', '$ORDER_DB_USER') AND Host <> '%')"
}

# Connection used by sql_query/apply_bootstrap: local socket as root, or external admin account.
CLIENT_ARGS=()

use_local_connection() {
  mapfile -t CLIENT_ARGS < <(local_client_args)
}

# The admin password goes into a private option file rather than onto the command line (where
# `ps` would show it). Option-file values in double quotes understand \\ and \".
use_external_connection() {
  local cnf pw
  cnf="$(mktemp "$ECOM_RUN_DIR/mysql-admin.XXXXXX.cnf")"
  CLEANUP_FILES+=("$cnf")
  pw="${MYSQL_ADMIN_PASSWORD:-}"
  pw="${pw//\\/\\\\}"
  pw="${pw//\"/\\\"}"
  printf '[client]\nuser="%s"\npassword="%s"\n' "$MYSQL_ADMIN_USER" "$pw" >"$cnf"
  # --defaults-extra-file must be the first option.
  CLIENT_ARGS=(--defaults-extra-file="$cnf" --protocol=TCP --host="$MYSQL_HOST" --port="$MYSQL_PORT")
}

sql_query() {
  "$(client_bin)" "${CLIENT_ARGS[@]}" --batch --skip-column-names --raw -e "$1"
}

apply_bootstrap() {
  validate_settings
  local drops
  drops="$(shadow_accounts_sql)" ||
    die "$C" "cannot query mysql.user as ${MYSQL_ADMIN_USER:-root} (connection refused or privileges missing, see above)"
  if [[ -n "$drops" ]]; then
    say "$C" "dropping shadowing accounts: ${drops//$'\n'/ }"
  fi
  { printf '%s\n' "$drops"; render_bootstrap_sql; } |
    "$(client_bin)" "${CLIENT_ARGS[@]}" --batch >&2 ||
    die "$C" "applying $BOOTSTRAP_SQL failed"
  say "$C" "databases product_db, order_db and users $PRODUCT_DB_USER, $ORDER_DB_USER are provisioned"
}

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------

# Serialise start/stop: two parallel starts must not both initialise or launch a server.
take_lock() {
  exec 9>"$LOCKFILE"
  flock 9
}

cmd_start() {
  take_lock
  if our_server_alive; then
    use_local_connection
    apply_bootstrap
    echo running
    return 0
  fi

  if port_open "$MYSQL_HOST" "$MYSQL_PORT"; then
    say "$C" "an external server accepts connections on $MYSQL_HOST:$MYSQL_PORT, using it"
    if [[ -n "${MYSQL_ADMIN_USER:-}" ]]; then
      client_bin >/dev/null || die "$C" "no mariadb/mysql client to provision the external server: run '$0 install'"
      use_external_connection
      apply_bootstrap
    else
      say "$C" "MYSQL_ADMIN_USER not set: not provisioning it; databases and users must already exist"
    fi
    echo external
    return 0
  fi

  start_local_server
  use_local_connection
  if [[ "$FRESH_DATADIR" == true ]]; then
    tidy_fresh_datadir
  fi
  apply_bootstrap
  echo started
}

cmd_stop() {
  take_lock
  our_server_alive || true # drops a stale pid file
  # SIGTERM is MariaDB's clean shutdown; the grace period covers flushing the buffer pool.
  stop_pidfile "$C" "$PIDFILE" "$STOP_GRACE"
}

cmd_status() {
  if our_server_alive; then
    say "$C" "pid $(cat "$PIDFILE"), 127.0.0.1:$MYSQL_PORT, socket $SOCKET"
    echo running
    return 0
  fi
  echo stopped
  return 1
}

cmd_client() {
  our_server_alive || die "$C" "our server is not running (start it with: $0 start)"
  local args
  mapfile -t args < <(local_client_args)
  exec "$(client_bin)" "${args[@]}" "$@"
}

main() {
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    client) cmd_client "$@" ;;
    *)
      echo "usage: $0 install|start|stop|status|client [ARGS...]" >&2
      exit 2
      ;;
  esac
}

main "$@"
